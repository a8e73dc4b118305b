//! Dispatch's stories: washing powder waits at the hub for two village stations and a co-op's
//! walnuts wait at its village station; the operator plans tomorrow, and one truck drops the
//! parcels and brings the walnuts home on the same trip. Every stored plan passes the
//! independent checker again; a re-plan is version 2; the driver weighs at a stop; bad input is
//! refused clearly.

use crate::helpers::*;
use crate::orders::{fund_wallet, id_of, ok, person, post};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use uplink_core::PersonId;

/// Tomorrow in the county's zone: every order of the story is ready before it starts.
fn tomorrow() -> String {
    uplink_core::time::local_date(uplink_store::now_us() + 86_400 * 1_000_000, "Asia/Shanghai")
}

/// A day of county A ready to plan.
pub struct Day {
    pub op_t: String,
    /// The vehicle the driver account drives: the only active one, so it carries the day.
    pub truck: String,
    pub downlink_orders: Vec<String>,
    pub uplink_order: String,
}

async fn confirmed(app: &TestApp, t: &str, confirm_t: &str, body: Value) -> String {
    let c = app.a.county_id;
    let o = ok(post(app, t, &format!("/api/v1/counties/{c}/orders"), body).await, StatusCode::CREATED).await;
    let id = o["id"].as_str().unwrap().to_string();
    ok(
        post(app, t, &format!("/api/v1/counties/{c}/orders/{id}/pay"), json!({"method": "wallet"})).await,
        StatusCode::OK,
    )
    .await;
    ok(post(app, confirm_t, &format!("/api/v1/counties/{c}/orders/{id}/confirm"), json!({})).await, StatusCode::OK)
        .await;
    o["order_no"].as_str().unwrap().to_string()
}

