//! The uplink's story (issue 4): the county sells a grape harvest before it is picked. Thirty city
//! buyers pre-order into a window and pay into escrow; the window closes and its demand is
//! allocated to twelve farmers in three villages; the agents take the grapes in, weigh, grade
//! and pay; the lots travel with a driver to the hub, where one arrives 4 % light; the hub packs
//! pallets and fills every order by actual weight; the buyers accept, and every fen and gram is
//! accounted for. And a window that does not reach its minimum refunds everyone.

use crate::helpers::*;
use crate::orders::{balance, books_balance, ok, post};
use reqwest::StatusCode;
use serde_json::{Value, json};
use uplink_core::ledger::AccountKey;
use uplink_core::{CountyId, PersonId, WindowId};

pub const HOUR_US: i64 = 3_600 * 1_000_000;

pub fn now_us() -> i64 {
    uplink_store::now_us()
}

/// Grapes that need a compliance certificate and tolerate 2 % loss per leg.
pub async fn grapes(app: &TestApp, op: &str) -> Value {
    let c = app.a.county_id;
    let body = json!({"direction": "uplink", "category": "fruit", "name": "宾川葡萄", "name_en": "Binchuan grapes",
    "sale_unit": "kg", "unit_cm3": 2200, "storage_class": "chilled", "shelf_life_days": 10, "tolerance_bps": 200,
    "requires_certificate": true,
    "grades": [
        {"code": "special", "name_zh": "特级", "name_en": "Special", "factor_bps": 12000, "criteria": "果粒 ≥ 22 mm"},
        {"code": "first", "name_zh": "一级", "name_en": "First", "factor_bps": 10000, "criteria": "果粒 18–22 mm"},
    ]});
    ok(post(app, op, &format!("/api/v1/counties/{c}/products"), body).await, StatusCode::CREATED).await
}

/// The window's offer: special ¥20.00/kg to buyers, ¥12.00 to farmers; first ¥16.00 and ¥10.00.
pub fn window_body(product: &str, drop_point: &str, minimum_kg: i64) -> Value {
    let now = now_us();
    json!({"title": "宾川葡萄 · 8月3日采摘 · 8月5日送达昆明", "product_id": product,
        "offers": [
            {"grade": "special", "buyer_price_fen": 2000, "farmer_price_fen": 1200,
             "fees": {"transport_fen": 400, "packing_fen": 150, "station_commission_fen": 100, "platform_fen": 150}},
            {"grade": "first", "buyer_price_fen": 1600, "farmer_price_fen": 1000,
             "fees": {"transport_fen": 300, "packing_fen": 120, "station_commission_fen": 80, "platform_fen": 100}},
        ],
        "opens_us": now - HOUR_US, "closes_us": now + HOUR_US, "harvest_date": "2026-08-03",
        "delivery_date": "2026-08-05", "minimum_kg": minimum_kg, "drop_point_ids": [drop_point]})
}

pub async fn first_drop_point(app: &TestApp, t: &str) -> String {
    let d = app.get_json(t, &format!("/api/v1/counties/{}/drop-points", app.a.county_id)).await;
    let items = d.as_array().cloned().or_else(|| d["items"].as_array().cloned()).unwrap();
    items[0]["id"].as_str().unwrap().to_string()
}

/// Closes every window whose closing time has come, as the server's background work would.
pub async fn run_jobs_at(app: &TestApp, at_us: i64) {
    uplink_service::jobs::run_due(&app.db, at_us).await.expect("scheduled work");
}

/// A new person of county A with a login; returns (person id, token).
pub async fn new_person(app: &TestApp, op: &str, body: Value, username: &str) -> (String, String) {
    let mut body = body;
    body["account"] = json!({"username": username, "password": PASSWORD});
    let p = ok(post(app, op, &format!("/api/v1/counties/{}/people", app.a.county_id), body).await, StatusCode::CREATED)
        .await;
    (p["id"].as_str().unwrap().to_string(), app.token(username).await)
}

