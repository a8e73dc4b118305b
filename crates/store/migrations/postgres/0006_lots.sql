-- Lots from intake onwards (issue 4): the lot with its intake record and current custodian, its
-- history of custody hand-offs, merges and splits (the trace), weight-loss incidents against a
-- leg's custodian (issue 6 adds the claims queue on top), and the fills of window orders.

CREATE TABLE lots (
    county_id          TEXT NOT NULL REFERENCES counties (county_id),
    lot_id             TEXT NOT NULL,
    lot_code           TEXT NOT NULL,
    window_id          TEXT,
    product_id         TEXT NOT NULL,
    grade              TEXT NOT NULL,
    -- Intake lots: who grew it, where it was taken in; a pallet has none of these.
    farmer_id          TEXT,
    origin_village_id  TEXT,
    station_id         TEXT,
    gross_g            BIGINT,
    tare_g             BIGINT,
    grade_reason       TEXT,
    certificate_no     TEXT,
    harvest_date       TEXT,
    farmer_price_fen   BIGINT,
    payout_fen         BIGINT,
    -- Weight when the lot was made, and what it holds now (less what was split off or filled).
    made_g             BIGINT NOT NULL,
    weight_g           BIGINT NOT NULL,
    custodian_id       TEXT NOT NULL,
    place_kind         TEXT NOT NULL,
    place_code         TEXT NOT NULL,
    -- active, merged (into a pallet) or used (nothing left).
    state              TEXT NOT NULL,
    made_us            BIGINT NOT NULL,
    updated_us         BIGINT NOT NULL,
    PRIMARY KEY (county_id, lot_id),
    CONSTRAINT uq_lots_lot_code UNIQUE (county_id, lot_code),
    FOREIGN KEY (county_id, product_id) REFERENCES products (county_id, product_id),
    FOREIGN KEY (county_id, custodian_id) REFERENCES people (county_id, person_id),
    FOREIGN KEY (county_id, farmer_id) REFERENCES people (county_id, person_id)
);
CREATE INDEX ix_lots_window ON lots (county_id, window_id);
CREATE INDEX ix_lots_custodian ON lots (county_id, custodian_id);

CREATE TABLE lot_events (
    county_id     TEXT NOT NULL,
    lot_id        TEXT NOT NULL,
    seq           BIGINT NOT NULL,
    -- intake, handoff, merged_into, merged_from, split_into, split_from, fill
    kind          TEXT NOT NULL,
    from_person   TEXT,
    to_person     TEXT,
    from_role     TEXT,
    to_role       TEXT,
    place_kind    TEXT NOT NULL,
    place_code    TEXT NOT NULL,
    weight_g      BIGINT NOT NULL,
    loss_g        BIGINT NOT NULL,
    other_lot_id  TEXT,
    order_id      TEXT,
    by_user       TEXT,
    at_us         BIGINT NOT NULL,
    PRIMARY KEY (county_id, lot_id, seq),
    FOREIGN KEY (county_id, lot_id) REFERENCES lots (county_id, lot_id)
);

CREATE TABLE incidents (
    county_id     TEXT NOT NULL,
    incident_id   TEXT NOT NULL,
    lot_id        TEXT NOT NULL,
    event_seq     BIGINT NOT NULL,
    custodian_id  TEXT NOT NULL,
    kind          TEXT NOT NULL,
    given_g       BIGINT NOT NULL,
    taken_g       BIGINT NOT NULL,
    loss_g        BIGINT NOT NULL,
    allowed_g     BIGINT NOT NULL,
    state         TEXT NOT NULL,
    opened_us     BIGINT NOT NULL,
    PRIMARY KEY (county_id, incident_id),
    FOREIGN KEY (county_id, lot_id) REFERENCES lots (county_id, lot_id),
    FOREIGN KEY (county_id, custodian_id) REFERENCES people (county_id, person_id)
);
CREATE INDEX ix_incidents_custodian ON incidents (county_id, custodian_id);

CREATE TABLE window_fills (
    county_id    TEXT NOT NULL,
    order_id     TEXT NOT NULL,
    lot_id       TEXT NOT NULL,
    weight_g     BIGINT NOT NULL,
    charged_fen  BIGINT NOT NULL,
    refund_fen   BIGINT NOT NULL,
    at_us        BIGINT NOT NULL,
    PRIMARY KEY (county_id, order_id),
    FOREIGN KEY (county_id, order_id) REFERENCES orders (county_id, order_id),
    FOREIGN KEY (county_id, lot_id) REFERENCES lots (county_id, lot_id)
);
