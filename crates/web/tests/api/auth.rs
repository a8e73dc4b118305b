//! Logging in and out: tokens for the API, sessions with CSRF for pages, rate limiting.

use crate::helpers::*;
use reqwest::{Method, StatusCode, redirect};
use serde_json::json;

#[tokio::test]
async fn a_token_works_until_logout_revokes_it() {
    let app = spawn_app().await;
    let t = app.token(&app.user_a("inspector")).await;
    assert_eq!(app.call(Some(&t), Method::GET, "/api/v1/me", None).await.status(), StatusCode::OK);
    assert_eq!(app.call(Some(&t), Method::POST, "/api/v1/auth/logout", None).await.status(), StatusCode::NO_CONTENT);
    let r = app.call(Some(&t), Method::GET, "/api/v1/me", None).await;
    assert_problem(r, StatusCode::UNAUTHORIZED, None).await;
    // A made-up token of the right shape is no better.
    let r = app.call(Some(&"a".repeat(64)), Method::GET, "/api/v1/me", None).await;
    assert_problem(r, StatusCode::UNAUTHORIZED, None).await;
}

#[tokio::test]
async fn an_expired_token_is_refused() {
    let app = spawn_app().await;
    let t = app.token(&app.user_a("auditor")).await;
    let mut tx = app.db.begin().await.unwrap();
    sqlx::query("UPDATE sessions SET expires_us = 0").execute(&mut *tx).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(app.call(Some(&t), Method::GET, "/api/v1/me", None).await.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn only_hashes_of_passwords_and_tokens_are_stored() {
    let app = spawn_app().await;
    let t = app.token(&app.user_a("supplier")).await;
    let mut c = app.db.reader().await.unwrap();
    let hashes: Vec<String> = sqlx::query_scalar("SELECT password_hash FROM users").fetch_all(&mut *c).await.unwrap();
    assert!(hashes.iter().all(|h| h.starts_with("$argon2id$") && !h.contains(PASSWORD)));
    let tokens: Vec<String> = sqlx::query_scalar("SELECT token_hash FROM sessions").fetch_all(&mut *c).await.unwrap();
    assert!(!tokens.contains(&t), "the token itself is never stored");
    assert!(tokens.contains(&uplink_service::auth::sha256_hex(&t)));
}

#[tokio::test]
async fn many_wrong_passwords_lock_the_name_for_a_while_even_with_the_right_one() {
    let app = spawn_app().await;
    let user = app.user_a("buyer");
    for _ in 0..uplink_service::auth::MAX_FAILURES {
        let r = app
            .call(
                None,
                Method::POST,
                "/api/v1/auth/token",
                Some(&json!({"username": user, "password": "wrong password"})),
            )
            .await;
        assert_problem(r, StatusCode::UNAUTHORIZED, None).await;
    }
    let r = app
        .call(None, Method::POST, "/api/v1/auth/token", Some(&json!({"username": user, "password": PASSWORD})))
        .await;
    assert!(r.headers().get("retry-after").is_some());
    let v = assert_problem(r, StatusCode::TOO_MANY_REQUESTS, None).await;
    assert_eq!(v["type"], "/problems/rate-limited");
    // Another user is not affected.
    app.token(&app.user_a("driver")).await;
}

#[tokio::test]
async fn problems_speak_the_callers_language() {
    let app = spawn_app().await;
    let body = json!({"username": "nobody", "password": "wrong password"});
    let zh = app
        .call_with(None, Method::POST, "/api/v1/auth/token", Some(&body), &[("accept-language", "zh-CN,zh;q=0.9")])
        .await;
    let zh = assert_problem(zh, StatusCode::UNAUTHORIZED, None).await;
    assert_eq!(zh["title"], "用户名或密码错误");
    let en = app
        .call_with(None, Method::POST, "/api/v1/auth/token", Some(&body), &[("accept-language", "en-GB,en;q=0.8")])
        .await;
    let en = assert_problem(en, StatusCode::UNAUTHORIZED, None).await;
    assert_eq!(en["title"], "Wrong user name or password");
}

fn browser() -> reqwest::Client {
    reqwest::Client::builder().redirect(redirect::Policy::none()).build().unwrap()
}

fn cookie_value(r: &reqwest::Response, name: &str) -> Option<String> {
    r.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(|v| v[name.len() + 1..].split(';').next().unwrap_or("").to_string())
}

fn hidden_csrf(html: &str) -> String {
    let i = html.find("name=csrf value=\"").expect("csrf field") + "name=csrf value=\"".len();
    html[i..].split('"').next().unwrap().to_string()
}

#[tokio::test]
async fn the_login_form_needs_its_csrf_token_and_never_keeps_a_planted_session() {
    let app = spawn_app().await;
    let b = browser();
    let form = b.get(format!("{}/login", app.base)).send().await.unwrap();
    let login_cookie = cookie_value(&form, "uplink_login_csrf").expect("double-submit cookie");
    let set = form.headers().get("set-cookie").unwrap().to_str().unwrap().to_string();
    assert!(set.contains("HttpOnly") && set.contains("SameSite=Lax"), "{set}");
    let csrf = hidden_csrf(&form.text().await.unwrap());
    let user = app.user_a("operator");

    // Without the token: refused, no session.
    let r = b
        .post(format!("{}/login", app.base))
        .header("cookie", format!("uplink_login_csrf={login_cookie}"))
        .form(&[("username", user.as_str()), ("password", PASSWORD), ("csrf", "forged")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(cookie_value(&r, "uplink_session").is_none());

    // With it, and with a session id an attacker planted: a new session, the planted one dead.
    let planted = "b".repeat(64);
    let r = b
        .post(format!("{}/login", app.base))
        .header("cookie", format!("uplink_login_csrf={login_cookie}; uplink_session={planted}"))
        .form(&[("username", user.as_str()), ("password", PASSWORD), ("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let session = cookie_value(&r, "uplink_session").expect("session cookie");
    assert_ne!(session, planted);
    assert_eq!(session.len(), 64);

    // The session works for pages; an API write from it needs the X-CSRF-Token header.
    let home =
        b.get(format!("{}/", app.base)).header("cookie", format!("uplink_session={session}")).send().await.unwrap();
    assert_eq!(home.status(), StatusCode::OK);
    let page = home.text().await.unwrap();
    let page_csrf = hidden_csrf(&page);
    let put = |csrf: Option<String>| {
        let mut rb = b
            .put(format!("{}/api/v1/me/locale", app.base))
            .header("cookie", format!("uplink_session={session}"))
            .json(&json!({"locale": "en"}));
        if let Some(c) = csrf {
            rb = rb.header("x-csrf-token", c);
        }
        rb.send()
    };
    assert_eq!(put(None).await.unwrap().status(), StatusCode::FORBIDDEN);
    assert_eq!(put(Some(page_csrf.clone())).await.unwrap().status(), StatusCode::NO_CONTENT);

    // Log-out needs the token too, and ends the session.
    let r = b
        .post(format!("{}/logout", app.base))
        .header("cookie", format!("uplink_session={session}"))
        .form(&[("csrf", "forged")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = b
        .post(format!("{}/logout", app.base))
        .header("cookie", format!("uplink_session={session}"))
        .form(&[("csrf", page_csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let home =
        b.get(format!("{}/", app.base)).header("cookie", format!("uplink_session={session}")).send().await.unwrap();
    assert_eq!(home.status(), StatusCode::SEE_OTHER, "logged out: back to the log-in page");
}

#[tokio::test]
async fn operations_endpoints_answer() {
    let app = spawn_app().await;
    assert_eq!(app.call(None, Method::GET, "/healthz", None).await.status(), StatusCode::OK);
    assert_eq!(app.call(None, Method::GET, "/readyz", None).await.status(), StatusCode::OK);
    app.token(&app.user_a("operator")).await;
    let m = app.call(None, Method::GET, "/metrics", None).await.text().await.unwrap();
    assert!(
        m.contains("uplink_http_requests_total{method=\"POST\",route=\"/api/v1/auth/token\",status=\"200\"} 1"),
        "{m}"
    );
    assert!(m.contains("uplink_http_request_duration_seconds_bucket"));
    let docs = app.call(None, Method::GET, "/api/v1/docs", None).await.text().await.unwrap();
    let spec: serde_json::Value = app.call(None, Method::GET, "/api/v1/openapi.json", None).await.json().await.unwrap();
    for path in spec["paths"].as_object().unwrap().keys() {
        assert!(docs.contains(&path.replace('&', "&amp;")), "docs page lists {path}");
    }
}
