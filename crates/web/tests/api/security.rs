//! Security stories beyond `auth.rs`: every form of the pages refuses a post without the
//! session's CSRF token, a session an attacker planted is never upgraded by the victim's log-in,
//! secrets are compared whole, log-out and expiry end page sessions too, and the pages of one
//! county answer another county's staff with a 404. The form list is kept complete by a test
//! that reads the page routes from the source, like the access matrix does for the API.

use crate::helpers::*;
use reqwest::{StatusCode, redirect};

/// Every page route that takes a form POST, and the role whose page it is (in county A).
/// `{id}` is filled with a random id: the token is checked before anything is looked up.
const FORM_POSTS: &[(&str, &str)] = &[
    ("/logout", "operator"),
    ("/c/{county}/shop/listing/{id}", "buyer"),
    ("/c/{county}/shop/wallet/topup", "buyer"),
    ("/c/{county}/station/handover", "agent"),
    ("/c/{county}/station/villagers", "agent"),
    ("/c/{county}/station/cash", "agent"),
    ("/c/{county}/station/order", "agent"),
    ("/c/{county}/operator/townships", "operator"),
    ("/c/{county}/operator/villages", "operator"),
    ("/c/{county}/operator/stations", "operator"),
    ("/c/{county}/operator/people", "operator"),
    ("/c/{county}/operator/settings", "operator"),
    ("/c/{county}/orders/{id}/move", "operator"),
    ("/c/{county}/notices/{id}/read", "buyer"),
    ("/c/{county}/intake", "agent"),
    ("/c/{county}/shop/windows/{id}", "buyer"),
    ("/c/{county}/orders/{id}/claim", "buyer"),
    ("/c/{county}/orders/{id}/rating", "buyer"),
    ("/c/{county}/driver/stops", "driver"),
    ("/c/{county}/driver/handoffs", "driver"),
    ("/c/{county}/operator/claims/{id}", "operator"),
    ("/c/{county}/operator/dispatch", "operator"),
    ("/c/{county}/operator/windows", "operator"),
];

/// The forms that upload a photo, sent as `multipart/form-data` as a browser sends them.
const MULTIPART_FORMS: &[&str] = &["/c/{county}/orders/{id}/claim", "/c/{county}/intake"];

/// The log-in form has its own double-submit token and is tested in `auth.rs`.
const NOT_SESSION_FORMS: &[&str] = &["/login"];

/// `(path, takes POST)` of every route the page modules declare, read from their source.
fn page_routes() -> Vec<(String, bool)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/pages");
    let mut out = Vec::new();
    let mut files: Vec<_> =
        std::fs::read_dir(&dir).expect("src/pages").filter_map(|e| e.ok()).map(|e| e.path()).collect();
    files.push(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/pages.rs"));
    for f in files.into_iter().filter(|f| f.extension().is_some_and(|x| x == "rs")) {
        let Ok(text) = std::fs::read_to_string(&f) else { continue };
        // A route may span lines: its handlers are what follows its path up to the next route.
        for decl in text.split(".route(").skip(1) {
            let Some(decl) = decl.trim_start().strip_prefix('"') else { continue };
            let path = decl.split('"').next().unwrap_or("").to_string();
            let handlers = decl.split("\n}").next().unwrap_or("");
            out.push((path, handlers.contains("post(")));
        }
    }
    out
}

#[test]
fn every_page_form_is_in_the_csrf_list() {
    let routes = page_routes();
    assert!(routes.iter().any(|(p, _)| p == "/logout"), "the scan finds the page routes: {routes:?}");
    for (path, post) in routes.iter().filter(|(_, post)| *post) {
        let _ = post;
        assert!(
            NOT_SESSION_FORMS.contains(&path.as_str()) || FORM_POSTS.iter().any(|(p, _)| p == path),
            "the page route POST {path} has no entry in FORM_POSTS (tests/api/security.rs): add it with its role"
        );
    }
    for (p, _) in FORM_POSTS {
        assert!(routes.iter().any(|(r, post)| r == p && *post), "FORM_POSTS lists {p}, which no page declares");
    }
}

