-- The catalog: products (what is sold, per county) and listings (a seller's offer of a product).
-- Tenant tables: county_id leads every key (Citus distributes by it). A product's grade scheme
-- is a JSON list in `grades`:
-- it is always read and written whole with its product, and orders and intake records refer to
-- a grade by its code, never by a row. `search_key` (lower-case names and pinyin initials) is
-- computed in Rust on every write so a search is one LIKE on one column.

CREATE TABLE products (
    county_id            TEXT NOT NULL REFERENCES counties (county_id),
    product_id           TEXT NOT NULL,
    direction            TEXT NOT NULL,
    category             TEXT NOT NULL,
    name                 TEXT NOT NULL,
    name_en              TEXT,
    sale_unit            TEXT NOT NULL,
    unit_grams           BIGINT NOT NULL CHECK (unit_grams > 0),
    unit_cm3             BIGINT NOT NULL CHECK (unit_cm3 > 0),
    gtin                 TEXT,
    storage_class        TEXT NOT NULL,
    shelf_life_days      BIGINT NOT NULL,
    tolerance_bps        BIGINT NOT NULL,
    requires_certificate BIGINT NOT NULL,
    grades               TEXT NOT NULL,
    search_key           TEXT NOT NULL,
    created_us           BIGINT NOT NULL,
    updated_us           BIGINT NOT NULL,
    PRIMARY KEY (county_id, product_id),
    CONSTRAINT uq_products_gtin UNIQUE (county_id, gtin)
);
CREATE INDEX ix_products_search ON products (county_id, search_key);
CREATE INDEX ix_products_category ON products (county_id, category, direction);

-- direction, category and search_key are copies of the product's, kept equal by every product
-- update, so the catalog search filters and counts the listings table alone (a join per row to
-- products made a search of 10,000 listings ten times slower on SQLite).
-- stock_units is set for downlink listings (units at the county hub), offered_units for uplink
-- ones (the harvest on offer); the other is NULL, so a reservation of the wrong kind matches
-- no row. The CHECKs are the last guard against overselling: a reservation can never take a
-- count below zero, whatever the caller does.
CREATE TABLE listings (
    county_id         TEXT NOT NULL,
    listing_id        TEXT NOT NULL,
    product_id        TEXT NOT NULL,
    seller_id         TEXT NOT NULL,
    direction         TEXT NOT NULL,
    category          TEXT NOT NULL,
    search_key        TEXT NOT NULL,
    price_fen         BIGINT NOT NULL CHECK (price_fen > 0),
    stock_units       BIGINT CHECK (stock_units >= 0),
    offered_units     BIGINT CHECK (offered_units >= 0),
    harvest_date      TEXT,
    origin_village_id TEXT,
    min_order_units   BIGINT NOT NULL CHECK (min_order_units >= 1),
    active            BIGINT NOT NULL,
    created_us        BIGINT NOT NULL,
    updated_us        BIGINT NOT NULL,
    PRIMARY KEY (county_id, listing_id),
    FOREIGN KEY (county_id, product_id) REFERENCES products (county_id, product_id),
    FOREIGN KEY (county_id, seller_id) REFERENCES people (county_id, person_id),
    FOREIGN KEY (county_id, origin_village_id) REFERENCES villages (county_id, village_id)
);
CREATE INDEX ix_listings_product ON listings (county_id, product_id);
CREATE INDEX ix_listings_seller ON listings (county_id, seller_id);
CREATE INDEX ix_listings_village ON listings (county_id, origin_village_id);
CREATE INDEX ix_listings_search ON listings (county_id, active, search_key);
CREATE INDEX ix_listings_category ON listings (county_id, category, direction);
