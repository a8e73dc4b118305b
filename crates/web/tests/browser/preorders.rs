//! A city buyer's pre-order and acceptance, in Chinese and in English: the shop shows the open
//! window with its countdown; the buyer pre-orders from the wallet (a bad quantity first); the
//! co-op sees what it is to bring on its harvest list; the harvest is taken in and the order
//! filled at the hub (through the API, as the agent and the hub would); the order page tracks
//! it to the lot's trace; a claim with more than was delivered and a file that is no photo shows
//! each message at its field; the buyer accepts and rates. The co-op's page then shows the
//! delivery with its payout, and its trust score with the reasons in words. A claim with a
//! photo holds the money and shows the decision with its refund when it comes.

use crate::cdp::Page;
use crate::helpers::TestApp;
use crate::stories::{advance, api, fund_wallet, run};
use crate::{browser_or_skip, log_in, t, tag};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use uplink_web::i18n::Lang;

const HOUR_US: i64 = 3_600 * 1_000_000;

/// The person a user is in county A.
pub async fn person_id(app: &TestApp, user: &str) -> String {
    let me = app.get_json(&app.token(user).await, "/api/v1/me").await;
    let m =
        me["memberships"].as_array().and_then(|ms| ms.iter().find(|m| m["county_id"] == app.a.county_id.to_string()));
    m.and_then(|m| m["person_id"].as_str()).expect("a membership in county A").to_string()
}

/// A window for muscat grapes in county A, open now and closing in an hour: `(id, title)`.
pub async fn open_window(app: &TestApp, title: &str) -> (String, String) {
    let op = app.token(&app.user_a("operator")).await;
    let product = json!({"direction": "uplink", "category": "fruit", "name": "弥渡玫瑰香葡萄", "name_en": "Midu muscat grapes",
    "sale_unit": "kg", "unit_cm3": 2200, "storage_class": "chilled", "shelf_life_days": 10, "tolerance_bps": 200,
    "grades": [
        {"code": "special", "name_zh": "特级", "name_en": "Special", "factor_bps": 12000, "criteria": "果粒 ≥ 22 mm"},
        {"code": "first", "name_zh": "一级", "name_en": "First", "factor_bps": 10000, "criteria": "果粒 18–22 mm"},
    ]});
    let p = api(app, &op, Method::POST, "/products", product, StatusCode::CREATED).await;
    let d = api(app, &op, Method::GET, "/drop-points", Value::Null, StatusCode::OK).await;
    let now = uplink_store::now_us();
    let body = json!({"title": title, "product_id": p["id"],
        "offers": [
            {"grade": "special", "buyer_price_fen": 2000, "farmer_price_fen": 1200,
             "fees": {"transport_fen": 400, "packing_fen": 150, "station_commission_fen": 100, "platform_fen": 150}},
            {"grade": "first", "buyer_price_fen": 1600, "farmer_price_fen": 1000,
             "fees": {"transport_fen": 300, "packing_fen": 120, "station_commission_fen": 80, "platform_fen": 100}},
        ],
        "opens_us": now - HOUR_US, "closes_us": now + HOUR_US, "harvest_date": "2026-08-03",
        "delivery_date": "2026-08-05", "minimum_kg": 5, "drop_point_ids": [d[0]["id"]]});
    let w = api(app, &op, Method::POST, "/windows", body, StatusCode::CREATED).await;
    (w["id"].as_str().expect("window id").to_string(), title.to_string())
}

/// The buyer's pre-order of 5 kg of special grade in the window: the order's id.
pub async fn preorder(app: &TestApp, window: &str) -> String {
    let b = app.token(&app.user_a("buyer")).await;
    let d = api(app, &b, Method::GET, "/drop-points", Value::Null, StatusCode::OK).await;
    let body = json!({"grade": "special", "kg": 5, "drop_point_id": d[0]["id"]});
    let o = api(app, &b, Method::POST, &format!("/windows/{window}/orders"), body, StatusCode::CREATED).await;
    o["id"].as_str().expect("order id").to_string()
}