/// Tops up many buyers' wallets with one bank statement.
pub async fn fund(app: &TestApp, op: &str, buyers: &[(String, String)], yuan: &str) {
    let c = app.a.county_id;
    let mut csv = String::from("date,amount,reference,payer\n");
    for (_, t) in buyers {
        let r = ok(
            post(app, t, &format!("/api/v1/counties/{c}/wallet-topups"), json!({"amount": yuan})).await,
            StatusCode::CREATED,
        )
        .await;
        csv.push_str(&format!("2026-08-01,{yuan},{},买家\n", r["reference"].as_str().unwrap()));
    }
    let r =
        ok(post(app, op, &format!("/api/v1/counties/{c}/bank-statements"), json!({"csv": csv})).await, StatusCode::OK)
            .await;
    assert_eq!(r["matched"].as_array().unwrap().len(), buyers.len(), "{r}");
}

fn wallet(p: &str) -> AccountKey {
    AccountKey::Wallet(p.parse::<PersonId>().unwrap())
}

#[tokio::test]
async fn thirty_buyers_pre_order_grapes_twelve_farmers_deliver_and_every_fen_and_gram_is_accounted_for() {
    let app = spawn_app().await;
    let c: CountyId = app.a.county_id;
    let api = |p: &str| format!("/api/v1/counties/{c}/{p}");
    let op = app.token(&app.user_a("operator")).await;
    let product = grapes(&app, &op).await;
    let drop = first_drop_point(&app, &op).await;

    // The operator opens the window; the fees add up to the difference, shown to everyone.
    let w = ok(
        post(&app, &op, &api("windows"), window_body(product["id"].as_str().unwrap(), &drop, 100)).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(w["state"], "open");
    let wid = w["id"].as_str().unwrap().to_string();
    let wpath = api(&format!("windows/{wid}"));

    // Thirty city buyers, each with ¥100 in their wallet, pre-order 5 kg each: half special, half first.
    let mut buyers = vec![];
    for i in 0..30 {
        let body = json!({"role": "buyer", "buyer_kind": if i % 3 == 0 { "business" } else { "consumer" },
            "name": format!("昆明买家{i}")});
        buyers.push(new_person(&app, &op, body, &format!("kmbuyer{i}")).await);
    }
    fund(&app, &op, &buyers, "100.00").await;
    let mut orders = vec![];
    for (i, (_, t)) in buyers.iter().enumerate() {
        let grade = if i % 2 == 0 { "special" } else { "first" };
        let o = ok(
            post(&app, t, &format!("{wpath}/orders"), json!({"grade": grade, "kg": 5, "drop_point_id": drop})).await,
            StatusCode::CREATED,
        )
        .await;
        assert_eq!(
            (o["state"].as_str(), o["total_fen"].as_i64()),
            (Some("paid"), Some(if i % 2 == 0 { 10_000 } else { 8_000 }))
        );
        orders.push(o);
    }
    let w = app.get_json(&op, &wpath).await;
    assert_eq!((w["ordered_kg"].as_i64(), w["orders"].as_i64()), (Some(150), Some(30)));
    books_balance(&app).await;

    // Three stations, an agent each; twelve farmers, four in each station's village.
    let stations = app.get_json(&op, &format!("{}?limit=3", api("stations"))).await;
    let stations: Vec<Value> = stations["items"].as_array().unwrap().clone();
    assert_eq!(stations.len(), 3);
    let mut agents = vec![];
    let mut farmers = vec![];
    for (s, st) in stations.iter().enumerate() {
        let sid = st["id"].as_str().unwrap();
        agents.push(
            new_person(
                &app,
                &op,
                json!({"role": "agent", "name": format!("站长{s}"), "station_id": sid}),
                &format!("wagent{s}"),
            )
            .await,
        );
        for f in 0..4 {
            let body = json!({"role": "farmer", "name": format!("果农{s}{f}"), "village_id": st["village_id"]});
            let p = ok(post(&app, &op, &api("people"), body).await, StatusCode::CREATED).await;
            let grade = if f % 2 == 0 { "special" } else { "first" };
            farmers.push((p["id"].as_str().unwrap().to_string(), s, grade));
        }
    }
    // Each agent declares 20 kg for each farmer of the station: 120 kg per grade for 75 kg wanted.
    for (fid, s, grade) in &farmers {
        let body = json!({"farmer_id": fid, "station_id": stations[*s]["id"], "grade": grade, "kg": 20, "ready_date": "2026-08-03"});
        ok(post(&app, &agents[*s].1, &format!("{wpath}/supply"), body).await, StatusCode::CREATED).await;
    }

    // The window closes: 75 kg of each grade shared among six farmers, 12.5 kg each by the rule.
    run_jobs_at(&app, now_us() + 2 * HOUR_US).await;
    let w = app.get_json(&op, &wpath).await;
    assert_eq!(w["state"], "allocated");
    let supply = app.get_json(&op, &format!("{wpath}/supply")).await;
    let mut by_grade = std::collections::BTreeMap::<String, Vec<i64>>::new();
    for s in supply.as_array().unwrap() {
        by_grade.entry(s["grade"].as_str().unwrap().into()).or_default().push(s["allocated_kg"].as_i64().unwrap());
    }
    for (_, mut kg) in by_grade {
        kg.sort();
        assert_eq!(kg, vec![12, 12, 12, 13, 13, 13], "largest remainders, ties to the earlier declaration");
    }
    let lists = app.get_json(&agents[0].1, &format!("{wpath}/harvest-lists")).await;
    let lists = lists.as_array().unwrap();
    assert_eq!(lists.len(), 3, "one harvest list per station");
    assert_eq!(lists.iter().map(|l| l["total_kg"].as_i64().unwrap()).sum::<i64>(), 150);
    assert!(lists.iter().all(|l| l["rows"].as_array().unwrap().len() == 4 && l["harvest_date"] == "2026-08-03"));

    // Intake: each farmer brings what was allocated plus 200 g, in an 800 g crate, with a certificate.
    let alloc: std::collections::HashMap<String, i64> = supply
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["farmer_id"].as_str().unwrap().to_string(), s["allocated_kg"].as_i64().unwrap()))
        .collect();
    let mut lots = vec![];
    let mut paid_to = std::collections::HashMap::new();
    for (n, (fid, s, grade)) in farmers.iter().enumerate() {
        let net = alloc[fid] * 1000 + 200;
        let mut body = json!({"window_id": wid, "farmer_id": fid, "grade": grade, "gross_g": net + 800, "tare_g": 800,
            "certificate_no": format!("BC-HG-2026-{n:04}")});
        if *grade == "first" {
            body["grade_reason"] = json!("果粒 18–22 mm，未达特级");
        }
        let r = ok(post(&app, &agents[*s].1, &api("intakes"), body).await, StatusCode::CREATED).await;
        let price = if *grade == "special" { 1200 } else { 1000 };
        // Farmer's price × net weight, to the nearest fen.
        let expected = (price * net + 500) / 1000;
        assert_eq!((r["net_g"].as_i64(), r["payout_fen"].as_i64()), (Some(net), Some(expected)));
        assert!(r["sms_zh"].as_str().unwrap().contains(r["lot"]["code"].as_str().unwrap()));
        let code = r["lot"]["code"].as_str().unwrap();
        assert!(
            code.starts_with(&format!(
                "{}-{}-",
                app.get_json(&op, &format!("/api/v1/counties/{c}")).await["code"].as_str().unwrap(),
                stations[*s]["code"].as_str().unwrap()
            )),
            "{code}"
        );
        paid_to.insert(fid.clone(), expected);
        lots.push((r["lot"]["id"].as_str().unwrap().to_string(), *s, *grade, net, code.to_string()));
    }
    for (fid, amount) in &paid_to {
        assert_eq!(balance(&app, c, wallet(fid)).await, *amount, "every farmer paid at intake");
    }
    books_balance(&app).await;

    // Labels and receipts print.
    let label =
        app.call(Some(&agents[0].1), reqwest::Method::GET, &api(&format!("lots/{}/label", lots[0].0)), None).await;
    assert_eq!(label.status(), StatusCode::OK);
    let label = label.text().await.unwrap();
    assert!(label.contains("<svg") && label.contains("60mm 40mm") && label.contains(&lots[0].4));
    let receipt =
        app.call(Some(&agents[0].1), reqwest::Method::GET, &api(&format!("lots/{}/receipt", lots[0].0)), None).await;
    assert!(receipt.text().await.unwrap().contains("果农00"));

    // Each agent hands the lots to the driver; the driver hands them in at the hub. One lot
    // arrives 4 % light: beyond the 2 % tolerance, an incident against the driver.
    let driver_t = app.token(&app.user_a("driver")).await;
    let driver = crate::orders::person(&app, &app.user_a("driver")).await["id"].as_str().unwrap().to_string();
    let operator = crate::orders::person(&app, &app.user_a("operator")).await["id"].as_str().unwrap().to_string();
    let mut at_hub = vec![];
    for (i, (lot, s, grade, net, _)) in lots.iter().enumerate() {
        let r = ok(
            post(
                &app,
                &agents[*s].1,
                &api(&format!("lots/{lot}/handoffs")),
                json!({"to_person_id": driver, "weight_g": net}),
            )
            .await,
            StatusCode::OK,
        )
        .await;
        assert!(r["incident"].is_null());
        let arrived = if i == 5 { net - net * 4 / 100 } else { net - 50 };
        let r = ok(
            post(
                &app,
                &driver_t,
                &api(&format!("lots/{lot}/handoffs")),
                json!({"to_person_id": operator, "weight_g": arrived}),
            )
            .await,
            StatusCode::OK,
        )
        .await;
        if i == 5 {
            assert_eq!(r["incident"]["custodian_id"].as_str(), Some(driver.as_str()), "{r}");
            assert_eq!(r["incident"]["loss_g"].as_i64(), Some(net * 4 / 100));
        } else {
            assert!(r["incident"].is_null(), "{r}");
        }
        at_hub.push((lot.clone(), *grade, arrived));
    }
    let incidents = app.get_json(&op, &api("incidents")).await;
    assert_eq!(incidents.as_array().unwrap().len(), 1);
    assert_eq!(incidents[0]["lot_id"].as_str(), Some(lots[5].0.as_str()));

    // The hub packs each grade onto a pallet: the pallet weighs exactly what its lots weigh.
    let mut pallets = std::collections::HashMap::new();
    for grade in ["special", "first"] {
        let ids: Vec<&str> = at_hub.iter().filter(|l| l.1 == grade).map(|l| l.0.as_str()).collect();
        let sum: i64 = at_hub.iter().filter(|l| l.1 == grade).map(|l| l.2).sum();
        let p = ok(post(&app, &op, &api("lots/merge"), json!({"lot_ids": ids})).await, StatusCode::CREATED).await;
        assert_eq!(p["lot"]["weight_g"].as_i64(), Some(sum));
        pallets.insert(grade, (p["lot"]["id"].as_str().unwrap().to_string(), sum));
    }

    // Every order is filled with 4.9 kg: the buyer pays for 4.9 kg, 0.1 kg is refunded at once.
    for (i, o) in orders.iter().enumerate() {
        let grade = if i % 2 == 0 { "special" } else { "first" };
        let body = json!({"lot_id": pallets[grade].0, "weight_g": 4_900});
        let r = ok(
            post(&app, &op, &format!("{wpath}/orders/{}/fill", o["id"].as_str().unwrap()), body).await,
            StatusCode::OK,
        )
        .await;
        let price = if grade == "special" { 2000 } else { 1600 };
        assert_eq!(
            (r["fill"]["charged_fen"].as_i64(), r["fill"]["refund_fen"].as_i64()),
            (Some(price * 49 / 10), Some(price / 10))
        );
        assert_eq!(r["order"]["state"], "delivered");
    }
    for grade in ["special", "first"] {
        let p = app.get_json(&op, &api(&format!("lots/{}", pallets[grade].0))).await;
        assert_eq!(
            p["lot"]["weight_g"].as_i64(),
            Some(pallets[grade].1 - 15 * 4_900),
            "weight conserved through the fills"
        );
    }
    assert_eq!(app.get_json(&op, &wpath).await["state"], "filled");

    // The buyers accept: the escrow splits into the farmers' share and the named fees.
    for ((_, t), o) in buyers.iter().zip(&orders) {
        ok(
            post(&app, t, &api(&format!("orders/{}/accept", o["id"].as_str().unwrap())), json!({})).await,
            StatusCode::OK,
        )
        .await;
    }
    assert_eq!(app.get_json(&op, &wpath).await["state"], "settled");
    for (i, ((pid, _), o)) in buyers.iter().zip(&orders).enumerate() {
        let price = if i % 2 == 0 { 2000 } else { 1600 };
        assert_eq!(balance(&app, c, wallet(pid)).await, 10_000 - price * 49 / 10, "paid for 4.9 kg only");
        let escrow = AccountKey::Escrow(o["id"].as_str().unwrap().parse().unwrap());
        assert_eq!(balance(&app, c, escrow).await, 0);
    }
    // Fees per kg × 4.9 kg × 15 orders per grade: special 600 + first 450 fen a kg... of the
    // platform's revenue, and the farmers' share recovered into the window's advance.
    let fees = 15 * (800 * 49 / 10) + 15 * (600 * 49 / 10);
    assert_eq!(balance(&app, c, AccountKey::PlatformRevenue).await, fees);
    let advanced: i64 = paid_to.values().sum();
    let recovered = 15 * (1200 * 49 / 10) + 15 * (1000 * 49 / 10);
    let advance = AccountKey::WindowAdvance(wid.parse::<WindowId>().unwrap());
    assert_eq!(
        balance(&app, c, advance).await,
        advanced - recovered,
        "what the window still has to recover: the loss and the leftovers"
    );
    for (fid, amount) in &paid_to {
        assert_eq!(balance(&app, c, wallet(fid)).await, *amount);
    }
    books_balance(&app).await;
}

