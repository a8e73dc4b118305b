//! The county's operations in the browser, each in Chinese and in English: the operator plans
//! today on the dispatch page and reads the map (every stop drawn) and the cost per kg; the driver
//! works today's route sheet, recording the weight handed over at a stop (a bad weight first,
//! shown at its field).

use crate::cdp::Page;
use crate::helpers::TestApp;
use crate::stories::{api, fund_wallet};
use crate::{browser_or_skip, log_in, t, tag};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use uplink_web::i18n::Lang;

fn shot(p: &mut Page, name: &str, lang: Lang) {
    p.screenshot(&format!("{name}-{}", tag(lang)));
}

/// Today's trade of county A for its trucks: parcels paid and confirmed for two stations, and
/// every vehicle but the driver's in the workshop, so the driver's truck carries the day.
/// Returns the order numbers.
pub async fn todays_parcels(app: &TestApp) -> Vec<String> {
    fund_wallet(app, "3000").await;
    let (b, op) = (app.token(&app.user_a("buyer")).await, app.token(&app.user_a("operator")).await);
    let l = api(app, &b, Method::GET, "/listings?direction=downlink&limit=1", Value::Null, StatusCode::OK).await;
    let listing = &l["items"][0];
    let stations = api(app, &op, Method::GET, "/stations?limit=2", Value::Null, StatusCode::OK).await;
    let mut nos = Vec::new();
    for s in stations["items"].as_array().expect("stations") {
        let body = json!({"lines": [{"listing_id": listing["id"], "units": listing["min_order_units"]}], "station_id": s["id"]});
        let o = api(app, &b, Method::POST, "/orders", body, StatusCode::CREATED).await;
        let id = o["id"].as_str().expect("id");
        api(app, &b, Method::POST, &format!("/orders/{id}/pay"), json!({"method": "wallet"}), StatusCode::OK).await;
        api(app, &op, Method::POST, &format!("/orders/{id}/confirm"), json!({}), StatusCode::OK).await;
        nos.push(o["order_no"].as_str().expect("no").to_string());
    }
    let d = app.token(&app.user_a("driver")).await;
    let me = app.get_json(&d, "/api/v1/me").await;
    let my_person = me["memberships"][0]["person_id"].clone();
    let fleet = api(app, &op, Method::GET, "/vehicles", Value::Null, StatusCode::OK).await;
    for v in fleet.as_array().expect("fleet") {
        if v["driver_id"] != my_person {
            let path = format!("/vehicles/{}", v["id"].as_str().expect("id"));
            api(app, &op, Method::PATCH, &path, json!({"active": false}), StatusCode::OK).await;
        }
    }
    nos
}

/// The operator plans today through the API (one second of thinking); the plan as returned.
pub async fn plan_today(app: &TestApp) -> Value {
    let op = app.token(&app.user_a("operator")).await;
    let body = json!({"date": today(), "time_limit_s": 1});
    api(app, &op, Method::POST, "/dispatch/plans", body, StatusCode::CREATED).await
}

/// Today in the county's zone, as the pages use it.
pub fn today() -> String {
    uplink_core::time::local_date(uplink_store::now_us(), "Asia/Shanghai")
}

// ------------------------------------------------------------------ the operator's plan

