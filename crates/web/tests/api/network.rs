//! The operator builds the county's network through the API; every member reads it.

use crate::helpers::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

#[tokio::test]
async fn an_operator_adds_a_township_a_village_and_its_station_and_an_agent_finds_them() {
    let app = spawn_app().await;
    let op = app.token(&app.user_a("operator")).await;
    let c = app.a.county_id;
    let county: Value = app.get_json(&op, &format!("/api/v1/counties/{c}")).await;
    let (lat, lon) = (county["centre"]["lat"].as_f64().unwrap(), county["centre"]["lon"].as_f64().unwrap());

    let r = app
        .call(
            Some(&op),
            Method::POST,
            &format!("/api/v1/counties/{c}/townships"),
            Some(&json!({"code": "t99", "name": "新田镇", "seat": {"lat": lat + 0.05, "lon": lon}})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let t: Value = r.json().await.unwrap();
    assert_eq!(t["code"], "T99", "codes are stored upper case");

    let r = app
        .call(
            Some(&op),
            Method::POST,
            &format!("/api/v1/counties/{c}/villages"),
            Some(&json!({"township_id": t["id"], "code": "T99-V01", "name": "上新田村",
                "location": {"lat": lat + 0.06, "lon": lon + 0.01}, "population": 1200, "households": 380,
                "road_class": "mountain_track"})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let v: Value = r.json().await.unwrap();

    let r = app
        .call(
            Some(&op),
            Method::POST,
            &format!("/api/v1/counties/{c}/stations"),
            Some(&json!({"village_id": v["id"], "code": "ST-T99-V01", "name": "上新田村服务站",
                "opening_hours": "08:00-18:30", "cold_storage_kg": 500, "certified_scale": true})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let s: Value = r.json().await.unwrap();
    assert_eq!(s["opening_hours"], "08:00-18:30");

    // The operator corrects the opening hours; everything else stays.
    let r = app
        .call(
            Some(&op),
            Method::PATCH,
            &format!("/api/v1/counties/{c}/stations/{}", s["id"].as_str().unwrap()),
            Some(&json!({"opening_hours": "07:30-19:00"})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let s2: Value = r.json().await.unwrap();
    assert_eq!(s2["opening_hours"], "07:30-19:00");
    assert_eq!(s2["cold_storage_kg"], 500);
    assert_eq!(s2["name"], "上新田村服务站");

    // An agent of the county finds the new station by name, and reads the village.
    let agent = app.token(&app.user_a("agent")).await;
    let found = app.get_json(&agent, &format!("/api/v1/counties/{c}/stations?q=上新田")).await;
    assert_eq!(found["total"], 1);
    assert_eq!(found["items"][0]["code"], "ST-T99-V01");
    let village = app.get_json(&agent, &format!("/api/v1/counties/{c}/villages/{}", v["id"].as_str().unwrap())).await;
    assert_eq!(village, v);
}

#[tokio::test]
async fn lists_page_and_search_by_code_or_name() {
    let app = spawn_app().await;
    let t = app.token(&app.user_a("farmer")).await;
    let c = app.a.county_id;
    let all = app.get_json(&t, &format!("/api/v1/counties/{c}/villages?limit=200")).await;
    let total = all["total"].as_i64().unwrap();
    assert_eq!(total, app.a.villages as i64);
    let p1 = app.get_json(&t, &format!("/api/v1/counties/{c}/villages?limit=3&offset=0")).await;
    let p2 = app.get_json(&t, &format!("/api/v1/counties/{c}/villages?limit=3&offset=3")).await;
    assert_eq!(p1["items"].as_array().unwrap().len(), 3);
    assert_ne!(p1["items"][0]["id"], p2["items"][0]["id"]);
    assert_eq!(p1["total"], total);
    // Search by code, case-insensitively, and by part of a Chinese name.
    let first = &all["items"][0];
    let code = first["code"].as_str().unwrap().to_lowercase();
    let by_code = app.get_json(&t, &format!("/api/v1/counties/{c}/villages?q={code}")).await;
    assert!(by_code["items"].as_array().unwrap().iter().any(|v| v["id"] == first["id"]));
    let name: String = first["name"].as_str().unwrap().chars().take(2).collect();
    let by_name = app.get_json(&t, &format!("/api/v1/counties/{c}/villages?q={name}")).await;
    assert!(by_name["items"].as_array().unwrap().iter().any(|v| v["id"] == first["id"]));
    // A LIKE wildcard in the search is a literal character, not "match everything".
    let pct = app.get_json(&t, &format!("/api/v1/counties/{c}/villages?q=%25")).await;
    assert_eq!(pct["total"], 0);
}

#[tokio::test]
async fn the_admin_sets_up_a_new_county_and_a_retry_creates_it_once() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let body = json!({"code": "XYX", "name": "祥云县", "centre": {"lat": 25.48, "lon": 100.55}});
    let mut ids = vec![];
    for _ in 0..3 {
        let r = app
            .call_with(
                Some(&admin),
                Method::POST,
                "/api/v1/counties",
                Some(&body),
                &[("Idempotency-Key", "county-xyx-1")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED);
        ids.push(r.json::<Value>().await.unwrap()["id"].clone());
    }
    assert!(ids.windows(2).all(|w| w[0] == w[1]), "one county, whatever the retries: {ids:?}");
    let all: Value = app.get_json(&admin, "/api/v1/counties").await;
    assert_eq!(all.as_array().unwrap().iter().filter(|c| c["code"] == "XYX").count(), 1);
    // The same key with another body is refused.
    let other = json!({"code": "XYY", "name": "另一县", "centre": {"lat": 25.48, "lon": 100.55}});
    let r = app
        .call_with(Some(&admin), Method::POST, "/api/v1/counties", Some(&other), &[("Idempotency-Key", "county-xyx-1")])
        .await;
    assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, None).await;
}
