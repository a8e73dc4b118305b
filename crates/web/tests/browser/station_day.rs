//! The agent's uplink day at the station, in Chinese and in English: the harvest list says who
//! brings grapes; the agent finds the farmer, weighs and grades them (bad input first: no grade,
//! tare above gross, tare equal to gross, no reason for a lower grade, no certificate — each
//! message at its field, what was typed kept; a file that is not a photo refused at the photo
//! field, which asks for the photo again), takes them in with a photo of the grapes, and sees the
//! lot label, the farmer's receipt and the photo (small, lazy, not printed); the truck page says when the truck comes and what it drops and collects.
//! Over plain HTTP: a double tap makes one lot, a form from elsewhere writes nothing, a county
//! that weighs in 斤 takes and shows 斤, and another county's agent gets the 404 page on every
//! one of these pages.

use crate::cdp::Page;
use crate::helpers::{PASSWORD, TestApp, spawn_app};
use crate::stories::{advance, api, fund_wallet};
use crate::{browser_or_skip, log_in, t, tag};
use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};
use uplink_web::i18n::Lang;

const HOUR_US: i64 = 3_600 * 1_000_000;

/// An allocated grape window of county A and a farmer of the agent's station on its harvest
/// list for 20 kg of first grade (¥10.00/kg to the farmer; special is the best grade).
pub struct Harvest {
    pub window: String,
    pub farmer: String,
    pub farmer_name: String,
    pub farmer_phone: String,
    /// The agent's station and its code.
    pub station: String,
}

pub async fn allocated_grapes(app: &TestApp) -> Harvest {
    let (op, agent, buyer) = (
        app.token(&app.user_a("operator")).await,
        app.token(&app.user_a("agent")).await,
        app.token(&app.user_a("buyer")).await,
    );
    let product = api(app, &op, Method::POST, "/products", json!({"direction": "uplink", "category": "fruit",
        "name": "宾川葡萄", "name_en": "Binchuan grapes", "sale_unit": "kg", "unit_cm3": 2200,
        "storage_class": "chilled", "shelf_life_days": 10, "tolerance_bps": 200, "requires_certificate": true,
        "grades": [
            {"code": "special", "name_zh": "特级", "name_en": "Special", "factor_bps": 12000, "criteria": "果粒 ≥ 22 mm"},
            {"code": "first", "name_zh": "一级", "name_en": "First", "factor_bps": 10000, "criteria": "果粒 18–22 mm"}]}),
        StatusCode::CREATED).await;
    let drops = api(app, &op, Method::GET, "/drop-points", Value::Null, StatusCode::OK).await;
    let drop = drops[0]["id"].clone();
    let now = uplink_store::now_us();
    let w = api(
        app,
        &op,
        Method::POST,
        "/windows",
        json!({"title": "宾川葡萄 · 8月3日采摘", "product_id": product["id"],
        "offers": [
            {"grade": "special", "buyer_price_fen": 2000, "farmer_price_fen": 1200,
             "fees": {"transport_fen": 400, "packing_fen": 150, "station_commission_fen": 100, "platform_fen": 150}},
            {"grade": "first", "buyer_price_fen": 1600, "farmer_price_fen": 1000,
             "fees": {"transport_fen": 300, "packing_fen": 120, "station_commission_fen": 80, "platform_fen": 100}}],
        "opens_us": now - HOUR_US, "closes_us": now + HOUR_US, "harvest_date": "2026-08-03",
        "delivery_date": "2026-08-05", "minimum_kg": 5, "drop_point_ids": [drop]}),
        StatusCode::CREATED,
    )
    .await;
    let window = w["id"].as_str().unwrap().to_string();
    fund_wallet(app, "500").await;
    let body = json!({"grade": "first", "kg": 10, "drop_point_id": drop});
    api(app, &buyer, Method::POST, &format!("/windows/{window}/orders"), body, StatusCode::CREATED).await;
    let me = app.get_json(&agent, "/api/v1/me").await;
    let pid = me["memberships"][0]["person_id"].as_str().unwrap().to_string();
    let agent_p = api(app, &op, Method::GET, &format!("/people/{pid}"), Value::Null, StatusCode::OK).await;
    let station = agent_p["station_id"].as_str().unwrap().to_string();
    let st = api(app, &op, Method::GET, &format!("/stations/{station}"), Value::Null, StatusCode::OK).await;
    let (farmer_name, farmer_phone) = ("段阿姨".to_string(), "10012345678".to_string());
    let body = json!({"role": "farmer", "name": farmer_name, "phone": farmer_phone, "village_id": st["village_id"]});
    let farmer =
        api(app, &op, Method::POST, "/people", body, StatusCode::CREATED).await["id"].as_str().unwrap().to_string();
    let body =
        json!({"farmer_id": farmer, "station_id": station, "grade": "first", "kg": 20, "ready_date": "2026-08-03"});
    api(app, &agent, Method::POST, &format!("/windows/{window}/supply"), body, StatusCode::CREATED).await;
    uplink_service::jobs::run_due(&app.db, now + 2 * HOUR_US).await.expect("the window closes and is allocated");
    Harvest { window, farmer, farmer_name, farmer_phone, station }
}

