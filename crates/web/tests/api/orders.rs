//! The trade's stories, end to end through HTTP: a villager's rice cooker ordered by the agent
//! and paid in cash, a restaurant's walnuts from a co-op paid from a wallet topped up by bank
//! transfer; every balance checked at each step, the trial balance always zero.

use crate::helpers::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use uplink_core::ledger::AccountKey;
use uplink_core::{CountyId, Fen, OrderId, PersonId, StationId};

pub async fn post(app: &TestApp, t: &str, path: &str, body: Value) -> reqwest::Response {
    app.call(Some(t), Method::POST, path, Some(&body)).await
}

pub async fn ok(r: reqwest::Response, status: StatusCode) -> Value {
    let s = r.status();
    let body: Value = r.json().await.unwrap_or(Value::Null);
    assert_eq!(s, status, "{body}");
    body
}

/// The balance of an account on its normal side, read straight from the books.
pub async fn balance(app: &TestApp, county: CountyId, key: AccountKey) -> i64 {
    let mut c = app.db.reader().await.unwrap();
    uplink_store::ledger::balance(&mut c, county, key).await.unwrap().balance.0
}

/// What an account can still pay out: its balance less pending holds.
pub async fn available(app: &TestApp, county: CountyId, key: AccountKey) -> i64 {
    let mut c = app.db.reader().await.unwrap();
    uplink_store::ledger::balance(&mut c, county, key).await.unwrap().available.0
}

/// The trial balance must be zero after every step.
pub async fn books_balance(app: &TestApp) {
    for county in [app.a.county_id, app.b.county_id] {
        let mut c = app.db.reader().await.unwrap();
        let tb = uplink_store::ledger::reports::trial_balance(&mut c, county).await.unwrap();
        assert!(tb.balanced && tb.difference == 0 && tb.pending_difference == 0, "{tb:?}");
    }
}

pub fn id_of<T: std::str::FromStr>(v: &Value) -> T
where
    T::Err: std::fmt::Debug,
{
    v["id"].as_str().expect("id").parse().expect("an id")
}

/// The person record of a login in county A.
pub async fn person(app: &TestApp, username: &str) -> Value {
    let op = app.token(&app.user_a("operator")).await;
    let all = app.get_json(&op, &format!("/api/v1/counties/{}/people?limit=200", app.a.county_id)).await;
    let p = all["items"].as_array().unwrap().iter().find(|p| p["username"] == username).cloned();
    match p {
        Some(p) => p,
        None => {
            // Staff are not on the first page of 200 in every county; search by name instead.
            let me = app.get_json(&app.token(username).await, "/api/v1/me").await;
            let pid = me["memberships"][0]["person_id"].as_str().unwrap().to_string();
            app.get_json(&op, &format!("/api/v1/counties/{}/people/{pid}", app.a.county_id)).await
        }
    }
}

/// The first villager of county `c` the agent `agent_t` sees: their id.
pub async fn first_villager(app: &TestApp, agent_t: &str, c: CountyId) -> Value {
    app.get_json(agent_t, &format!("/api/v1/counties/{c}/people?role=buyer&limit=1")).await["items"][0]["id"].clone()
}

pub async fn stock_of(app: &TestApp, t: &str, listing: &str) -> i64 {
    let l = app.get_json(t, &format!("/api/v1/counties/{}/listings/{listing}", app.a.county_id)).await;
    l["stock_units"].as_i64().or(l["offered_units"].as_i64()).unwrap()
}