/// The supplier lists 5 kg bags of washing powder at the hub.
async fn washing_powder(app: &TestApp, supplier_t: &str, supplier: &Value) -> String {
    let c = app.a.county_id;
    let p = ok(
        post(app, supplier_t, &format!("/api/v1/counties/{c}/products"), json!({
            "direction": "downlink", "category": "groceries", "name": "立白洗衣粉 5kg", "name_en": "Washing powder 5 kg",
            "sale_unit": "bag", "unit_grams": 5000, "unit_cm3": 9000, "storage_class": "ambient",
            "shelf_life_days": 1080, "tolerance_bps": 0
        }))
        .await,
        StatusCode::CREATED,
    )
    .await;
    let l = ok(
        post(
            app,
            supplier_t,
            &format!("/api/v1/counties/{c}/listings"),
            json!({"product_id": p["id"],
            "seller_id": supplier["id"], "price_fen": 4500, "stock_units": 50, "min_order_units": 1}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    l["id"].as_str().unwrap().to_string()
}

/// The city buyer sends washing powder to two stations (gifts for family) and buys 20 kg of the
/// co-op's walnuts; all are paid and confirmed. The co-op's village gets a station if it had
/// none. Every vehicle but the driver's is in the workshop.
pub async fn day_with_backhaul(app: &TestApp) -> Day {
    let c = app.a.county_id;
    let (op_t, supplier_t, buyer_t, coop_t) = (
        app.token(&app.user_a("operator")).await,
        app.token(&app.user_a("supplier")).await,
        app.token(&app.user_a("buyer")).await,
        app.token(&app.user_a("coop")).await,
    );
    let supplier = person(app, &app.user_a("supplier")).await;
    let listing = washing_powder(app, &supplier_t, &supplier).await;
    fund_wallet(app, &buyer_t, &op_t, "5000.00").await;

    let coop = person(app, &app.user_a("coop")).await;
    let stations = app.get_json(&op_t, &format!("/api/v1/counties/{c}/stations?limit=200")).await;
    let stations = stations["items"].as_array().unwrap().clone();
    if !stations.iter().any(|s| s["village_id"] == coop["village_id"]) {
        ok(
            post(
                app,
                &op_t,
                &format!("/api/v1/counties/{c}/stations"),
                json!({"village_id": coop["village_id"],
                "code": "COOP-ST", "name": "合作社服务站", "opening_hours": "08:00-18:00"}),
            )
            .await,
            StatusCode::CREATED,
        )
        .await;
    }
    let others: Vec<&Value> = stations.iter().filter(|s| s["village_id"] != coop["village_id"]).collect();
    assert!(others.len() >= 2, "the small county has stations in other villages");
    let mut downlink_orders = Vec::new();
    for (s, units) in [(others[0], 2), (others[1], 3)] {
        let body = json!({"lines": [{"listing_id": listing, "units": units}], "station_id": s["id"]});
        downlink_orders.push(confirmed(app, &buyer_t, &supplier_t, body).await);
    }
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
    let walnuts = ok(
        post(
            app,
            &coop_t,
            &format!("/api/v1/counties/{c}/listings"),
            json!({"product_id": p["id"],
            "seller_id": coop["id"], "price_fen": 3000, "offered_units": 500, "min_order_units": 10, "harvest_date": tomorrow()}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let drop = app.get_json(&buyer_t, &format!("/api/v1/counties/{c}/drop-points")).await;
    let body = json!({"lines": [{"listing_id": walnuts["id"], "units": 20, "grade": "first"}], "drop_point_id": drop[0]["id"]});
    let uplink_order = confirmed(app, &buyer_t, &coop_t, body).await;

    let driver: PersonId = id_of(&person(app, &app.user_a("driver")).await);
    let fleet = app.get_json(&op_t, &format!("/api/v1/counties/{c}/vehicles")).await;
    let mut truck = None;
    for v in fleet.as_array().unwrap() {
        if v["driver_id"].as_str() == Some(&driver.to_string()) {
            truck = v["code"].as_str().map(str::to_string);
        } else {
            let path = format!("/api/v1/counties/{c}/vehicles/{}", v["id"].as_str().unwrap());
            let r = app.call(Some(&op_t), Method::PATCH, &path, Some(&json!({"active": false}))).await;
            ok(r, StatusCode::OK).await;
        }
    }
    Day { op_t, truck: truck.expect("the driver has a truck"), downlink_orders, uplink_order }
}

pub async fn plan(app: &TestApp, t: &str, date: &str) -> Value {
    let c = app.a.county_id;
    let body = json!({"date": date, "time_limit_s": 1});
    ok(post(app, t, &format!("/api/v1/counties/{c}/dispatch/plans"), body).await, StatusCode::CREATED).await
}

/// Re-checks a plan as the API returned it with the independent checker; its cost in fen.
fn recheck(plan: &Value) -> i64 {
    let out: uplink_service::dispatch::PlanOut = serde_json::from_value(plan.clone()).expect("a plan");
    uplink_service::dispatch::recheck(&out).expect("the stored plan passes the independent checker").cost_fen
}

#[tokio::test]
async fn one_truck_drops_the_parcels_and_brings_the_walnuts_home_on_the_same_trip() {
    let app = spawn_app().await;
    let c = app.a.county_id;
    let day = day_with_backhaul(&app).await;
    let date = tomorrow();

    let p = plan(&app, &day.op_t, &date).await;
    assert_eq!(p["version"], 1);
    assert_eq!(p["date"], date.as_str());
    assert_eq!(p["jobs_routed"], 3, "two stations' parcels and one pickup: {p}");
    assert_eq!(p["plan"]["unplanned"].as_array().unwrap().len(), 0);
    let sheets = p["plan"]["sheets"].as_array().unwrap();
    assert_eq!(sheets.len(), 1);
    let sheet = &sheets[0];
    assert_eq!(sheet["vehicle"], day.truck.as_str());
    let drops: usize = sheet["stops"].as_array().unwrap().iter().map(|s| s["drop"].as_array().unwrap().len()).sum();
    let collects: usize =
        sheet["stops"].as_array().unwrap().iter().map(|s| s["collect"].as_array().unwrap().len()).sum();
    assert_eq!((drops, collects), (2, 1), "backhaul: one trip drops and collects");
    assert_eq!(sheet["load_back_g"], 20_000);
    assert_eq!(sheet["load_out_g"], 5 * 5_000);

    // Every order carries its share of the route's cost, and the shares add up to it.
    let orders = p["plan"]["cost_allocation"]["orders"].as_array().unwrap();
    let mut nos: Vec<&str> = orders.iter().map(|o| o["order"].as_str().unwrap()).collect();
    nos.sort_unstable();
    let mut want: Vec<&str> = day.downlink_orders.iter().map(String::as_str).collect();
    want.push(&day.uplink_order);
    want.sort_unstable();
    assert_eq!(nos, want);
    assert!(orders.iter().all(|o| o["fen_per_kg"].as_i64().unwrap() > 0), "{orders:?}");
    let shared: i64 = orders.iter().map(|o| o["cost_fen"].as_i64().unwrap()).sum();
    assert_eq!(shared, sheet["cost_fen"].as_i64().unwrap());
    // Separate trips would send the truck out twice: backhaul saves.
    assert!(p["cost_saving_bp"].as_i64().unwrap() > 0, "{}", p["plan"]["saving"]);
    assert!(p["plan"]["saving"]["same_jobs_served"].as_bool().unwrap());
    assert_eq!(recheck(&p), p["cost_fen"].as_i64().unwrap());

    // The stored plan reads back the same, and passes the checker again.
    let id = p["id"].as_str().unwrap();
    let stored = app.get_json(&day.op_t, &format!("/api/v1/counties/{c}/dispatch/plans/{id}")).await;
    assert_eq!(stored, p);

    // A re-plan is version 2; both versions are kept, the latest first.
    let p2 = plan(&app, &day.op_t, &date).await;
    assert_eq!(p2["version"], 2);
    recheck(&p2);
    let versions = app.get_json(&day.op_t, &format!("/api/v1/counties/{c}/dispatch/plans?date={date}")).await;
    assert_eq!(versions["latest"]["version"], 2);
    assert_eq!(versions["versions"].as_array().unwrap().len(), 2);

    // The driver reads their sheet and weighs the first stop's first parcel: 40 g light.
    let driver_t = app.token(&app.user_a("driver")).await;
    let id2 = p2["id"].as_str().unwrap();
    let sheet_path = format!("/api/v1/counties/{c}/dispatch/plans/{id2}/sheets/{}", day.truck);
    let mine = app.get_json(&driver_t, &sheet_path).await;
    let first = &mine["sheet"]["stops"][0];
    let handed = if first["drop"].as_array().unwrap().is_empty() { &first["collect"][0] } else { &first["drop"][0] };
    let (no, expected) =
        (handed["orders"][0]["id"].as_str().unwrap(), handed["orders"][0]["weight_g"].as_i64().unwrap());
    let rec = ok(
        post(
            &app,
            &driver_t,
            &format!("/api/v1/counties/{c}/dispatch/plans/{id2}/stops"),
            json!({"vehicle": day.truck, "stop": 1, "ref": no, "weight_g": expected - 40}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(rec["expected_weight_g"], expected);
    assert_eq!(rec["weight_g"], expected - 40);
    let mine = app.get_json(&driver_t, &sheet_path).await;
    assert_eq!(mine["records"].as_array().unwrap().len(), 1);

    // The printable sheet, in the driver's language, lists the stop's order.
    let page = app.call(Some(&driver_t), Method::GET, &format!("/c/{c}/route-sheets/{id2}/{}", day.truck), None).await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains(no) && html.contains("@media print"), "{html}");

    // Plans are county A's business: county B's operator learns nothing.
    let b_op = app.token(&app.user_b("operator")).await;
    let r = app.call(Some(&b_op), Method::GET, &format!("/api/v1/counties/{c}/dispatch/plans/{id}"), None).await;
    assert_problem(r, StatusCode::NOT_FOUND, None).await;
}

#[tokio::test]
async fn bad_plans_are_refused_and_impossible_jobs_are_listed_with_the_reason() {
    let app = spawn_app().await;
    let c = app.a.county_id;
    let op_t = app.token(&app.user_a("operator")).await;
    let plans = format!("/api/v1/counties/{c}/dispatch/plans");
    for (body, field) in [
        (json!({"date": "2026-13-40", "time_limit_s": 1}), "date"),
        (json!({"time_limit_s": 1}), "date"),
        (json!({"date": "2026-08-03", "time_limit_s": 0}), "time_limit_s"),
        (json!({"date": "2026-08-03", "time_limit_s": 61}), "time_limit_s"),
    ] {
        assert_problem(post(&app, &op_t, &plans, body).await, StatusCode::UNPROCESSABLE_ENTITY, Some(field)).await;
    }
    let r = post(&app, &op_t, &plans, json!({"date": "2026-08-03", "time_limit_s": "soon"})).await;
    assert_problem(r, StatusCode::BAD_REQUEST, Some("time_limit_s")).await;
    let versions = app.get_json(&op_t, &format!("{plans}?date=2026-08-03")).await;
    assert_eq!(versions["versions"].as_array().unwrap().len(), 0, "nothing was stored");

    // Ten tonnes of fertiliser for one station: heavier than any truck of the county.
    let (supplier_t, buyer_t) = (app.token(&app.user_a("supplier")).await, app.token(&app.user_a("buyer")).await);
    let supplier = person(&app, &app.user_a("supplier")).await;
    let p = ok(
        post(&app, &supplier_t, &format!("/api/v1/counties/{c}/products"), json!({
            "direction": "downlink", "category": "fertiliser", "name": "复合肥 50kg", "name_en": "NPK fertiliser 50 kg",
            "sale_unit": "bag", "unit_grams": 50_000, "unit_cm3": 40_000, "storage_class": "ambient",
            "shelf_life_days": 720, "tolerance_bps": 0
        }))
        .await,
        StatusCode::CREATED,
    )
    .await;
    let l = ok(
        post(
            &app,
            &supplier_t,
            &format!("/api/v1/counties/{c}/listings"),
            json!({"product_id": p["id"],
            "seller_id": supplier["id"], "price_fen": 100, "stock_units": 500, "min_order_units": 1}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    fund_wallet(&app, &buyer_t, &op_t, "300.00").await;
    let station = app.first_id(&op_t, "stations").await;
    confirmed(
        &app,
        &buyer_t,
        &supplier_t,
        json!({"lines": [{"listing_id": l["id"], "units": 200}], "station_id": station}),
    )
    .await;
    let p = plan(&app, &op_t, &tomorrow()).await;
    let unplanned = p["plan"]["unplanned"].as_array().unwrap();
    assert_eq!(unplanned.len(), 1, "{p}");
    assert_eq!(unplanned[0]["code"], "heavier_than_any_vehicle");
    assert!(unplanned[0]["reason"].as_str().unwrap().contains("split"));
    recheck(&p);

    // A road matrix that lacks a pair the plan needs: the plan is refused naming the pair.
    let csv = "from,to,distance_m,duration_s\nNOWHERE,ELSEWHERE,1000,60\n";
    let r = app
        .http
        .post(format!("{}/api/v1/counties/{c}/road-matrix", app.base))
        .bearer_auth(&op_t)
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap();
    let imported = ok(r, StatusCode::OK).await;
    assert_eq!(imported["rows"], 1);
    assert!(imported["missing_pair"].is_array(), "{imported}");
    let r = post(&app, &op_t, &plans, json!({"date": tomorrow(), "time_limit_s": 1})).await;
    let v = assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, Some("road_matrix")).await;
    assert_eq!(v["errors"][0]["code"], "road-matrix-missing-pair");
    let r =
        app.http.post(format!("{}/api/v1/counties/{c}/road-matrix", app.base)).bearer_auth(&op_t).body("a;b\n").send();
    assert_problem(r.await.unwrap(), StatusCode::UNPROCESSABLE_ENTITY, Some("csv")).await;
    let r = app.call(Some(&op_t), Method::DELETE, &format!("/api/v1/counties/{c}/road-matrix"), None).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    plan(&app, &op_t, &tomorrow()).await;
}

#[tokio::test]
async fn the_operator_keeps_the_fleet_and_bad_vehicles_are_refused_naming_every_field() {
    let app = spawn_app().await;
    let c = app.a.county_id;
    let op_t = app.token(&app.user_a("operator")).await;
    let hub = app.first_id(&op_t, "hubs").await;
    let fleet = format!("/api/v1/counties/{c}/vehicles");
    let seeded = app.get_json(&op_t, &fleet).await.as_array().unwrap().len();
    assert!(seeded >= 2, "the generated county's trucks are seeded");
    let v = ok(
        post(
            &app,
            &op_t,
            &fleet,
            json!({"code": "R-1", "plate": "云L·C0001", "capacity_g": 1_500_000,
            "capacity_cm3": 12_000_000, "refrigerated": true, "cost_per_km_fen": 170, "cost_per_hour_fen": 3000,
            "cost_per_day_fen": 30000, "shift_start_min": 420, "shift_end_min": 1080, "depot_hub_id": hub}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(v["refrigerated"], true);
    let r = post(
        &app,
        &op_t,
        &fleet,
        json!({"code": "bad code", "plate": "", "capacity_g": 0, "capacity_cm3": 1,
        "cost_per_km_fen": -1, "cost_per_hour_fen": 0, "cost_per_day_fen": 0, "shift_start_min": 600,
        "shift_end_min": 500, "depot_hub_id": "not-an-id"}),
    )
    .await;
    let p = assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, Some("code")).await;
    let fields: Vec<&str> = p["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    for f in ["plate", "capacity_g", "cost_per_km_fen", "shift_end_min", "depot_hub_id"] {
        assert!(fields.contains(&f), "{f} in {fields:?}");
    }
    let dup = post(
        &app,
        &op_t,
        &fleet,
        json!({"code": "R-1", "plate": "云L·C0002", "capacity_g": 1, "capacity_cm3": 1,
        "cost_per_km_fen": 0, "cost_per_hour_fen": 0, "cost_per_day_fen": 0, "shift_start_min": 0,
        "shift_end_min": 600, "depot_hub_id": hub}),
    )
    .await;
    assert_problem(dup, StatusCode::CONFLICT, Some("code")).await;
    assert_eq!(app.get_json(&op_t, &fleet).await.as_array().unwrap().len(), seeded + 1, "nothing else written");
    let farmer_t = app.token(&app.user_a("farmer")).await;
    let r = app.call(Some(&farmer_t), Method::GET, &fleet, None).await;
    assert_problem(r, StatusCode::FORBIDDEN, None).await;
}

/// What the access matrix needs: a plan with a sheet for the driver's truck.
pub struct MatrixIds {
    vehicle_id: String,
    truck: String,
    plan: String,
    stop_ref: String,
}

pub async fn matrix_ids(app: &TestApp) -> MatrixIds {
    let c = app.a.county_id;
    let day = day_with_backhaul(app).await;
    let p = plan(app, &day.op_t, &tomorrow()).await;
    let fleet = app.get_json(&day.op_t, &format!("/api/v1/counties/{c}/vehicles")).await;
    let vehicle_id = fleet.as_array().unwrap().iter().find(|v| v["code"] == day.truck.as_str()).unwrap()["id"].clone();
    let stop_ref = &p["plan"]["sheets"][0]["stops"][0];
    let h =
        if stop_ref["drop"].as_array().unwrap().is_empty() { &stop_ref["collect"][0] } else { &stop_ref["drop"][0] };
    MatrixIds {
        vehicle_id: vehicle_id.as_str().unwrap().to_string(),
        truck: day.truck,
        plan: p["id"].as_str().unwrap().to_string(),
        stop_ref: h["orders"][0]["id"].as_str().unwrap().to_string(),
    }
}

/// The concrete path of a dispatch endpoint of the matrix, or None for others.
pub fn matrix_path(path: &str, county: &str, ids: &MatrixIds) -> Option<String> {
    let id = if path.contains("/vehicles/") {
        &ids.vehicle_id
    } else if path.contains("/dispatch/plans/") {
        &ids.plan
    } else {
        return None;
    };
    Some(path.replace("{county_id}", county).replace("{id}", id).replace("{vehicle}", &ids.truck))
}

/// A valid body for each dispatch write of the matrix (the matrix import gets none: an empty
/// CSV, so those allowed reach validation), or None for other endpoints.
pub fn matrix_body(method: &str, path: &str, hub: &str, ids: &MatrixIds, n: u32) -> Option<Option<Value>> {
    let b = match (method, path.rsplit('/').next().unwrap_or("")) {
        ("POST", "vehicles") => {
            json!({"code": format!("MX-{n}"), "plate": format!("云L·M{n}"), "capacity_g": 1_000_000,
            "capacity_cm3": 4_500_000, "cost_per_km_fen": 90, "cost_per_hour_fen": 2500, "cost_per_day_fen": 12000,
            "shift_start_min": 420, "shift_end_min": 1080, "depot_hub_id": hub})
        }
        ("PATCH", "{id}") if path.contains("/vehicles/") => json!({"plate": format!("云L·P{n}")}),
        ("POST", "road-matrix") => return Some(None),
        ("POST", "plans") => json!({"date": "2000-01-01", "time_limit_s": 1}),
        ("POST", "stops") => json!({"vehicle": ids.truck, "stop": 1, "ref": ids.stop_ref, "weight_g": 1000}),
        _ => return None,
    };
    Some(Some(b))
}
