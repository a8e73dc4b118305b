//! Bad input gets a clear 4xx with a problem body that names the field, and writes nothing.

use crate::helpers::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn village_count(app: &TestApp, t: &str) -> i64 {
    app.get_json(t, &format!("/api/v1/counties/{}/villages?limit=1", app.a.county_id)).await["total"].as_i64().unwrap()
}

#[tokio::test]
async fn malformed_wrong_missing_outside_duplicate_and_overlong_input_is_refused_and_nothing_is_written() {
    let app = spawn_app().await;
    let op = app.token(&app.user_a("operator")).await;
    let c = app.a.county_id;
    let county = app.get_json(&op, &format!("/api/v1/counties/{c}")).await;
    let (lat, lon) = (county["centre"]["lat"].as_f64().unwrap(), county["centre"]["lon"].as_f64().unwrap());
    let township = app.first_id(&op, "townships").await;
    let existing =
        app.get_json(&op, &format!("/api/v1/counties/{c}/villages?limit=1")).await["items"][0]["code"].clone();
    let before = village_count(&app, &op).await;
    let url = format!("{}/api/v1/counties/{c}/villages", app.base);
    let good = json!({"township_id": township, "code": "BAD-1", "name": "试验村", "location": {"lat": lat, "lon": lon},
        "population": 900, "households": 300, "road_class": "paved"});
    let with = |k: &str, v: Value| {
        let mut b = good.clone();
        b[k] = v;
        b
    };
    let without = |k: &str| {
        let mut b = good.clone();
        b.as_object_mut().unwrap().remove(k);
        b
    };

    // Malformed JSON.
    let r = app
        .http
        .post(&url)
        .bearer_auth(&op)
        .header("content-type", "application/json")
        .body("{\"code\": ")
        .send()
        .await
        .unwrap();
    let v = assert_problem(r, StatusCode::BAD_REQUEST, None).await;
    assert_eq!(v["errors"][0]["code"], "bad-json");
    // Not JSON at all.
    let r =
        app.http.post(&url).bearer_auth(&op).header("content-type", "text/plain").body("code=1").send().await.unwrap();
    assert_problem(r, StatusCode::UNSUPPORTED_MEDIA_TYPE, None).await;

    let cases: Vec<(Value, StatusCode, &str)> = vec![
        (with("population", json!("many")), StatusCode::BAD_REQUEST, "population"),
        (with("location", json!({"lat": "north", "lon": lon})), StatusCode::BAD_REQUEST, "location.lat"),
        (with("colour", json!("red")), StatusCode::BAD_REQUEST, "colour"),
        (without("name"), StatusCode::UNPROCESSABLE_ENTITY, "name"),
        (without("township_id"), StatusCode::UNPROCESSABLE_ENTITY, "township_id"),
        (with("location", json!({"lat": lat + 3.0, "lon": lon})), StatusCode::UNPROCESSABLE_ENTITY, "location"),
        (with("location", json!({"lat": 95.0, "lon": lon})), StatusCode::UNPROCESSABLE_ENTITY, "location.lat"),
        (with("name", json!("村".repeat(65))), StatusCode::UNPROCESSABLE_ENTITY, "name"),
        (with("code", json!("A".repeat(25))), StatusCode::UNPROCESSABLE_ENTITY, "code"),
        (with("code", json!("坏编码")), StatusCode::UNPROCESSABLE_ENTITY, "code"),
        (with("households", json!(5000)), StatusCode::UNPROCESSABLE_ENTITY, "households"),
        (with("road_class", json!("dirt")), StatusCode::UNPROCESSABLE_ENTITY, "road_class"),
        (with("township_id", json!(uuid::Uuid::now_v7().to_string())), StatusCode::UNPROCESSABLE_ENTITY, "township_id"),
        (with("code", existing), StatusCode::CONFLICT, "code"),
    ];
    for (body, status, field) in cases {
        let r = app.call(Some(&op), Method::POST, &format!("/api/v1/counties/{c}/villages"), Some(&body)).await;
        let v = assert_problem(r, status, Some(field)).await;
        assert!(!v.to_string().contains("sqlx"), "no database detail leaks: {v}");
    }
    // Several wrong fields at once are all named.
    let mut many = with("name", json!(""));
    many["population"] = json!(0);
    let r = app.call(Some(&op), Method::POST, &format!("/api/v1/counties/{c}/villages"), Some(&many)).await;
    let v = assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, Some("name")).await;
    assert!(v["errors"].as_array().unwrap().iter().any(|e| e["field"] == "population"));

    assert_eq!(village_count(&app, &op).await, before, "nothing was written");
    // The good body itself is accepted, so the refusals above were about the one bad field.
    let r = app.call(Some(&op), Method::POST, &format!("/api/v1/counties/{c}/villages"), Some(&good)).await;
    assert_eq!(r.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn a_missing_field_is_named_in_the_users_language() {
    let app = spawn_app().await;
    let op = app.token(&app.user_a("operator")).await;
    let c = app.a.county_id;
    let body = json!({"code": "T77"});
    let r = app
        .call_with(
            Some(&op),
            Method::POST,
            &format!("/api/v1/counties/{c}/townships"),
            Some(&body),
            &[("accept-language", "zh-CN")],
        )
        .await;
    let v = assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, Some("name")).await;
    assert_eq!(v["title"], "输入有误，请按提示修改");
    assert!(v["errors"].as_array().unwrap().iter().any(|e| e["field"] == "name" && e["message"] == "必填"));
    let r = app
        .call_with(
            Some(&op),
            Method::POST,
            &format!("/api/v1/counties/{c}/townships"),
            Some(&body),
            &[("accept-language", "en")],
        )
        .await;
    let v = assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, Some("seat")).await;
    assert!(v["errors"].as_array().unwrap().iter().any(|e| e["field"] == "seat" && e["message"] == "Required"));
}

#[tokio::test]
async fn paging_out_of_range_and_unknown_ids_are_clear() {
    let app = spawn_app().await;
    let t = app.token(&app.user_a("farmer")).await;
    let c = app.a.county_id;
    let r = app.call(Some(&t), Method::GET, &format!("/api/v1/counties/{c}/villages?limit=100000"), None).await;
    assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, Some("limit")).await;
    let r = app.call(Some(&t), Method::GET, &format!("/api/v1/counties/{c}/villages/not-an-id"), None).await;
    assert_problem(r, StatusCode::NOT_FOUND, None).await;
    let r =
        app.call(Some(&t), Method::GET, &format!("/api/v1/counties/{c}/villages/{}", uuid::Uuid::now_v7()), None).await;
    assert_problem(r, StatusCode::NOT_FOUND, None).await;
    let r = app.call(Some(&t), Method::GET, "/api/v1/no/such/endpoint", None).await;
    assert_problem(r, StatusCode::NOT_FOUND, None).await;
}
