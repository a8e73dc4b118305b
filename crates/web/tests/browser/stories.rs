//! The users' days in the browser, each in Chinese and in English: the agent's assisted order,
//! cash and hand-over; a city buyer's order, payment and acceptance; a driver's delivery; the
//! operator adding a village. Bad input on each form shows the right message at the right field.

use crate::cdp::Page;
use crate::helpers::{TestApp, spawn_app};
use crate::{browser_or_skip, log_in, t, tag};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use uplink_web::i18n::Lang;

/// Runs async work (API calls) from inside a browser story, which runs in `block_in_place`.
pub fn run<F: Future>(f: F) -> F::Output {
    tokio::runtime::Handle::current().block_on(f)
}

pub async fn api(app: &TestApp, token: &str, method: Method, path: &str, body: Value, want: StatusCode) -> Value {
    let r = app.call(Some(token), method, &format!("/api/v1/counties/{}{path}", app.a.county_id), Some(&body)).await;
    let s = r.status();
    let v: Value = r.json().await.unwrap_or(Value::Null);
    assert_eq!(s, want, "{path}: {v}");
    v
}

/// Moves an order along as the hub and the driver would.
pub async fn advance(app: &TestApp, order: &str, moves: &[(&str, &str)]) {
    for (role, m) in moves {
        let tok = app.token(&app.user_a(role)).await;
        api(app, &tok, Method::POST, &format!("/orders/{order}/{m}"), json!({}), StatusCode::OK).await;
    }
}

/// The buyer's wallet topped up by bank transfer, matched by the operator's statement import.
pub async fn fund_wallet(app: &TestApp, yuan: &str) {
    let (b, op) = (app.token(&app.user_a("buyer")).await, app.token(&app.user_a("operator")).await);
    let r = api(app, &b, Method::POST, "/wallet-topups", json!({"amount": yuan}), StatusCode::CREATED).await;
    let csv = format!("date,amount,reference,payer\n2026-08-01,{yuan},{},餐厅\n", r["reference"].as_str().unwrap());
    api(app, &op, Method::POST, "/bank-statements", json!({"csv": csv}), StatusCode::OK).await;
}

/// A city buyer's paid order for farm products, packed at the hub: `(id, order number)`.
pub async fn packed_uplink_order(app: &TestApp) -> (String, String) {
    fund_wallet(app, "2000").await;
    let b = app.token(&app.user_a("buyer")).await;
    let l = api(app, &b, Method::GET, "/listings?direction=uplink&limit=1", Value::Null, StatusCode::OK).await;
    let d = api(app, &b, Method::GET, "/drop-points", Value::Null, StatusCode::OK).await;
    let listing = &l["items"][0];
    let o = api(
        app,
        &b,
        Method::POST,
        "/orders",
        json!({
            "lines": [{"listing_id": listing["id"], "units": listing["min_order_units"]}],
            "drop_point_id": d[0]["id"]
        }),
        StatusCode::CREATED,
    )
    .await;
    let id = o["id"].as_str().unwrap().to_string();
    api(app, &b, Method::POST, &format!("/orders/{id}/pay"), json!({"method": "wallet"}), StatusCode::OK).await;
    advance(app, &id, &[("operator", "confirm"), ("operator", "pack")]).await;
    (id, o["order_no"].as_str().unwrap().to_string())
}

fn shot(p: &mut Page, name: &str, lang: Lang) {
    p.screenshot(&format!("{name}-{}", tag(lang)));
}

// ------------------------------------------------------------------ the agent

