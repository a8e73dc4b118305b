-- Dispatch (issue 5): the county's fleet, its imported road matrix, the day plans (each re-plan a
-- new version) and what drivers record at each stop. A plan's route sheets, unplanned jobs and
-- cost allocation are a report read and written whole, so they are one JSON text (`report`); the
-- figures a list or a dashboard needs are columns beside it.

CREATE TABLE vehicles (
    county_id          TEXT NOT NULL REFERENCES counties (county_id),
    vehicle_id         TEXT NOT NULL,
    code               TEXT NOT NULL,
    plate              TEXT NOT NULL,
    capacity_g         BIGINT NOT NULL CHECK (capacity_g > 0),
    capacity_cm3       BIGINT NOT NULL CHECK (capacity_cm3 > 0),
    refrigerated       BIGINT NOT NULL,
    cost_per_km_fen    BIGINT NOT NULL CHECK (cost_per_km_fen >= 0),
    cost_per_hour_fen  BIGINT NOT NULL CHECK (cost_per_hour_fen >= 0),
    cost_per_day_fen   BIGINT NOT NULL CHECK (cost_per_day_fen >= 0),
    shift_start_min    BIGINT NOT NULL,
    shift_end_min      BIGINT NOT NULL,
    depot_hub_id       TEXT NOT NULL,
    driver_id          TEXT,
    active             BIGINT NOT NULL,
    created_us         BIGINT NOT NULL,
    updated_us         BIGINT NOT NULL,
    PRIMARY KEY (county_id, vehicle_id),
    CONSTRAINT uq_vehicles_code UNIQUE (county_id, code),
    FOREIGN KEY (county_id, depot_hub_id) REFERENCES hubs (county_id, hub_id),
    FOREIGN KEY (county_id, driver_id) REFERENCES people (county_id, person_id)
);

-- One imported distance/time matrix per county (from OSRM, Valhalla …), as the CSV it came in.
CREATE TABLE road_matrices (
    county_id    TEXT PRIMARY KEY REFERENCES counties (county_id),
    csv          TEXT NOT NULL,
    rows_count   BIGINT NOT NULL,
    imported_by  TEXT NOT NULL,
    imported_us  BIGINT NOT NULL
);

CREATE TABLE dispatch_plans (
    county_id           TEXT NOT NULL REFERENCES counties (county_id),
    plan_id             TEXT NOT NULL,
    plan_date           TEXT NOT NULL,
    version             BIGINT NOT NULL,
    created_by          TEXT,
    created_us          BIGINT NOT NULL,
    time_limit_s        BIGINT NOT NULL,
    road_source         TEXT NOT NULL,
    vehicles_used       BIGINT NOT NULL,
    jobs_routed         BIGINT NOT NULL,
    jobs_unplanned      BIGINT NOT NULL,
    distance_m          BIGINT NOT NULL,
    cost_fen            BIGINT NOT NULL,
    distance_saving_bp  BIGINT NOT NULL,
    cost_saving_bp      BIGINT NOT NULL,
    report              TEXT NOT NULL,
    PRIMARY KEY (county_id, plan_id),
    CONSTRAINT uq_dispatch_plans_version UNIQUE (county_id, plan_date, version)
);

-- What a driver handed over or took on at a stop, by order or lot. Issue 4's custody hand-offs
-- consume these rows (weight against the expected weight of the sheet).
CREATE TABLE dispatch_stops (
    county_id          TEXT NOT NULL,
    record_id          TEXT NOT NULL,
    plan_id            TEXT NOT NULL,
    vehicle_code       TEXT NOT NULL,
    stop_no            BIGINT NOT NULL,
    place_code         TEXT NOT NULL,
    handoff            TEXT NOT NULL,
    ref                TEXT NOT NULL,
    expected_weight_g  BIGINT NOT NULL,
    weight_g           BIGINT NOT NULL CHECK (weight_g >= 0),
    recorded_by        TEXT NOT NULL,
    recorded_us        BIGINT NOT NULL,
    PRIMARY KEY (county_id, record_id),
    FOREIGN KEY (county_id, plan_id) REFERENCES dispatch_plans (county_id, plan_id)
);
CREATE INDEX ix_dispatch_stops_plan ON dispatch_stops (county_id, plan_id, vehicle_code);