/// The co-op declares 8 kg of special grade at the agent's station, and the window closes.
pub async fn declare_and_close(app: &TestApp, window: &str) {
    let coop = app.token(&app.user_a("coop")).await;
    let agent = person_id(app, &app.user_a("agent")).await;
    let op = app.token(&app.user_a("operator")).await;
    let a = api(app, &op, Method::GET, &format!("/people/{agent}"), Value::Null, StatusCode::OK).await;
    let body = json!({"station_id": a["station_id"], "grade": "special", "kg": 8, "ready_date": "2026-08-03"});
    api(app, &coop, Method::POST, &format!("/windows/{window}/supply"), body, StatusCode::CREATED).await;
    uplink_service::jobs::run_due(&app.db, uplink_store::now_us() + 2 * HOUR_US).await.expect("close the window");
}

/// The agent takes the co-op's grapes in, hands the lot to the hub, and the hub fills the order
/// with 4.9 kg: the lot's code.
pub async fn take_in_and_fill(app: &TestApp, window: &str, order: &str) -> String {
    let agent = app.token(&app.user_a("agent")).await;
    let op = app.token(&app.user_a("operator")).await;
    let coop = person_id(app, &app.user_a("coop")).await;
    let operator = person_id(app, &app.user_a("operator")).await;
    let body = json!({"window_id": window, "farmer_id": coop, "grade": "special", "gross_g": 5_800, "tare_g": 800,
        "certificate_no": "MD-HG-2026-0007"});
    let r = api(app, &agent, Method::POST, "/intakes", body, StatusCode::CREATED).await;
    let lot = r["lot"]["id"].as_str().expect("lot").to_string();
    let body = json!({"to_person_id": operator, "weight_g": 5_000});
    api(app, &agent, Method::POST, &format!("/lots/{lot}/handoffs"), body, StatusCode::OK).await;
    let body = json!({"lot_id": lot, "weight_g": 4_900});
    api(app, &op, Method::POST, &format!("/windows/{window}/orders/{order}/fill"), body, StatusCode::OK).await;
    r["lot"]["code"].as_str().expect("lot code").to_string()
}

/// The buyer buys the co-op's listing and accepts it: a fulfilled order on the co-op's record.
async fn coop_sells_a_listing(app: &TestApp) {
    let b = app.token(&app.user_a("buyer")).await;
    let coop = person_id(app, &app.user_a("coop")).await;
    let l =
        api(app, &b, Method::GET, &format!("/listings?seller_id={coop}&limit=1"), Value::Null, StatusCode::OK).await;
    let d = api(app, &b, Method::GET, "/drop-points", Value::Null, StatusCode::OK).await;
    let listing = &l["items"][0];
    let body = json!({"lines": [{"listing_id": listing["id"], "units": listing["min_order_units"]}],
        "drop_point_id": d[0]["id"]});
    let o = api(app, &b, Method::POST, "/orders", body, StatusCode::CREATED).await;
    let id = o["id"].as_str().expect("order").to_string();
    api(app, &b, Method::POST, &format!("/orders/{id}/pay"), json!({"method": "wallet"}), StatusCode::OK).await;
    advance(app, &id, &[("coop", "confirm"), ("coop", "pack"), ("driver", "ship"), ("driver", "deliver")]).await;
    api(app, &b, Method::POST, &format!("/orders/{id}/accept"), json!({}), StatusCode::OK).await;
}

fn shot(p: &mut Page, name: &str, lang: Lang) {
    p.screenshot(&format!("{name}-{}", tag(lang)));
}

/// A file that is not a photo, chosen in the claim form's photo input.
fn choose_text_file(p: &mut Page) {
    p.eval(
        "(()=>{const dt=new DataTransfer();dt.items.add(new File(['not a photo'],'note.txt',{type:'text/plain'}));\
         document.querySelector('#photo').files=dt.files})()",
    );
}

