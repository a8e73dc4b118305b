//! The county dashboard's stories: on a county with trade made through the API in both
//! directions, an intake paid to a farmer, hand-offs with a loss, a decided claim and a dispatch
//! plan, every figure equals a recomputation from the raw rows written here (plain SQL and the
//! numbers this test chose), and the order aggregate equals a rebuild from scratch after a random
//! sequence of writes. The page, the downloads and who may read are in `dashboard_access.rs`.

use crate::helpers::*;
use crate::orders::{ok, post};
use reqwest::StatusCode;
use serde_json::{Value, json};
use uplink_core::time::{US_PER_DAY, civil_from_days, days_from_civil, local_date, parse_date};

/// Today and the local midnight of a day in county A's zone (Asia/Shanghai, UTC+8).
const OFFSET_US: i64 = 8 * 3_600 * 1_000_000;

pub(crate) fn today() -> i64 {
    (uplink_store::now_us() + OFFSET_US).div_euclid(US_PER_DAY)
}

pub(crate) fn date(day: i64) -> String {
    local_date(day * US_PER_DAY - OFFSET_US, "Asia/Shanghai")
}

pub(crate) fn start_us(day: i64) -> i64 {
    day * US_PER_DAY - OFFSET_US
}

pub(crate) fn figure(d: &Value, id: &str) -> Option<i64> {
    let f = d["figures"].as_array().unwrap().iter().find(|f| f["id"] == id).unwrap_or_else(|| panic!("no {id}"));
    f["value"].as_i64()
}

pub(crate) async fn sql(app: &TestApp, q: &str, start: i64, end: i64) -> i64 {
    let mut c = app.db.reader().await.unwrap();
    sqlx::query_scalar::<_, i64>(q)
        .bind(app.a.county_id.to_string())
        .bind(start)
        .bind(end)
        .fetch_one(&mut *c)
        .await
        .unwrap()
}

/// `num / den` in basis points, half up: the test's own arithmetic.
pub(crate) fn bp(num: i64, den: i64) -> Option<i64> {
    (den > 0).then(|| (2 * num * 10_000 + den) / (2 * den))
}

/// Orders of county A placed in `[start, end)`, not cancelled, by direction: (count, Σ line totals).
async fn raw_orders(app: &TestApp, dir: &str, start: i64, end: i64) -> (i64, i64) {
    let n = sql(
        app,
        &format!(
            "SELECT COUNT(*) FROM orders WHERE county_id = $1 AND placed_us >= $2 AND placed_us < $3 \
             AND state <> 'cancelled' AND direction = '{dir}'"
        ),
        start,
        end,
    )
    .await;
    let fen = sql(
        app,
        &format!(
            "SELECT CAST(COALESCE(SUM(l.line_total_fen), 0) AS BIGINT) FROM order_lines l JOIN orders o \
             ON o.county_id = l.county_id AND o.order_id = l.order_id WHERE o.county_id = $1 AND o.placed_us >= $2 \
             AND o.placed_us < $3 AND o.state <> 'cancelled' AND o.direction = '{dir}'"
        ),
        start,
        end,
    )
    .await;
    (n, fen)
}

pub(crate) async fn dashboard(app: &TestApp, t: &str, query: &str) -> Value {
    app.get_json(t, &format!("/api/v1/counties/{}/dashboard?{query}", app.a.county_id)).await
}