/// Today and tomorrow in county A's zone.
pub async fn today_and_tomorrow(app: &TestApp) -> (String, String) {
    let mut c = app.db.reader().await.expect("db");
    let zone = uplink_store::network::get_county(&mut c, app.a.county_id).await.unwrap().unwrap().time_zone;
    let now = uplink_store::now_us();
    (uplink_core::time::local_date(now, &zone), uplink_core::time::local_date(now + 24 * HOUR_US, &zone))
}

/// A villager's parcel ordered at the agent's station, paid in cash and packed at the hub, and
/// tomorrow planned: the truck comes to the station. Returns the order number.
pub async fn truck_planned_tomorrow(app: &TestApp, h: &Harvest) -> String {
    let (op, agent) = (app.token(&app.user_a("operator")).await, app.token(&app.user_a("agent")).await);
    let st = api(app, &op, Method::GET, &format!("/stations/{}", h.station), Value::Null, StatusCode::OK).await;
    let body = json!({"role": "buyer", "buyer_kind": "consumer", "name": "杨奶奶", "village_id": st["village_id"]});
    let villager = api(app, &agent, Method::POST, "/people", body, StatusCode::CREATED).await;
    let l = api(app, &agent, Method::GET, "/listings?direction=downlink&limit=1", Value::Null, StatusCode::OK).await;
    let body = json!({"buyer_id": villager["id"], "lines": [{"listing_id": l["items"][0]["id"], "units": 1}]});
    let o = api(app, &agent, Method::POST, "/orders", body, StatusCode::CREATED).await;
    let id = o["id"].as_str().unwrap().to_string();
    api(app, &agent, Method::POST, &format!("/orders/{id}/pay"), json!({"method": "cash"}), StatusCode::OK).await;
    advance(app, &id, &[("operator", "confirm"), ("operator", "pack")]).await;
    let (_, tomorrow) = today_and_tomorrow(app).await;
    api(app, &op, Method::POST, "/dispatch/plans", json!({"date": tomorrow, "time_limit_s": 1}), StatusCode::CREATED)
        .await;
    o["order_no"].as_str().unwrap().to_string()
}

/// Takes 20.45 kg gross, 0.45 kg tare of first-grade grapes in through the API; the lot's id.
pub async fn lot_taken_in(app: &TestApp, h: &Harvest) -> String {
    let agent = app.token(&app.user_a("agent")).await;
    let body = json!({"window_id": h.window, "farmer_id": h.farmer, "grade": "first", "gross_g": 20_450,
        "tare_g": 450, "grade_reason": "果粒偏小", "certificate_no": "BC-HG-2026-0042"});
    let r = api(app, &agent, Method::POST, "/intakes", body, StatusCode::CREATED).await;
    r["lot"]["id"].as_str().unwrap().to_string()
}

fn shot(p: &mut Page, name: &str, lang: Lang) {
    p.screenshot(&format!("{name}-{}", tag(lang)));
}

