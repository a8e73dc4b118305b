-- The county dashboard (issue 8). Orders are pre-aggregated per county, local day, direction and
-- station, so a year's dashboard reads thousands of rows, not millions of order lines. The
-- aggregate stays equal to the raw orders: every write that changes what an order counts for
-- marks its quarter hour dirty (triggers below, in the writer's own transaction); the scheduled
-- work (`service::dashboard::refresh`) recomputes dirty days from the raw rows, and the dashboard
-- reads raw rows for dirty days and today. A person or station change that moves orders between
-- stations marks the whole county (slot -1), which is then rebuilt from scratch.
-- On Citus the triggers need citus.enable_unsafe_triggers; they write only rows of the same
-- county, co-located with the row that fires them.

CREATE TABLE dashboard_order_days (
    county_id   TEXT NOT NULL REFERENCES counties (county_id),
    -- Days since 1970-01-01 in the county's time zone, of the day the order was placed.
    day         BIGINT NOT NULL,
    direction   TEXT NOT NULL,
    -- The order's station (see core::metrics), '' for none.
    station_id  TEXT NOT NULL,
    orders      BIGINT NOT NULL,
    gmv_fen     BIGINT NOT NULL,
    weight_g    BIGINT NOT NULL,
    PRIMARY KEY (county_id, day, direction, station_id)
);
CREATE INDEX ix_dashboard_order_days_station ON dashboard_order_days (county_id, station_id, day);

-- A quarter hour (placed_us / 900 000 000; every time zone's offset is a whole number of quarter
-- hours, so it lies in one local day) whose orders changed since the aggregate was computed.
-- `gen` grows with every mark, so a refresh removes only the mark it read.
CREATE TABLE dashboard_dirty (
    county_id  TEXT NOT NULL,
    slot       BIGINT NOT NULL,
    gen        BIGINT NOT NULL,
    PRIMARY KEY (county_id, slot)
);

CREATE FUNCTION dashboard_mark(county TEXT, slot_no BIGINT) RETURNS void LANGUAGE sql AS $$
    INSERT INTO dashboard_dirty (county_id, slot, gen) VALUES (county, slot_no, 1)
        ON CONFLICT (county_id, slot) DO UPDATE SET gen = dashboard_dirty.gen + 1;
$$;

CREATE FUNCTION dashboard_order_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM dashboard_mark(OLD.county_id, OLD.placed_us / 900000000);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM dashboard_mark(NEW.county_id, NEW.placed_us / 900000000);
    END IF;
    RETURN NULL;
END;
$$;

CREATE FUNCTION dashboard_county_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM dashboard_mark(NEW.county_id, -1);
    RETURN NULL;
END;
$$;

CREATE TRIGGER tr_dashboard_order_insert AFTER INSERT ON orders
    FOR EACH ROW EXECUTE FUNCTION dashboard_order_changed();

CREATE TRIGGER tr_dashboard_order_update AFTER UPDATE ON orders FOR EACH ROW
    WHEN ((OLD.state = 'cancelled') <> (NEW.state = 'cancelled') OR OLD.total_fen <> NEW.total_fen
        OR OLD.weight_g <> NEW.weight_g OR OLD.placed_us <> NEW.placed_us OR OLD.direction <> NEW.direction
        OR OLD.seller_id <> NEW.seller_id OR OLD.station_id IS DISTINCT FROM NEW.station_id)
    EXECUTE FUNCTION dashboard_order_changed();

CREATE TRIGGER tr_dashboard_order_delete AFTER DELETE ON orders
    FOR EACH ROW EXECUTE FUNCTION dashboard_order_changed();

CREATE TRIGGER tr_dashboard_person_moves AFTER UPDATE ON people FOR EACH ROW
    WHEN (OLD.station_id IS DISTINCT FROM NEW.station_id OR OLD.village_id IS DISTINCT FROM NEW.village_id)
    EXECUTE FUNCTION dashboard_county_changed();

CREATE TRIGGER tr_dashboard_station_insert AFTER INSERT ON stations
    FOR EACH ROW EXECUTE FUNCTION dashboard_county_changed();

CREATE TRIGGER tr_dashboard_station_moves AFTER UPDATE ON stations FOR EACH ROW
    WHEN (OLD.village_id <> NEW.village_id)
    EXECUTE FUNCTION dashboard_county_changed();

-- The raw reads of the other figures, by time within the county.
CREATE INDEX ix_orders_placed ON orders (county_id, placed_us);
CREATE INDEX ix_lots_made ON lots (county_id, made_us);
CREATE INDEX ix_lot_events_at ON lot_events (county_id, at_us);
CREATE INDEX ix_claims_opened ON claims (county_id, opened_us);
CREATE INDEX ix_claims_decided ON claims (county_id, decided_us);
CREATE INDEX ix_incidents_opened ON incidents (county_id, opened_us);

-- What the dashboard needs of each stored dispatch plan, taken from its report once (a plan is
-- never changed; a re-plan is a new row), so a year of plans is not a year of JSON to parse.
CREATE TABLE dashboard_plans (
    county_id                TEXT NOT NULL,
    plan_id                  TEXT NOT NULL,
    plan_date                TEXT NOT NULL,
    cost_down_fen            BIGINT NOT NULL,
    carried_down_g           BIGINT NOT NULL,
    cost_up_fen              BIGINT NOT NULL,
    carried_up_g             BIGINT NOT NULL,
    distance_m               BIGINT NOT NULL,
    load_down_permille_sum   BIGINT NOT NULL,
    load_up_permille_sum     BIGINT NOT NULL,
    routes                   BIGINT NOT NULL,
    saving_fen               BIGINT NOT NULL,
    PRIMARY KEY (county_id, plan_id),
    FOREIGN KEY (county_id, plan_id) REFERENCES dispatch_plans (county_id, plan_id)
);
