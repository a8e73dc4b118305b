//! The operator's and the driver's forms through plain HTTP with a browser's cookies, as a user
//! without JavaScript sends them: a claim decided on the queue page (a refund beyond the seller's
//! debt limit refused at the decision's field, a percentage out of range at its own), a lot handed
//! to the hub whose short weight shows the incident it opened, a pre-order window opened from its
//! form (fees that do not add up refused at the grade), and the county's weight unit (斤) used on
//! the driver's page. Every refusal writes nothing.

use crate::helpers::*;
use crate::lots::{allocated_window, intake};
use crate::orders::{balance, ok, post};
use reqwest::{Client, StatusCode, redirect};
use serde_json::{Value, json};
use uplink_core::ledger::AccountKey;
use uplink_web::i18n::{Catalog, Lang};

/// A logged-in browser session of `user` in `lang` (the switch, then the log-in form), with the
/// session's form token.
async fn session(app: &TestApp, user: &str, lang: Lang) -> (Client, String) {
    let c = Client::builder().cookie_store(true).redirect(redirect::Policy::limited(5)).build().expect("client");
    c.get(format!("{}/lang/{}", app.base, lang.tag())).send().await.expect("language");
    let page = c.get(format!("{}/login", app.base)).send().await.expect("login").text().await.expect("html");
    let csrf = field_value(&page, "csrf");
    let r = c
        .post(format!("{}/login", app.base))
        .form(&[("username", user), ("password", PASSWORD), ("csrf", &csrf)])
        .send()
        .await
        .expect("log in");
    assert_eq!(r.status(), StatusCode::OK, "{user} logs in");
    let home = r.text().await.expect("html");
    (c, field_value(&home, "csrf"))
}

/// The value of the first hidden field `name` on a page.
fn field_value(html: &str, name: &str) -> String {
    let at = format!("name={name} value=\"");
    html.split(&at).nth(1).and_then(|s| s.split('"').next()).unwrap_or_else(|| panic!("no {name} field")).to_string()
}

/// Posts a form with the session's token and a fresh idempotency key; the final page and address.
async fn submit(
    c: &Client,
    app: &TestApp,
    path: &str,
    csrf: &str,
    fields: &[(&str, &str)],
) -> (StatusCode, String, String) {
    let idem = uuid::Uuid::now_v7().simple().to_string();
    let mut form: Vec<(&str, &str)> = vec![("csrf", csrf), ("idem", &idem)];
    form.extend_from_slice(fields);
    let r = c.post(format!("{}{path}", app.base)).form(&form).send().await.expect("post");
    let (status, url) = (r.status(), r.url().to_string());
    (status, url, r.text().await.expect("html"))
}

async fn page(c: &Client, app: &TestApp, path: &str) -> String {
    let r = c.get(format!("{}{path}", app.base)).send().await.expect("get");
    assert_eq!(r.status(), StatusCode::OK, "{path}");
    r.text().await.expect("html")
}

/// The message shown at a field, as the page renders it.
fn at_field(lang: Lang, field: &str, key: &str, args: &[(&str, String)]) -> String {
    let msg = uplink_web::html::esc(&Catalog::default().t(lang, key, args));
    format!("<p class=err id=err-{field} role=alert>{msg}</p>")
}

