-- Orders in both directions, their lines and history, county settings, city drop points, and
-- the scheduled work (auto-acceptance, commission release, stale reservations) kept as rows so
-- that it survives restarts and is done exactly once.

CREATE TABLE county_settings (
    county_id              TEXT PRIMARY KEY REFERENCES counties (county_id),
    platform_fee_bps       BIGINT NOT NULL,
    agent_commission_bps   BIGINT NOT NULL,
    acceptance_window_us   BIGINT NOT NULL,
    return_window_us       BIGINT NOT NULL,
    reservation_ttl_us     BIGINT NOT NULL,
    updated_us             BIGINT NOT NULL
);

CREATE TABLE drop_points (
    county_id      TEXT NOT NULL REFERENCES counties (county_id),
    drop_point_id  TEXT NOT NULL,
    code           TEXT NOT NULL,
    name           TEXT NOT NULL,
    city           TEXT NOT NULL,
    lat_e6         BIGINT NOT NULL,
    lon_e6         BIGINT NOT NULL,
    created_us     BIGINT NOT NULL,
    PRIMARY KEY (county_id, drop_point_id),
    CONSTRAINT uq_drop_points_code UNIQUE (county_id, code)
);

CREATE TABLE orders (
    county_id          TEXT NOT NULL REFERENCES counties (county_id),
    order_id           TEXT NOT NULL,
    order_no           TEXT NOT NULL,
    direction          TEXT NOT NULL,
    state              TEXT NOT NULL,
    buyer_id           TEXT NOT NULL,
    seller_id          TEXT NOT NULL,
    -- The station agent who ordered for the buyer (assisted ordering), if any.
    agent_id           TEXT,
    placed_by_user     TEXT NOT NULL,
    station_id         TEXT,
    drop_point_id      TEXT,
    address            TEXT,
    pickup_code        TEXT NOT NULL,
    total_fen          BIGINT NOT NULL,
    weight_g           BIGINT NOT NULL,
    payment_method     TEXT,
    payment_reference  TEXT NOT NULL,
    placed_us          BIGINT NOT NULL,
    paid_us            BIGINT,
    delivered_us       BIGINT,
    accepted_us        BIGINT,
    return_until_us    BIGINT,
    updated_us         BIGINT NOT NULL,
    PRIMARY KEY (county_id, order_id),
    CONSTRAINT uq_orders_order_no UNIQUE (county_id, order_no),
    CONSTRAINT uq_orders_payment_reference UNIQUE (county_id, payment_reference),
    FOREIGN KEY (county_id, buyer_id) REFERENCES people (county_id, person_id),
    FOREIGN KEY (county_id, seller_id) REFERENCES people (county_id, person_id),
    FOREIGN KEY (county_id, agent_id) REFERENCES people (county_id, person_id),
    FOREIGN KEY (county_id, station_id) REFERENCES stations (county_id, station_id),
    FOREIGN KEY (county_id, drop_point_id) REFERENCES drop_points (county_id, drop_point_id)
);
CREATE INDEX ix_orders_buyer ON orders (county_id, buyer_id);
CREATE INDEX ix_orders_seller ON orders (county_id, seller_id);
CREATE INDEX ix_orders_station_code ON orders (county_id, station_id, pickup_code);
CREATE INDEX ix_orders_state ON orders (county_id, state);

CREATE TABLE order_lines (
    county_id       TEXT NOT NULL,
    order_id        TEXT NOT NULL,
    line_no         BIGINT NOT NULL,
    listing_id      TEXT NOT NULL,
    product_id      TEXT NOT NULL,
    product_name    TEXT NOT NULL,
    grade           TEXT,
    units           BIGINT NOT NULL,
    unit_price_fen  BIGINT NOT NULL,
    line_total_fen  BIGINT NOT NULL,
    weight_g        BIGINT NOT NULL,
    PRIMARY KEY (county_id, order_id, line_no),
    FOREIGN KEY (county_id, order_id) REFERENCES orders (county_id, order_id)
);

-- Who moved the order, when, and from which state to which: the order's history.
CREATE TABLE order_events (
    county_id   TEXT NOT NULL,
    order_id    TEXT NOT NULL,
    seq         BIGINT NOT NULL,
    event       TEXT NOT NULL,
    from_state  TEXT NOT NULL,
    to_state    TEXT NOT NULL,
    actor_user  TEXT,
    note        TEXT,
    at_us       BIGINT NOT NULL,
    PRIMARY KEY (county_id, order_id, seq),
    FOREIGN KEY (county_id, order_id) REFERENCES orders (county_id, order_id)
);

CREATE TABLE scheduled_tasks (
    county_id   TEXT NOT NULL,
    task_id     TEXT NOT NULL,
    kind        TEXT NOT NULL,
    order_id    TEXT NOT NULL,
    due_us      BIGINT NOT NULL,
    done_us     BIGINT,
    outcome     TEXT,
    PRIMARY KEY (county_id, task_id),
    CONSTRAINT uq_scheduled_tasks_kind UNIQUE (county_id, order_id, kind)
);
CREATE INDEX ix_scheduled_tasks_due ON scheduled_tasks (done_us, due_us);
