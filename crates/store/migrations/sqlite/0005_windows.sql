-- Pre-order windows (issue 4): the window and its grade offers with the fee breakdown, its city
-- drop points, farmers' supply declarations with their allocation, and the link from an order to
-- its window. The window's scheduled work (open, close-and-allocate) uses `scheduled_tasks`
-- with the window id in its `order_id` column.

CREATE TABLE windows (
    county_id        TEXT NOT NULL REFERENCES counties (county_id),
    window_id        TEXT NOT NULL,
    title            TEXT NOT NULL,
    product_id       TEXT NOT NULL,
    -- The county operating centre's person who sells on the window's orders.
    seller_id        TEXT NOT NULL,
    state            TEXT NOT NULL,
    opens_us         INTEGER NOT NULL,
    closes_us        INTEGER NOT NULL,
    harvest_date     TEXT NOT NULL,
    delivery_date    TEXT NOT NULL,
    minimum_kg       INTEGER NOT NULL,
    min_lot_kg       INTEGER NOT NULL,
    created_by_user  TEXT NOT NULL,
    created_us       INTEGER NOT NULL,
    updated_us       INTEGER NOT NULL,
    PRIMARY KEY (county_id, window_id),
    FOREIGN KEY (county_id, product_id) REFERENCES products (county_id, product_id),
    FOREIGN KEY (county_id, seller_id) REFERENCES people (county_id, person_id)
);
CREATE INDEX ix_windows_state ON windows (county_id, state);

CREATE TABLE window_offers (
    county_id               TEXT NOT NULL,
    window_id               TEXT NOT NULL,
    grade                   TEXT NOT NULL,
    position                INTEGER NOT NULL,
    buyer_price_fen         INTEGER NOT NULL,
    farmer_price_fen        INTEGER NOT NULL,
    transport_fen           INTEGER NOT NULL,
    packing_fen             INTEGER NOT NULL,
    station_commission_fen  INTEGER NOT NULL,
    platform_fen            INTEGER NOT NULL,
    PRIMARY KEY (county_id, window_id, grade),
    FOREIGN KEY (county_id, window_id) REFERENCES windows (county_id, window_id)
);

CREATE TABLE window_drop_points (
    county_id      TEXT NOT NULL,
    window_id      TEXT NOT NULL,
    drop_point_id  TEXT NOT NULL,
    PRIMARY KEY (county_id, window_id, drop_point_id),
    FOREIGN KEY (county_id, window_id) REFERENCES windows (county_id, window_id),
    FOREIGN KEY (county_id, drop_point_id) REFERENCES drop_points (county_id, drop_point_id)
);

CREATE TABLE window_supply (
    county_id     TEXT NOT NULL,
    supply_id     TEXT NOT NULL,
    window_id     TEXT NOT NULL,
    farmer_id     TEXT NOT NULL,
    station_id    TEXT NOT NULL,
    grade         TEXT NOT NULL,
    kg            INTEGER NOT NULL,
    ready_date    TEXT NOT NULL,
    -- Set when the window is allocated.
    allocated_kg  INTEGER,
    created_us    INTEGER NOT NULL,
    PRIMARY KEY (county_id, supply_id),
    FOREIGN KEY (county_id, window_id) REFERENCES windows (county_id, window_id),
    FOREIGN KEY (county_id, farmer_id) REFERENCES people (county_id, person_id),
    FOREIGN KEY (county_id, station_id) REFERENCES stations (county_id, station_id)
);
CREATE INDEX ix_window_supply_window ON window_supply (county_id, window_id);

ALTER TABLE orders ADD COLUMN window_id TEXT;
CREATE INDEX ix_orders_window ON orders (county_id, window_id);