#[tokio::test]
async fn a_claim_is_decided_on_the_queue_page_within_the_sellers_debt_limit() {
    let app = spawn_app().await;
    let c = app.a.county_id;
    let (o, coop_id, buyer_id) = crate::claims::delivered_grapes(&app).await;
    let oid = o["id"].as_str().unwrap();
    let (buyer_t, op_t) = (app.token(&app.user_a("buyer")).await, app.token(&app.user_a("operator")).await);
    ok(post(&app, &buyer_t, &format!("/api/v1/counties/{c}/orders/{oid}/accept"), json!({})).await, StatusCode::OK)
        .await;
    let earned = balance(&app, c, AccountKey::Wallet(coop_id)).await;
    let yuan = format!("{}.{:02}", earned / 100, earned % 100);
    let payout = format!("/api/v1/counties/{c}/people/{coop_id}/payouts");
    ok(post(&app, &op_t, &payout, json!({"amount": yuan})).await, StatusCode::CREATED).await;
    let mut s = app.get_json(&op_t, &format!("/api/v1/counties/{c}/settings")).await;
    s["seller_debt_limit_fen"] = json!(20_000);
    let r = app.call(Some(&op_t), reqwest::Method::PUT, &format!("/api/v1/counties/{c}/settings"), Some(&s)).await;
    ok(r, StatusCode::OK).await;
    let claim = ok(
        post(
            &app,
            &buyer_t,
            &format!("/api/v1/counties/{c}/orders/{oid}/claims"),
            json!({"kind": "damaged", "lines": [{"line_no": 1, "units": 30}], "description": "箱子压坏"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let id = claim["id"].as_str().unwrap();

    for lang in [Lang::En, Lang::ZhCn] {
        let (web, csrf) = session(&app, &app.user_a("operator"), lang).await;
        let queue = page(&web, &app, &format!("/c/{c}/operator/claims")).await;
        let claims_table = queue.split("id=claims>").nth(1).unwrap().split("</table>").next().unwrap();
        assert!(claims_table.contains("¥300.00"), "the claim's value: {claims_table}");
        assert!(claims_table.contains(&uplink_web::html::esc(&Catalog::default().t(lang, "queue-kind-damaged", &[]))));
        assert!(claims_table.contains(&format!("id=\"open-{id}\"")), "it opens its decision form");
        let form = page(&web, &app, &format!("/c/{c}/operator/claims/{id}")).await;
        assert!(form.contains("id=decide") && form.contains("箱子压坏"));

        let path = format!("/c/{c}/operator/claims/{id}");
        // ¥300 would take the co-op past its ¥200 limit: refused at the decision, what was typed kept.
        let (st, _, html) =
            submit(&web, &app, &path, &csrf, &[("outcome", "full_refund"), ("refund_pct", ""), ("reason", "全部压坏")])
                .await;
        assert_eq!(st, StatusCode::OK);
        assert!(html.contains(&at_field(lang, "outcome", "seller-debt-limit", &[])), "{html}");
        assert!(html.contains(">全部压坏</textarea>"), "the reason is kept");
        // A percentage that is not one, at its field.
        let (_, _, html) =
            submit(&web, &app, &path, &csrf, &[("outcome", "partial_refund"), ("refund_pct", "150"), ("reason", "x")])
                .await;
        let range = [("min", "0.01".to_string()), ("max", "99.99".to_string())];
        assert!(html.contains(&at_field(lang, "refund_pct", "out-of-range", &range)), "{html}");
        // No reason: at the reason.
        let (_, _, html) =
            submit(&web, &app, &path, &csrf, &[("outcome", "reject"), ("refund_pct", ""), ("reason", "")]).await;
        assert!(html.contains("id=err-reason"), "{html}");
        assert_eq!(balance(&app, c, AccountKey::Wallet(coop_id)).await, 0, "nothing moved");
    }
    let wallet = balance(&app, c, AccountKey::Wallet(buyer_id)).await;
    // The inspector decides, as the operator may: the queue is the inspector's page.
    let (web, csrf) = session(&app, &app.user_a("inspector"), Lang::ZhCn).await;
    let path = format!("/c/{c}/operator/claims/{id}");
    let (_, url, html) = submit(
        &web,
        &app,
        &path,
        &csrf,
        &[("outcome", "partial_refund"), ("refund_pct", "60"), ("reason", "六成压坏")],
    )
    .await;
    assert!(url.ends_with("/operator/claims?done=decided"), "{url}");
    assert!(html.contains(&uplink_web::html::esc(&Catalog::default().t(Lang::ZhCn, "done-decided", &[]))));
    assert!(!html.contains(&format!("id=\"open-{id}\"")), "decided: off the queue");
    assert_eq!(balance(&app, c, AccountKey::Wallet(coop_id)).await, -18_000);
    assert_eq!(balance(&app, c, AccountKey::Wallet(buyer_id)).await, wallet + 18_000);
    let d = app.get_json(&op_t, &format!("/api/v1/counties/{c}/claims/{id}")).await;
    assert_eq!((d["state"].as_str(), d["refund_fen"].as_i64()), (Some("decided"), Some(18_000)));

    // County B's operator gets the same 404 as for nothing at all.
    let (b_web, _) = session(&app, &app.user_b("operator"), Lang::En).await;
    let r = b_web.get(format!("{}/c/{c}/operator/claims/{id}", app.base)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_lot_handed_to_the_hub_short_shows_the_incident_and_weights_read_in_jin() {
    let app = spawn_app().await;
    let c = app.a.county_id;
    let s = allocated_window(&app).await;
    let lot = ok(
        post(&app, &s.agent_t, &format!("/api/v1/counties/{c}/intakes"), intake(&s, 20_450, 450)).await,
        StatusCode::CREATED,
    )
    .await;
    let (lot_id, code) =
        (lot["lot"]["id"].as_str().unwrap().to_string(), lot["lot"]["code"].as_str().unwrap().to_string());
    let driver = crate::orders::person(&app, &app.user_a("driver")).await;
    ok(
        post(
            &app,
            &s.agent_t,
            &format!("/api/v1/counties/{c}/lots/{lot_id}/handoffs"),
            json!({"to_person_id": driver["id"], "weight_g": 20_000}),
        )
        .await,
        StatusCode::OK,
    )
    .await;

    // The county weighs in 斤: the operator says so on the settings page.
    let (op, op_csrf) = session(&app, &app.user_a("operator"), Lang::ZhCn).await;
    let settings = page(&op, &app, &format!("/c/{c}/operator/settings")).await;
    let keep: Vec<(String, String)> = [
        "platform_fee_bps",
        "agent_commission_bps",
        "acceptance_window_hours",
        "return_window_days",
        "reservation_ttl_minutes",
    ]
    .iter()
    .map(|k| {
        (
            k.to_string(),
            settings.split(&format!("name={k} value=\"")).nth(1).unwrap().split('"').next().unwrap().to_string(),
        )
    })
    .collect();
    let mut fields: Vec<(&str, &str)> = keep.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    fields.push(("weight_unit", "lb"));
    let (_, _, html) = submit(&op, &app, &format!("/c/{c}/operator/settings"), &op_csrf, &fields).await;
    assert!(html.contains("id=err-weight_unit"), "an unknown unit is refused at its field");
    fields.pop();
    fields.push(("weight_unit", "jin"));
    let (_, url, _) = submit(&op, &app, &format!("/c/{c}/operator/settings"), &op_csrf, &fields).await;
    assert!(url.ends_with("done=saved"), "{url}");
    let op_t = app.token(&app.user_a("operator")).await;
    assert_eq!(app.get_json(&op_t, &format!("/api/v1/counties/{c}/settings")).await["weight_unit"], "jin");
    // The API describes the setting, and its schema is there to follow.
    let spec: Value = app.call(None, reqwest::Method::GET, "/api/v1/openapi.json", None).await.json().await.unwrap();
    let unit = &spec["components"]["schemas"]["CountySettings"]["properties"]["weight_unit"];
    let target = unit.to_string();
    let name = target.split("#/components/schemas/").nth(1).and_then(|s| s.split('"').next()).unwrap_or("");
    assert!(!name.is_empty(), "weight_unit is described: {unit}");
    assert!(spec["components"]["schemas"][name]["enum"].to_string().contains("jin"), "{name}");

    let (web, csrf) = session(&app, &app.user_a("driver"), Lang::En).await;
    let mine = page(&web, &app, &format!("/c/{c}/driver")).await;
    let lots = mine.split("id=my-lots>").nth(1).unwrap().split("</ul>").next().unwrap();
    assert!(lots.contains(&code) && lots.contains("40 斤"), "the lot, 20 kg as 40 斤: {lots}");
    let field = format!("lot-{lot_id}");
    let (_, _, html) =
        submit(&web, &app, &format!("/c/{c}/driver/handoffs"), &csrf, &[("lot", &lot_id), (&field, "abc")]).await;
    assert!(html.contains(&at_field(Lang::En, &field, "bad-weight", &[("input", "abc".into())])), "{html}");
    assert!(html.contains("value=\"abc\""), "what was typed is kept");
    // 30 斤 = 15 kg on the hub's scale: 5 kg short, far beyond the grapes' 2 %.
    let (_, url, html) =
        submit(&web, &app, &format!("/c/{c}/driver/handoffs"), &csrf, &[("lot", &lot_id), (&field, "30")]).await;
    assert!(url.contains("done=handoff&incident="), "{url}");
    let notice = html.split("id=incident>").nth(1).expect("the incident is shown").split("</div>").next().unwrap();
    assert!(notice.contains(&code) && notice.contains("10 斤") && notice.contains("30 斤"), "{notice}");
    let incidents = app.get_json(&op_t, &format!("/api/v1/counties/{c}/incidents")).await;
    let incidents =
        incidents.as_array().cloned().or_else(|| incidents["incidents"].as_array().cloned()).unwrap_or_default();
    assert_eq!(incidents.len(), 1);
    assert_eq!((incidents[0]["taken_g"].as_i64(), incidents[0]["loss_g"].as_i64()), (Some(15_000), Some(5_000)));
    // The queue lists it against the driver.
    let queue = page(&op, &app, &format!("/c/{c}/operator/claims")).await;
    let table = queue.split("id=incidents>").nth(1).unwrap().split("</table>").next().unwrap();
    assert!(table.contains(&code) && table.contains(driver["name"].as_str().unwrap()), "{table}");
}

#[tokio::test]
async fn a_window_opens_from_its_form_and_fees_that_do_not_add_up_are_refused_at_the_grade() {
    let app = spawn_app().await;
    let c = app.a.county_id;
    let op_t = app.token(&app.user_a("operator")).await;
    let product = crate::windows::grapes(&app, &op_t).await;
    let pid = product["id"].as_str().unwrap();
    let drop = crate::windows::first_drop_point(&app, &op_t).await;
    let (web, csrf) = session(&app, &app.user_a("operator"), Lang::En).await;
    let form = page(&web, &app, &format!("/c/{c}/operator/windows?product_id={pid}")).await;
    assert!(form.contains("id=create-window") && form.contains("Special") && form.contains("First"));
    let drop_box = format!("drop-{drop}");
    let mut fields = vec![
        ("product_id", pid),
        ("title", "宾川葡萄 · 8月3日采摘"),
        ("opens", "2026-08-01T08:00"),
        ("closes", "2099-08-02T20:00"),
        ("harvest_date", "2026-08-03"),
        ("delivery_date", "2026-08-05"),
        ("minimum_kg", "100"),
        ("min_lot_kg", "5"),
        (drop_box.as_str(), "on"),
        // Special: ¥20.00 to buyers, ¥12.00 to farmers; the fees say ¥7.00, not ¥8.00.
        ("o0-buyer", "20"),
        ("o0-farmer", "12"),
        ("o0-transport", "4"),
        ("o0-packing", "1.5"),
        ("o0-station", "1"),
        ("o0-platform", "0.5"),
    ];
    let path = format!("/c/{c}/operator/windows");
    let (_, _, html) = submit(&web, &app, &path, &csrf, &fields).await;
    let args = [("total", "700".to_string()), ("difference", "800".to_string())];
    assert!(html.contains(&at_field(Lang::En, "o0-fees", "fees-must-add-up", &args)), "{html}");
    assert!(html.contains("value=\"1.5\""), "the fees typed are kept");
    let w = app.get_json(&op_t, &format!("/api/v1/counties/{c}/windows")).await;
    assert_eq!(w.as_array().map(Vec::len), Some(0), "nothing written");
    fields.retain(|(k, _)| *k != "o0-platform");
    fields.push(("o0-platform", "1.5"));
    let (_, url, html) = submit(&web, &app, &path, &csrf, &fields).await;
    assert!(
        url.contains("/operator/windows/") && url.ends_with("done=created"),
        "{url}: {:?}",
        html.split("class=err").skip(1).collect::<Vec<_>>()
    );
    assert!(html.contains("宾川葡萄 · 8月3日采摘") && html.contains("id=no-harvest-lists"), "{html}");
    let w = app.get_json(&op_t, &format!("/api/v1/counties/{c}/windows")).await;
    let w: &Value = &w[0];
    assert_eq!(w["offers"].as_array().map(Vec::len), Some(1), "only the grade priced is offered");
    assert_eq!(w["offers"][0]["fees"]["platform_fen"], 150);
    assert_eq!(w["state"], "open");
}