async fn agent_orders_for_a_villager_takes_cash_and_hands_the_parcel_over(lang: Lang) {
    let app = spawn_app().await;
    tokio::task::block_in_place(|| {
        let Some(browser) = browser_or_skip("agent story") else { return };
        let mut p = browser.page();
        log_in(&mut p, &app, &app.user_a("agent"), lang);
        assert!(p.url().ends_with("/station"), "the agent lands on the console: {}", p.url());
        assert_eq!(p.text("h1"), t(lang, "pg-station-title", &[]));
        shot(&mut p, "station-console", lang);

        // A villager with a mistyped phone: the message is at the phone, the name is kept.
        p.eval("document.querySelector('#register-open').click()");
        p.fill("#name", "杨奶奶");
        p.fill("#phone", "123");
        p.submit_unchecked("#register-submit");
        assert_eq!(p.text("#err-phone"), t(lang, "bad-phone", &[("input", "123".into())]));
        assert_eq!(p.value("#name"), "杨奶奶");
        shot(&mut p, "station-register-bad-phone", lang);
        p.fill("#phone", "10055556666");
        p.click_and_wait("#register-submit");
        assert!(p.url().contains("/station/order?buyer="), "{}", p.url());
        assert_eq!(p.text("#buyer-name"), "杨奶奶");
        assert_eq!(p.text("#flash"), t(lang, "done-registered", &[]));

        // The first product of the hub into the cart, then the cash and the receipt.
        p.click_and_wait("#products button.add");
        let total = p.text("#cart-total");
        assert!(total.starts_with('¥'), "a total in yuan: {total}");
        p.click_and_wait("#checkout");
        assert!(p.url().contains("/station/receipt/"), "{}", p.url());
        assert_eq!(p.text("#paid"), t(lang, "pg-paid-cash", &[]));
        let code = p.text("#pickup-code");
        assert!(code.len() == 6 && code.chars().all(|c| c.is_ascii_digit()), "a six-digit code: {code}");
        assert!(p.text("#readout").contains(&total), "the read-out names the amount");
        let order_no = p.text("#order-no");
        shot(&mut p, "station-receipt", lang);
        let order_id = p.url().rsplit('/').next().unwrap_or("").to_string();

        // The hub packs it, the driver brings it; it waits at the station.
        run(advance(
            &app,
            &order_id,
            &[("operator", "confirm"), ("operator", "pack"), ("driver", "ship"), ("driver", "deliver")],
        ));
        p.goto(&format!("{}/c/{}/station", app.base, app.a.county_id));
        assert!(p.text("#waiting-list").contains(&order_no), "the parcel is listed as waiting");
        assert!(p.text("#drawer-balance").contains(total.trim_start_matches('¥')), "the cash is in the drawer");

        // A wrong code first, then the right one.
        p.fill("#pickup_code", "12");
        p.submit_unchecked("#handover-submit");
        assert_eq!(p.text("#err-pickup_code"), t(lang, "bad-pickup-code", &[]));
        assert_eq!(p.value("#pickup_code"), "12");
        p.fill("#pickup_code", &code);
        p.click_and_wait("#handover-submit");
        assert_eq!(p.text("#flash"), t(lang, "done-handover", &[]));
        assert_eq!(p.text("#flash-order"), order_no);
        shot(&mut p, "station-handed-over", lang);

        // Handing over cash that is not a number.
        p.fill("#amount", "abc");
        p.submit_unchecked("#cash-submit");
        assert_eq!(p.text("#err-amount"), t(lang, "bad-money", &[("input", "abc".into())]));
    });
    let op = app.token(&app.user_a("operator")).await;
    let tb = api(&app, &op, Method::GET, "/ledger/trial-balance", Value::Null, StatusCode::OK).await;
    assert_eq!(tb["balanced"], true);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn agent_story_in_chinese() {
    agent_orders_for_a_villager_takes_cash_and_hands_the_parcel_over(Lang::ZhCn).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn agent_story_in_english() {
    agent_orders_for_a_villager_takes_cash_and_hands_the_parcel_over(Lang::En).await;
}

// ------------------------------------------------------------------ the city buyer

async fn buyer_orders_walnuts_pays_from_the_wallet_and_accepts(lang: Lang) {
    let app = spawn_app().await;
    fund_wallet(&app, "2000").await;
    tokio::task::block_in_place(|| {
        let Some(browser) = browser_or_skip("buyer story") else { return };
        let mut p = browser.page();
        log_in(&mut p, &app, &app.user_a("buyer"), lang);
        assert!(p.url().ends_with("/shop"), "the buyer lands in the shop: {}", p.url());
        shot(&mut p, "shop", lang);
        p.click_and_wait("#listings a");
        assert!(!p.text("#origin").is_empty(), "the village of origin is shown");
        assert!(p.text("#grade-prices").contains('¥'));

        // Zero units: the message is at the quantity.
        let min_units = p.value("#units");
        p.fill("#units", "0");
        p.eval("document.querySelector('#drop_point_id').selectedIndex = 1");
        p.submit_unchecked("#order-submit");
        assert_eq!(p.text("#err-units"), t(lang, "must-be-positive", &[]));
        assert_eq!(p.value("#units"), "0");
        shot(&mut p, "shop-order-bad-units", lang);
        p.fill("#units", &min_units);
        p.eval("document.querySelector('#drop_point_id').selectedIndex = 1");
        p.click_and_wait("#order-submit");
        assert_eq!(p.text("#order-state"), t(lang, "state-placed", &[]));
        assert!(p.text("#pay-ref").starts_with("UP"), "the bank reference is shown");
        p.click_and_wait("button[id^=pay-]");
        assert_eq!(p.text("#order-state"), t(lang, "state-paid", &[]));
        let id = p.url().split('/').nth(4).unwrap_or("").split('?').next().unwrap_or("").to_string();

        run(advance(
            &app,
            &id,
            &[("operator", "confirm"), ("operator", "pack"), ("driver", "ship"), ("driver", "deliver")],
        ));
        p.goto(&format!("{}/c/{}/orders/{id}", app.base, app.a.county_id));
        assert_eq!(p.text("#order-state"), t(lang, "state-delivered", &[]));
        p.click_and_wait("button[id^=accept-]");
        assert_eq!(p.text("#order-state"), t(lang, "state-settled", &[]));
        assert_eq!(p.text("#flash"), t(lang, "done-accept", &[]));
        shot(&mut p, "shop-order-settled", lang);

        // The wallet shows what is left, and a top-up shows the reference to quote.
        p.goto(&format!("{}/c/{}/shop/wallet", app.base, app.a.county_id));
        p.fill("#amount", "-5");
        p.submit_unchecked("#topup-submit");
        assert!(!p.text("#err-amount").is_empty(), "a negative top-up is refused at the amount");
        p.fill("#amount", "300");
        p.click_and_wait("#topup-submit");
        assert!(p.text("#topup-ref").contains("TU"), "{}", p.text("#topup-ref"));
        shot(&mut p, "shop-wallet", lang);
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn buyer_story_in_chinese() {
    buyer_orders_walnuts_pays_from_the_wallet_and_accepts(Lang::ZhCn).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn buyer_story_in_english() {
    buyer_orders_walnuts_pays_from_the_wallet_and_accepts(Lang::En).await;
}

// ------------------------------------------------------------------ the driver

async fn driver_loads_and_delivers(lang: Lang) {
    let app = spawn_app().await;
    let (_, no) = packed_uplink_order(&app).await;
    tokio::task::block_in_place(|| {
        let Some(browser) = browser_or_skip("driver story") else { return };
        let mut p = browser.page();
        log_in(&mut p, &app, &app.user_a("driver"), lang);
        assert!(p.url().ends_with("/driver"), "{}", p.url());
        assert!(p.text("#to-load").contains(&no), "the packed order waits to be loaded");
        shot(&mut p, "driver-to-load", lang);
        p.click_and_wait("#to-load button[id^=ship-]");
        assert_eq!(p.text("#flash"), t(lang, "done-ship", &[]));
        assert!(p.text("#on-truck").contains(&no));
        p.click_and_wait("#on-truck button[id^=deliver-]");
        assert_eq!(p.text("#flash"), t(lang, "done-deliver", &[]));
        assert!(!p.text("#on-truck").contains(&no), "delivered, off the truck");
        shot(&mut p, "driver-delivered", lang);
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn driver_story_in_chinese() {
    driver_loads_and_delivers(Lang::ZhCn).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn driver_story_in_english() {
    driver_loads_and_delivers(Lang::En).await;
}

// ------------------------------------------------------------------ the operator

async fn operator_adds_a_village(lang: Lang) {
    let app = spawn_app().await;
    let op = app.token(&app.user_a("operator")).await;
    let v = api(&app, &op, Method::GET, "/villages?limit=1", Value::Null, StatusCode::OK).await;
    let (lat, lon) = (v["items"][0]["location"]["lat"].to_string(), v["items"][0]["location"]["lon"].to_string());
    tokio::task::block_in_place(|| {
        let Some(browser) = browser_or_skip("operator story") else { return };
        let mut p = browser.page();
        log_in(&mut p, &app, &app.user_a("operator"), lang);
        assert!(p.url().ends_with("/operator"), "{}", p.url());
        p.click_and_wait("a[href$='/operator/villages']");
        p.eval("document.querySelector('#township_id').selectedIndex = 1");
        p.fill("#code", "NEW-01");
        p.fill("#name", "新安村");
        p.fill("#lat", "abc");
        p.fill("#lon", &lon);
        p.submit_unchecked("#create-submit");
        assert_eq!(p.text("#err-lat"), t(lang, "pg-bad-number", &[]));
        assert_eq!(p.text("#err-population"), t(lang, "required", &[]));
        assert_eq!(p.value("#name"), "新安村", "what was typed is kept");
        shot(&mut p, "operator-village-bad", lang);
        p.fill("#lat", &lat);
        p.fill("#population", "800");
        p.fill("#households", "9000");
        p.click_and_wait("#create-submit");
        assert!(!p.text("#err-households").is_empty(), "more households than people is refused there");
        p.fill("#households", "210");
        p.click_and_wait("#create-submit");
        assert_eq!(p.text("#flash"), t(lang, "done-created", &[]));
        p.goto(&format!("{}/c/{}/operator/villages?q=NEW-01", app.base, app.a.county_id));
        assert!(p.text("#list").contains("新安村"), "the new village is listed");
        shot(&mut p, "operator-village-created", lang);

        // The language switch comes back to the same page, in the other language.
        let here = p.url();
        p.click_and_wait("a[hreflang]");
        assert_eq!(p.url(), here, "the switch returns to the page it was pressed on");
        assert_eq!(p.lang(), lang.other().tag());
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn operator_story_in_chinese() {
    operator_adds_a_village(Lang::ZhCn).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn operator_story_in_english() {
    operator_adds_a_village(Lang::En).await;
}
