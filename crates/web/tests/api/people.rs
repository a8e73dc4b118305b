//! Onboarding: the operator adds staff with a login; the agent registers villagers in seconds.

use crate::helpers::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

#[tokio::test]
async fn the_operator_onboards_a_driver_who_can_then_log_in() {
    let app = spawn_app().await;
    let op = app.token(&app.user_a("operator")).await;
    let c = app.a.county_id;
    let r = app
        .call(
            Some(&op),
            Method::POST,
            &format!("/api/v1/counties/{c}/people"),
            Some(&json!({"role": "driver", "name": "杨师傅", "phone": "100 1234 5678",
                "account": {"username": "Yang.Driver", "password": PASSWORD}})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let p: Value = r.json().await.unwrap();
    assert_eq!(p["phone"], "10012345678");
    assert_eq!(p["username"], "yang.driver");
    let t = app.token("yang.driver").await;
    let me = app.get_json(&t, "/api/v1/me").await;
    assert_eq!(me["memberships"][0]["role"], "driver");
    assert_eq!(me["memberships"][0]["county_id"], c.to_string());
    // Nothing of the password comes back, ever.
    assert!(!serde_json::to_string(&me).unwrap().contains("argon2"));
}

#[tokio::test]
async fn an_agent_registers_a_villager_without_an_account_but_cannot_add_staff() {
    let app = spawn_app().await;
    let agent = app.token(&app.user_a("agent")).await;
    let c = app.a.county_id;
    let village = app.first_id(&agent, "villages").await;
    let r = app
        .call(Some(&agent), Method::POST, &format!("/api/v1/counties/{c}/people"),
            Some(&json!({"role": "buyer", "buyer_kind": "consumer", "name": "王阿婆", "phone": "10087654321", "village_id": village}))).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let found = app.get_json(&agent, &format!("/api/v1/counties/{c}/people?q=10087654321")).await;
    assert_eq!(found["total"], 1);
    assert_eq!(found["items"][0]["name"], "王阿婆");

    for body in [
        json!({"role": "operator", "name": "假运营"}),
        json!({"role": "farmer", "name": "李农", "village_id": village, "account": {"username": "li.nong", "password": PASSWORD}}),
    ] {
        let r = app.call(Some(&agent), Method::POST, &format!("/api/v1/counties/{c}/people"), Some(&body)).await;
        assert_problem(r, StatusCode::FORBIDDEN, None).await;
    }
    // The agent sees trading parties only: no operators in the list.
    let ops = app.get_json(&agent, &format!("/api/v1/counties/{c}/people?role=operator")).await;
    assert_eq!(ops["total"], 0);
    let all = app.get_json(&agent, &format!("/api/v1/counties/{c}/people?limit=200")).await;
    assert!(
        all["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| ["farmer", "coop", "supplier", "buyer"].contains(&p["role"].as_str().unwrap()))
    );
}