async fn agent_takes_grapes_in_and_prints_the_label(lang: Lang) {
    let app = spawn_app().await;
    let h = allocated_grapes(&app).await;
    let order_no = truck_planned_tomorrow(&app, &h).await;
    let (today, tomorrow) = today_and_tomorrow(&app).await;
    let c = format!("{}/c/{}", app.base, app.a.county_id);
    let pick = format!("{}/first", h.window);
    tokio::task::block_in_place(|| {
        let Some(browser) = browser_or_skip("intake story") else { return };
        let mut p = browser.page();
        log_in(&mut p, &app, &app.user_a("agent"), lang);

        // The harvest list: the farmer brings 20 kg of first grade, nothing brought yet.
        p.click_and_wait("#to-harvest");
        assert_eq!(p.text("h1"), t(lang, "st-harvest-title", &[]));
        let list = p.text(&format!("#harvest-{}", h.window));
        assert!(list.contains(&h.farmer_name) && list.contains("20 kg"), "declared 20 kg: {list}");
        assert_eq!(p.text(&format!("#harvest-{} td.brought", h.window)), "—", "nothing brought yet");
        shot(&mut p, "station-harvest-list", lang);

        // From the console to intake; the farmer found by phone.
        p.goto(&format!("{c}/station"));
        p.click_and_wait("#to-intake");
        assert_eq!(p.text("h1"), t(lang, "pg-intake", &[]));
        p.fill("#q", &h.farmer_phone);
        p.click_and_wait("#farmer-find");
        p.click_and_wait("#found a.btn");
        assert_eq!(p.text("#farmer-name"), h.farmer_name);

        // No grade, and a tare above the gross weight: both said at their fields, values kept.
        p.fill("#gross", "10");
        p.fill("#tare", "12");
        p.submit_unchecked("#intake-submit");
        assert_eq!(p.text("#err-grade"), t(lang, "required", &[]));
        assert_eq!(p.text("#err-tare"), t(lang, "tare-above-gross", &[("gross", "10000".into())]));
        assert_eq!((p.value("#gross"), p.value("#tare")), ("10".into(), "12".into()));
        assert_eq!(p.text("#farmer-name"), h.farmer_name, "the farmer stays chosen");
        shot(&mut p, "station-intake-bad", lang);

        // The tare as heavy as the gross: nothing left to buy.
        p.fill("#pick", &pick);
        p.fill("#gross", "20.45");
        p.fill("#tare", "20.45");
        p.submit_unchecked("#intake-submit");
        assert_eq!(p.text("#err-tare"), t(lang, "must-be-positive", &[]));
        assert_eq!(p.value("#pick"), pick, "the chosen grade is kept");

        // First grade is below the best: the reason is needed, and grapes need the certificate.
        p.fill("#tare", "0.45");
        p.submit_unchecked("#intake-submit");
        assert_eq!(p.text("#err-grade_reason"), t(lang, "required", &[]));
        assert_eq!(p.text("#err-certificate_no"), t(lang, "certificate-required", &[]));
        assert_eq!(p.value("#gross"), "20.45");

        // A file that is not a photo: refused at the photo field, which asks for it again; what
        // was typed stays, and no lot is made.
        p.fill("#grade_reason", "果粒偏小");
        p.fill("#certificate_no", "BC-HG-2026-0042");
        let (not_photo, photo) = photo_files(lang);
        p.set_files("#photo", &[&not_photo]);
        p.submit_unchecked("#intake-submit");
        let again = t(lang, "st-photo-again", &[]);
        assert_eq!(p.text("#err-photo"), format!("{} {again}", t(lang, "not-an-image", &[])));
        assert_eq!((p.value("#gross"), p.value("#certificate_no")), ("20.45".into(), "BC-HG-2026-0042".into()));
        assert_eq!(
            p.eval("document.querySelector('#photo').files.length").as_i64(),
            Some(0),
            "the file is chosen again"
        );
        shot(&mut p, "station-intake-bad-photo", lang);

        p.set_files("#photo", &[&photo]);
        p.click_and_wait("#intake-submit");
        assert!(p.url().contains("/intake/"), "{}", p.url());
        assert_eq!(p.text("#flash"), t(lang, "done-intake", &[]));
        let code = p.text("#label-code");
        let date = today.replace('-', "");
        assert!(code.ends_with(&format!("-{date}-001")), "today's first lot of the station: {code}");
        assert_eq!(p.text("#label-net"), "20 kg");
        assert_eq!(p.eval("document.querySelectorAll('#label svg').length").as_i64(), Some(1), "the QR code");
        assert_eq!(p.text("#receipt-net"), "20 kg");
        assert_eq!(p.text("#receipt-price"), "¥10.00/kg");
        assert_eq!(p.text("#receipt-amount"), "¥200.00", "20 kg × ¥10.00");
        assert_eq!(p.text("#receipt-paid-how"), t(lang, "st-paid-to-account", &[]));
        assert_eq!(p.text("#receipt-lot"), code);
        // The photo of the grapes: small, lazy and sized, and it loads (a 4×3 PNG).
        let img = "document.querySelector('#lot-photos img')";
        let attrs =
            p.eval(&format!("[{img}.loading, {img}.getAttribute('width'), {img}.getAttribute('height')].join(' ')"));
        assert_eq!(attrs, json!("lazy 160 120"));
        let loaded = p.eval(&format!(
            "new Promise(r=>{{const i={img};i.scrollIntoView();const done=()=>r(i.naturalWidth+'x'+i.naturalHeight);\
             if(i.complete&&i.naturalWidth)done();else{{i.onload=done;i.onerror=()=>r('error')}}}})"
        ));
        assert_eq!(loaded, json!("4x3"), "the photo taken at intake is the one shown");
        shot(&mut p, "station-lot-label-receipt", lang);

        // Printed: no navigation or buttons, the label on a 60×40 mm page, the receipt on the next.
        p.emulate_print(true);
        let style = |p: &mut Page, sel: &str, prop: &str| {
            p.eval(&format!("getComputedStyle(document.querySelector('{sel}')).{prop}"))
                .as_str()
                .unwrap_or("")
                .to_string()
        };
        for sel in ["header", "main > h1", "#flash", "p.noprint", "#lot-photos"] {
            assert_eq!(style(&mut p, sel, "display"), "none", "{sel} is not printed");
        }
        assert_eq!(style(&mut p, "#label", "page"), "lbl", "the label prints on its own label-sized page");
        assert_eq!(style(&mut p, "#receipt", "breakBefore"), "page", "the receipt starts a new page");
        shot(&mut p, "station-lot-printed", lang);
        p.emulate_print(false);
        p.click_and_wait("a[href$='?only=label']");
        assert_eq!(p.text("#label-code"), code);
        assert_eq!(p.text("#receipt"), "", "the label alone, for the label printer");

        // The harvest list now shows what was brought.
        p.goto(&format!("{c}/station/harvest"));
        assert_eq!(p.text(&format!("#harvest-{} td.brought", h.window)), "20 kg");

        // The truck: none today, tomorrow's plan drops the parcel; the lot waits for it.
        p.goto(&format!("{c}/station"));
        p.click_and_wait("#to-truck");
        assert_eq!(p.text("h1"), t(lang, "st-truck-title", &[]));
        assert_eq!(p.text(&format!("#no-truck-{today}")), t(lang, "st-no-truck", &[]));
        assert!(p.text(&format!("#drop-{tomorrow}-1")).contains(&order_no), "the parcel is on tomorrow's truck");
        let at = p.text(&format!("#arrival-{tomorrow}-1"));
        assert!(at.len() == 5 && at.as_bytes()[2] == b':', "a planned time, HH:MM: {at}");
        assert!(p.text("#lots-waiting").contains(&code), "the lot waits at the station for the truck");
        shot(&mut p, "station-truck", lang);
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn intake_story_in_chinese() {
    agent_takes_grapes_in_and_prints_the_label(Lang::ZhCn).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn intake_story_in_english() {
    agent_takes_grapes_in_and_prints_the_label(Lang::En).await;
}

/// A file that is not a photo and a real 4×3 PNG, written where the browser can choose them.
fn photo_files(lang: Lang) -> (std::path::PathBuf, std::path::PathBuf) {
    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x04\0\0\0\x03\x08\x02\0\0\0\x3b\x96\x39\x91\0\0\0\x10IDAT\
        \x78\xda\x63\x30\x58\xe0\x00\x47\x0c\x38\x39\x00\xf8\x07\x0c\xc1\xb8\x3c\xf4\x15\0\0\0\0IEND\xae\x42\x60\x82";
    let dir = crate::cdp::artifacts().join("uploads");
    std::fs::create_dir_all(&dir).expect("upload dir");
    let (not_photo, photo) =
        (dir.join(format!("notes-{}.txt", tag(lang))), dir.join(format!("grapes-{}.png", tag(lang))));
    std::fs::write(&not_photo, "葡萄 20 斤").expect("write the text file");
    std::fs::write(&photo, PNG).expect("write the photo");
    // The browser reads the files by their plain absolute path (no `..` in it).
    let plain = |p: std::path::PathBuf| std::fs::canonicalize(p).expect("the file's path");
    (plain(not_photo), plain(photo))
}

/// A browser session over plain HTTP, logged in through the form.
async fn session(app: &TestApp, user: &str) -> Client {
    let c = Client::builder().cookie_store(true).build().expect("client");
    let page = c.get(format!("{}/login", app.base)).send().await.expect("login page").text().await.expect("html");
    let csrf = page.split("name=csrf value=\"").nth(1).and_then(|s| s.split('"').next()).expect("csrf field");
    let r = c
        .post(format!("{}/login", app.base))
        .form(&[("username", user), ("password", PASSWORD), ("csrf", csrf)])
        .send()
        .await
        .expect("log in");
    assert_eq!(r.status(), StatusCode::OK, "{user} logs in");
    c
}

fn hidden(page: &str, name: &str) -> String {
    let at = format!("name={name} value=\"");
    page.split(&at).nth(1).and_then(|s| s.split('"').next()).unwrap_or_default().to_string()
}

async fn lots(app: &TestApp) -> usize {
    let op = app.token(&app.user_a("operator")).await;
    api(app, &op, Method::GET, "/lots", Value::Null, StatusCode::OK).await.as_array().unwrap().len()
}

#[tokio::test]
async fn a_double_tap_makes_one_lot_and_a_forged_form_none() {
    let app = spawn_app().await;
    let h = allocated_grapes(&app).await;
    let c = session(&app, &app.user_a("agent")).await;
    let url = format!("{}/c/{}/intake", app.base, app.a.county_id);
    let form = c.get(format!("{url}?farmer={}", h.farmer)).send().await.unwrap().text().await.unwrap();
    let (csrf, idem) = (hidden(&form, "csrf"), hidden(&form, "idem"));
    assert!(!idem.is_empty(), "the form carries an idempotency key");
    let fields = |csrf: &str| {
        vec![
            ("csrf", csrf.to_string()),
            ("idem", idem.clone()),
            ("farmer", h.farmer.clone()),
            ("pick", format!("{}/first", h.window)),
            ("gross", "12.5".into()),
            ("tare", "0.5".into()),
            ("grade_reason", "果粒偏小".into()),
            ("certificate_no", "BC-HG-2026-0042".into()),
        ]
    };
    let r = c.post(&url).form(&fields("forged")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(lots(&app).await, 0, "a form from elsewhere writes nothing");
    let mut landed = vec![];
    for _ in 0..2 {
        let r = c.post(&url).form(&fields(&csrf)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        landed.push(r.url().path().to_string());
    }
    assert_eq!(landed[0], landed[1], "both taps land on the same lot");
    assert_eq!(lots(&app).await, 1, "one lot");
}

#[tokio::test]
async fn another_countys_agent_gets_the_404_page_and_other_roles_no_console() {
    let app = spawn_app().await;
    let h = allocated_grapes(&app).await;
    let lot = lot_taken_in(&app, &h).await;
    let a = format!("{}/c/{}", app.base, app.a.county_id);
    let pages = ["intake".to_string(), format!("intake/{lot}"), "station/harvest".into(), "station/truck".into()];
    let b_agent = session(&app, &app.user_b("agent")).await;
    for page in &pages {
        let r = b_agent.get(format!("{a}/{page}")).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "county B's agent asks for A's {page}");
        let body = r.text().await.unwrap();
        assert!(!body.contains(&app.a.county_name) && !body.contains("宾川葡萄"), "{page}: nothing of A shown");
    }
    let r = b_agent.post(format!("{a}/intake")).form(&[("csrf", "x")]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND, "nor can they post to A's intake");
    // A buyer of county A runs no station: no console pages for them.
    let buyer = session(&app, &app.user_a("buyer")).await;
    for page in ["intake", "station/harvest", "station/truck"] {
        let r = buyer.get(format!("{a}/{page}")).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "A's buyer asks for {page}");
    }
}

#[tokio::test]
async fn a_county_that_weighs_in_jin_takes_and_shows_jin() {
    let app = spawn_app().await;
    let h = allocated_grapes(&app).await;
    let op = app.token(&app.user_a("operator")).await;
    let mut settings = api(&app, &op, Method::GET, "/settings", Value::Null, StatusCode::OK).await;
    settings["weight_unit"] = json!("jin");
    api(&app, &op, Method::PUT, "/settings", settings, StatusCode::OK).await;
    let c = session(&app, &app.user_a("agent")).await;
    let url = format!("{}/c/{}/intake", app.base, app.a.county_id);
    let form = c.get(format!("{url}?farmer={}", h.farmer)).send().await.unwrap().text().await.unwrap();
    assert!(form.contains(&t(Lang::ZhCn, "st-gross-jin", &[])), "the form asks for 斤");
    let r = c
        .post(&url)
        .form(&[
            ("csrf", hidden(&form, "csrf")),
            ("idem", hidden(&form, "idem")),
            ("farmer", h.farmer.clone()),
            ("pick", format!("{}/first", h.window)),
            ("gross", "40.9".into()),
            ("tare", "0.9".into()),
            ("grade_reason", "果粒偏小".into()),
            ("certificate_no", "BC-HG-2026-0042".into()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let lot = r.text().await.unwrap();
    assert!(lot.contains("id=receipt-net>40 斤<"), "40.9 斤 less 0.9 斤 is 40 斤 (20 kg)");
    assert!(lot.contains("id=receipt-amount>¥200.00<"), "20 kg at ¥10.00/kg");
    assert!(lot.contains("id=label-net>20 kg<"), "the label, read by city buyers, says kg");
}