async fn operator_plans_today_and_reads_the_map(lang: Lang) {
    let app = crate::helpers::spawn_app().await;
    let nos = todays_parcels(&app).await;
    tokio::task::block_in_place(|| {
        let Some(browser) = browser_or_skip("plan page story") else { return };
        let mut p = browser.page();
        log_in(&mut p, &app, &app.user_a("operator"), lang);
        p.click_and_wait("a[href$='/operator/dispatch']");
        assert_eq!(p.text("h1"), t(lang, "plan-title", &[]));
        assert_eq!(p.text("#no-plan"), t(lang, "sheets-none", &[]), "nothing planned yet today");
        // A time limit that is not a number: refused at its field, the date kept.
        p.fill("#date", &today());
        p.fill("#time_limit_s", "x");
        p.submit_unchecked("#run-plan");
        assert_eq!(p.text("#err-time_limit_s"), t(lang, "pg-bad-number", &[]));
        assert_eq!(p.value("#date"), today());
        p.fill("#time_limit_s", "1");
        p.click_and_wait("#run-plan");
        assert_eq!(p.text("#flash"), t(lang, "done-planned", &[]));
        let summary = p.text("#plan-summary");
        assert!(summary.contains(&t(lang, "plan-cost-per-kg", &[])), "{summary}");
        let per_kg = p.text("#cost-per-kg");
        assert!(per_kg.starts_with('¥') && per_kg.ends_with("/kg") && per_kg != "¥0.00/kg", "{per_kg}");
        // The map: every stop of the plan drawn once, the hub, one line per vehicle, the legend.
        let stops: Vec<String> = serde_json::from_value(
            p.eval("[...document.querySelectorAll('#route-map .stop')].map(e => e.dataset.code)"),
        )
        .expect("stop codes");
        assert_eq!(stops.len(), 2, "both stations are stops: {stops:?}");
        let mut unique = stops.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), stops.len(), "each stop drawn once");
        assert_eq!(p.eval("document.querySelectorAll('#route-map .hub').length"), json!(1));
        assert_eq!(p.eval("document.querySelectorAll('#route-map polyline.route').length"), json!(1));
        let legend = p.text("#plan-routes");
        assert!(!legend.is_empty());
        let dots = p.eval("document.querySelectorAll('#map-stations circle').length").as_u64().unwrap_or(0);
        assert!(dots >= 2, "every station of the county is on the map: {dots}");
        shot(&mut p, "operator-plan", lang);
        // The route's sheet, linked from its row, names the parcels.
        p.click_and_wait("#plan-routes tr.plan-route a");
        let sheet = p.text("main");
        assert!(nos.iter().all(|n| sheet.contains(n.as_str())), "the sheet lists every parcel: {sheet}");
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plan_page_in_chinese() {
    operator_plans_today_and_reads_the_map(Lang::ZhCn).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plan_page_in_english() {
    operator_plans_today_and_reads_the_map(Lang::En).await;
}

// ------------------------------------------------------------------ the driver's stop

async fn driver_records_the_weight_at_a_stop(lang: Lang) {
    let app = crate::helpers::spawn_app().await;
    let nos = todays_parcels(&app).await;
    let op = app.token(&app.user_a("operator")).await;
    let plan = plan_today(&app).await;
    let first = &plan["plan"]["sheets"][0]["stops"][0];
    let (no, expected_g) = (
        first["drop"][0]["orders"][0]["id"].as_str().expect("a parcel at the first stop").to_string(),
        first["drop"][0]["orders"][0]["weight_g"].as_i64().expect("its weight"),
    );
    assert!(nos.contains(&no));
    tokio::task::block_in_place(|| {
        let Some(browser) = browser_or_skip("driver stop story") else { return };
        let mut p = browser.page();
        log_in(&mut p, &app, &app.user_a("driver"), lang);
        assert!(p.url().ends_with("/driver"), "{}", p.url());
        let stop = p.text("#stop-1");
        assert!(stop.contains(&no), "the first stop lists its parcel: {stop}");
        assert!(stop.contains(&t(lang, "drv-deliver", &[])));
        shot(&mut p, "driver-route-sheet", lang);
        let field = format!("w1-{no}");
        // A weight that is not one: the message at that parcel's field, what was typed kept.
        p.fill(&format!("#{field}"), "abc");
        p.submit_unchecked(&format!("#weigh-{field}"));
        assert_eq!(p.text(&format!("#err-{field}")), t(lang, "bad-weight", &[("input", "abc".into())]));
        assert_eq!(p.value(&format!("#{field}")), "abc");
        shot(&mut p, "driver-stop-bad-weight", lang);
        // 40 g light, in kg as the county weighs.
        let g = expected_g - 40;
        p.fill(&format!("#{field}"), &format!("{}.{:03}", g / 1000, g % 1000));
        p.click_and_wait(&format!("#weigh-{field}"));
        assert_eq!(p.text("#flash"), t(lang, "done-weighed", &[]));
        let rec = p.text(&format!("#rec-{field}"));
        let shown = uplink_core::Grams(expected_g - 40).display_in(uplink_core::weight::WeightUnit::Kg);
        assert!(rec.contains(&shown) && rec.contains("-0.04 kg"), "{rec}");
        shot(&mut p, "driver-stop-recorded", lang);
    });
    let id = plan["id"].as_str().expect("plan id");
    let vehicle = plan["plan"]["sheets"][0]["vehicle"].as_str().expect("vehicle");
    let sheet =
        api(&app, &op, Method::GET, &format!("/dispatch/plans/{id}/sheets/{vehicle}"), Value::Null, StatusCode::OK)
            .await;
    if crate::cdp::chromium().is_some() {
        assert_eq!(sheet["records"].as_array().map(Vec::len), Some(1), "one record, written once");
        assert_eq!(sheet["records"][0]["weight_g"], expected_g - 40);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn driver_stop_in_chinese() {
    driver_records_the_weight_at_a_stop(Lang::ZhCn).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn driver_stop_in_english() {
    driver_records_the_weight_at_a_stop(Lang::En).await;
}
