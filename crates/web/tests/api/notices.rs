//! Both sides are told: every step of a claim leaves a notice for the buyer and the seller, in
//! each reader's language, seen by nobody else; a short-weight leg tells its custodian; listings
//! carry their seller's trust score; and an agent whose intakes the hub keeps grading lower
//! raises a fraud signal for review.

use crate::claims::delivered_grapes;
use crate::helpers::*;
use crate::lots::{allocated_window, intake};
use crate::orders::{ok, person, post};
use crate::windows::new_person;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn notices(app: &TestApp, t: &str, lang: &str) -> Value {
    let r = app
        .call_with(
            Some(t),
            Method::GET,
            &format!("/api/v1/counties/{}/notices", app.a.county_id),
            None,
            &[("accept-language", lang)],
        )
        .await;
    ok(r, StatusCode::OK).await
}

fn keys(v: &Value) -> Vec<String> {
    v["items"].as_array().unwrap().iter().map(|n| n["key"].as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn both_sides_of_a_claim_are_told_in_their_own_language_and_nobody_else_is() {
    let app = spawn_app().await;
    let c = app.a.county_id;
    let (o, _, _) = delivered_grapes(&app).await;
    let (oid, order_no) = (o["id"].as_str().unwrap(), o["order_no"].as_str().unwrap());
    let (buyer_t, coop_t, inspector_t, farmer_t) = (
        app.token(&app.user_a("buyer")).await,
        app.token(&app.user_a("coop")).await,
        app.token(&app.user_a("inspector")).await,
        app.token(&app.user_a("farmer")).await,
    );
    assert_eq!(notices(&app, &coop_t, "zh-CN").await["total"], 0);
    let claim = ok(
        post(
            &app,
            &buyer_t,
            &format!("/api/v1/counties/{c}/orders/{oid}/claims"),
            json!({
                "kind": "quality_below_grade", "lines": [{"line_no": 1, "units": 50}], "description": "一半软烂"
            }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let cid = claim["id"].as_str().unwrap();

    // The seller is told, in Chinese by default and in English when asked.
    let zh = app.get_json(&coop_t, &format!("/api/v1/counties/{c}/notices")).await;
    assert_eq!(keys(&zh), ["notice-claim-opened"], "{zh}");
    let n = &zh["items"][0];
    assert_eq!((n["target_kind"].as_str(), n["target_id"].as_str()), (Some("claim"), Some(cid)));
    assert_eq!(n["path"], format!("/c/{c}/orders/{oid}"));
    assert_eq!(n["text"], format!("订单 {order_no} 有新的申诉：质量低于所购等级"));
    assert!(n["read_us"].is_null());
    let en = notices(&app, &coop_t, "en").await;
    assert_eq!(en["items"][0]["text"], format!("New claim on order {order_no}: quality below the grade bought"));

    // Decided at 30 %: buyer and seller each told, with the refund.
    ok(
        post(
            &app,
            &inspector_t,
            &format!("/api/v1/counties/{c}/claims/{cid}/decision"),
            json!({"outcome": "partial_refund", "refund_bps": 3000, "reason": "三成软烂"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    for t in [&coop_t, &buyer_t] {
        let en = notices(&app, t, "en").await;
        assert_eq!(keys(&en)[0], "notice-claim-decided", "{en}");
        let text = en["items"][0]["text"].as_str().unwrap();
        assert!(
            text.starts_with(&format!("The claim on order {order_no} was decided: partial refund of ¥150.00")),
            "{text}"
        );
        let zh = notices(&app, t, "zh-CN").await;
        assert!(zh["items"][0]["text"].as_str().unwrap().contains("部分退款 ¥150.00"), "{zh}");
    }
    assert_eq!(keys(&notices(&app, &buyer_t, "en").await), ["notice-claim-decided", "notice-claim-opened"]);

    // Nobody else of the county is told; another county does not even see the list.
    for t in [&farmer_t, &inspector_t] {
        assert_eq!(notices(&app, t, "en").await["total"], 0);
    }
    let b_op = app.token(&app.user_b("operator")).await;
    let list = format!("/api/v1/counties/{c}/notices");
    assert_problem(app.call(Some(&b_op), Method::GET, &list, None).await, StatusCode::NOT_FOUND, None).await;

    // Marking read: only my own, and again changes nothing.
    let mine = notices(&app, &coop_t, "en").await["items"][0]["id"].as_str().unwrap().to_string();
    let read = format!("{list}/{mine}/read");
    for t in [&buyer_t, &b_op, &inspector_t] {
        assert_problem(app.call(Some(t), Method::POST, &read, None).await, StatusCode::NOT_FOUND, None).await;
    }
    let first = ok(app.call(Some(&coop_t), Method::POST, &read, None).await, StatusCode::OK).await;
    assert!(first["read_us"].as_i64().is_some(), "{first}");
    let again = ok(app.call(Some(&coop_t), Method::POST, &read, None).await, StatusCode::OK).await;
    assert_eq!(again["read_us"], first["read_us"]);
    let unread = |v: &Value| v["items"].as_array().unwrap().iter().filter(|n| n["read_us"].is_null()).count();
    assert_eq!(unread(&notices(&app, &coop_t, "en").await), 1);
    assert_eq!(unread(&notices(&app, &buyer_t, "en").await), 2, "the buyer's notices are untouched");

    // When the appeal window closes the decision is final, and both are told again.
    uplink_service::jobs::run_due(&app.db, uplink_store::now_us() + 4 * 24 * 3600 * 1_000_000).await.unwrap();
    assert_eq!(app.get_json(&coop_t, &format!("/api/v1/counties/{c}/claims/{cid}")).await["state"], "final");
    for t in [&coop_t, &buyer_t] {
        let en = notices(&app, t, "en").await;
        assert_eq!(keys(&en)[0], "notice-claim-final", "{en}");
    }
    assert_eq!(notices(&app, &farmer_t, "en").await["total"], 0);
}

#[tokio::test]
async fn the_notices_page_lists_mine_in_my_language_and_marks_one_read_with_the_form_token() {
    let app = spawn_app().await;
    let c = app.a.county_id;
    let (o, _, _) = delivered_grapes(&app).await;
    let buyer_t = app.token(&app.user_a("buyer")).await;
    let coop_t = app.token(&app.user_a("coop")).await;
    let oid = o["id"].as_str().unwrap();
    ok(
        post(
            &app,
            &buyer_t,
            &format!("/api/v1/counties/{c}/orders/{oid}/claims"),
            json!({
                "kind": "short_weight", "lines": [{"line_no": 1, "units": 10}], "description": "少了两斤"
            }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let page = |lang: &'static str| {
        let (app, coop_t) = (&app, coop_t.clone());
        async move {
            let r = app
                .call_with(Some(&coop_t), Method::GET, &format!("/c/{c}/notices"), None, &[("accept-language", lang)])
                .await;
            assert_eq!(r.status(), StatusCode::OK);
            r.text().await.unwrap()
        }
    };
    let zh = page("zh-CN").await;
    assert!(
        zh.contains("我的通知") && zh.contains("短斤少两") && zh.contains(&format!("href=\"/c/{c}/orders/{oid}\"")),
        "{zh}"
    );
    let en = page("en").await;
    assert!(en.contains("My notices") && en.contains("short weight") && en.contains("Mark as read"), "{en}");
    // The form carries the session's token; without it the post is refused and nothing changes.
    let id = notices(&app, &coop_t, "en").await["items"][0]["id"].as_str().unwrap().to_string();
    let csrf = en.split("name=csrf value=\"").nth(1).and_then(|s| s.split('"').next()).unwrap().to_string();
    let form = |token: &str| {
        app.http
            .post(format!("{}/c/{c}/notices/{id}/read", app.base))
            .bearer_auth(&coop_t)
            .form(&[("csrf", token.to_string()), ("idem", "x".to_string())])
    };
    let r = form("forged").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(notices(&app, &coop_t, "en").await["items"][0]["read_us"].is_null());
    let no_redirect = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let r = no_redirect.execute(form(&csrf).build().unwrap()).await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(notices(&app, &coop_t, "en").await["items"][0]["read_us"].as_i64().is_some());
    let en = page("en").await;
    assert!(en.contains("0 unread") && !en.contains("Mark as read"), "{en}");
}

#[tokio::test]
async fn the_custodian_of_a_leg_that_lost_weight_is_told() {
    let app = spawn_app().await;
    let c = app.a.county_id;
    let s = allocated_window(&app).await;
    let api = |p: &str| format!("/api/v1/counties/{c}/{p}");
    let lot = ok(post(&app, &s.agent_t, &api("intakes"), intake(&s, 20_450, 450)).await, StatusCode::CREATED).await;
    let (lot, code) =
        (lot["lot"]["id"].as_str().unwrap().to_string(), lot["lot"]["code"].as_str().unwrap().to_string());
    let driver_t = app.token(&app.user_a("driver")).await;
    let driver = person(&app, &app.user_a("driver")).await["id"].as_str().unwrap().to_string();
    let op = person(&app, &app.user_a("operator")).await["id"].as_str().unwrap().to_string();
    let hand = format!("lots/{lot}/handoffs");
    ok(post(&app, &s.agent_t, &api(&hand), json!({"to_person_id": driver, "weight_g": 20_000})).await, StatusCode::OK)
        .await;
    assert_eq!(notices(&app, &driver_t, "en").await["total"], 0, "within tolerance: nothing to tell");
    ok(post(&app, &driver_t, &api(&hand), json!({"to_person_id": op, "weight_g": 19_200})).await, StatusCode::OK).await;
    let en = notices(&app, &driver_t, "en").await;
    assert_eq!(keys(&en), ["notice-short-weight"], "{en}");
    let n = &en["items"][0];
    assert_eq!(
        (n["args"]["lot_code"].as_str(), n["path"].as_str()),
        (Some(code.as_str()), Some(&*format!("/t/{code}")))
    );
    assert!(n["text"].as_str().unwrap().contains(&format!("Lot {code} lost 0.800 kg")), "{n}");
    // The station handed over what it weighed: it is not told of a loss on the truck.
    assert!(!keys(&notices(&app, &s.agent_t, "en").await).contains(&"notice-short-weight".to_string()));
}

#[tokio::test]
async fn listings_carry_the_sellers_trust_and_it_falls_after_an_upheld_claim() {
    let app = spawn_app().await;
    let c = app.a.county_id;
    let (o, coop_id, _) = delivered_grapes(&app).await;
    let listing = o["lines"][0]["listing_id"].as_str().unwrap();
    let buyer_t = app.token(&app.user_a("buyer")).await;
    let one = format!("/api/v1/counties/{c}/listings/{listing}");
    let search = format!("/api/v1/counties/{c}/listings?direction=uplink&limit=50");
    let in_search = |v: &Value| {
        v["items"].as_array().unwrap().iter().find(|l| l["id"] == listing).map(|l| l["seller_trust"].clone()).unwrap()
    };
    assert_eq!(app.get_json(&buyer_t, &one).await["seller_trust"], 50, "a newcomer is neutral");
    let page = app.get_json(&buyer_t, &search).await;
    assert_eq!(in_search(&page), 50);
    assert!(
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|l| l["seller_trust"].as_i64().is_some_and(|t| (0..=100).contains(&t)))
    );
    let oid = o["id"].as_str().unwrap();
    let claim = ok(
        post(
            &app,
            &buyer_t,
            &format!("/api/v1/counties/{c}/orders/{oid}/claims"),
            json!({
                "kind": "damaged", "lines": [{"line_no": 1, "units": 50}], "description": "压坏"
            }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let inspector_t = app.token(&app.user_a("inspector")).await;
    ok(
        post(
            &app,
            &inspector_t,
            &format!("/api/v1/counties/{c}/claims/{}/decision", claim["id"].as_str().unwrap()),
            json!({"outcome": "full_refund", "reason": "整箱压坏"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let score = app.get_json(&buyer_t, &format!("/api/v1/counties/{c}/people/{coop_id}/trust")).await["score"].clone();
    assert!(score.as_i64().unwrap() < 50, "{score}");
    assert_eq!(app.get_json(&buyer_t, &one).await["seller_trust"], score);
    assert_eq!(in_search(&app.get_json(&buyer_t, &search).await), score);

    // Below the county's threshold the co-op's new listing waits for review, and the co-op and
    // the operators are told why.
    let op_t = app.token(&app.user_a("operator")).await;
    let settings = format!("/api/v1/counties/{c}/settings");
    let mut s = app.get_json(&op_t, &settings).await;
    s["trust_threshold"] = json!(score.as_i64().unwrap() + 1);
    let r = app.call(Some(&op_t), Method::PUT, &settings, Some(&s)).await;
    assert_eq!(r.status(), StatusCode::OK);
    let coop_t = app.token(&app.user_a("coop")).await;
    let body = json!({"product_id": o["lines"][0]["product_id"], "price_fen": 900, "offered_units": 100,
        "harvest_date": "2026-08-10"});
    let held =
        ok(post(&app, &coop_t, &format!("/api/v1/counties/{c}/listings"), body).await, StatusCode::CREATED).await;
    assert_eq!((held["active"].as_bool(), &held["seller_trust"]), (Some(false), &score));
    for t in [&coop_t, &op_t] {
        let en = notices(&app, t, "en").await;
        let n = en["items"].as_array().unwrap().iter().find(|n| n["key"] == "notice-listing-held").cloned();
        let n = n.unwrap_or_else(|| panic!("told of the held listing: {en}"));
        assert_eq!(
            (n["target_id"].as_str(), n["args"]["score"].as_str()),
            (held["id"].as_str(), Some(&*score.to_string()))
        );
    }
    assert_eq!(notices(&app, &buyer_t, "en").await["items"][0]["key"], "notice-claim-decided", "the buyer is not told");
}

/// Five lots taken in as special grade by an agent, each carried to the hub, where the operator
/// grades them as `found` says.
async fn five_lots_graded_at_the_hub(app: &TestApp, s: &crate::lots::Setup, agent_t: &str, found: [&str; 5]) {
    let c = app.a.county_id;
    let api = |p: &str| format!("/api/v1/counties/{c}/{p}");
    let driver_t = app.token(&app.user_a("driver")).await;
    let driver = person(app, &app.user_a("driver")).await["id"].as_str().unwrap().to_string();
    let op = person(app, &app.user_a("operator")).await["id"].as_str().unwrap().to_string();
    for grade in found {
        let mut body = intake(s, 10_450, 450);
        body["grade"] = json!("special");
        let lot = ok(post(app, agent_t, &api("intakes"), body).await, StatusCode::CREATED).await;
        let hand = format!("lots/{}/handoffs", lot["lot"]["id"].as_str().unwrap());
        ok(post(app, agent_t, &api(&hand), json!({"to_person_id": driver, "weight_g": 10_000})).await, StatusCode::OK)
            .await;
        let at_hub = json!({"to_person_id": op, "weight_g": 10_000, "grade": grade});
        let r = ok(post(app, &driver_t, &api(&hand), at_hub).await, StatusCode::OK).await;
        assert_eq!(r["hub_grade"], grade);
    }
}

#[tokio::test]
async fn the_hub_grading_signal_fires_for_an_agent_whose_intakes_it_grades_lower_and_not_for_one_whose_hold() {
    let app = spawn_app().await;
    let c = app.a.county_id;
    let s = allocated_window(&app).await;
    let api = |p: &str| format!("/api/v1/counties/{c}/{p}");
    let agent = person(&app, &app.user_a("agent")).await;
    let body = json!({"role": "agent", "name": "第二站长", "station_id": agent["station_id"]});
    let (steady, steady_t) = new_person(&app, &s.op_t, body, "steady.agent").await;

    // A grade at the hub must be one of the product's, and only the hub grades.
    let mut body = intake(&s, 10_450, 450);
    body["grade"] = json!("special");
    let lot = ok(post(&app, &s.agent_t, &api("intakes"), body).await, StatusCode::CREATED).await;
    let hand = api(&format!("lots/{}/handoffs", lot["lot"]["id"].as_str().unwrap()));
    let driver_t = app.token(&app.user_a("driver")).await;
    let driver = person(&app, &app.user_a("driver")).await["id"].as_str().unwrap().to_string();
    let op = person(&app, &app.user_a("operator")).await["id"].as_str().unwrap().to_string();
    let at_station = json!({"to_person_id": driver, "weight_g": 10_000, "grade": "first"});
    assert_problem(post(&app, &s.agent_t, &hand, at_station).await, StatusCode::UNPROCESSABLE_ENTITY, Some("grade"))
        .await;
    ok(post(&app, &s.agent_t, &hand, json!({"to_person_id": driver, "weight_g": 10_000})).await, StatusCode::OK).await;
    assert_problem(
        post(&app, &driver_t, &hand, json!({"to_person_id": op, "weight_g": 10_000, "grade": "premium"})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        Some("grade"),
    )
    .await;
    let still = app.get_json(&s.op_t, &api(&format!("lots/{}", lot["lot"]["id"].as_str().unwrap()))).await;
    assert_eq!(still["lot"]["custodian_id"], driver.as_str(), "a refused hand-off changes nothing");

    // One lot in five found lower (20 %) is within what the hub may disagree on.
    five_lots_graded_at_the_hub(&app, &s, &steady_t, ["special", "special", "special", "special", "first"]).await;
    let signals = |v: Value| -> Vec<(String, i64)> {
        v.as_array()
            .unwrap()
            .iter()
            .filter(|x| x["kind"] == "graded_above_hub")
            .map(|x| (x["agent_id"].as_str().unwrap().to_string(), x["value"].as_i64().unwrap()))
            .collect()
    };
    let fraud = api("fraud-signals?days=30");
    assert!(signals(app.get_json(&s.op_t, &fraud).await).is_empty(), "one lower in five (20 %) holds");
    five_lots_graded_at_the_hub(&app, &s, &s.agent_t, ["first", "special", "first", "special", "special"]).await;
    let found = signals(app.get_json(&s.op_t, &fraud).await);
    assert_eq!(found, [(agent["id"].as_str().unwrap().to_string(), 2)], "two in five (40 %) graded lower");
    assert!(!found.iter().any(|(a, _)| *a == steady));
}

#[tokio::test]
async fn the_demo_county_has_notices_varied_scores_and_an_agent_the_hub_does_not_confirm() {
    let app = spawn_app().await;
    let c = app.a.county_id;
    uplink_service::demo_activity::seed_activity(&app.db, c).await.unwrap();
    uplink_service::windows::demo::seed_demo(&app.db, c).await.unwrap();
    let graded = uplink_service::demo_activity::seed_hub_grading(&app.db, c).await.unwrap();
    assert_eq!(graded, 11);
    let op_t = app.token(&app.user_a("operator")).await;
    let signals = app.get_json(&op_t, &format!("/api/v1/counties/{c}/fraud-signals")).await;
    let hub: Vec<&Value> = signals.as_array().unwrap().iter().filter(|s| s["kind"] == "graded_above_hub").collect();
    assert_eq!(hub.len(), 1, "{signals}");
    assert_eq!(hub[0]["value"], 3);
    // The buyers who claimed were told, and so were the sellers (or their agents).
    let mut c2 = app.db.reader().await.unwrap();
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM notices WHERE county_id = $1 AND message_key = 'notice-claim-decided'",
    )
    .bind(c.to_string())
    .fetch_one(&mut *c2)
    .await
    .unwrap();
    assert!(n >= 2, "{n}");
    let listings = app.get_json(&op_t, &format!("/api/v1/counties/{c}/listings?direction=uplink&limit=50")).await;
    let scores: std::collections::BTreeSet<i64> =
        listings["items"].as_array().unwrap().iter().map(|l| l["seller_trust"].as_i64().unwrap()).collect();
    assert!(scores.len() >= 2, "sellers' scores differ on the listings: {scores:?}");
}

#[tokio::test]
async fn a_villager_without_a_log_in_is_told_through_the_agent_of_their_station() {
    let app = spawn_app().await;
    let c = app.a.county_id;
    let agent_t = app.token(&app.user_a("agent")).await;
    let agent = person(&app, &app.user_a("agent")).await;
    let station = app
        .get_json(&agent_t, &format!("/api/v1/counties/{c}/stations/{}", agent["station_id"].as_str().unwrap()))
        .await;
    let body = json!({"role": "farmer", "name": "赵阿公", "village_id": station["village_id"]});
    let villager =
        ok(post(&app, &agent_t, &format!("/api/v1/counties/{c}/people"), body).await, StatusCode::CREATED).await;
    let coop = person(&app, &app.user_a("coop")).await;
    let m = uplink_service::notices::Message {
        key: "notice-claim-answered",
        args: vec![("order_no", "U-TEST-1".into())],
        target_kind: "claim",
        target_id: "a-claim".into(),
        path: format!("/c/{c}/orders/x"),
    };
    let mut tx = app.db.begin().await.unwrap();
    let to = [villager["id"].as_str().unwrap().parse().unwrap(), coop["id"].as_str().unwrap().parse().unwrap()];
    uplink_service::notices::notify(&mut tx, c, &to, &m).await.unwrap();
    tx.commit().await.unwrap();
    let en = notices(&app, &agent_t, "en").await;
    assert_eq!(keys(&en), ["notice-claim-answered"], "the agent passes it on: {en}");
    assert_eq!(en["items"][0]["text"], "The seller answered the claim on order U-TEST-1");
    let coop_t = app.token(&app.user_a("coop")).await;
    assert_eq!(keys(&notices(&app, &coop_t, "en").await), ["notice-claim-answered"], "a party with a log-in reads it");
}
