//! No page of one county shows another county's data, for any role: a user of county B who
//! asks for county A's pages gets the same 404 page as for a county that does not exist, and
//! their own pages name nothing of county A. Plain HTTP with a browser's cookies and forms.

use crate::helpers::{PASSWORD, TestApp, spawn_app};
use reqwest::{Client, StatusCode};

/// A logged-in browser session through the log-in form (its CSRF cookie and hidden field), with
/// the page the log-in landed on and its text.
pub async fn session(app: &TestApp, user: &str) -> (Client, String, String) {
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
    let landed = r.url().path().to_string();
    let body = r.text().await.unwrap_or_default();
    (c, landed, body)
}

const PAGES: [&str; 17] = [
    "station",
    "station/order?buyer=00000000-0000-0000-0000-000000000000",
    "shop",
    "shop/orders",
    "shop/wallet",
    "farmer",
    "driver",
    "operator",
    "operator/villages",
    "operator/people",
    "operator/products",
    "operator/orders",
    "operator/ledger",
    "operator/settings",
    "operator/dispatch",
    "operator/claims",
    "operator/windows",
];

#[tokio::test]
async fn no_role_of_one_county_sees_another_countys_pages() {
    let app = spawn_app().await;
    let a_name = app.a.county_name.clone();
    // County A's pre-order window, and a buyer's pre-order in it: asked for under A's address or
    // under B's own, they are not found.
    let (window, title) = crate::preorders::open_window(&app, "弥渡玫瑰香 · 甲县预售").await;
    crate::stories::fund_wallet(&app, "200").await;
    let preorder = crate::preorders::preorder(&app, &window).await;
    let records = [format!("shop/windows/{window}"), format!("orders/{preorder}"), format!("orders/{preorder}/claim")];
    for role in ["operator", "agent", "farmer", "coop", "supplier", "buyer", "driver", "auditor", "inspector"] {
        let Some(user) = app.b.accounts.iter().find(|(r, _)| r == role).map(|(_, u)| u.clone()) else { continue };
        let (c, own, body) = session(&app, &user).await;
        for page in &records {
            for county in [app.a.county_id, app.b.county_id] {
                let r = c.get(format!("{}/c/{county}/{page}", app.base)).send().await.expect("page");
                assert_eq!(r.status(), StatusCode::NOT_FOUND, "{role} of county B asks for A's {page} in {county}");
                let body = r.text().await.unwrap_or_default();
                assert!(!body.contains(&title) && !body.contains(&a_name), "{role}: the 404 page names nothing of A");
            }
        }
        assert!(!body.contains(&title), "{role}'s own page ({own}) shows nothing of A's windows");
        for page in PAGES {
            let r = c.get(format!("{}/c/{}/{page}", app.base, app.a.county_id)).send().await.expect("page");
            assert_eq!(r.status(), StatusCode::NOT_FOUND, "{role} of county B asks for A's {page}");
            let body = r.text().await.unwrap_or_default();
            assert!(!body.contains(&a_name), "{role}: the 404 page names nothing of A");
        }
        // The page they land on is their own county's and names nothing of county A.
        assert!(!body.contains(&a_name), "{role}'s own page ({own}) names nothing of county A");
        if role != "inspector" {
            let b_pages = format!("/c/{}/", app.b.county_id);
            assert!(own.starts_with(&b_pages), "{role} lands on their page in county B: {own}");
        }
    }
}

#[tokio::test]
async fn a_form_without_the_session_token_is_refused_and_writes_nothing() {
    let app = spawn_app().await;
    let (c, _, _) = session(&app, &app.user_a("operator")).await;
    let r = c
        .post(format!("{}/c/{}/operator/townships", app.base, app.a.county_id))
        .form(&[("csrf", "forged"), ("code", "XX-1"), ("name", "伪造乡"), ("lat", "25.6"), ("lon", "100.5")])
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let list = c
        .get(format!("{}/c/{}/operator/townships?q=XX-1", app.base, app.a.county_id))
        .send()
        .await
        .expect("list")
        .text()
        .await
        .unwrap_or_default();
    assert!(!list.contains("伪造乡"), "nothing was written");
}
