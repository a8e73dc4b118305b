-- The county dashboard (issue 8) at the size of its benchmark: two million order lines a year.
--
-- PostgreSQL's 0014 also makes the mark of inserted orders a statement trigger. SQLite has only
-- row triggers, compiled into the inserting statement itself, so its 0010 trigger stays as it is.

-- The raw reads of a year of lots at two million order lines, each one scan of an index that
-- holds every column the read needs: the hand-offs' losses by where they were weighed, the
-- weight-loss incidents, and the intakes' payouts and prices (`store::dashboard::counts`).
CREATE INDEX ix_lot_events_kind_at ON lot_events (county_id, kind, at_us, lot_id, place_kind, loss_g);
CREATE INDEX ix_incidents_kind_opened ON incidents (county_id, kind, opened_us, lot_id);
CREATE INDEX ix_lots_made_sums ON lots
    (county_id, made_us, farmer_id, payout_fen, farmer_price_fen, made_g, window_id, grade, station_id);