async fn buyer_pre_orders_grapes_and_accepts_them(lang: Lang) {
    let app = crate::helpers::spawn_app().await;
    fund_wallet(&app, "2000").await;
    let (window, title) = open_window(&app, "弥渡玫瑰香 · 8月3日采摘 · 8月5日送达昆明").await;
    let c = format!("{}/c/{}", app.base, app.a.county_id);
    tokio::task::block_in_place(|| {
        let Some(browser) = browser_or_skip("pre-order story") else { return };
        let mut p = browser.page();
        log_in(&mut p, &app, &app.user_a("buyer"), lang);
        assert!(p.text("#windows").contains(&title), "the open window is in the shop");
        let left = p.text("#windows .countdown");
        let ok: Vec<String> =
            (55..=59).map(|m| t(lang, "shop-closes-in-hours", &[("h", "0".into()), ("m", m.to_string())])).collect();
        assert!(ok.contains(&left), "a countdown to the close in under an hour: {left}");
        assert!(p.text("#windows").contains(&t(
            lang,
            "shop-window-ordered",
            &[("ordered", "0".into()), ("minimum", "5".into())]
        )));
        shot(&mut p, "shop-windows", lang);

        // The window's page: a quantity of nothing is refused at the quantity, kept as typed.
        p.click_and_wait("#windows a");
        assert!(p.text("#window-prices").contains("¥20.00"), "the price of each grade");
        p.fill("#kg", "0");
        p.submit_unchecked("#preorder-submit");
        assert_eq!(p.text("#err-kg"), t(lang, "out-of-range", &[("min", "1".into()), ("max", "10000".into())]));
        assert_eq!(p.value("#kg"), "0");
        shot(&mut p, "shop-preorder-bad-kg", lang);
        p.fill("#kg", "5");
        p.click_and_wait("#preorder-submit");
        assert_eq!(p.text("#flash"), t(lang, "done-preordered", &[]));
        assert_eq!(p.text("#order-state"), t(lang, "state-paid", &[]));
        assert_eq!(p.text("#order-total"), "¥100.00");
        let order = p.url().split('/').nth(4).unwrap_or("").split('?').next().unwrap_or("").to_string();
        shot(&mut p, "shop-preordered", lang);

        // The window closes and is allocated: the co-op sees what to bring, by when and where.
        run(declare_and_close(&app, &window));
        log_in(&mut p, &app, &app.user_a("coop"), lang);
        assert!(p.url().ends_with("/farmer"), "{}", p.url());
        let list = p.text("#harvest-list");
        assert!(list.contains(&title) && list.contains("5 kg"), "5 kg of the 8 declared to bring: {list}");
        shot(&mut p, "farmer-harvest-list", lang);

        // Taken in, handed to the hub, filled: the order page tracks it to the lot.
        let lot = run(take_in_and_fill(&app, &window, &order));
        run(coop_sells_a_listing(&app));
        log_in(&mut p, &app, &app.user_a("buyer"), lang);
        p.goto(&format!("{c}/orders/{order}"));
        assert_eq!(p.text("#order-state"), t(lang, "state-delivered", &[]));
        assert_eq!(p.text("#trace-link"), lot);
        assert!(p.text("#history").contains(&t(lang, "state-delivered", &[])), "the history shows the delivery");

        // A claim for more than was delivered, with a file that is no photo: both refused at
        // their fields, what was typed kept, nothing written.
        p.click_and_wait("#claim-open");
        p.fill("#units_1", "9");
        p.fill("#description", "葡萄有一半是软的");
        choose_text_file(&mut p);
        p.submit_unchecked("#claim-submit");
        assert_eq!(p.text("#err-units_1"), t(lang, "out-of-range", &[("min", "1".into()), ("max", "5".into())]));
        assert_eq!(p.text("#err-photo"), t(lang, "not-an-image", &[]));
        assert_eq!(p.value("#description"), "葡萄有一半是软的");
        shot(&mut p, "shop-claim-bad", lang);
        p.goto(&format!("{c}/orders/{order}"));
        assert_eq!(p.text("#order-state"), t(lang, "state-delivered", &[]), "no claim was opened");

        // Accepted and rated.
        p.click_and_wait("button[id^=accept-]");
        assert_eq!(p.text("#order-state"), t(lang, "state-settled", &[]));
        p.fill("#comment", &"甜".repeat(501));
        p.submit_unchecked("#rating-submit");
        assert_eq!(p.text("#err-comment"), t(lang, "too-long", &[("max", "500".into()), ("actual", "501".into())]));
        p.eval("document.querySelector('#stars').value = '4'");
        p.fill("#comment", "很甜，下次还买");
        p.click_and_wait("#rating-submit");
        assert_eq!(p.text("#flash"), t(lang, "done-rated", &[]));
        assert!(p.text("#rating").contains(&t(lang, "shop-stars", &[("stars", "4".into())])));
        shot(&mut p, "shop-preorder-accepted", lang);
        p.click_and_wait("#trace-link");
        assert!(p.url().starts_with(&format!("/t/{lot}")), "{}", p.url());

        // The co-op's page: the delivery (5 kg net at ¥12.00 a kg, paid at intake), and the
        // trust score, as the API computes it, with its reasons in words.
        log_in(&mut p, &app, &app.user_a("coop"), lang);
        let lots = p.text("#lots");
        assert!(lots.contains(&lot) && lots.contains("¥60.00"), "{lots}");
        let score = run(async {
            let coop = person_id(&app, &app.user_a("coop")).await;
            let op = app.token(&app.user_a("operator")).await;
            api(&app, &op, Method::GET, &format!("/people/{coop}/trust"), Value::Null, StatusCode::OK).await
        });
        let score = score["score"].as_i64().expect("a score").to_string();
        assert_eq!(p.text("#trust-score"), t(lang, "farm-trust-score", &[("score", score)]));
        let reasons = p.text("#trust-reasons");
        assert!(reasons.contains(&t(lang, "trust-fulfilled", &[])), "{reasons}");
        shot(&mut p, "farmer-page", lang);
    });
    let op = app.token(&app.user_a("operator")).await;
    let tb = api(&app, &op, Method::GET, "/ledger/trial-balance", Value::Null, StatusCode::OK).await;
    assert_eq!(tb["balanced"], true);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn preorder_story_in_chinese() {
    buyer_pre_orders_grapes_and_accepts_them(Lang::ZhCn).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn preorder_story_in_english() {
    buyer_pre_orders_grapes_and_accepts_them(Lang::En).await;
}

/// A photo by its first bytes (a PNG signature), chosen in the claim form's photo input.
fn choose_png(p: &mut Page) {
    p.eval(
        "(()=>{const b=new Uint8Array([0x89,0x50,0x4e,0x47,0x0d,0x0a,0x1a,0x0a,0,0,0,13]);\
         const dt=new DataTransfer();dt.items.add(new File([b],'grapes.png',{type:'image/png'}));\
         document.querySelector('#photo').files=dt.files})()",
    );
}

async fn buyer_claims_with_a_photo_and_sees_the_decision(lang: Lang) {
    let app = crate::helpers::spawn_app().await;
    fund_wallet(&app, "500").await;
    let (window, _) = open_window(&app, "弥渡玫瑰香 · 申诉").await;
    let order = preorder(&app, &window).await;
    declare_and_close(&app, &window).await;
    take_in_and_fill(&app, &window, &order).await;
    let c = format!("{}/c/{}", app.base, app.a.county_id);
    tokio::task::block_in_place(|| {
        let Some(browser) = browser_or_skip("claim story") else { return };
        let mut p = browser.page();
        log_in(&mut p, &app, &app.user_a("buyer"), lang);
        p.goto(&format!("{c}/orders/{order}"));
        let none = p.text("#claims");
        assert!(none.contains(&t(lang, "shop-no-claims", &[])) && none.contains(&t(lang, "shop-claim-open", &[])));
        p.click_and_wait("#claim-open");
        p.fill("#units_1", "2");
        p.fill("#measured_weight", "4.5");
        p.fill("#description", "两公斤软烂");
        choose_png(&mut p);
        p.click_and_wait("#claim-submit");
        assert_eq!(p.text("#flash"), t(lang, "done-claimed", &[]));
        assert_eq!(p.text("#order-state"), t(lang, "state-disputed", &[]), "the escrow stays held");
        let claims = p.text("#claims");
        for want in [
            t(lang, "shop-claim-kind-quality_below_grade", &[]),
            t(lang, "shop-claim-state-open", &[]),
            t(lang, "shop-claim-photos", &[("count", "1".into())]),
            "¥40.00".to_string(),
            "4.500 kg".to_string(),
        ] {
            assert!(claims.contains(&want), "{want} in {claims}");
        }
        shot(&mut p, "shop-claim-open", lang);

        // The inspector's decision, with the refund, is on the buyer's page.
        run(async {
            let op = app.token(&app.user_a("operator")).await;
            let list = api(&app, &op, Method::GET, "/claims", Value::Null, StatusCode::OK).await;
            let id = list["items"][0]["id"].as_str().expect("the claim").to_string();
            let body = json!({"outcome": "full_refund", "reason": "照片显示果粒软烂"});
            api(&app, &op, Method::POST, &format!("/claims/{id}/decision"), body, StatusCode::OK).await;
        });
        p.goto(&format!("{c}/orders/{order}"));
        let decision = p.text("#claims .decision");
        assert!(decision.contains(&t(lang, "shop-claim-outcome-full_refund", &[])) && decision.contains("¥40.00"));
        assert!(p.text("#claims").contains("照片显示果粒软烂"), "the decider's reason is shown");
        assert!(p.text("#claims").contains(&t(lang, "shop-claim-state-decided", &[])));
        shot(&mut p, "shop-claim-decided", lang);
    });
    let op = app.token(&app.user_a("operator")).await;
    let claims = api(&app, &op, Method::GET, "/claims", Value::Null, StatusCode::OK).await;
    assert_eq!(claims["items"].as_array().map(Vec::len), Some(1), "one claim, with its photo");
    assert_eq!(claims["items"][0]["evidence"][0]["content_type"], "image/png");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn claim_story_in_chinese() {
    buyer_claims_with_a_photo_and_sees_the_decision(Lang::ZhCn).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn claim_story_in_english() {
    buyer_claims_with_a_photo_and_sees_the_decision(Lang::En).await;
}

/// A double tap on "pre-order", or the browser sending the form again, makes one order: the
/// form's idempotency key replays the first answer.
#[tokio::test]
async fn a_pre_order_sent_twice_is_one_order() {
    let app = crate::helpers::spawn_app().await;
    fund_wallet(&app, "500").await;
    let (window, _) = open_window(&app, "弥渡玫瑰香 · 重复提交").await;
    let (c, _, _) = crate::isolation::session(&app, &app.user_a("buyer")).await;
    let url = format!("{}/c/{}/shop/windows/{window}", app.base, app.a.county_id);
    let page = c.get(&url).send().await.expect("window page").text().await.expect("html");
    let field = |name: &str| {
        let at = format!("name={name} value=\"");
        page.split(&at).nth(1).and_then(|s| s.split('"').next()).map(str::to_string).expect(name)
    };
    let drop = page.split("id=drop_point_id name=drop_point_id>").nth(1).and_then(|s| s.split("value=\"").nth(1));
    let drop = drop.and_then(|s| s.split('"').next()).expect("a drop point").to_string();
    let form = [
        ("csrf", field("csrf")),
        ("idem", field("idem")),
        ("grade", "special".into()),
        ("kg", "5".into()),
        ("drop_point_id", drop),
    ];
    let mut landed = vec![];
    for _ in 0..2 {
        let r = c.post(&url).form(&form).send().await.expect("post");
        assert_eq!(r.status(), StatusCode::OK);
        landed.push(r.url().path().to_string());
    }
    assert_eq!(landed[0], landed[1], "both land on the same order");
    let op = app.token(&app.user_a("operator")).await;
    let w = api(&app, &op, Method::GET, &format!("/windows/{window}"), Value::Null, StatusCode::OK).await;
    assert_eq!((w["orders"].as_i64(), w["ordered_kg"].as_i64()), (Some(1), Some(5)), "{w}");
}
