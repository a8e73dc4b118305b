-- The county network, its people, logins, sessions and idempotency records.
-- Tenant tables carry county_id in their primary key, unique constraints and foreign keys, so the
-- schema distributes by county on Citus unchanged. Times are INTEGER UTC microseconds.

CREATE TABLE counties (
    county_id   TEXT PRIMARY KEY,
    code        TEXT NOT NULL,
    name        TEXT NOT NULL,
    time_zone   TEXT NOT NULL,
    centre_lat_e6 INTEGER NOT NULL,
    centre_lon_e6 INTEGER NOT NULL,
    south_e6    INTEGER NOT NULL,
    west_e6     INTEGER NOT NULL,
    north_e6    INTEGER NOT NULL,
    east_e6     INTEGER NOT NULL,
    created_us  INTEGER NOT NULL,
    CONSTRAINT uq_counties_code UNIQUE (code)
);

CREATE TABLE users (
    user_id       TEXT PRIMARY KEY,
    username      TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    display_name  TEXT NOT NULL,
    is_admin      INTEGER NOT NULL DEFAULT 0,
    locale        TEXT,
    created_us    INTEGER NOT NULL,
    CONSTRAINT uq_users_username UNIQUE (username)
);

CREATE TABLE townships (
    county_id    TEXT NOT NULL REFERENCES counties (county_id),
    township_id  TEXT NOT NULL,
    code         TEXT NOT NULL,
    name         TEXT NOT NULL,
    lat_e6       INTEGER NOT NULL,
    lon_e6       INTEGER NOT NULL,
    created_us   INTEGER NOT NULL,
    PRIMARY KEY (county_id, township_id),
    CONSTRAINT uq_townships_code UNIQUE (county_id, code)
);

CREATE TABLE villages (
    county_id    TEXT NOT NULL,
    village_id   TEXT NOT NULL,
    township_id  TEXT NOT NULL,
    code         TEXT NOT NULL,
    name         TEXT NOT NULL,
    lat_e6       INTEGER NOT NULL,
    lon_e6       INTEGER NOT NULL,
    population   INTEGER NOT NULL,
    households   INTEGER NOT NULL,
    road_class   TEXT NOT NULL,
    created_us   INTEGER NOT NULL,
    PRIMARY KEY (county_id, village_id),
    CONSTRAINT uq_villages_code UNIQUE (county_id, code),
    FOREIGN KEY (county_id, township_id) REFERENCES townships (county_id, township_id)
);

CREATE TABLE hubs (
    county_id    TEXT NOT NULL REFERENCES counties (county_id),
    hub_id       TEXT NOT NULL,
    code         TEXT NOT NULL,
    name         TEXT NOT NULL,
    kind         TEXT NOT NULL,
    lat_e6       INTEGER NOT NULL,
    lon_e6       INTEGER NOT NULL,
    created_us   INTEGER NOT NULL,
    PRIMARY KEY (county_id, hub_id),
    CONSTRAINT uq_hubs_code UNIQUE (county_id, code)
);

CREATE TABLE stations (
    county_id       TEXT NOT NULL,
    station_id      TEXT NOT NULL,
    village_id      TEXT NOT NULL,
    code            TEXT NOT NULL,
    name            TEXT NOT NULL,
    open_min        INTEGER NOT NULL,
    close_min       INTEGER NOT NULL,
    cold_storage_kg INTEGER NOT NULL,
    certified_scale INTEGER NOT NULL,
    created_us      INTEGER NOT NULL,
    PRIMARY KEY (county_id, station_id),
    CONSTRAINT uq_stations_code UNIQUE (county_id, code),
    FOREIGN KEY (county_id, village_id) REFERENCES villages (county_id, village_id)
);

CREATE TABLE people (
    county_id      TEXT NOT NULL REFERENCES counties (county_id),
    person_id      TEXT NOT NULL,
    role           TEXT NOT NULL,
    name           TEXT NOT NULL,
    phone          TEXT,
    village_id     TEXT,
    station_id     TEXT,
    buyer_kind     TEXT,
    household_size INTEGER,
    user_id        TEXT REFERENCES users (user_id),
    created_us     INTEGER NOT NULL,
    PRIMARY KEY (county_id, person_id),
    CONSTRAINT uq_people_phone UNIQUE (county_id, role, phone),
    CONSTRAINT uq_people_user UNIQUE (county_id, role, user_id),
    FOREIGN KEY (county_id, village_id) REFERENCES villages (county_id, village_id),
    FOREIGN KEY (county_id, station_id) REFERENCES stations (county_id, station_id)
);
CREATE INDEX ix_people_user ON people (user_id);

CREATE TABLE sessions (
    token_hash  TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users (user_id),
    kind        TEXT NOT NULL,
    csrf_token  TEXT NOT NULL,
    created_us  INTEGER NOT NULL,
    expires_us  INTEGER NOT NULL,
    revoked_us  INTEGER
);
CREATE INDEX ix_sessions_user ON sessions (user_id);

CREATE TABLE login_failures (
    username  TEXT NOT NULL,
    at_us     INTEGER NOT NULL
);
CREATE INDEX ix_login_failures ON login_failures (username, at_us);

-- The first response of every retryable write, replayed for a retry with the same key.
-- county_id is the all-zero id for platform-wide writes (counties, users).
CREATE TABLE idempotency (
    county_id     TEXT NOT NULL,
    user_id       TEXT NOT NULL,
    idem_key      TEXT NOT NULL,
    request_hash  TEXT NOT NULL,
    response      TEXT NOT NULL,
    created_us    INTEGER NOT NULL,
    PRIMARY KEY (county_id, user_id, idem_key)
);