/// County A with a little of everything, made through the API; returns the operator's token and
/// the dispatch plan of tomorrow.
pub(crate) async fn busy_county(app: &TestApp) -> (String, Value) {
    let c = app.a.county_id;
    let api = |p: &str| format!("/api/v1/counties/{c}/{p}");
    // Trade both ways, confirmed; tomorrow's plan carries it (two deliveries, a walnut pickup).
    let day = crate::dispatch::day_with_backhaul(app).await;
    let plan = crate::dispatch::plan(app, &day.op_t, &date(today() + 1)).await;
    // A farmer's 20 kg of grapes taken in (¥10.00/kg to the farmer), handed station → driver →
    // hub with 800 g lost on the truck.
    let s = crate::lots::allocated_window(app).await;
    let lot =
        ok(post(app, &s.agent_t, &api("intakes"), crate::lots::intake(&s, 20_450, 450)).await, StatusCode::CREATED)
            .await;
    let lot = lot["lot"]["id"].as_str().unwrap().to_string();
    let person = |u: String| async move { crate::orders::person(app, &u).await["id"].as_str().unwrap().to_string() };
    let (driver, op) = (person(app.user_a("driver")).await, person(app.user_a("operator")).await);
    let driver_t = app.token(&app.user_a("driver")).await;
    let hand = |t: String, to: String, g: i64| {
        let path = api(&format!("lots/{lot}/handoffs"));
        async move { ok(post(app, &t, &path, json!({"to_person_id": to, "weight_g": g})).await, StatusCode::OK).await }
    };
    hand(s.agent_t.clone(), driver, 20_000).await;
    hand(driver_t, op, 19_200).await;
    // Grapes delivered to a restaurant, a quality claim, decided as a 30 % refund.
    let (o, _, _) = crate::claims::delivered_grapes(app).await;
    let buyer_t = app.token(&app.user_a("buyer")).await;
    let claim = ok(
        post(
            app,
            &buyer_t,
            &api(&format!("orders/{}/claims", o["id"].as_str().unwrap())),
            json!({
                "kind": "quality_below_grade", "lines": [{"line_no": 1, "units": 50}], "description": "一半软烂"
            }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let inspector_t = app.token(&app.user_a("inspector")).await;
    let decision = json!({"outcome": "partial_refund", "refund_bps": 3000, "reason": "抽检三成不达一级"});
    let path = api(&format!("claims/{}/decision", claim["id"].as_str().unwrap()));
    ok(post(app, &inspector_t, &path, decision).await, StatusCode::OK).await;
    // A rice cooker the buyer orders to a station and cancels: it counts nowhere.
    let supplier_t = app.token(&app.user_a("supplier")).await;
    let supplier = crate::orders::person(app, &app.user_a("supplier")).await;
    let cooker = crate::orders::rice_cooker(app, &supplier_t, supplier["id"].as_str().unwrap(), 3).await;
    let station = app.first_id(&day.op_t, "stations").await;
    let body = json!({"lines": [{"listing_id": cooker, "units": 1}], "station_id": station});
    let o = ok(post(app, &buyer_t, &api("orders"), body).await, StatusCode::CREATED).await;
    ok(
        post(app, &buyer_t, &api(&format!("orders/{}/cancel", o["id"].as_str().unwrap())), json!({})).await,
        StatusCode::OK,
    )
    .await;
    (day.op_t, plan)
}

#[tokio::test]
async fn every_figure_equals_a_recomputation_from_the_raw_rows() {
    let app = spawn_app().await;
    let (_, plan) = busy_county(&app).await;
    // The plan use case stored the dashboard's figures of the plan with it; a read writes nothing.
    let kept = "SELECT COUNT(*) FROM dashboard_plans WHERE county_id = $1 AND $2 = $3";
    assert_eq!(sql(&app, kept, 0, 0).await, 1, "the plan's figures stored with the plan");
    let auditor = app.token(&app.user_a("auditor")).await;
    let (from, to) = (today() - 1, today() + 1);
    let d = dashboard(&app, &auditor, &format!("from={}&to={}&by=week", date(from), date(to))).await;
    assert_eq!(sql(&app, kept, 0, 0).await, 1, "a read adds no figures");
    let (start, end) = (start_us(from), start_us(to + 1));

    let (up_n, up_fen) = raw_orders(&app, "uplink", start, end).await;
    let (down_n, down_fen) = raw_orders(&app, "downlink", start, end).await;
    // What this test made: walnuts 20 kg × ¥30, grapes 50 kg × ¥10 and the window's 10 kg × ¥16;
    // washing powder 5 bags × ¥45 (the rice cooker was cancelled).
    assert_eq!((up_n, up_fen), (3, 60_000 + 50_000 + 16_000));
    assert_eq!((down_n, down_fen), (2, 22_500));
    assert_eq!(figure(&d, "uplink_gmv"), Some(up_fen));
    assert_eq!(figure(&d, "downlink_gmv"), Some(down_fen));
    assert_eq!(figure(&d, "uplink_orders"), Some(up_n));
    assert_eq!(figure(&d, "downlink_orders"), Some(down_n));
    assert_eq!(figure(&d, "uplink_share"), bp(up_fen, up_fen + down_fen));
    let periods = d["periods"].as_array().unwrap();
    let sum = |k: &str| periods.iter().map(|p| p[k]["gmv_fen"].as_i64().unwrap()).sum::<i64>();
    assert_eq!((sum("uplink"), sum("downlink")), (up_fen, down_fen));

    // Farmer income, from the ledger's intake payments (not the lots the dashboard reads).
    let paid = sql(
        &app,
        "SELECT CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT) FROM ledger_transfers WHERE county_id = $1 \
         AND code = 'intake_payment' AND created_us >= $2 AND created_us < $3",
        start,
        end,
    )
    .await;
    assert_eq!(paid, 20_000, "20 kg at ¥10.00");
    assert_eq!(figure(&d, "farmer_payouts"), Some(paid));
    assert_eq!(figure(&d, "farmers_paid"), Some(1));
    assert_eq!(figure(&d, "payout_per_household"), Some(20_000));
    assert_eq!(figure(&d, "farmer_price_share"), bp(1_000, 1_600), "¥10.00 of the buyer's ¥16.00");
    let delay = sql(
        &app,
        "SELECT CAST(COALESCE(SUM(t.created_us - l.made_us), 0) AS BIGINT) FROM ledger_transfers t JOIN lots l \
         ON l.county_id = t.county_id AND l.lot_code = t.reference WHERE t.county_id = $1 \
         AND t.code = 'intake_payment' AND l.made_us >= $2 AND l.made_us < $3",
        start,
        end,
    )
    .await;
    assert_eq!(figure(&d, "days_to_farmer_payment"), Some((2 * delay + US_PER_DAY / 100) / (US_PER_DAY / 50)));

    // Loss per stage: 800 g on the truck, weighed at the hub.
    let hub_loss = sql(
        &app,
        "SELECT CAST(COALESCE(SUM(loss_g), 0) AS BIGINT) FROM lot_events WHERE county_id = $1 AND kind = 'handoff' \
         AND place_kind = 'hub' AND at_us >= $2 AND at_us < $3",
        start,
        end,
    )
    .await;
    assert_eq!(hub_loss, 800);
    assert_eq!(
        (figure(&d, "loss_at_station"), figure(&d, "loss_on_vehicle"), figure(&d, "loss_at_hub")),
        (Some(0), Some(0), Some(800))
    );

    // Trust: one claim on the period's orders, decided with a refund; one incident (800 g is
    // beyond the grapes' 2 % of 20 kg).
    let claims = sql(
        &app,
        "SELECT COUNT(*) FROM claims WHERE county_id = $1 AND opened_us >= $2 AND opened_us < $3",
        start,
        end,
    )
    .await;
    assert_eq!(claims, 1);
    // Claims per 100 orders in hundredths: 1 claim on 5 orders is 20.00.
    assert_eq!(figure(&d, "claims_per_100_orders"), bp(claims, up_n + down_n));
    assert_eq!(figure(&d, "upheld_share"), Some(10_000));
    let incidents = sql(
        &app,
        "SELECT COUNT(*) FROM incidents WHERE county_id = $1 AND opened_us >= $2 AND opened_us < $3",
        start,
        end,
    )
    .await;
    assert_eq!(incidents, 1);
    assert_eq!(figure(&d, "short_weight_incidents"), Some(incidents));
    // By area, read through the lot: its station sees the loss and the incident, another none.
    let mut c = app.db.reader().await.unwrap();
    let county = app.a.county_id.to_string();
    let here: String = sqlx::query_scalar("SELECT MIN(station_id) FROM lots WHERE county_id = $1")
        .bind(&county)
        .fetch_one(&mut *c)
        .await
        .unwrap();
    let other: String =
        sqlx::query_scalar("SELECT MIN(station_id) FROM stations WHERE county_id = $1 AND station_id <> $2")
            .bind(&county)
            .bind(&here)
            .fetch_one(&mut *c)
            .await
            .unwrap();
    drop(c);
    let period = format!("from={}&to={}&by=week", date(from), date(to));
    let at = dashboard(&app, &auditor, &format!("{period}&station={here}")).await;
    assert_eq!((figure(&at, "loss_at_hub"), figure(&at, "short_weight_incidents")), (Some(800), Some(1)));
    let elsewhere = dashboard(&app, &auditor, &format!("{period}&station={other}")).await;
    assert_eq!(figure(&elsewhere, "loss_at_hub").unwrap_or(0), 0);
    assert_eq!(figure(&elsewhere, "short_weight_incidents").unwrap_or(0), 0);

    // Logistics from the plan as the API returned it.
    let p = &plan["plan"];
    let sheets = p["sheets"].as_array().unwrap();
    let distance: i64 = sheets.iter().map(|s| s["distance_m"].as_i64().unwrap()).sum();
    assert_eq!(figure(&d, "vehicle_km"), Some(distance));
    let stored =
        sql(&app, "SELECT distance_m FROM dispatch_plans WHERE county_id = $1 AND version = $2 AND $3 = 0", 1, 0);
    assert_eq!(distance, stored.await, "the plan's own total");
    let saving =
        p["saving"]["separate"]["cost_fen"].as_i64().unwrap() - p["saving"]["combined"]["cost_fen"].as_i64().unwrap();
    assert_eq!(figure(&d, "backhaul_saving"), Some(saving));
    let mean = |k: &str| {
        let n = sheets.len() as i64;
        (2 * sheets.iter().map(|s| s[k].as_i64().unwrap()).sum::<i64>() + n) / (2 * n)
    };
    assert_eq!(figure(&d, "load_factor_down"), Some(mean("load_factor_down_permille")));
    assert_eq!(figure(&d, "load_factor_up"), Some(mean("load_factor_up_permille")));
    // Cost per kg by the direction of each order the plan carried (orders table, by id).
    let (mut cost, mut grams) = ([0i64; 2], [0i64; 2]);
    for oc in p["cost_allocation"]["orders"].as_array().unwrap() {
        let dir = sql(
            &app,
            &format!(
                "SELECT CASE WHEN direction = 'uplink' THEN 0 ELSE 1 END FROM orders WHERE county_id = $1 \
                 AND order_no = '{}' AND $2 = $3",
                oc["order"].as_str().unwrap()
            ),
            0,
            0,
        )
        .await as usize;
        cost[dir] += oc["cost_fen"].as_i64().unwrap();
        grams[dir] += oc["weight_g"].as_i64().unwrap();
    }
    assert_eq!(grams, [20_000, 25_000], "20 kg of walnuts up, 5 bags of 5 kg down");
    let per_kg = |c: i64, g: i64| (2 * c * 1_000 + g) / (2 * g);
    assert_eq!(figure(&d, "cost_per_kg_up"), Some(per_kg(cost[0], grams[0])));
    assert_eq!(figure(&d, "cost_per_kg_down"), Some(per_kg(cost[1], grams[1])));

    // Stations: all of them opened; active needs an order in each of the last three complete
    // months, and this county traded only this month.
    let stations = sql(&app, "SELECT COUNT(*) FROM stations WHERE county_id = $1 AND $2 = $3", 0, 0).await;
    assert_eq!(figure(&d, "stations_opened"), Some(stations));
    let (y, m, _) = civil_from_days(today());
    let this_month = days_from_civil(y, m, 1);
    let before = sql(
        &app,
        "SELECT COUNT(*) FROM orders WHERE county_id = $1 AND placed_us >= $2 AND placed_us < $3",
        0,
        start_us(this_month),
    )
    .await;
    assert_eq!(before, 0);
    assert_eq!(figure(&d, "stations_active"), Some(0));
    assert_eq!(d["stations"].as_array().unwrap().len() as i64, stations);
    // Each station's row: its downlink orders by station, its uplink by the seller's station.
    let listed_down: i64 =
        d["stations"].as_array().unwrap().iter().map(|s| s["downlink"]["gmv_fen"].as_i64().unwrap()).sum();
    assert_eq!(listed_down, down_fen, "every downlink order goes to a station");
    assert!(parse_date(d["from"].as_str().unwrap()).is_ok());
}

/// A co-op's uplink listing of walnuts at ¥30.00/kg; returns its id.
async fn walnuts(app: &TestApp) -> String {
    let c = app.a.county_id;
    let coop_t = app.token(&app.user_a("coop")).await;
    let coop = crate::orders::person(app, &app.user_a("coop")).await;
    let p = ok(
        post(app, &coop_t, &format!("/api/v1/counties/{c}/products"), json!({
            "direction": "uplink", "category": "nuts", "name": "漾濞核桃", "name_en": "Walnuts", "sale_unit": "kg",
            "unit_cm3": 2500, "storage_class": "ambient", "shelf_life_days": 180, "tolerance_bps": 50,
            "grades": [{"code": "first", "name_zh": "一级", "name_en": "First", "factor_bps": 10000, "criteria": "果径≥32mm"}]
        }))
        .await,
        StatusCode::CREATED,
    )
    .await;
    let body = json!({"product_id": p["id"], "seller_id": coop["id"], "price_fen": 3000, "offered_units": 5000,
        "min_order_units": 1, "harvest_date": "2026-08-03"});
    let l = ok(post(app, &coop_t, &format!("/api/v1/counties/{c}/listings"), body).await, StatusCode::CREATED).await;
    l["id"].as_str().unwrap().to_string()
}

/// The aggregate's rows, in order.
async fn aggregate(app: &TestApp) -> Vec<(i64, String, String, i64, i64, i64)> {
    let mut c = app.db.reader().await.unwrap();
    let rows: Vec<(i64, String, String, i64, i64, i64)> = sqlx::query_as(
        "SELECT day, direction, station_id, orders, gmv_fen, weight_g FROM dashboard_order_days \
         WHERE county_id = $1 ORDER BY day, direction, station_id",
    )
    .bind(app.a.county_id.to_string())
    .fetch_all(&mut *c)
    .await
    .unwrap();
    rows
}

#[tokio::test]
async fn the_aggregate_equals_a_rebuild_after_random_writes_and_a_cancellation_on_a_past_day() {
    let app = spawn_app().await;
    let c = app.a.county_id;
    let api = |p: &str| format!("/api/v1/counties/{c}/{p}");
    let (op_t, buyer_t, supplier_t) = (
        app.token(&app.user_a("operator")).await,
        app.token(&app.user_a("buyer")).await,
        app.token(&app.user_a("supplier")).await,
    );
    let supplier = crate::orders::person(&app, &app.user_a("supplier")).await;
    let cooker = crate::orders::rice_cooker(&app, &supplier_t, supplier["id"].as_str().unwrap(), 500).await;
    let nuts = walnuts(&app).await;
    crate::orders::fund_wallet(&app, &buyer_t, &op_t, "20000.00").await;
    let stations = app.get_json(&op_t, &api("stations?limit=200")).await["items"].as_array().unwrap().clone();
    let drop = app.get_json(&buyer_t, &api("drop-points")).await[0]["id"].clone();
    let mut rng = 0x2545_f491_4f6c_dd1du64;
    let mut next = |n: u64| {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng % n
    };
    let mut orders: Vec<String> = Vec::new();
    let mut moved: Vec<String> = Vec::new();
    let shift = |id: String, days: i64| {
        let db = app.db.clone();
        async move {
            // A record of an earlier day, as an import of history would write it.
            let mut tx = db.begin().await.unwrap();
            sqlx::query("UPDATE orders SET placed_us = placed_us - $3 WHERE county_id = $1 AND order_id = $2")
                .bind(c.to_string())
                .bind(id)
                .bind(days * US_PER_DAY)
                .execute(&mut *tx)
                .await
                .unwrap();
            tx.commit().await.unwrap();
        }
    };
    for step in 0..40 {
        match next(6) {
            0 | 1 => {
                let s = &stations[next(stations.len() as u64) as usize]["id"];
                let body = json!({"lines": [{"listing_id": cooker, "units": 1 + next(3)}], "station_id": s});
                let o = ok(post(&app, &buyer_t, &api("orders"), body).await, StatusCode::CREATED).await;
                orders.push(o["id"].as_str().unwrap().to_string());
            }
            2 => {
                let body = json!({"lines": [{"listing_id": nuts, "units": 1 + next(20), "grade": "first"}], "drop_point_id": drop});
                let o = ok(post(&app, &buyer_t, &api("orders"), body).await, StatusCode::CREATED).await;
                orders.push(o["id"].as_str().unwrap().to_string());
            }
            3 if !orders.is_empty() => {
                let id = orders.swap_remove(next(orders.len() as u64) as usize);
                ok(post(&app, &buyer_t, &api(&format!("orders/{id}/cancel")), json!({})).await, StatusCode::OK).await;
            }
            4 if !orders.is_empty() => {
                let id = orders[next(orders.len() as u64) as usize].clone();
                shift(id.clone(), 1 + next(40) as i64).await;
                moved.push(id);
            }
            _ => {
                uplink_service::dashboard::refresh(&app.db, uplink_store::now_us()).await.unwrap();
            }
        }
        if step == 20 {
            uplink_service::dashboard::refresh(&app.db, uplink_store::now_us()).await.unwrap();
        }
    }
    // An order of an earlier day, counted in a clean aggregate, is then cancelled.
    let past = match moved.iter().find(|m| orders.contains(m)) {
        Some(id) => id.clone(),
        None => {
            let id = orders[0].clone();
            shift(id.clone(), 3).await;
            id
        }
    };
    uplink_service::dashboard::refresh(&app.db, uplink_store::now_us()).await.unwrap();
    let auditor = app.token(&app.user_a("auditor")).await;
    let q = format!("from={}&to={}&by=month", date(today() - 60), date(today()));
    let before = dashboard(&app, &auditor, &q).await;
    ok(post(&app, &buyer_t, &api(&format!("orders/{past}/cancel")), json!({})).await, StatusCode::OK).await;

    // Read at once (the day is dirty, read raw) and after the refresh: both equal the raw orders.
    let (start, end) = (start_us(today() - 60), start_us(today() + 1));
    let up = raw_orders(&app, "uplink", start, end).await;
    let down = raw_orders(&app, "downlink", start, end).await;
    let dirty = dashboard(&app, &auditor, &q).await;
    assert_ne!(
        figure(&before, "uplink_gmv").zip(figure(&before, "downlink_gmv")),
        Some((up.1, down.1)),
        "the cancellation counts"
    );
    assert_eq!(figure(&dirty, "uplink_gmv"), Some(up.1));
    assert_eq!(figure(&dirty, "downlink_gmv"), Some(down.1));
    assert_eq!(figure(&dirty, "uplink_orders"), Some(up.0));
    assert_eq!(figure(&dirty, "downlink_orders"), Some(down.0));
    uplink_service::dashboard::refresh(&app.db, uplink_store::now_us()).await.unwrap();
    let clean = dashboard(&app, &auditor, &q).await;
    assert_eq!(clean["figures"], dirty["figures"]);
    assert_eq!(clean["periods"], dirty["periods"]);
    assert_eq!(clean["stations"], dirty["stations"]);

    // The aggregate of every past day equals a rebuild from scratch (today is always read raw,
    // so the refresh leaves it for later).
    let refreshed: Vec<_> = aggregate(&app).await.into_iter().filter(|r| r.0 < today()).collect();
    uplink_service::dashboard::rebuild(&app.db, c).await.unwrap();
    let rebuilt: Vec<_> = aggregate(&app).await.into_iter().filter(|r| r.0 < today()).collect();
    assert!(!rebuilt.is_empty());
    assert_eq!(refreshed, rebuilt);
    let after = dashboard(&app, &auditor, &q).await;
    assert_eq!(after["figures"], dirty["figures"]);
    assert_eq!(after["stations"], dirty["stations"]);

    // A new station may become a seller's village station: the whole county is read raw until
    // the refresh rebuilds it, and the figures stay those of the raw orders.
    let village = app.first_id(&op_t, "villages").await;
    let body = json!({"village_id": village, "code": "DASH-ST", "name": "看板服务站", "opening_hours": "08:00-18:00"});
    ok(post(&app, &op_t, &api("stations"), body).await, StatusCode::CREATED).await;
    let marks = sql(&app, "SELECT COUNT(*) FROM dashboard_dirty WHERE county_id = $1 AND slot = $2 AND $3 = 0", -1, 0);
    assert_eq!(marks.await, 1, "the whole county is marked");
    let whole = dashboard(&app, &auditor, &q).await;
    assert_eq!(whole["figures"].as_array().unwrap()[..5], after["figures"].as_array().unwrap()[..5]);
    assert_eq!(figure(&whole, "stations_opened"), figure(&after, "stations_opened").map(|n| n + 1));
    uplink_service::dashboard::refresh(&app.db, uplink_store::now_us()).await.unwrap();
    let marks = sql(&app, "SELECT COUNT(*) FROM dashboard_dirty WHERE county_id = $1 AND slot = $2 AND $3 = 0", -1, 0);
    assert_eq!(marks.await, 0, "rebuilt");
    assert_eq!(dashboard(&app, &auditor, &q).await["figures"], whole["figures"]);
}
