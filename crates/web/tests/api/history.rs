//! A generated year of trade written in bulk (`service::demo_history`) keeps the books and the
//! records as the use cases would: the trial balance is zero, every account's totals are the sum
//! of its transfers, no account is below its floor, orders equal their lines, lots lose exactly
//! what their hand-offs record; and the dashboard, after `dashboard::rebuild`, shows the GMV the
//! raw rows add up to.

use crate::helpers::*;
use sqlx::Row;
use uplink_core::time::US_PER_DAY;
use uplink_service::demo_history::seed_history;
use uplink_sim::history::HistorySize;

async fn scalar(app: &TestApp, sql: &str, county: &str) -> i64 {
    let mut c = app.db.reader().await.unwrap();
    let r = sqlx::query(sql).bind(county).fetch_one(&mut *c).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
    r.try_get::<i64, _>(0).unwrap()
}

#[tokio::test]
async fn a_bulk_written_history_balances_and_ties_out_with_the_dashboard() {
    let app = spawn_app().await;
    let g = uplink_sim::generate(11, &uplink_sim::CountySize::small());
    let now = uplink_store::now_us();
    let size = HistorySize { days: 120, lines: 3_000 };
    let w = seed_history(&app.db, app.a.county_id, &g, size, now, &|_, _| {}).await.expect("history");
    assert_eq!(w.days, 120);
    assert!(w.lines >= 2_400 && w.orders > 1_000 && w.lots > 0 && w.transfers > w.orders, "{w:?}");
    let county = app.a.county_id.to_string();

    // The books: balanced, each account equal to its transfers, none below its floor.
    let mut c = app.db.reader().await.unwrap();
    let tb = uplink_store::ledger::reports::trial_balance(&mut c, app.a.county_id).await.unwrap();
    assert!(tb.balanced, "{tb:?}");
    assert!(tb.total_debits > 0);
    drop(c);
    let off = "SELECT COUNT(*) FROM ledger_accounts a WHERE a.county_id = $1 AND (\
        a.debits_posted <> (SELECT COALESCE(SUM(t.amount_fen), 0) FROM ledger_transfers t WHERE t.county_id = a.county_id \
          AND t.debit_account = a.account_id AND t.state = 'posted') \
        OR a.credits_posted <> (SELECT COALESCE(SUM(t.amount_fen), 0) FROM ledger_transfers t WHERE t.county_id = a.county_id \
          AND t.credit_account = a.account_id AND t.state = 'posted') \
        OR a.debits_pending <> (SELECT COALESCE(SUM(t.amount_fen), 0) FROM ledger_transfers t WHERE t.county_id = a.county_id \
          AND t.debit_account = a.account_id AND t.state = 'pending' AND NOT EXISTS (SELECT 1 FROM ledger_transfers r \
          WHERE r.county_id = t.county_id AND r.pending_id = t.transfer_id)))";
    assert_eq!(scalar(&app, off, &county).await, 0, "accounts whose totals are not their transfers");
    let below = "SELECT COUNT(*) FROM ledger_accounts WHERE county_id = $1 AND (\
        (normal = 'credit' AND credits_posted - debits_posted - debits_pending < floor_fen) OR \
        (normal = 'debit' AND debits_posted - credits_posted - credits_pending < floor_fen))";
    assert_eq!(scalar(&app, below, &county).await, 0, "accounts below their floor");
    // A settled order's escrow is empty but for its held commission; an open one holds the payment.
    let escrow = "SELECT COUNT(*) FROM orders o JOIN ledger_accounts a ON a.county_id = o.county_id \
        AND a.account_id = 'escrow:' || o.order_id WHERE o.county_id = $1 AND o.state IN ('settled', 'returned') \
        AND a.credits_posted - a.debits_posted - a.debits_pending <> 0";
    assert_eq!(scalar(&app, escrow, &county).await, 0, "settled or returned orders with money left in escrow");

    // The records: orders equal their lines, each order's last event is its state, lots lose
    // what their hand-offs say.
    let lines = "SELECT COUNT(*) FROM orders o WHERE o.county_id = $1 AND o.total_fen <> (SELECT SUM(l.line_total_fen) \
        FROM order_lines l WHERE l.county_id = o.county_id AND l.order_id = o.order_id)";
    assert_eq!(scalar(&app, lines, &county).await, 0);
    let last = "SELECT COUNT(*) FROM orders o WHERE o.county_id = $1 AND EXISTS (SELECT 1 FROM order_events e \
        WHERE e.county_id = o.county_id AND e.order_id = o.order_id AND e.seq = (SELECT MAX(seq) FROM order_events x \
        WHERE x.county_id = o.county_id AND x.order_id = o.order_id) AND e.to_state <> o.state)";
    assert_eq!(scalar(&app, last, &county).await, 0);
    let lots = "SELECT COUNT(*) FROM lots l WHERE l.county_id = $1 AND l.made_g - l.weight_g <> (SELECT SUM(e.loss_g) \
        FROM lot_events e WHERE e.county_id = l.county_id AND e.lot_id = l.lot_id)";
    assert_eq!(scalar(&app, lots, &county).await, 0);
    let claims = scalar(&app, "SELECT COUNT(*) FROM claims WHERE county_id = $1", &county).await;
    assert_eq!(claims as u64, w.claims);

    // The dashboard after a rebuild shows the GMV of the raw rows, uplink and downlink apart.
    uplink_service::dashboard::rebuild(&app.db, app.a.county_id).await.expect("rebuild");
    let tz = "Asia/Shanghai";
    let from = uplink_core::time::local_date(now - 120 * US_PER_DAY, tz);
    let to = uplink_core::time::local_date(now - US_PER_DAY, tz);
    let op = app.token(&app.user_a("operator")).await;
    let path = format!("/api/v1/counties/{county}/dashboard?from={from}&to={to}&by=month");
    let d = app.get_json(&op, &path).await;
    let figure = |id: &str| {
        d["figures"].as_array().unwrap().iter().find(|f| f["id"] == id).unwrap_or_else(|| panic!("{id} in {d}"))["value"]
            .as_i64()
            .unwrap()
    };
    for (id, direction) in [("uplink_gmv", "uplink"), ("downlink_gmv", "downlink")] {
        let sql = format!(
            "SELECT CAST(COALESCE(SUM(total_fen), 0) AS BIGINT) FROM orders WHERE county_id = $1 \
             AND direction = '{direction}' AND state <> 'cancelled' AND placed_us < {now}"
        );
        let raw = scalar(&app, &sql, &county).await;
        assert!(raw > 0, "{direction} has trade");
        assert_eq!(figure(id), raw, "{id}");
    }
}
