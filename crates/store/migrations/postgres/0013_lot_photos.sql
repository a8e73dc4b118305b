-- Photos of a lot's produce, taken at intake or later by the station's agent, an inspector or
-- the operator: the bytes kept by Uplink like claim evidence, with their type, size, who and when.

CREATE TABLE lot_photos (
    county_id     TEXT NOT NULL,
    photo_id      TEXT NOT NULL,
    lot_id        TEXT NOT NULL,
    by_user       TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    bytes         BYTEA NOT NULL,
    size          BIGINT NOT NULL,
    created_us    BIGINT NOT NULL,
    PRIMARY KEY (county_id, photo_id),
    FOREIGN KEY (county_id, lot_id) REFERENCES lots (county_id, lot_id)
);

CREATE INDEX lot_photos_by_lot ON lot_photos (county_id, lot_id, created_us);
