//! Lots at the station and after: bad intakes are refused with nothing written, a replayed
//! intake makes one lot and one payment, only the custodian hands a lot on, merging and
//! splitting keep every gram, and the public trace and its EPCIS 2.0 export say what happened.

use crate::helpers::*;
use crate::orders::{balance, books_balance, ok, post};
use crate::windows::{HOUR_US, first_drop_point, grapes, now_us, run_jobs_at, window_body};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use uplink_core::PersonId;
use uplink_core::ledger::AccountKey;

pub(crate) struct Setup {
    pub window: String,
    pub farmer: String,
    pub agent_t: String,
    pub op_t: String,
}

/// An allocated grape window of county A: the seeded buyer ordered 10 kg of first grade, and a
/// farmer of the agent's station declared 20 kg.
pub(crate) async fn allocated_window(app: &TestApp) -> Setup {
    let c = app.a.county_id;
    let op_t = app.token(&app.user_a("operator")).await;
    let buyer_t = app.token(&app.user_a("buyer")).await;
    let agent_t = app.token(&app.user_a("agent")).await;
    let product = grapes(app, &op_t).await;
    let drop = first_drop_point(app, &op_t).await;
    let w = ok(
        post(
            app,
            &op_t,
            &format!("/api/v1/counties/{c}/windows"),
            window_body(product["id"].as_str().unwrap(), &drop, 5),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let window = w["id"].as_str().unwrap().to_string();
    crate::orders::fund_wallet(app, &buyer_t, &op_t, "500.00").await;
    let wpath = format!("/api/v1/counties/{c}/windows/{window}");
    ok(
        post(app, &buyer_t, &format!("{wpath}/orders"), json!({"grade": "first", "kg": 10, "drop_point_id": drop}))
            .await,
        StatusCode::CREATED,
    )
    .await;
    let agent = crate::orders::person(app, &app.user_a("agent")).await;
    let station =
        app.get_json(&op_t, &format!("/api/v1/counties/{c}/stations/{}", agent["station_id"].as_str().unwrap())).await;
    let body = json!({"role": "farmer", "name": "试验果农", "village_id": station["village_id"]});
    let farmer = ok(post(app, &op_t, &format!("/api/v1/counties/{c}/people"), body).await, StatusCode::CREATED).await;
    let farmer = farmer["id"].as_str().unwrap().to_string();
    let body = json!({"farmer_id": farmer, "station_id": agent["station_id"], "grade": "first", "kg": 20, "ready_date": "2026-08-03"});
    ok(post(app, &agent_t, &format!("{wpath}/supply"), body).await, StatusCode::CREATED).await;
    run_jobs_at(app, now_us() + 2 * HOUR_US).await;
    assert_eq!(app.get_json(&op_t, &wpath).await["state"], "allocated");
    Setup { window, farmer, agent_t, op_t }
}

pub(crate) fn intake(s: &Setup, gross: i64, tare: i64) -> Value {
    json!({"window_id": s.window, "farmer_id": s.farmer, "grade": "first", "gross_g": gross, "tare_g": tare,
        "grade_reason": "果粒偏小", "certificate_no": "BC-HG-2026-0042"})
}

async fn lot_count(app: &TestApp, t: &str) -> usize {
    app.get_json(t, &format!("/api/v1/counties/{}/lots", app.a.county_id)).await.as_array().unwrap().len()
}

#[tokio::test]
async fn bad_intakes_are_refused_with_nothing_written_and_a_replay_pays_once() {
    let app = spawn_app().await;
    let c = app.a.county_id;
    let s = allocated_window(&app).await;
    let url = format!("/api/v1/counties/{c}/intakes");
    let farmer_wallet = AccountKey::Wallet(s.farmer.parse::<PersonId>().unwrap());
    let mut no_cert = intake(&s, 10_000, 500);
    no_cert["certificate_no"] = Value::Null;
    let mut bad_grade = intake(&s, 10_000, 500);
    bad_grade["grade"] = json!("premium");
    let mut no_reason = intake(&s, 10_000, 500);
    no_reason["grade_reason"] = Value::Null;
    for (body, field) in [
        (intake(&s, 0, 0), "gross_g"),
        (intake(&s, 1_000, 1_000), "net_g"),
        (intake(&s, 1_000, 1_500), "tare_g"),
        (bad_grade, "grade"),
        (no_cert, "certificate_no"),
        (no_reason, "grade_reason"),
    ] {
        assert_problem(post(&app, &s.agent_t, &url, body).await, StatusCode::UNPROCESSABLE_ENTITY, Some(field)).await;
    }
    assert_eq!(lot_count(&app, &s.op_t).await, 0);
    assert_eq!(balance(&app, c, farmer_wallet).await, 0);

    // The agent's phone retries the same intake: one lot, one payment.
    let body = intake(&s, 20_450, 450);
    let headers = [("Idempotency-Key", "intake-0042")];
    let mut seen = vec![];
    for _ in 0..2 {
        let r = app.call_with(Some(&s.agent_t), Method::POST, &url, Some(&body), &headers).await;
        seen.push(ok(r, StatusCode::CREATED).await["lot"]["id"].clone());
    }
    assert_eq!(seen[0], seen[1]);
    assert_eq!(lot_count(&app, &s.op_t).await, 1);
    assert_eq!(balance(&app, c, farmer_wallet).await, 20_000, "¥10.00/kg × 20 kg, once");
    books_balance(&app).await;
}

#[tokio::test]
async fn only_the_custodian_hands_a_lot_on_and_merge_and_split_keep_every_gram() {
    let app = spawn_app().await;
    let c = app.a.county_id;
    let s = allocated_window(&app).await;
    let api = |p: &str| format!("/api/v1/counties/{c}/{p}");
    let mut lots = vec![];
    for gross in [8_450, 6_450] {
        let r = ok(post(&app, &s.agent_t, &api("intakes"), intake(&s, gross, 450)).await, StatusCode::CREATED).await;
        lots.push(r["lot"]["id"].as_str().unwrap().to_string());
    }
    // The driver does not hold the lot yet: refused, nothing moves.
    let driver_t = app.token(&app.user_a("driver")).await;
    let driver = crate::orders::person(&app, &app.user_a("driver")).await["id"].as_str().unwrap().to_string();
    let op = crate::orders::person(&app, &app.user_a("operator")).await["id"].as_str().unwrap().to_string();
    let r = post(
        &app,
        &driver_t,
        &api(&format!("lots/{}/handoffs", lots[0])),
        json!({"to_person_id": op, "weight_g": 8_000}),
    )
    .await;
    assert_problem(r, StatusCode::CONFLICT, Some("lot")).await;
    let l = app.get_json(&s.op_t, &api(&format!("lots/{}", lots[0]))).await;
    assert_eq!((l["lot"]["weight_g"].as_i64(), l["events"].as_array().unwrap().len()), (Some(8_000), 1));

    // The agent merges both onto a pallet: 14 kg exactly; the parts it is split into and what
    // stays add up to it; a split asking for more than it holds is refused.
    let p = ok(post(&app, &s.agent_t, &api("lots/merge"), json!({"lot_ids": lots})).await, StatusCode::CREATED).await;
    assert_eq!(p["lot"]["weight_g"].as_i64(), Some(14_000));
    let pallet = p["lot"]["id"].as_str().unwrap().to_string();
    let r = post(&app, &s.agent_t, &api(&format!("lots/{pallet}/split")), json!({"parts": [10_000, 4_001]})).await;
    assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, Some("parts")).await;
    let r = ok(
        post(&app, &s.agent_t, &api(&format!("lots/{pallet}/split")), json!({"parts": [6_000, 5_000]})).await,
        StatusCode::CREATED,
    )
    .await;
    let parts: i64 = r["parts"].as_array().unwrap().iter().map(|p| p["weight_g"].as_i64().unwrap()).sum();
    assert_eq!(parts + r["lot"]["weight_g"].as_i64().unwrap(), 14_000);
    // A merged lot is closed: it cannot be handed on any more.
    let r = post(
        &app,
        &s.agent_t,
        &api(&format!("lots/{}/handoffs", lots[0])),
        json!({"to_person_id": driver, "weight_g": 8_000}),
    )
    .await;
    assert_problem(r, StatusCode::CONFLICT, Some("lot")).await;
}

#[tokio::test]
async fn the_trace_page_and_its_epcis_export_tell_the_lots_story_field_by_field() {
    let app = spawn_app().await;
    let c = app.a.county_id;
    let s = allocated_window(&app).await;
    let api = |p: &str| format!("/api/v1/counties/{c}/{p}");
    let r = ok(post(&app, &s.agent_t, &api("intakes"), intake(&s, 20_450, 450)).await, StatusCode::CREATED).await;
    let (lot, code) = (r["lot"]["id"].as_str().unwrap().to_string(), r["lot"]["code"].as_str().unwrap().to_string());
    let r2 = ok(post(&app, &s.agent_t, &api("intakes"), intake(&s, 5_450, 450)).await, StatusCode::CREATED).await;
    let driver_t = app.token(&app.user_a("driver")).await;
    let driver = crate::orders::person(&app, &app.user_a("driver")).await["id"].as_str().unwrap().to_string();
    let op = crate::orders::person(&app, &app.user_a("operator")).await["id"].as_str().unwrap().to_string();
    for l in [&lot, r2["lot"]["id"].as_str().unwrap()] {
        ok(
            post(
                &app,
                &s.agent_t,
                &api(&format!("lots/{l}/handoffs")),
                json!({"to_person_id": driver, "weight_g": 20_000}),
            )
            .await,
            StatusCode::OK,
        )
        .await;
    }
    ok(
        post(&app, &driver_t, &api(&format!("lots/{lot}/handoffs")), json!({"to_person_id": op, "weight_g": 19_800}))
            .await,
        StatusCode::OK,
    )
    .await;
    ok(
        post(
            &app,
            &driver_t,
            &api(&format!("lots/{}/handoffs", r2["lot"]["id"].as_str().unwrap())),
            json!({"to_person_id": op, "weight_g": 19_900}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let p = ok(
        post(&app, &s.op_t, &api("lots/merge"), json!({"lot_ids": [lot, r2["lot"]["id"]]})).await,
        StatusCode::CREATED,
    )
    .await;
    let pallet_code = p["lot"]["code"].as_str().unwrap().to_string();

    // The public page, without logging in, in English by ?lang=: the village, not the farmer.
    let page = app.call(None, Method::GET, &format!("/t/{code}?lang=en"), None).await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("Binchuan grapes") && html.contains("BC-HG-2026-0042") && html.contains("19.800 kg"),
        "{html}"
    );
    assert!(!html.contains("试验果农"), "the farmer's name stays private");
    let zh = app.call_with(None, Method::GET, &format!("/t/{code}"), None, &[("Accept-Language", "zh-CN")]).await;
    assert!(zh.text().await.unwrap().contains("交接链"));
    assert_eq!(app.call(None, Method::GET, "/t/NO-SUCH-20260803-001", None).await.status(), StatusCode::NOT_FOUND);

    // The EPCIS 2.0 export, field by field.
    let r = app.call(None, Method::GET, &format!("/t/{code}/epcis.json"), None).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/ld+json");
    let d: Value = r.json().await.unwrap();
    assert_eq!(d["@context"], "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld");
    assert_eq!((d["type"].as_str(), d["schemaVersion"].as_str()), (Some("EPCISDocument"), Some("2.0")));
    let events = d["epcisBody"]["eventList"].as_array().unwrap();
    let steps: Vec<(&str, &str)> =
        events.iter().map(|e| (e["type"].as_str().unwrap(), e["bizStep"].as_str().unwrap())).collect();
    assert_eq!(
        steps,
        vec![
            ("ObjectEvent", "commissioning"),
            ("ObjectEvent", "shipping"),
            ("ObjectEvent", "receiving"),
            ("ObjectEvent", "shipping"),
            ("ObjectEvent", "receiving"),
            ("AggregationEvent", "packing"),
            ("TransformationEvent", "repackaging"),
        ]
    );
    let me = format!("urn:uplink:lot:{code}");
    let pallet = format!("urn:uplink:lot:{pallet_code}");
    for e in events {
        assert!(e["eventTime"].as_str().unwrap().ends_with("+08:00"), "{e}");
        assert_eq!(e["eventTimeZoneOffset"], "+08:00");
        assert!(e["readPoint"]["id"].as_str().unwrap().starts_with("urn:uplink:place:"), "{e}");
    }
    let q = |e: &Value, list: &str| {
        (e[list][0]["epcClass"].clone(), e[list][0]["quantity"].clone(), e[list][0]["uom"].clone())
    };
    assert_eq!(events[0]["action"], "ADD");
    assert_eq!(q(&events[0], "quantityList"), (json!(me), json!(20.0), json!("KGM")));
    assert!(events[0]["readPoint"]["id"].as_str().unwrap().contains(":station:"));
    assert_eq!(q(&events[3], "quantityList"), (json!(me), json!(20.0), json!("KGM")), "shipped by the driver");
    assert_eq!(q(&events[4], "quantityList"), (json!(me), json!(19.8), json!("KGM")), "received at the hub");
    assert!(events[4]["readPoint"]["id"].as_str().unwrap().contains(":hub:"));
    assert_eq!(events[5]["parentID"], json!(pallet));
    assert_eq!(q(&events[5], "childQuantityList"), (json!(me), json!(19.8), json!("KGM")));
    assert_eq!(q(&events[6], "inputQuantityList"), (json!(me), json!(19.8), json!("KGM")));
    assert_eq!(q(&events[6], "outputQuantityList"), (json!(pallet), json!(19.8), json!("KGM")));
    assert!(events[6].get("action").is_none());
}