fn browser() -> reqwest::Client {
    reqwest::Client::builder().redirect(redirect::Policy::none()).build().expect("client")
}

fn cookie_value(r: &reqwest::Response, name: &str) -> Option<String> {
    r.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(|v| v[name.len() + 1..].split(';').next().unwrap_or("").to_string())
}

fn hidden_csrf(html: &str) -> Option<String> {
    let i = html.find("name=csrf value=\"")? + "name=csrf value=\"".len();
    html[i..].split('"').next().map(str::to_string)
}

/// Logs in through the log-in page, as a browser does, with an optional planted session cookie;
/// returns the session cookie issued.
async fn page_login(app: &TestApp, username: &str, planted: Option<&str>) -> String {
    let b = browser();
    let form = b.get(format!("{}/login", app.base)).send().await.expect("login form");
    let login_cookie = cookie_value(&form, "uplink_login_csrf").expect("double-submit cookie");
    let csrf = hidden_csrf(&form.text().await.expect("html")).expect("csrf field");
    let mut cookies = format!("uplink_login_csrf={login_cookie}");
    if let Some(p) = planted {
        cookies.push_str(&format!("; uplink_session={p}"));
    }
    let r = b
        .post(format!("{}/login", app.base))
        .header("cookie", cookies)
        .form(&[("username", username), ("password", PASSWORD), ("csrf", csrf.as_str())])
        .send()
        .await
        .expect("log in");
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "log-in of {username}");
    cookie_value(&r, "uplink_session").expect("session cookie")
}

async fn me_with_cookie(app: &TestApp, session: &str) -> (StatusCode, serde_json::Value) {
    let r = browser()
        .get(format!("{}/api/v1/me", app.base))
        .header("cookie", format!("uplink_session={session}"))
        .send()
        .await
        .expect("me");
    let s = r.status();
    (s, r.json().await.unwrap_or_default())
}

#[tokio::test]
async fn every_form_refuses_a_post_without_the_sessions_token_or_with_a_wrong_one() {
    let app = spawn_app().await;
    let b = browser();
    let mut sessions = std::collections::HashMap::new();
    for (route, role) in FORM_POSTS {
        if !sessions.contains_key(role) {
            sessions.insert(*role, page_login(&app, &app.user_a(role), None).await);
        }
        let session = &sessions[role];
        let path =
            route.replace("{county}", &app.a.county_id.to_string()).replace("{id}", &uuid::Uuid::now_v7().to_string());
        for csrf in [None, Some("forged"), Some("")] {
            let mut form = vec![("idem", "k1"), ("pickup_code", "123456"), ("event", "cancel")];
            if let Some(c) = csrf {
                form.push(("csrf", c));
            }
            let req = b.post(format!("{}{path}", app.base)).header("cookie", format!("uplink_session={session}"));
            let req = if MULTIPART_FORMS.contains(route) {
                let boundary = "uplink-csrf-test";
                let body: String = form
                    .iter()
                    .map(|(k, v)| {
                        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                    })
                    .chain([format!("--{boundary}--\r\n")])
                    .collect();
                req.header("content-type", format!("multipart/form-data; boundary={boundary}")).body(body)
            } else {
                req.form(&form)
            };
            let r = req.send().await.expect("post");
            assert_eq!(r.status(), StatusCode::FORBIDDEN, "POST {route} as {role} with csrf {csrf:?}");
        }
    }
}

