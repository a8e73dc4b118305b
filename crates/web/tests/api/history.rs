//! A generated year of trade written in bulk (`service::demo_history`) keeps the books and the
//! records as the use cases would: the trial balance is zero, every account's totals are the sum
//! of its transfers, no account is below its floor, orders equal their lines, lots lose exactly
//! what their hand-offs record; and the dashboard, after `dashboard::rebuild`, shows the GMV the
//! raw rows add up to; the farmer income of the history's pre-order windows and the logistics
//! of its daily dispatch plans equal a recomputation from the ledger, the lots and the plans'
//! reports, and reading the dashboard writes nothing.

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
        + SUM(CASE WHEN e.kind = 'fill' THEN e.weight_g ELSE 0 END) \
        FROM lot_events e WHERE e.county_id = l.county_id AND e.lot_id = l.lot_id)";
    assert_eq!(scalar(&app, lots, &county).await, 0);
    let claims = scalar(&app, "SELECT COUNT(*) FROM claims WHERE county_id = $1", &county).await;
    assert_eq!(claims as u64, w.claims);

    // The dashboard after a rebuild shows the GMV of the raw rows, uplink and downlink apart.
    // A window's orders: each filled once, charged no more than paid, its escrow empty once settled.
    let fills = "SELECT COUNT(*) FROM orders o WHERE o.county_id = $1 AND o.window_id IS NOT NULL \
        AND o.state IN ('delivered', 'accepted', 'settled') AND NOT EXISTS (SELECT 1 FROM window_fills f \
        WHERE f.county_id = o.county_id AND f.order_id = o.order_id AND f.charged_fen + f.refund_fen = o.total_fen)";
    assert_eq!(scalar(&app, fills, &county).await, 0, "window orders delivered without their fill");
    assert!(w.windows > 0 && w.window_orders > 0 && w.plans > 0, "{w:?}");
    let escrow = "SELECT COUNT(*) FROM orders o JOIN ledger_accounts a ON a.county_id = o.county_id \
        AND a.account_id = 'escrow:' || o.order_id WHERE o.county_id = $1 AND o.window_id IS NOT NULL \
        AND o.state = 'settled' AND a.credits_posted <> a.debits_posted";
    assert_eq!(scalar(&app, escrow, &county).await, 0, "settled window orders with money left in escrow");

    uplink_service::dashboard::rebuild(&app.db, app.a.county_id).await.expect("rebuild");
    let plans_before = scalar(&app, "SELECT COUNT(*) FROM dashboard_plans WHERE county_id = $1", &county).await;
    assert_eq!(plans_before as u64, w.plans, "each history plan stored with its figures");
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
    let (start, end) = (crate::dashboard::start_us(parse_date(&from)), crate::dashboard::start_us(parse_date(&to) + 1));
    farmer_income_ties_out(&app, &d, start, end).await;
    logistics_ties_out(&app, &d, &from, &to).await;
    let plans_after = scalar(&app, "SELECT COUNT(*) FROM dashboard_plans WHERE county_id = $1", &county).await;
    assert_eq!(plans_after, plans_before, "reading the dashboard writes nothing");

    // Plans stored without their figures (before the figures were kept with the plan) are read
    // from their reports: the same figures, and still nothing written.
    let mut tx = app.db.begin().await.unwrap();
    sqlx::query("DELETE FROM dashboard_plans WHERE county_id = $1 AND plan_date < $2")
        .bind(&county)
        .bind(uplink_core::time::local_date(now - 60 * US_PER_DAY, tz))
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let kept = scalar(&app, "SELECT COUNT(*) FROM dashboard_plans WHERE county_id = $1", &county).await;
    assert!(kept < plans_before && kept > 0);
    let again = app.get_json(&op, &path).await;
    assert_eq!(again["figures"], d["figures"], "the same figures from the reports");
    let after = scalar(&app, "SELECT COUNT(*) FROM dashboard_plans WHERE county_id = $1", &county).await;
    assert_eq!(after, kept, "a read keeps nothing");
}

fn parse_date(d: &str) -> i64 {
    uplink_core::time::parse_date(d).unwrap()
}