/// A supplier lists a rice cooker at ¥199.00 with `stock` units at the hub.
pub async fn rice_cooker(app: &TestApp, supplier_token: &str, supplier: &str, stock: i64) -> String {
    let c = app.a.county_id;
    let p = ok(
        post(app, supplier_token, &format!("/api/v1/counties/{c}/products"), json!({
            "direction": "downlink", "category": "appliances", "name": "美的电饭煲 4L", "name_en": "Rice cooker 4 L",
            "sale_unit": "piece", "unit_grams": 3500, "unit_cm3": 18000, "gtin": "6901234567892",
            "storage_class": "ambient", "shelf_life_days": 3650, "tolerance_bps": 0
        })).await,
        StatusCode::CREATED,
    )
    .await;
    let l = ok(
        post(app, supplier_token, &format!("/api/v1/counties/{c}/listings"), json!({
            "product_id": p["id"], "seller_id": supplier, "price_fen": 19900, "stock_units": stock, "min_order_units": 1
        })).await,
        StatusCode::CREATED,
    )
    .await;
    l["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn the_downlink_story_a_villagers_rice_cooker_from_order_to_the_agents_commission() {
    let app = spawn_app().await;
    let c = app.a.county_id;
    let (supplier_t, agent_t, op_t, driver_t) = (
        app.token(&app.user_a("supplier")).await,
        app.token(&app.user_a("agent")).await,
        app.token(&app.user_a("operator")).await,
        app.token(&app.user_a("driver")).await,
    );
    let supplier = person(&app, &app.user_a("supplier")).await;
    let supplier_id: PersonId = id_of(&supplier);
    let agent = person(&app, &app.user_a("agent")).await;
    let agent_id: PersonId = id_of(&agent);
    let station: StationId = agent["station_id"].as_str().unwrap().parse().unwrap();
    let listing = rice_cooker(&app, &supplier_t, supplier["id"].as_str().unwrap(), 5).await;

    // The agent registers a villager in seconds: name, phone, village. No account.
    let village =
        app.get_json(&agent_t, &format!("/api/v1/counties/{c}/stations/{station}")).await["village_id"].clone();
    let villager = ok(
        post(&app, &agent_t, &format!("/api/v1/counties/{c}/people"),
            json!({"role": "buyer", "buyer_kind": "consumer", "name": "杨奶奶", "phone": "10055556666", "village_id": village})).await,
        StatusCode::CREATED,
    )
    .await;

    // The agent orders for her; the pickup code is on the receipt.
    let order = ok(
        post(
            &app,
            &agent_t,
            &format!("/api/v1/counties/{c}/orders"),
            json!({"buyer_id": villager["id"], "lines": [{"listing_id": listing, "units": 1}]}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(order["state"], "placed");
    assert_eq!(order["direction"], "downlink");
    assert_eq!(order["station_id"], station.to_string(), "the agent's own station by default");
    assert_eq!(order["agent_id"], agent["id"]);
    assert_eq!(order["total_fen"], 19900);
    assert_eq!(order["weight_g"], 3500);
    let code = order["pickup_code"].as_str().unwrap().to_string();
    assert_eq!(code.len(), 6);
    let oid: OrderId = id_of(&order);
    let path = |m: &str| format!("/api/v1/counties/{c}/orders/{oid}/{m}");
    assert_eq!(stock_of(&app, &agent_t, &listing).await, 4, "reserved when placed");

    // Cash into the drawer, and into escrow.
    let paid = ok(post(&app, &agent_t, &path("pay"), json!({"method": "cash"})).await, StatusCode::OK).await;
    assert_eq!(paid["state"], "paid");
    assert_eq!(balance(&app, c, AccountKey::StationCash(station)).await, 19900);
    assert_eq!(balance(&app, c, AccountKey::Escrow(oid)).await, 19900);
    books_balance(&app).await;

    // The supplier confirms, the hub packs, the driver takes it and delivers it to the station.
    ok(post(&app, &supplier_t, &path("confirm"), json!({})).await, StatusCode::OK).await;
    ok(post(&app, &op_t, &path("pack"), json!({})).await, StatusCode::OK).await;
    ok(post(&app, &driver_t, &path("ship"), json!({})).await, StatusCode::OK).await;
    let delivered =
        ok(post(&app, &driver_t, &path("deliver"), json!({"note": "站里签收"})).await, StatusCode::OK).await;
    assert_eq!(delivered["state"], "delivered");
    assert!(delivered["pickup_code"].is_null(), "the driver does not see the pickup code");
    assert_eq!(balance(&app, c, AccountKey::Escrow(oid)).await, 19900, "still held");

    // The villager comes with her code; the agent hands the parcel over: accepted and settled.
    let settled = ok(
        post(
            &app,
            &agent_t,
            &format!("/api/v1/counties/{c}/stations/{station}/handover"),
            json!({"pickup_code": code}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(settled["state"], "settled");
    // 3 % platform fee and 2 % commission (the county defaults), rounded down; the rest to the seller.
    let (fee, commission) = (19900 * 300 / 10000, 19900 * 200 / 10000);
    // Escrow keeps only the agent's commission, held pending: nothing is available to anyone else.
    assert_eq!(balance(&app, c, AccountKey::Escrow(oid)).await, commission);
    assert_eq!(available(&app, c, AccountKey::Escrow(oid)).await, 0);
    assert_eq!(balance(&app, c, AccountKey::Wallet(supplier_id)).await, 19900 - fee - commission);
    assert_eq!(balance(&app, c, AccountKey::PlatformRevenue).await, fee);
    assert_eq!(balance(&app, c, AccountKey::Commission(agent_id)).await, 0, "pending until the return window closes");
    books_balance(&app).await;

    // The return window passes; the scheduled work releases the commission, once.
    let later = uplink_store::now_us() + 8 * 86_400 * 1_000_000;
    assert!(uplink_service::jobs::run_due(&app.db, later).await.unwrap() >= 1);
    uplink_service::jobs::run_due(&app.db, later).await.unwrap();
    assert_eq!(balance(&app, c, AccountKey::Commission(agent_id)).await, commission);
    assert_eq!(balance(&app, c, AccountKey::Escrow(oid)).await, 0);
    books_balance(&app).await;

    // The agent hands the cash over to the county: the drawer is empty again.
    let moved = ok(
        post(
            &app,
            &agent_t,
            &format!("/api/v1/counties/{c}/stations/{station}/cash-handovers"),
            json!({"amount": "199.00"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(moved["balance_after_fen"], 0);
    assert_eq!(balance(&app, c, AccountKey::CountyBank).await, 19900);
    books_balance(&app).await;

    // The history tells who did what.
    let h = app.get_json(&op_t, &path("history")).await;
    let events: Vec<&str> = h.as_array().unwrap().iter().map(|e| e["event"].as_str().unwrap()).collect();
    assert_eq!(events, ["pay", "confirm", "pack", "ship", "deliver", "accept", "settle"]);
}

/// A buyer's wallet topped up by bank transfer, reconciled by the operator.
pub async fn fund_wallet(app: &TestApp, buyer_t: &str, op_t: &str, yuan: &str) {
    let c = app.a.county_id;
    let t = ok(
        post(app, buyer_t, &format!("/api/v1/counties/{c}/wallet-topups"), json!({"amount": yuan})).await,
        StatusCode::CREATED,
    )
    .await;
    let csv = format!("date,amount,reference,payer\n2026-08-01,{yuan},{},餐厅\n", t["reference"].as_str().unwrap());
    let r = ok(
        post(app, op_t, &format!("/api/v1/counties/{c}/bank-statements"), json!({"csv": csv})).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(r["matched"].as_array().unwrap().len(), 1, "{r}");
}

#[tokio::test]
async fn the_uplink_spot_sale_a_coops_walnuts_bought_by_a_city_restaurant() {
    let app = spawn_app().await;
    let c = app.a.county_id;
    let (coop_t, buyer_t, op_t, driver_t) = (
        app.token(&app.user_a("coop")).await,
        app.token(&app.user_a("buyer")).await,
        app.token(&app.user_a("operator")).await,
        app.token(&app.user_a("driver")).await,
    );
    let coop = person(&app, &app.user_a("coop")).await;
    let coop_id: PersonId = id_of(&coop);
    let buyer = person(&app, &app.user_a("buyer")).await;
    let buyer_id: PersonId = id_of(&buyer);
    let p = ok(
        post(&app, &coop_t, &format!("/api/v1/counties/{c}/products"), json!({
            "direction": "uplink", "category": "nuts", "name": "漾濞核桃", "name_en": "Walnuts", "sale_unit": "kg",
            "unit_cm3": 2500, "storage_class": "ambient", "shelf_life_days": 180, "tolerance_bps": 50,
            "requires_certificate": true,
            "grades": [
                {"code": "special", "name_zh": "特级", "name_en": "Special", "factor_bps": 12000, "criteria": "果径≥36mm，空壳率≤1%"},
                {"code": "first", "name_zh": "一级", "name_en": "First", "factor_bps": 10000, "criteria": "果径≥32mm"}
            ]
        })).await,
        StatusCode::CREATED,
    )
    .await;
    let listing = ok(
        post(
            &app,
            &coop_t,
            &format!("/api/v1/counties/{c}/listings"),
            json!({
                "product_id": p["id"], "seller_id": coop["id"], "price_fen": 3000, "offered_units": 500,
                "harvest_date": "2026-09-20", "min_order_units": 10
            }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let drop = app.get_json(&buyer_t, &format!("/api/v1/counties/{c}/drop-points")).await;
    let drop_id = drop[0]["id"].clone();

    fund_wallet(&app, &buyer_t, &op_t, "2000.00").await;
    assert_eq!(balance(&app, c, AccountKey::Wallet(buyer_id)).await, 200_000);

    // 20 kg of special grade at 1.2 × ¥30.00 = ¥36.00/kg.
    let order = ok(
        post(&app, &buyer_t, &format!("/api/v1/counties/{c}/orders"),
            json!({"lines": [{"listing_id": listing["id"], "units": 20, "grade": "special"}], "drop_point_id": drop_id})).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(order["direction"], "uplink");
    assert_eq!(order["lines"][0]["unit_price_fen"], 3600);
    assert_eq!(order["total_fen"], 72_000);
    assert_eq!(order["weight_g"], 20_000);
    let oid: OrderId = id_of(&order);
    let path = |m: &str| format!("/api/v1/counties/{c}/orders/{oid}/{m}");
    assert_eq!(stock_of(&app, &buyer_t, listing["id"].as_str().unwrap()).await, 480);

    ok(post(&app, &buyer_t, &path("pay"), json!({"method": "wallet"})).await, StatusCode::OK).await;
    assert_eq!(balance(&app, c, AccountKey::Wallet(buyer_id)).await, 200_000 - 72_000);
    assert_eq!(balance(&app, c, AccountKey::Escrow(oid)).await, 72_000);
    ok(post(&app, &coop_t, &path("confirm"), json!({})).await, StatusCode::OK).await;
    ok(post(&app, &coop_t, &path("pack"), json!({})).await, StatusCode::OK).await;
    ok(post(&app, &driver_t, &path("ship"), json!({})).await, StatusCode::OK).await;
    ok(post(&app, &driver_t, &path("deliver"), json!({})).await, StatusCode::OK).await;
    let done = ok(post(&app, &buyer_t, &path("accept"), json!({"note": "货好"})).await, StatusCode::OK).await;
    assert_eq!(done["state"], "settled");
    // No agent: no commission; the co-op gets all but the 3 % fee.
    let fee = 72_000 * 300 / 10_000;
    assert_eq!(balance(&app, c, AccountKey::Wallet(coop_id)).await, 72_000 - fee);
    assert_eq!(balance(&app, c, AccountKey::PlatformRevenue).await, fee);
    books_balance(&app).await;

    // The operator pays the co-op out to its bank account.
    let out = ok(
        post(&app, &op_t, &format!("/api/v1/counties/{c}/people/{coop_id}/payouts"), json!({"amount": "698.40"})).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(out["balance_after_fen"], 0);
    books_balance(&app).await;
}

#[tokio::test]
async fn fifty_orders_race_for_the_last_ten_units_and_exactly_ten_win() {
    let app = spawn_app().await;
    let c = app.a.county_id;
    let supplier_t = app.token(&app.user_a("supplier")).await;
    let supplier = person(&app, &app.user_a("supplier")).await;
    let listing = rice_cooker(&app, &supplier_t, supplier["id"].as_str().unwrap(), 10).await;
    let buyer_t = app.token(&app.user_a("buyer")).await;
    let station = app.first_id(&buyer_t, "stations").await;
    let mut tasks = Vec::new();
    for _ in 0..50 {
        let (http, url, t, body) = (
            app.http.clone(),
            format!("{}/api/v1/counties/{c}/orders", app.base),
            buyer_t.clone(),
            json!({"lines": [{"listing_id": listing, "units": 1}], "station_id": station}),
        );
        tasks.push(tokio::spawn(
            async move { http.post(url).bearer_auth(t).json(&body).send().await.unwrap().status() },
        ));
    }
    let mut won = 0;
    let mut lost = 0;
    for t in tasks {
        match t.await.unwrap() {
            StatusCode::CREATED => won += 1,
            StatusCode::CONFLICT => lost += 1,
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!((won, lost), (10, 40));
    assert_eq!(stock_of(&app, &buyer_t, &listing).await, 0);
}

#[tokio::test]
async fn the_same_order_replayed_five_times_is_one_order_and_one_escrow_hold() {
    let app = spawn_app().await;
    let c = app.a.county_id;
    let supplier_t = app.token(&app.user_a("supplier")).await;
    let supplier = person(&app, &app.user_a("supplier")).await;
    let listing = rice_cooker(&app, &supplier_t, supplier["id"].as_str().unwrap(), 5).await;
    let agent_t = app.token(&app.user_a("agent")).await;
    let villager = first_villager(&app, &agent_t, c).await;
    let body = json!({"buyer_id": villager, "lines": [{"listing_id": listing, "units": 2}]});
    let mut ids = Vec::new();
    for _ in 0..5 {
        let r = app
            .call_with(
                Some(&agent_t),
                Method::POST,
                &format!("/api/v1/counties/{c}/orders"),
                Some(&body),
                &[("Idempotency-Key", "order-yang-1")],
            )
            .await;
        ids.push(ok(r, StatusCode::CREATED).await["id"].clone());
    }
    assert!(ids.windows(2).all(|w| w[0] == w[1]));
    assert_eq!(stock_of(&app, &agent_t, &listing).await, 3, "reserved once");
    let oid: OrderId = ids[0].as_str().unwrap().parse().unwrap();
    for _ in 0..5 {
        let r = app
            .call_with(
                Some(&agent_t),
                Method::POST,
                &format!("/api/v1/counties/{c}/orders/{oid}/pay"),
                Some(&json!({"method": "cash"})),
                &[("Idempotency-Key", "pay-yang-1")],
            )
            .await;
        assert_eq!(ok(r, StatusCode::OK).await["state"], "paid");
    }
    assert_eq!(balance(&app, c, AccountKey::Escrow(oid)).await, 2 * 19900, "one hold");
    let mut conn = app.db.reader().await.unwrap();
    let transfers = uplink_store::ledger::transfers_of_order(&mut conn, c, oid).await.unwrap();
    assert_eq!(transfers.len(), 1);
    books_balance(&app).await;
}

#[tokio::test]
async fn bad_orders_are_refused_clearly_and_change_nothing() {
    let app = spawn_app().await;
    let c = app.a.county_id;
    let supplier_t = app.token(&app.user_a("supplier")).await;
    let supplier = person(&app, &app.user_a("supplier")).await;
    let listing = rice_cooker(&app, &supplier_t, supplier["id"].as_str().unwrap(), 5).await;
    let (agent_t, buyer_t) = (app.token(&app.user_a("agent")).await, app.token(&app.user_a("buyer")).await);
    let villager = first_villager(&app, &agent_t, c).await;
    let orders = format!("/api/v1/counties/{c}/orders");
    let line = |units: Value| json!({"buyer_id": villager, "lines": [{"listing_id": listing, "units": units}]});
    let count_url = format!("{orders}?limit=1");
    let before = app.get_json(&agent_t, &count_url).await["total"].as_i64().unwrap();

    let cases: Vec<(Value, StatusCode, &str)> = vec![
        (line(json!(0)), StatusCode::UNPROCESSABLE_ENTITY, "lines[0].units"),
        (line(json!(-3)), StatusCode::UNPROCESSABLE_ENTITY, "lines[0].units"),
        (line(json!(0.5)), StatusCode::BAD_REQUEST, "lines[0].units"),
        (
            json!({"buyer_id": villager, "lines": [{"listing_id": uuid::Uuid::now_v7(), "units": 1}]}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "lines[0].listing_id",
        ),
        (json!({"buyer_id": villager, "lines": []}), StatusCode::UNPROCESSABLE_ENTITY, "lines"),
        (
            json!({"buyer_id": villager, "lines": [{"listing_id": listing, "units": 1}], "address": "昆明市五华区某路 1 号"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "address",
        ),
        (line(json!(6)), StatusCode::CONFLICT, "lines[0].units"),
    ];
    for (body, status, field) in cases {
        let r = post(&app, &agent_t, &orders, body.clone()).await;
        assert_problem(r, status, Some(field)).await;
    }
    // A city buyer ordering a downlink product to a city address.
    let r = post(
        &app,
        &buyer_t,
        &orders,
        json!({"lines": [{"listing_id": listing, "units": 1}], "address": "昆明市盘龙区某路 8 号"}),
    )
    .await;
    assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, Some("address")).await;
    assert_eq!(app.get_json(&agent_t, &count_url).await["total"].as_i64().unwrap(), before, "no order was written");
    assert_eq!(stock_of(&app, &agent_t, &listing).await, 5, "no stock was taken");

    // A good order, paid once: paying twice and accepting before delivery say what is allowed.
    let o = ok(post(&app, &agent_t, &orders, line(json!(1))).await, StatusCode::CREATED).await;
    let oid = o["id"].as_str().unwrap();
    ok(post(&app, &agent_t, &format!("{orders}/{oid}/pay"), json!({"method": "cash"})).await, StatusCode::OK).await;
    let r = post(&app, &agent_t, &format!("{orders}/{oid}/pay"), json!({"method": "cash"})).await;
    let v = assert_problem(r, StatusCode::CONFLICT, None).await;
    assert_eq!(v["type"], "/problems/invalid-transition");
    assert_eq!(v["allowed"], json!(["confirm", "cancel"]));
    let r = post(
        &app,
        &agent_t,
        &format!("/api/v1/counties/{c}/stations/{}/handover", o["station_id"].as_str().unwrap()),
        json!({"pickup_code": o["pickup_code"]}),
    )
    .await;
    assert_problem(r, StatusCode::CONFLICT, Some("pickup_code")).await;
    let drawer: StationId = o["station_id"].as_str().unwrap().parse().unwrap();
    assert_eq!(balance(&app, c, AccountKey::StationCash(drawer)).await, 19900, "paid once");

    // A pickup code of another station finds nothing at this one.
    let other_agent = {
        let op = app.token(&app.user_a("operator")).await;
        let all = app.get_json(&op, &format!("/api/v1/counties/{c}/people?role=agent&limit=200")).await;
        all["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["station_id"] != o["station_id"] && p["username"].is_string())
            .cloned()
    };
    if let Some(other) = other_agent {
        let t = app.token(other["username"].as_str().unwrap()).await;
        let r = post(
            &app,
            &t,
            &format!("/api/v1/counties/{c}/stations/{}/handover", other["station_id"].as_str().unwrap()),
            json!({"pickup_code": o["pickup_code"]}),
        )
        .await;
        assert_problem(r, StatusCode::CONFLICT, Some("pickup_code")).await;
    }
    // A malformed pickup code names the field.
    let r = post(
        &app,
        &agent_t,
        &format!("/api/v1/counties/{c}/stations/{drawer}/handover"),
        json!({"pickup_code": "12ab"}),
    )
    .await;
    assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, Some("pickup_code")).await;
    books_balance(&app).await;
    let _ = Fen::ZERO;
}

#[tokio::test]
async fn a_cancellation_and_a_return_reverse_exactly_what_happened() {
    let app = spawn_app().await;
    let c = app.a.county_id;
    let supplier_t = app.token(&app.user_a("supplier")).await;
    let supplier = person(&app, &app.user_a("supplier")).await;
    let supplier_id: PersonId = id_of(&supplier);
    let listing = rice_cooker(&app, &supplier_t, supplier["id"].as_str().unwrap(), 5).await;
    let (agent_t, op_t, driver_t) = (
        app.token(&app.user_a("agent")).await,
        app.token(&app.user_a("operator")).await,
        app.token(&app.user_a("driver")).await,
    );
    let agent = person(&app, &app.user_a("agent")).await;
    let agent_id: PersonId = id_of(&agent);
    let station: StationId = agent["station_id"].as_str().unwrap().parse().unwrap();
    let villager = first_villager(&app, &agent_t, c).await;
    let orders = format!("/api/v1/counties/{c}/orders");
    let new_order =
        || post(&app, &agent_t, &orders, json!({"buyer_id": villager, "lines": [{"listing_id": listing, "units": 1}]}));

    // Cancelled after payment: the cash goes back out of the drawer, the stock back on the shelf.
    let o = ok(new_order().await, StatusCode::CREATED).await;
    let oid = o["id"].as_str().unwrap().to_string();
    ok(post(&app, &agent_t, &format!("{orders}/{oid}/pay"), json!({"method": "cash"})).await, StatusCode::OK).await;
    let cancelled =
        ok(post(&app, &agent_t, &format!("{orders}/{oid}/cancel"), json!({"note": "买错了"})).await, StatusCode::OK)
            .await;
    assert_eq!(cancelled["state"], "cancelled");
    assert_eq!(balance(&app, c, AccountKey::StationCash(station)).await, 0);
    assert_eq!(stock_of(&app, &agent_t, &listing).await, 5);
    books_balance(&app).await;

    // Settled, then returned within the window: everyone is back where they started.
    let o = ok(new_order().await, StatusCode::CREATED).await;
    let oid = o["id"].as_str().unwrap().to_string();
    let p = |m: &str| format!("{orders}/{oid}/{m}");
    ok(post(&app, &agent_t, &p("pay"), json!({"method": "cash"})).await, StatusCode::OK).await;
    ok(post(&app, &supplier_t, &p("confirm"), json!({})).await, StatusCode::OK).await;
    // Too late to cancel once packed.
    ok(post(&app, &op_t, &p("pack"), json!({})).await, StatusCode::OK).await;
    let r = post(&app, &agent_t, &p("cancel"), json!({})).await;
    assert_problem(r, StatusCode::CONFLICT, None).await;
    ok(post(&app, &driver_t, &p("ship"), json!({})).await, StatusCode::OK).await;
    ok(post(&app, &driver_t, &p("deliver"), json!({})).await, StatusCode::OK).await;
    ok(
        post(
            &app,
            &agent_t,
            &format!("/api/v1/counties/{c}/stations/{station}/handover"),
            json!({"pickup_code": o["pickup_code"]}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert!(balance(&app, c, AccountKey::Wallet(supplier_id)).await > 0);
    let returned = ok(post(&app, &agent_t, &p("return"), json!({"note": "不能用"})).await, StatusCode::OK).await;
    assert_eq!(returned["state"], "returned");
    assert_eq!(balance(&app, c, AccountKey::Wallet(supplier_id)).await, 0);
    assert_eq!(balance(&app, c, AccountKey::PlatformRevenue).await, 0);
    assert_eq!(balance(&app, c, AccountKey::Commission(agent_id)).await, 0);
    assert_eq!(balance(&app, c, AccountKey::StationCash(station)).await, 0, "the cash went back to the villager");
    assert_eq!(stock_of(&app, &agent_t, &listing).await, 5);
    // The commission task finds the order returned and releases nothing.
    uplink_service::jobs::run_due(&app.db, uplink_store::now_us() + 30 * 86_400 * 1_000_000).await.unwrap();
    assert_eq!(balance(&app, c, AccountKey::Commission(agent_id)).await, 0);
    books_balance(&app).await;
}

#[tokio::test]
async fn unpaid_orders_give_their_stock_back_and_delivered_ones_are_accepted_after_the_window() {
    let app = spawn_app().await;
    let c = app.a.county_id;
    let supplier_t = app.token(&app.user_a("supplier")).await;
    let supplier = person(&app, &app.user_a("supplier")).await;
    let listing = rice_cooker(&app, &supplier_t, supplier["id"].as_str().unwrap(), 3).await;
    let (buyer_t, op_t, driver_t) = (
        app.token(&app.user_a("buyer")).await,
        app.token(&app.user_a("operator")).await,
        app.token(&app.user_a("driver")).await,
    );
    let station = app.first_id(&buyer_t, "stations").await;
    let orders = format!("/api/v1/counties/{c}/orders");
    let body = json!({"lines": [{"listing_id": listing, "units": 2}], "station_id": station});
    let unpaid = ok(post(&app, &buyer_t, &orders, body.clone()).await, StatusCode::CREATED).await;
    assert_eq!(stock_of(&app, &buyer_t, &listing).await, 1);
    uplink_service::jobs::run_due(&app.db, uplink_store::now_us() + 31 * 60 * 1_000_000).await.unwrap();
    let o = app.get_json(&buyer_t, &format!("{orders}/{}", unpaid["id"].as_str().unwrap())).await;
    assert_eq!(o["state"], "cancelled");
    assert_eq!(stock_of(&app, &buyer_t, &listing).await, 3);

    fund_wallet(&app, &buyer_t, &op_t, "500").await;
    let o = ok(post(&app, &buyer_t, &orders, body).await, StatusCode::CREATED).await;
    let p = |m: &str| format!("{orders}/{}/{m}", o["id"].as_str().unwrap());
    ok(post(&app, &buyer_t, &p("pay"), json!({"method": "wallet"})).await, StatusCode::OK).await;
    ok(post(&app, &supplier_t, &p("confirm"), json!({})).await, StatusCode::OK).await;
    ok(post(&app, &op_t, &p("pack"), json!({})).await, StatusCode::OK).await;
    ok(post(&app, &driver_t, &p("ship"), json!({})).await, StatusCode::OK).await;
    ok(post(&app, &driver_t, &p("deliver"), json!({})).await, StatusCode::OK).await;
    // A restart between now and the window loses nothing: the task is a row.
    uplink_service::jobs::run_due(&app.db, uplink_store::now_us() + 73 * 3600 * 1_000_000).await.unwrap();
    let done = app.get_json(&buyer_t, &p("")[..p("").len() - 1]).await;
    assert_eq!(done["state"], "settled");
    books_balance(&app).await;
}

#[tokio::test]
async fn an_order_number_or_payment_reference_already_taken_is_drawn_again_not_an_error() {
    let app = spawn_app().await;
    let c = app.a.county_id;
    let supplier_t = app.token(&app.user_a("supplier")).await;
    let supplier = person(&app, &app.user_a("supplier")).await;
    let listing = rice_cooker(&app, &supplier_t, supplier["id"].as_str().unwrap(), 5).await;
    let agent_t = app.token(&app.user_a("agent")).await;
    let villager = first_villager(&app, &agent_t, c).await;
    let placed = ok(
        post(
            &app,
            &agent_t,
            &format!("/api/v1/counties/{c}/orders"),
            json!({"buyer_id": villager, "lines": [{"listing_id": listing, "units": 1}]}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let oid: OrderId = placed["id"].as_str().unwrap().parse().unwrap();
    let first = {
        let mut r = app.db.reader().await.unwrap();
        uplink_store::orders::get_order(&mut r, c, oid).await.unwrap().unwrap()
    };
    let user: uplink_core::UserId = {
        let mut r = app.db.reader().await.unwrap();
        let id: String = sqlx::query_scalar("SELECT placed_by_user FROM orders WHERE county_id = $1 AND order_id = $2")
            .bind(c.to_string())
            .bind(oid.to_string())
            .fetch_one(&mut *r)
            .await
            .unwrap();
        id.parse().unwrap()
    };
    // A second order drawing the first one's order number, then its payment reference: refused
    // without an error (the transaction goes on), nothing written; with fresh draws it is written.
    let mut tx = app.db.begin().await.unwrap();
    let mut second = first.clone();
    second.id = OrderId::new();
    second.pickup_code = Some("000001".into());
    second.payment_reference = "UPTESTTESTTE".into();
    assert!(!uplink_store::orders::insert_order_with_free_code(&mut tx, &second, user).await.unwrap());
    second.order_no = "D000000-TESTNO".into();
    second.payment_reference = first.payment_reference.clone();
    assert!(!uplink_store::orders::insert_order_with_free_code(&mut tx, &second, user).await.unwrap());
    second.payment_reference = "UPTESTTESTTE".into();
    assert!(uplink_store::orders::insert_order_with_free_code(&mut tx, &second, user).await.unwrap());
    let got = uplink_store::orders::get_order(&mut tx, c, second.id).await.unwrap().expect("written");
    assert_eq!(got.order_no, "D000000-TESTNO");
    drop(tx);
    let mut r = app.db.reader().await.unwrap();
    assert!(uplink_store::orders::get_order(&mut r, c, second.id).await.unwrap().is_none(), "rolled back");
}
