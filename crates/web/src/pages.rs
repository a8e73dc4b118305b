//! The log-in page, log-out, the language switch and the home page. The role pages of later
//! issues hang off the home page.

use crate::context::{Ctx, LANG_COOKIE, SESSION_COOKIE, cookie};
use crate::html::{esc, layout};
use crate::i18n::Lang;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use uplink_service::ServiceError;
use uplink_service::auth::{self, CredentialKind, SESSION_LIFETIME_US};

/// The double-submit cookie that protects the log-in form, before there is a session.
const LOGIN_CSRF_COOKIE: &str = "uplink_login_csrf";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/login", get(login_form).post(login))
        .route("/logout", post(logout))
        .route("/lang/{tag}", get(switch_lang))
}

fn set_cookie(st: &AppState, name: &str, value: &str, max_age_s: i64) -> HeaderValue {
    let secure = if st.secure_cookies { "; Secure" } else { "" };
    HeaderValue::from_str(&format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_s}{secure}"))
        .unwrap_or_else(|_| HeaderValue::from_static(""))
}

async fn home(State(st): State<AppState>, ctx: Ctx) -> Response {
    let Some(a) = &ctx.auth else { return Redirect::to("/login").into_response() };
    let c = &st.catalog;
    let l = ctx.lang;
    let mut body = format!("<p>{}</p>", esc(&c.t(l, "home-hello", &[("name", a.actor.display_name.clone())])));
    if a.actor.is_admin {
        body.push_str(&format!("<p><strong>{}</strong></p>", esc(&c.t(l, "home-admin", &[]))));
    }
    if a.actor.memberships.is_empty() {
        body.push_str(&format!("<p>{}</p>", esc(&c.t(l, "home-no-roles", &[]))));
    } else {
        body.push_str(&format!("<p>{}</p><table>", esc(&c.t(l, "home-roles", &[]))));
        let mut c_ = st.db.reader().await.ok();
        for m in &a.actor.memberships {
            let county = match c_.as_mut() {
                Some(conn) => uplink_store::network::get_county(conn, m.county_id).await.ok().flatten(),
                None => None,
            };
            let name = county.map(|x| x.name).unwrap_or_else(|| m.county_id.to_string());
            body.push_str(&format!(
                "<tr><td>{}</td><td>{}</td></tr>",
                esc(&name),
                esc(&c.t(l, &format!("role-{}", m.role.as_str()), &[]))
            ));
        }
        body.push_str("</table>");
    }
    Html(layout(c, l, &c.t(l, "home-title", &[]), Some(&a.csrf_token), &body)).into_response()
}

fn login_page(st: &AppState, lang: Lang, csrf: &str, username: &str, error: Option<String>) -> String {
    let c = &st.catalog;
    let err = error.map(|e| format!("<p class=err id=login-error role=alert>{}</p>", esc(&e))).unwrap_or_default();
    let body = format!(
        "<form method=post action=/login>{err}<input type=hidden name=csrf value=\"{csrf}\">\
         <label for=username>{u}</label><input id=username name=username autocomplete=username required value=\"{uv}\">\
         <label for=password>{p}</label><input id=password name=password type=password autocomplete=current-password required>\
         <button type=submit>{s}</button></form>",
        csrf = esc(csrf),
        u = esc(&c.t(lang, "login-username", &[])),
        uv = esc(username),
        p = esc(&c.t(lang, "login-password", &[])),
        s = esc(&c.t(lang, "login-submit", &[])),
    );
    layout(c, lang, &c.t(lang, "login-title", &[]), None, &body)
}

async fn login_form(State(st): State<AppState>, ctx: Ctx) -> Response {
    let csrf = auth::new_secret();
    let mut r = Html(login_page(&st, ctx.lang, &csrf, "", None)).into_response();
    r.headers_mut().append(header::SET_COOKIE, set_cookie(&st, LOGIN_CSRF_COOKIE, &csrf, 3600));
    r
}

#[derive(Deserialize)]
struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf: String,
}

async fn login(State(st): State<AppState>, ctx: Ctx, headers: HeaderMap, Form(f): Form<LoginForm>) -> Response {
    let l = ctx.lang;
    let expected = cookie(&headers, LOGIN_CSRF_COOKIE).unwrap_or("");
    if expected.is_empty() || !auth::secrets_equal(expected, &f.csrf) {
        let fresh = auth::new_secret();
        let msg = st.catalog.t(l, "problem-csrf", &[]);
        let mut r = (StatusCode::FORBIDDEN, Html(login_page(&st, l, &fresh, &f.username, Some(msg)))).into_response();
        r.headers_mut().append(header::SET_COOKIE, set_cookie(&st, LOGIN_CSRF_COOKIE, &fresh, 3600));
        return r;
    }
    match auth::login(&st.db, &f.username, &f.password, CredentialKind::Session).await {
        Ok(issued) => {
            // A fresh secret was issued; any session the browser held before is revoked, so a
            // planted session id can never become a logged-in one.
            if let Some(old) = ctx.secret {
                let _ = auth::logout(&st.db, &old).await;
            }
            let mut r = Redirect::to("/").into_response();
            let h = r.headers_mut();
            h.append(
                header::SET_COOKIE,
                set_cookie(&st, SESSION_COOKIE, &issued.secret, SESSION_LIFETIME_US / 1_000_000),
            );
            h.append(header::SET_COOKIE, set_cookie(&st, LOGIN_CSRF_COOKIE, "", 0));
            r
        }
        Err(e) => {
            let (status, msg) = match e {
                ServiceError::RateLimited { retry_after_s } => (
                    StatusCode::TOO_MANY_REQUESTS,
                    st.catalog.t(l, "problem-rate-limited", &[("minutes", ((retry_after_s + 59) / 60).to_string())]),
                ),
                ServiceError::BadCredentials => (StatusCode::UNAUTHORIZED, st.catalog.t(l, "login-failed", &[])),
                other => {
                    tracing::error!(error = %other, "log-in failed");
                    (StatusCode::INTERNAL_SERVER_ERROR, st.catalog.t(l, "problem-internal", &[]))
                }
            };
            (status, Html(login_page(&st, l, expected, &f.username, Some(msg)))).into_response()
        }
    }
}

#[derive(Deserialize)]
struct LogoutForm {
    #[serde(default)]
    csrf: String,
}

async fn logout(State(st): State<AppState>, ctx: Ctx, Form(f): Form<LogoutForm>) -> Response {
    if let (Some(a), Some(secret)) = (&ctx.auth, &ctx.secret) {
        if !auth::secrets_equal(&f.csrf, &a.csrf_token) {
            return (StatusCode::FORBIDDEN, Html(esc(&st.catalog.t(ctx.lang, "problem-csrf", &[])))).into_response();
        }
        if let Err(e) = auth::logout(&st.db, secret).await {
            tracing::error!(error = %e, "log-out failed");
        }
    }
    let mut r = Redirect::to("/login").into_response();
    r.headers_mut().append(header::SET_COOKIE, set_cookie(&st, SESSION_COOKIE, "", 0));
    r
}

/// The switch on every page: remembers the choice in a cookie and goes back to the home page.
async fn switch_lang(State(st): State<AppState>, Path(tag): Path<String>) -> Response {
    let lang = Lang::from_tag(&tag).unwrap_or(Lang::ZhCn);
    let mut r = Redirect::to("/").into_response();
    r.headers_mut().append(header::SET_COOKIE, set_cookie(&st, LANG_COOKIE, lang.tag(), 365 * 24 * 3600));
    r
}