#[tokio::test]
async fn a_window_below_its_minimum_refunds_every_buyer_in_full_and_allocates_nothing() {
    let app = spawn_app().await;
    let c = app.a.county_id;
    let op = app.token(&app.user_a("operator")).await;
    let product = grapes(&app, &op).await;
    let drop = first_drop_point(&app, &op).await;
    let w = ok(
        post(
            &app,
            &op,
            &format!("/api/v1/counties/{c}/windows"),
            window_body(product["id"].as_str().unwrap(), &drop, 500),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let wpath = format!("/api/v1/counties/{c}/windows/{}", w["id"].as_str().unwrap());
    let mut buyers = vec![];
    for i in 0..3 {
        buyers.push(
            new_person(
                &app,
                &op,
                json!({"role": "buyer", "buyer_kind": "consumer", "name": format!("少量买家{i}")}),
                &format!("fewbuyer{i}"),
            )
            .await,
        );
    }
    fund(&app, &op, &buyers, "200.00").await;
    for (_, t) in &buyers {
        ok(
            post(&app, t, &format!("{wpath}/orders"), json!({"grade": "first", "kg": 10, "drop_point_id": drop})).await,
            StatusCode::CREATED,
        )
        .await;
    }
    let agent_t = app.token(&app.user_a("agent")).await;
    let agent = crate::orders::person(&app, &app.user_a("agent")).await;
    let farmers = app.get_json(&op, &format!("/api/v1/counties/{c}/people?role=farmer&limit=1")).await;
    let body = json!({"farmer_id": farmers["items"][0]["id"], "station_id": agent["station_id"], "grade": "first", "kg": 50, "ready_date": "2026-08-03"});
    ok(post(&app, &agent_t, &format!("{wpath}/supply"), body).await, StatusCode::CREATED).await;
    for (pid, _) in &buyers {
        assert_eq!(balance(&app, c, wallet(pid)).await, 20_000 - 16_000);
    }

    run_jobs_at(&app, now_us() + 2 * HOUR_US).await;
    let w = app.get_json(&op, &wpath).await;
    assert_eq!((w["state"].as_str(), w["ordered_kg"].as_i64()), (Some("failed"), Some(0)));
    for (pid, t) in &buyers {
        assert_eq!(balance(&app, c, wallet(pid)).await, 20_000, "refunded in full");
        let mine = app.get_json(t, &format!("/api/v1/counties/{c}/orders")).await;
        assert!(mine["items"].as_array().unwrap().iter().all(|o| o["state"] == "cancelled"));
    }
    assert!(app.get_json(&op, &format!("{wpath}/harvest-lists")).await.as_array().unwrap().is_empty());
    assert!(app.get_json(&op, &format!("{wpath}/supply")).await[0]["allocated_kg"].is_null());
    // Running the work again changes nothing.
    run_jobs_at(&app, now_us() + 3 * HOUR_US).await;
    for (pid, _) in &buyers {
        assert_eq!(balance(&app, c, wallet(pid)).await, 20_000);
    }
    books_balance(&app).await;
}
