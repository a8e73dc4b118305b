-- Claims with evidence and decisions, ratings, and the county's trust settings.

ALTER TABLE county_settings ADD COLUMN claim_window_us BIGINT NOT NULL DEFAULT 604800000000;
ALTER TABLE county_settings ADD COLUMN appeal_window_us BIGINT NOT NULL DEFAULT 259200000000;
ALTER TABLE county_settings ADD COLUMN seller_debt_limit_fen BIGINT NOT NULL DEFAULT 50000;
ALTER TABLE county_settings ADD COLUMN trust_threshold BIGINT NOT NULL DEFAULT 30;

CREATE TABLE claims (
    county_id          TEXT NOT NULL,
    claim_id           TEXT NOT NULL,
    order_id           TEXT NOT NULL,
    buyer_id           TEXT NOT NULL,
    seller_id          TEXT NOT NULL,
    kind               TEXT NOT NULL,
    state              TEXT NOT NULL,
    claimed_fen        BIGINT NOT NULL,
    measured_weight_g  BIGINT,
    description        TEXT NOT NULL,
    opened_by          TEXT NOT NULL,
    opened_us          BIGINT NOT NULL,
    answer             TEXT,
    answered_by        TEXT,
    answered_us        BIGINT,
    outcome            TEXT,
    refund_fen         BIGINT,
    decision_reason    TEXT,
    decided_by         TEXT,
    decided_us         BIGINT,
    final_us           BIGINT,
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
    line_no    BIGINT NOT NULL,
    units      BIGINT NOT NULL,
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
    bytes         BYTEA NOT NULL,
    size          BIGINT NOT NULL,
    created_us    BIGINT NOT NULL,
    PRIMARY KEY (county_id, evidence_id),
    FOREIGN KEY (county_id, claim_id) REFERENCES claims (county_id, claim_id)
);

CREATE TABLE ratings (
    county_id   TEXT NOT NULL,
    order_id    TEXT NOT NULL,
    stars       BIGINT NOT NULL,
    comment     TEXT NOT NULL,
    reply       TEXT,
    rated_us    BIGINT NOT NULL,
    replied_us  BIGINT,
    PRIMARY KEY (county_id, order_id),
    FOREIGN KEY (county_id, order_id) REFERENCES orders (county_id, order_id)
);