/// Farmer income from the ledger's intake payments and the lots' window offers.
async fn farmer_income_ties_out(app: &TestApp, d: &serde_json::Value, start: i64, end: i64) {
    use crate::dashboard::{bp, figure, sql};
    let paid = "SELECT CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT) FROM ledger_transfers WHERE county_id = $1 \
        AND code = 'intake_payment' AND created_us >= $2 AND created_us < $3";
    let paid = sql(app, paid, start, end).await;
    let farmers = "SELECT COUNT(DISTINCT credit_account) FROM ledger_transfers WHERE county_id = $1 \
        AND code = 'intake_payment' AND created_us >= $2 AND created_us < $3";
    let farmers = sql(app, farmers, start, end).await;
    assert!(paid > 0 && farmers > 1, "the history pays farmers at intake: {paid} fen to {farmers}");
    assert_eq!(figure(d, "farmer_payouts"), Some(paid));
    assert_eq!(figure(d, "farmers_paid"), Some(farmers));
    assert_eq!(figure(d, "payout_per_household"), Some((2 * paid + farmers) / (2 * farmers)));
    let value = |price: &str| {
        format!(
            "SELECT CAST(SUM(o.{price} * l.made_g) AS BIGINT) FROM lots l JOIN window_offers o \
             ON o.county_id = l.county_id AND o.window_id = l.window_id AND o.grade = l.grade \
             WHERE l.county_id = $1 AND l.made_us >= $2 AND l.made_us < $3"
        )
    };
    let (fv, bv) =
        (sql(app, &value("farmer_price_fen"), start, end).await, sql(app, &value("buyer_price_fen"), start, end).await);
    let share = figure(d, "farmer_price_share").expect("a share");
    assert_eq!(Some(share), bp(fv, bv));
    assert!((5_500..=7_500).contains(&share), "the farmer's share of the city price: {share}");
    let payments = "SELECT COUNT(*) FROM ledger_transfers t JOIN lots l ON l.county_id = t.county_id \
        AND l.lot_code = t.reference WHERE t.county_id = $1 AND t.code = 'intake_payment' \
        AND l.made_us >= $2 AND l.made_us < $3";
    assert!(sql(app, payments, start, end).await > 0);
    let delay = "SELECT CAST(COALESCE(SUM(t.created_us - l.made_us), 0) AS BIGINT) FROM ledger_transfers t \
        JOIN lots l ON l.county_id = t.county_id AND l.lot_code = t.reference WHERE t.county_id = $1 \
        AND t.code = 'intake_payment' AND l.made_us >= $2 AND l.made_us < $3";
    let (delay, n) = (sql(app, delay, start, end).await, sql(app, payments, start, end).await);
    // Centi-days, half up, of the mean delay: farmers are paid at the scale.
    let day = US_PER_DAY as i128;
    let mean = ((2 * delay as i128 * 100 + n as i128 * day) / (2 * n as i128 * day)) as i64;
    assert_eq!(figure(d, "days_to_farmer_payment"), Some(mean));
}

/// Logistics from the stored reports of each day's latest plan, directions from the orders table.
async fn logistics_ties_out(app: &TestApp, d: &serde_json::Value, from: &str, to: &str) {
    use crate::dashboard::figure;
    let mut c = app.db.reader().await.unwrap();
    let reports: Vec<String> = sqlx::query_scalar(
        "SELECT p.report FROM dispatch_plans p WHERE p.county_id = $1 AND p.plan_date >= $2 AND p.plan_date <= $3 \
         AND p.version = (SELECT MAX(q.version) FROM dispatch_plans q WHERE q.county_id = p.county_id \
         AND q.plan_date = p.plan_date)",
    )
    .bind(app.a.county_id.to_string())
    .bind(from)
    .bind(to)
    .fetch_all(&mut *c)
    .await
    .unwrap();
    let directions: std::collections::HashMap<String, String> =
        sqlx::query("SELECT order_no, direction FROM orders WHERE county_id = $1")
            .bind(app.a.county_id.to_string())
            .fetch_all(&mut *c)
            .await
            .unwrap()
            .iter()
            .map(|r| (r.try_get("order_no").unwrap(), r.try_get("direction").unwrap()))
            .collect();
    assert!(reports.len() > 60, "a plan for most days of the history: {}", reports.len());
    let (mut distance, mut saving, mut routes, mut load) = (0i64, 0i64, 0i64, [0i64; 2]);
    let (mut cost, mut grams) = ([0i64; 2], [0i64; 2]);
    for r in &reports {
        let p: serde_json::Value = serde_json::from_str(r).unwrap();
        let p = &p["plan"];
        for s in p["sheets"].as_array().unwrap() {
            distance += s["distance_m"].as_i64().unwrap();
            load[0] += s["load_factor_down_permille"].as_i64().unwrap();
            load[1] += s["load_factor_up_permille"].as_i64().unwrap();
            routes += 1;
        }
        saving += p["saving"]["separate"]["cost_fen"].as_i64().unwrap()
            - p["saving"]["combined"]["cost_fen"].as_i64().unwrap();
        for oc in p["cost_allocation"]["orders"].as_array().unwrap() {
            let k = usize::from(directions[oc["order"].as_str().unwrap()] == "uplink");
            cost[k] += oc["cost_fen"].as_i64().unwrap();
            grams[k] += oc["weight_g"].as_i64().unwrap();
        }
    }
    assert!(distance > 0 && routes > 0 && grams[0] > 0 && grams[1] > 0, "{distance} m, {routes} routes, {grams:?} g");
    assert_eq!(figure(d, "vehicle_km"), Some(distance));
    assert_eq!(figure(d, "backhaul_saving"), Some(saving));
    let mean = |s: i64| (2 * s + routes) / (2 * routes);
    assert_eq!(figure(d, "load_factor_down"), Some(mean(load[0])));
    assert_eq!(figure(d, "load_factor_up"), Some(mean(load[1])));
    assert!(load[0] > 0 && load[1] > 0);
    let per_kg = |c: i64, g: i64| (2 * c * 1_000 + g) / (2 * g);
    assert_eq!(figure(d, "cost_per_kg_down"), Some(per_kg(cost[0], grams[0])));
    assert_eq!(figure(d, "cost_per_kg_up"), Some(per_kg(cost[1], grams[1])));
}