#[tokio::test]
async fn a_session_the_attacker_planted_stays_the_attackers_after_the_victim_logs_in() {
    let app = spawn_app().await;
    // The attacker logs in with their own account and plants that session in the victim's browser.
    let attacker = page_login(&app, &app.user_a("buyer"), None).await;
    let victim = page_login(&app, &app.user_a("operator"), Some(&attacker)).await;
    assert_ne!(victim, attacker, "the victim gets a session of their own");
    // The planted session is revoked by the log-in over it, never upgraded to the victim's rights.
    let (s, _) = me_with_cookie(&app, &attacker).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, me) = me_with_cookie(&app, &victim).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(me["username"], app.user_a("operator"));
}

#[tokio::test]
async fn logging_out_and_expiry_end_a_page_session_for_the_api_too() {
    let app = spawn_app().await;
    let session = page_login(&app, &app.user_a("inspector"), None).await;
    let home = browser()
        .get(format!("{}/", app.base))
        .header("cookie", format!("uplink_session={session}"))
        .send()
        .await
        .expect("home");
    let csrf = hidden_csrf(&home.text().await.expect("html")).expect("csrf on the home page");
    let out = browser()
        .post(format!("{}/logout", app.base))
        .header("cookie", format!("uplink_session={session}"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .expect("logout");
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    assert_eq!(me_with_cookie(&app, &session).await.0, StatusCode::UNAUTHORIZED, "logged out everywhere");

    // A session past its expiry is refused, and the page sends the browser to log in again.
    let other = page_login(&app, &app.user_a("auditor"), None).await;
    assert_eq!(me_with_cookie(&app, &other).await.0, StatusCode::OK);
    let mut tx = app.db.begin().await.expect("begin");
    sqlx::query("UPDATE sessions SET expires_us = 1").execute(&mut *tx).await.expect("expire");
    tx.commit().await.expect("commit");
    assert_eq!(me_with_cookie(&app, &other).await.0, StatusCode::UNAUTHORIZED);
    let home = browser()
        .get(format!("{}/", app.base))
        .header("cookie", format!("uplink_session={other}"))
        .send()
        .await
        .expect("home");
    assert_eq!(home.status(), StatusCode::SEE_OTHER);
}

#[test]
fn secrets_are_equal_only_when_every_byte_is() {
    use uplink_service::auth::secrets_equal;
    let s = "7f3a".repeat(16);
    assert!(secrets_equal(&s, &s.clone()));
    assert!(!secrets_equal(&s, &format!("{}0", &s[..63])), "the last byte counts");
    assert!(!secrets_equal(&s, &format!("0{}", &s[1..])), "the first byte counts");
    assert!(!secrets_equal(&s, &s[..63]), "a prefix is not the secret");
    assert!(!secrets_equal(&s, ""), "nor is nothing");
    assert!(!secrets_equal("", &s));
    // Fresh secrets are long and never repeat.
    let (a, b) = (uplink_service::auth::new_secret(), uplink_service::auth::new_secret());
    assert!(a.len() >= 43 && a != b, "{a} {b}");
}

#[tokio::test]
async fn another_countys_staff_get_a_404_from_every_county_page() {
    let app = spawn_app().await;
    let session = page_login(&app, &app.user_b("operator"), None).await;
    let gets: Vec<String> =
        page_routes().into_iter().filter(|(p, _)| p.starts_with("/c/{county}")).map(|(p, _)| p).collect();
    assert!(gets.len() >= 5, "{gets:?}");
    for route in gets {
        let path = route
            .replace("{county}", &app.a.county_id.to_string())
            .replace("{id}", &uuid::Uuid::now_v7().to_string())
            .replace("{file}", "x");
        let r = browser()
            .get(format!("{}{path}", app.base))
            .header("cookie", format!("uplink_session={session}"))
            .send()
            .await
            .expect("get");
        // A POST-only route answers GET with 405 before any county is looked at; that reveals
        // nothing about county A.
        assert!(
            r.status() == StatusCode::NOT_FOUND || r.status() == StatusCode::METHOD_NOT_ALLOWED,
            "GET {route} as county B's operator: {}",
            r.status()
        );
    }
}
