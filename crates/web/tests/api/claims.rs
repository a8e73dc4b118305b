//! Trust stories: a quality claim on grapes decided as a partial refund, a claim after
//! settlement paid back from the seller's wallet within the county's limit, ratings, and every
//! bad claim refused with nothing changed.

use crate::helpers::*;
use crate::orders::{balance, books_balance, fund_wallet, id_of, ok, person, post};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use uplink_core::PersonId;
use uplink_core::ledger::AccountKey;

/// A co-op lists grapes; the city buyer orders 50 kg of first grade (¥10.00/kg), pays from the
/// wallet, and the order is delivered to the drop point. Returns (order, coop id, buyer id).
pub(crate) async fn delivered_grapes(app: &TestApp) -> (Value, PersonId, PersonId) {
    let c = app.a.county_id;
    let (coop_t, buyer_t, op_t, driver_t) = (
        app.token(&app.user_a("coop")).await,
        app.token(&app.user_a("buyer")).await,
        app.token(&app.user_a("operator")).await,
        app.token(&app.user_a("driver")).await,
    );
    let coop = person(app, &app.user_a("coop")).await;
    let buyer = person(app, &app.user_a("buyer")).await;
    let p = ok(
        post(app, &coop_t, &format!("/api/v1/counties/{c}/products"), json!({
            "direction": "uplink", "category": "fruit", "name": "宾川夏黑葡萄", "sale_unit": "kg", "unit_cm3": 1500,
            "storage_class": "chilled", "shelf_life_days": 10, "tolerance_bps": 200, "requires_certificate": true,
            "grades": [{"code": "first", "name_zh": "一级", "name_en": "First", "factor_bps": 10000, "criteria": "穗重≥500g"}]
        })).await,
        StatusCode::CREATED,
    )
    .await;
    let l = ok(
        post(
            app,
            &coop_t,
            &format!("/api/v1/counties/{c}/listings"),
            json!({
                "product_id": p["id"], "seller_id": coop["id"], "price_fen": 1000, "offered_units": 500,
                "harvest_date": "2026-08-03", "min_order_units": 10
            }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    fund_wallet(app, &buyer_t, &op_t, "1000.00").await;
    let drop = app.get_json(&buyer_t, &format!("/api/v1/counties/{c}/drop-points")).await[0]["id"].clone();
    let o = ok(
        post(
            app,
            &buyer_t,
            &format!("/api/v1/counties/{c}/orders"),
            json!({"lines": [{"listing_id": l["id"], "units": 50, "grade": "first"}], "drop_point_id": drop}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let p = |m: &str| format!("/api/v1/counties/{c}/orders/{}/{m}", o["id"].as_str().unwrap());
    ok(post(app, &buyer_t, &p("pay"), json!({"method": "wallet"})).await, StatusCode::OK).await;
    ok(post(app, &coop_t, &p("confirm"), json!({})).await, StatusCode::OK).await;
    ok(post(app, &coop_t, &p("pack"), json!({})).await, StatusCode::OK).await;
    ok(post(app, &driver_t, &p("ship"), json!({})).await, StatusCode::OK).await;
    let o = ok(post(app, &driver_t, &p("deliver"), json!({})).await, StatusCode::OK).await;
    (o, id_of(&coop), id_of(&buyer))
}

#[tokio::test]
async fn a_quality_claim_on_grapes_is_decided_as_a_30_percent_refund_and_the_coops_score_says_why() {
    let app = spawn_app().await;
    let c = app.a.county_id;
    let (o, coop_id, buyer_id) = delivered_grapes(&app).await;
    let oid = o["id"].as_str().unwrap();
    let (buyer_t, coop_t, inspector_t) = (
        app.token(&app.user_a("buyer")).await,
        app.token(&app.user_a("coop")).await,
        app.token(&app.user_a("inspector")).await,
    );
    let score_before = app.get_json(&buyer_t, &format!("/api/v1/counties/{c}/people/{coop_id}/trust")).await["score"]
        .as_i64()
        .unwrap();
    assert_eq!(score_before, 50, "a newcomer seller is neutral");
    let wallet_after_paying = balance(&app, c, AccountKey::Wallet(buyer_id)).await;

    // The restaurant finds the grapes soft and claims on all 50 kg, with a photo.
    let claim = ok(
        post(&app, &buyer_t, &format!("/api/v1/counties/{c}/orders/{oid}/claims"), json!({
            "kind": "quality_below_grade", "lines": [{"line_no": 1, "units": 50}], "description": "一半软烂，不到一级"
        })).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(claim["claimed_fen"], 50_000);
    let cid = claim["id"].as_str().unwrap().to_string();
    let order = app.get_json(&buyer_t, &format!("/api/v1/counties/{c}/orders/{oid}")).await;
    assert_eq!(order["state"], "disputed", "the escrow stays held");
    // A tiny but real PNG as evidence.
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0\x90wS\xde".to_vec();
    let r = app
        .http
        .post(format!("{}/api/v1/counties/{c}/claims/{cid}/evidence", app.base))
        .bearer_auth(&buyer_t)
        .header("content-type", "image/png")
        .body(png.clone())
        .send()
        .await
        .unwrap();
    let with_photo = ok(r, StatusCode::CREATED).await;
    assert_eq!(with_photo["evidence"][0]["content_type"], "image/png");
    // Nothing moves while it is open, not even after the acceptance window.
    uplink_service::jobs::run_due(&app.db, uplink_store::now_us() + 100 * 3600 * 1_000_000).await.unwrap();
    assert_eq!(app.get_json(&buyer_t, &format!("/api/v1/counties/{c}/orders/{oid}")).await["state"], "disputed");
    assert_eq!(balance(&app, c, AccountKey::Escrow(oid.parse().unwrap())).await, 50_000);

    // The co-op answers; the inspector decides a 30 % partial refund.
    ok(
        post(&app, &coop_t, &format!("/api/v1/counties/{c}/claims/{cid}/answer"), json!({"answer": "运输途中受热"}))
            .await,
        StatusCode::OK,
    )
    .await;
    let decided = ok(
        post(
            &app,
            &inspector_t,
            &format!("/api/v1/counties/{c}/claims/{cid}/decision"),
            json!({"outcome": "partial_refund", "refund_bps": 3000, "reason": "抽检 30% 不达一级"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(decided["state"], "decided");
    assert_eq!(decided["refund_fen"], 15_000);
    // Buyer refunded 30 %, the rest settled: fee 3 % of 35 000, the co-op the remainder.
    assert_eq!(balance(&app, c, AccountKey::Wallet(buyer_id)).await, wallet_after_paying + 15_000);
    let fee = 35_000 * 300 / 10_000;
    assert_eq!(balance(&app, c, AccountKey::Wallet(coop_id)).await, 35_000 - fee);
    assert_eq!(balance(&app, c, AccountKey::Escrow(oid.parse().unwrap())).await, 0);
    assert_eq!(app.get_json(&buyer_t, &format!("/api/v1/counties/{c}/orders/{oid}")).await["state"], "settled");
    books_balance(&app).await;

    // The co-op's score moved, and says why.
    let s = app.get_json(&buyer_t, &format!("/api/v1/counties/{c}/people/{coop_id}/trust")).await;
    assert!(s["score"].as_i64().unwrap() < 50, "{s}");
    assert!(
        s["reasons"].as_array().unwrap().iter().any(|r| r["key"] == "trust-upheld-claim" && r["count"] == 1),
        "{s}"
    );

    // The buyer rates the order once; the co-op replies once.
    let rate = format!("/api/v1/counties/{c}/orders/{oid}/rating");
    ok(post(&app, &buyer_t, &rate, json!({"stars": 3, "comment": "处理及时"})).await, StatusCode::CREATED).await;
    assert_problem(post(&app, &buyer_t, &rate, json!({"stars": 5})).await, StatusCode::CONFLICT, None).await;
    ok(post(&app, &coop_t, &format!("{rate}/reply"), json!({"reply": "谢谢，改进冷链"})).await, StatusCode::OK).await;
    assert_problem(
        post(&app, &coop_t, &format!("{rate}/reply"), json!({"reply": "再说一次"})).await,
        StatusCode::CONFLICT,
        None,
    )
    .await;
}

#[tokio::test]
async fn a_claim_after_settlement_is_paid_from_the_sellers_wallet_but_not_beyond_the_county_limit() {
    let app = spawn_app().await;
    let c = app.a.county_id;
    let (o, coop_id, buyer_id) = delivered_grapes(&app).await;
    let oid = o["id"].as_str().unwrap();
    let (buyer_t, op_t) = (app.token(&app.user_a("buyer")).await, app.token(&app.user_a("operator")).await);
    ok(post(&app, &buyer_t, &format!("/api/v1/counties/{c}/orders/{oid}/accept"), json!({})).await, StatusCode::OK)
        .await;
    // The co-op is paid out everything it earned.
    let earned = balance(&app, c, AccountKey::Wallet(coop_id)).await;
    let yuan = format!("{}.{:02}", earned / 100, earned % 100);
    ok(
        post(&app, &op_t, &format!("/api/v1/counties/{c}/people/{coop_id}/payouts"), json!({"amount": yuan})).await,
        StatusCode::CREATED,
    )
    .await;
    // The county lets a seller's wallet go ¥200 below zero.
    let mut s = app.get_json(&op_t, &format!("/api/v1/counties/{c}/settings")).await;
    s["seller_debt_limit_fen"] = json!(20_000);
    ok(app.call(Some(&op_t), Method::PUT, &format!("/api/v1/counties/{c}/settings"), Some(&s)).await, StatusCode::OK)
        .await;

    let claims = format!("/api/v1/counties/{c}/orders/{oid}/claims");
    let claim = ok(
        post(
            &app,
            &buyer_t,
            &claims,
            json!({"kind": "damaged", "lines": [{"line_no": 1, "units": 30}],
        "description": "箱子压坏"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let decision = format!("/api/v1/counties/{c}/claims/{}/decision", claim["id"].as_str().unwrap());
    let wallet = balance(&app, c, AccountKey::Wallet(buyer_id)).await;
    // A full refund of ¥300 would take the co-op past the ¥200 limit: refused, clearly, nothing moves.
    let r = post(&app, &op_t, &decision, json!({"outcome": "full_refund", "reason": "全部压坏"})).await;
    let v = assert_problem(r, StatusCode::CONFLICT, Some("outcome")).await;
    assert_eq!(v["type"], "/problems/seller-debt-limit");
    assert_eq!(balance(&app, c, AccountKey::Wallet(coop_id)).await, 0);
    assert_eq!(balance(&app, c, AccountKey::Wallet(buyer_id)).await, wallet);
    // 60 % of it (¥180) is within the limit: the co-op's wallet goes below zero and owes it.
    let d = ok(
        post(&app, &op_t, &decision, json!({"outcome": "partial_refund", "refund_bps": 6000, "reason": "六成压坏"}))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(d["refund_fen"], 18_000);
    assert_eq!(balance(&app, c, AccountKey::Wallet(coop_id)).await, -18_000);
    assert_eq!(balance(&app, c, AccountKey::Wallet(buyer_id)).await, wallet + 18_000);
    books_balance(&app).await;
    let _ = s;
}

#[tokio::test]
async fn bad_claims_are_refused_and_change_nothing() {
    let app = spawn_app().await;
    let c = app.a.county_id;
    let (o, coop_id, _) = delivered_grapes(&app).await;
    let oid = o["id"].as_str().unwrap();
    let (buyer_t, coop_t, farmer_t) = (
        app.token(&app.user_a("buyer")).await,
        app.token(&app.user_a("coop")).await,
        app.token(&app.user_a("farmer")).await,
    );
    let claims = format!("/api/v1/counties/{c}/orders/{oid}/claims");
    let good = json!({"kind": "damaged", "lines": [{"line_no": 1, "units": 5}], "description": "压坏"});
    // More than was delivered, an unknown line, an unknown kind.
    for (body, field) in [
        (json!({"kind": "damaged", "lines": [{"line_no": 1, "units": 51}], "description": "x"}), "lines[0].units"),
        (json!({"kind": "damaged", "lines": [{"line_no": 9, "units": 1}], "description": "x"}), "lines[0].line_no"),
        (json!({"kind": "smelly", "lines": [{"line_no": 1, "units": 1}], "description": "x"}), "kind"),
    ] {
        assert_problem(post(&app, &buyer_t, &claims, body).await, StatusCode::UNPROCESSABLE_ENTITY, Some(field)).await;
    }
    // On another buyer's order: not even found.
    assert_problem(post(&app, &farmer_t, &claims, good.clone()).await, StatusCode::NOT_FOUND, None).await;
    let list = format!("/api/v1/counties/{c}/claims");
    assert_eq!(app.get_json(&buyer_t, &list).await["total"], 0, "nothing written");

    let claim = ok(post(&app, &buyer_t, &claims, good.clone()).await, StatusCode::CREATED).await;
    let cid = claim["id"].as_str().unwrap();
    // A second claim on the same line.
    assert_problem(post(&app, &buyer_t, &claims, good).await, StatusCode::CONFLICT, None).await;
    // A 30 MB upload and a file that is not an image.
    let ev = format!("{}/api/v1/counties/{c}/claims/{cid}/evidence", app.base);
    let r = app
        .http
        .post(&ev)
        .bearer_auth(&buyer_t)
        .header("content-type", "image/jpeg")
        .body(vec![0xFFu8; 30 * 1024 * 1024])
        .send()
        .await
        .unwrap();
    assert_problem(r, StatusCode::PAYLOAD_TOO_LARGE, None).await;
    let r = app
        .http
        .post(&ev)
        .bearer_auth(&buyer_t)
        .header("content-type", "image/jpeg")
        .body(b"%PDF-1.7 not a photo".to_vec())
        .send()
        .await
        .unwrap();
    assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, Some("file")).await;
    // A decision by someone without the role.
    let decision = format!("/api/v1/counties/{c}/claims/{cid}/decision");
    for t in [&coop_t, &buyer_t] {
        let r = post(&app, t, &decision, json!({"outcome": "full_refund", "reason": "自己判"})).await;
        assert_problem(r, StatusCode::FORBIDDEN, None).await;
    }
    let got = app.get_json(&buyer_t, &format!("{list}/{cid}")).await;
    assert_eq!((got["state"].as_str(), got["evidence"].as_array().unwrap().len()), (Some("open"), 0));
    assert_eq!(balance(&app, c, AccountKey::Wallet(coop_id)).await, 0);
    // After the claim window, no more claims.
    let mut tx = app.db.begin().await.unwrap();
    sqlx::query("UPDATE orders SET delivered_us = 0 WHERE order_id = $1").bind(oid).execute(&mut *tx).await.unwrap();
    tx.commit().await.unwrap();
    let late = json!({"kind": "damaged", "lines": [{"line_no": 1, "units": 1}], "description": "迟了"});
    let v = assert_problem(post(&app, &buyer_t, &claims, late).await, StatusCode::CONFLICT, None).await;
    assert_eq!(v["type"], "/problems/claim-window-closed");
    books_balance(&app).await;
}

#[tokio::test]
async fn the_demo_trade_gives_a_working_claims_queue_and_scores_that_differ() {
    let app = spawn_app().await;
    let c = app.a.county_id;
    let seeded = uplink_service::demo_activity::seed_activity(&app.db, c).await.unwrap();
    assert!(seeded.orders >= 10 && seeded.claims >= 2, "{seeded:?}");
    let op = app.token(&app.user_a("operator")).await;
    let queue = app.get_json(&op, &format!("/api/v1/counties/{c}/claims?limit=200")).await;
    let states: Vec<&str> = queue["items"].as_array().unwrap().iter().map(|x| x["state"].as_str().unwrap()).collect();
    assert!(states.contains(&"open") && states.contains(&"decided"), "{states:?}");
    let sellers: std::collections::BTreeSet<String> =
        queue["items"].as_array().unwrap().iter().map(|x| x["seller_id"].as_str().unwrap().to_string()).collect();
    let mut scores = std::collections::BTreeSet::new();
    for s in &sellers {
        scores.insert(
            app.get_json(&op, &format!("/api/v1/counties/{c}/people/{s}/trust")).await["score"].as_i64().unwrap(),
        );
    }
    let supplier = crate::orders::person(&app, &app.user_a("supplier")).await;
    scores.insert(app.get_json(&op, &format!("/api/v1/counties/{c}/people/{}/trust", supplier["id"].as_str().unwrap())).await["score"].as_i64().unwrap());
    assert!(scores.len() >= 2, "scores differ between sellers: {scores:?}");
    books_balance(&app).await;
}

#[tokio::test]
async fn a_short_weight_incident_at_the_hub_reaches_the_drivers_score_and_the_queue() {
    let app = spawn_app().await;
    let c = app.a.county_id;
    let s = crate::lots::allocated_window(&app).await;
    let api = |p: &str| format!("/api/v1/counties/{c}/{p}");
    let lot =
        ok(post(&app, &s.agent_t, &api("intakes"), crate::lots::intake(&s, 20_450, 450)).await, StatusCode::CREATED)
            .await;
    let lot = lot["lot"]["id"].as_str().unwrap().to_string();
    let driver_t = app.token(&app.user_a("driver")).await;
    let driver = crate::orders::person(&app, &app.user_a("driver")).await["id"].as_str().unwrap().to_string();
    let agent = crate::orders::person(&app, &app.user_a("agent")).await["id"].as_str().unwrap().to_string();
    let op = crate::orders::person(&app, &app.user_a("operator")).await["id"].as_str().unwrap().to_string();
    let before = app.get_json(&s.op_t, &api(&format!("people/{driver}/trust"))).await["score"].as_i64().unwrap();
    // The station hands 20 kg to the driver; the hub re-weighs 19.2 kg: 4 % lost on the truck.
    ok(
        post(
            &app,
            &s.agent_t,
            &api(&format!("lots/{lot}/handoffs")),
            json!({"to_person_id": driver, "weight_g": 20_000}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    ok(
        post(&app, &driver_t, &api(&format!("lots/{lot}/handoffs")), json!({"to_person_id": op, "weight_g": 19_200}))
            .await,
        StatusCode::OK,
    )
    .await;
    let queue = app.get_json(&s.op_t, &api("trust-queue")).await;
    let incidents = queue["incidents"].as_array().unwrap();
    assert_eq!(incidents.len(), 1, "{queue}");
    assert_eq!(incidents[0]["custodian_id"], driver.as_str(), "against the custodian of the leg, not the station");
    let after = app.get_json(&s.op_t, &api(&format!("people/{driver}/trust"))).await;
    assert!(after["score"].as_i64().unwrap() < before, "{after}");
    assert!(after["reasons"].as_array().unwrap().iter().any(|r| r["key"] == "trust-short-weight"), "{after}");
    // The station's agent handed over what it weighed: its score did not move.
    assert_eq!(app.get_json(&s.op_t, &api(&format!("people/{agent}/trust"))).await["score"], 50);
    // A farmer cannot read the deciders' queue.
    let farmer_t = app.token(&app.user_a("farmer")).await;
    assert_problem(
        app.call(Some(&farmer_t), Method::GET, &api("trust-queue"), None).await,
        StatusCode::FORBIDDEN,
        None,
    )
    .await;
}

#[tokio::test]
async fn a_claim_on_a_pre_order_settles_what_is_left_after_the_refund() {
    let app = spawn_app().await;
    let c = app.a.county_id;
    let s = crate::lots::allocated_window(&app).await;
    let api = |p: &str| format!("/api/v1/counties/{c}/{p}");
    let lot =
        ok(post(&app, &s.agent_t, &api("intakes"), crate::lots::intake(&s, 20_450, 450)).await, StatusCode::CREATED)
            .await;
    let lot = lot["lot"]["id"].as_str().unwrap().to_string();
    // To the hub, through the driver's hands, before the operator fills from it.
    let driver_t = app.token(&app.user_a("driver")).await;
    let driver = crate::orders::person(&app, &app.user_a("driver")).await["id"].as_str().unwrap().to_string();
    let op = crate::orders::person(&app, &app.user_a("operator")).await["id"].as_str().unwrap().to_string();
    let hand = |to: &str| json!({"to_person_id": to, "weight_g": 20_000});
    ok(post(&app, &s.agent_t, &api(&format!("lots/{lot}/handoffs")), hand(&driver)).await, StatusCode::OK).await;
    ok(post(&app, &driver_t, &api(&format!("lots/{lot}/handoffs")), hand(&op)).await, StatusCode::OK).await;
    let buyer_t = app.token(&app.user_a("buyer")).await;
    let order = app.get_json(&buyer_t, &api("orders?direction=uplink")).await["items"][0].clone();
    let oid = order["id"].as_str().unwrap().to_string();
    let filled = ok(
        post(
            &app,
            &s.op_t,
            &api(&format!("windows/{}/orders/{oid}/fill", s.window)),
            json!({"lot_id": lot, "weight_g": 10_000}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(filled["order"]["state"], "delivered");
    let claim = ok(
        post(
            &app,
            &buyer_t,
            &api(&format!("orders/{oid}/claims")),
            json!({"kind": "quality_below_grade",
            "lines": [{"line_no": 1, "units": order["lines"][0]["units"]}], "description": "部分裂果"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let inspector_t = app.token(&app.user_a("inspector")).await;
    let d = ok(
        post(
            &app,
            &inspector_t,
            &api(&format!("claims/{}/decision", claim["id"].as_str().unwrap())),
            json!({"outcome": "partial_refund", "refund_bps": 3000, "reason": "三成裂果"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert!(d["refund_fen"].as_i64().unwrap() > 0);
    assert_eq!(app.get_json(&buyer_t, &api(&format!("orders/{oid}"))).await["state"], "settled");
    assert_eq!(balance(&app, c, AccountKey::Escrow(oid.parse().unwrap())).await, 0);
    books_balance(&app).await;
}
