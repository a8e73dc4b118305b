-- The county dashboard (issue 8) at the size of its benchmark: two million order lines a year.
--
-- Orders inserted many at a time (a generated year of history, written in bulk) mark their
-- quarter hours once per statement instead of once per order: a statement trigger reads the
-- inserted rows as a table and adds one mark to each quarter hour they fall in. Per order, a
-- bulk load of two million orders ran two million PL/pgSQL calls and upserted each quarter hour
-- dozens of times in one transaction, every upsert walking the row's versions made before it.
-- `gen` still grows with every statement that marks a quarter hour, which is all a refresh needs
-- (it removes a mark only if `gen` is still the one it read). Updates and deletes keep their
-- row triggers of 0010: they come one order at a time, and need OLD as well as NEW.
CREATE FUNCTION dashboard_orders_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO dashboard_dirty (county_id, slot, gen)
        SELECT county_id, placed_us / 900000000, 1 FROM inserted_orders GROUP BY 1, 2
        ON CONFLICT (county_id, slot) DO UPDATE SET gen = dashboard_dirty.gen + 1;
    RETURN NULL;
END;
$$;

DROP TRIGGER tr_dashboard_order_insert ON orders;

CREATE TRIGGER tr_dashboard_order_insert AFTER INSERT ON orders
    REFERENCING NEW TABLE AS inserted_orders
    FOR EACH STATEMENT EXECUTE FUNCTION dashboard_orders_inserted();

-- The raw reads of a year of lots at two million order lines, each one scan of an index that
-- holds every column the read needs: the hand-offs' losses by where they were weighed, the
-- weight-loss incidents, and the intakes' payouts and prices (`store::dashboard::counts`).
CREATE INDEX ix_lot_events_kind_at ON lot_events (county_id, kind, at_us, lot_id, place_kind, loss_g);
CREATE INDEX ix_incidents_kind_opened ON incidents (county_id, kind, opened_us, lot_id);
CREATE INDEX ix_lots_made_sums ON lots
    (county_id, made_us, farmer_id, payout_fen, farmer_price_fen, made_g, window_id, grade, station_id);
