-- Claims with evidence and decisions, ratings, and the county's trust settings.

ALTER TABLE county_settings ADD COLUMN claim_window_us INTEGER NOT NULL DEFAULT 604800000000;
ALTER TABLE county_settings ADD COLUMN appeal_window_us INTEGER NOT NULL DEFAULT 259200000000;
ALTER TABLE county_settings ADD COLUMN seller_debt_limit_fen INTEGER NOT NULL DEFAULT 50000;
ALTER TABLE county_settings ADD COLUMN trust_threshold INTEGER NOT NULL DEFAULT 30;

CREATE TABLE claims (
    county_id          TEXT NOT NULL,
    claim_id           TEXT NOT NULL,
    order_id           TEXT NOT NULL,
    buyer_id           TEXT NOT NULL,
    seller_id          TEXT NOT NULL,
    kind               TEXT NOT NULL,
    state              TEXT NOT NULL,
    claimed_fen        INTEGER NOT NULL,
    measured_weight_g  INTEGER,
    description        TEXT NOT NULL,
    opened_by          TEXT NOT NULL,
    opened_us          INTEGER NOT NULL,
    answer             TEXT,
    answered_by        TEXT,
    answered_us        INTEGER,
    outcome            TEXT,
    refund_fen         INTEGER,
    decision_reason    TEXT,
    decided_by         TEXT,
    decided_us         INTEGER,
    final_us           INTEGER,
    PRIMARY KEY (county_id, claim_id),
    FOREIGN KEY (county_id, order_id) REFERENCES orders (county_id, order_id)
);
CREATE INDEX ix_claims_order ON claims (county_id, order_id);
CREATE INDEX ix_claims_state ON claims (county_id, state);

-- The order lines a claim concerns; a line is claimed at most once.
CREATE TABLE claim_lines (
    county_id  TEXT NOT NULL,
    claim_id   TEXT NOT NULL,
    order_id   TEXT NOT NULL,
    line_no    INTEGER NOT NULL,
    units      INTEGER NOT NULL,
    PRIMARY KEY (county_id, claim_id, line_no),
    CONSTRAINT uq_claim_lines_line_no UNIQUE (county_id, order_id, line_no),
    FOREIGN KEY (county_id, claim_id) REFERENCES claims (county_id, claim_id)
);

CREATE TABLE claim_evidence (
    county_id     TEXT NOT NULL,
    evidence_id   TEXT NOT NULL,
    claim_id      TEXT NOT NULL,
    side          TEXT NOT NULL,
    by_user       TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    bytes         BLOB NOT NULL,
    size          INTEGER NOT NULL,
    created_us    INTEGER NOT NULL,
    PRIMARY KEY (county_id, evidence_id),
    FOREIGN KEY (county_id, claim_id) REFERENCES claims (county_id, claim_id)
);

CREATE TABLE ratings (
    county_id   TEXT NOT NULL,
    order_id    TEXT NOT NULL,
    stars       INTEGER NOT NULL,
    comment     TEXT NOT NULL,
    reply       TEXT,
    rated_us    INTEGER NOT NULL,
    replied_us  INTEGER,
    PRIMARY KEY (county_id, order_id),
    FOREIGN KEY (county_id, order_id) REFERENCES orders (county_id, order_id)
);
