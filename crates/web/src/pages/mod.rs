//! The pages people use, server-rendered and working without JavaScript: log-in, log-out, the
//! language switch, the home page that sends each role to its page, and the role pages, one
//! module per area (`/c/{county}/station`, `shop`, `farmer`, `driver`, `operator`). Every page
//! calls the same use cases as the API, so role *and* county are checked there; a county the
//! user has no role in is a 404 page, as in the API.

pub mod assets;
mod dashboard;
mod driver;
mod farmer;
mod farmer_produce;
pub mod forms;
mod notices;
mod operator;
mod operator_claims;
mod operator_dispatch;
mod operator_trade;
mod operator_windows;
mod order_claims;
mod orders;
mod shop;
mod shop_windows;
mod station;
mod station_day;
mod station_intake;
mod station_lot;

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
use uplink_core::CountyId;
use uplink_core::people::Role;
use uplink_service::auth::Authenticated;
use uplink_service::auth::{self, CredentialKind, SESSION_LIFETIME_US};
use uplink_service::{Actor, ServiceError};

/// The double-submit cookie that protects the log-in form, before there is a session.
const LOGIN_CSRF_COOKIE: &str = "uplink_login_csrf";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/login", get(login_form).post(login))
        .route("/logout", post(logout))
        .route("/lang/{tag}", get(switch_lang))
        .route("/assets/{file}", get(assets::serve))
        .merge(station::router())
        .merge(station_intake::router())
        .merge(station_lot::router())
        .merge(station_day::router())
        .merge(shop::router())
        .merge(shop_windows::router())
        .merge(farmer::router())
        .merge(driver::router())
        .merge(operator::router())
        .merge(dashboard::router())
        .merge(orders::router())
        .merge(order_claims::router())
        .merge(notices::router())
}

fn set_cookie(st: &AppState, name: &str, value: &str, max_age_s: i64) -> HeaderValue {
    let secure = if st.secure_cookies { "; Secure" } else { "" };
    HeaderValue::from_str(&format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_s}{secure}"))
        .unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// Where the pages of intake and lots (issue 4, `web/src/trace.rs`) and of the route sheets
/// (issue 5, `web/src/route_sheet.rs`) live, under `/c/{county}/`; linked from here.
pub const INTAKE_PAGE: &str = "intake";
pub const ROUTE_SHEETS_PAGE: &str = "route-sheets";

/// The page of each role, by the role's name: inspectors decide claims, so theirs is the queue.
pub fn role_page(role: Role) -> Option<&'static str> {
    Some(match role {
        Role::Operator | Role::Auditor => "operator",
        Role::Agent => "station",
        Role::Farmer | Role::Coop | Role::Supplier => "farmer",
        Role::Buyer => "shop",
        Role::Driver => "driver",
        Role::Inspector => "operator/claims",
    })
}

/// Home: each of the user's roles, by county, with a button to that role's page (log-in goes
/// straight there when there is only one).
async fn home(State(st): State<AppState>, ctx: Ctx) -> Response {
    let Some(a) = &ctx.auth else { return Redirect::to("/login").into_response() };
    let c = &st.catalog;
    let l = ctx.lang;
    let ms = &a.actor.memberships;
    let mut body = format!("<p>{}</p>", esc(&c.t(l, "home-hello", &[("name", a.actor.display_name.clone())])));
    let mut conn = st.db.reader().await.ok();
    if a.actor.is_admin {
        body.push_str(&format!("<p><strong>{}</strong></p><ul>", esc(&c.t(l, "home-admin", &[]))));
        let all = match conn.as_mut() {
            Some(conn) => uplink_store::network::list_counties(conn).await.unwrap_or_default(),
            None => vec![],
        };
        for x in all {
            body.push_str(&format!(
                "<li><a class=btn href=\"/c/{}/operator\">{} · {}</a></li>",
                x.id,
                esc(&x.name),
                esc(&c.t(l, "role-operator", &[]))
            ));
        }
        body.push_str("</ul>");
    }
    if ms.is_empty() {
        if !a.actor.is_admin {
            body.push_str(&format!("<p>{}</p>", esc(&c.t(l, "home-no-roles", &[]))));
        }
    } else {
        body.push_str(&format!("<p>{}</p><table>", esc(&c.t(l, "home-roles", &[]))));
        for m in ms {
            let county = match conn.as_mut() {
                Some(conn) => uplink_store::network::get_county(conn, m.county_id).await.ok().flatten(),
                None => None,
            };
            let name = county.map(|x| x.name).unwrap_or_else(|| m.county_id.to_string());
            let role = esc(&c.t(l, &format!("role-{}", m.role.as_str()), &[]));
            let link = match role_page(m.role) {
                Some(p) => format!("<a class=btn href=\"/c/{}/{p}\">{role}</a>", m.county_id),
                None => role,
            };
            let unread = uplink_service::notices::unread_count(&st.db, &a.actor, m.county_id).await.unwrap_or(0);
            let notices = format!(
                "<a href=\"/c/{}/notices\">{}{}</a>",
                m.county_id,
                esc(&c.t(l, "notices-title", &[])),
                if unread > 0 { format!(" <strong>({unread})</strong>") } else { String::new() }
            );
            body.push_str(&format!("<tr><td>{}</td><td>{link}</td><td>{notices}</td></tr>", esc(&name)));
        }
        body.push_str("</table>");
    }
    Html(layout(c, l, &c.t(l, "home-title", &[]), Some(&a.csrf_token), &body)).into_response()
}

/// What a role page needs: the state, the language, who is asking, their form token, the county.
pub struct View {
    pub st: AppState,
    pub lang: Lang,
    pub actor: Actor,
    pub csrf: String,
    pub county: CountyId,
}

/// A page handler's answer: the page, or a page that says why not (or a redirect to log in).
pub type Pg = Result<Response, Response>;

impl View {
    /// The logged-in user in the county of the path. Not logged in: to the log-in page. Not a
    /// member of the county (or no such county): the same 404 page either way.
    pub fn open(st: &AppState, ctx: &Ctx, county: &str) -> Result<View, Response> {
        let Some(Authenticated { actor, csrf_token, .. }) = &ctx.auth else {
            return Err(Redirect::to("/login").into_response());
        };
        let page404 = || error_page(st, ctx.lang, Some(csrf_token), ServiceError::NotFound);
        let county: CountyId = county.parse().map_err(|_| page404())?;
        if !actor.is_member(county) {
            return Err(page404());
        }
        Ok(View { st: st.clone(), lang: ctx.lang, actor: actor.clone(), csrf: csrf_token.clone(), county })
    }

    pub fn t(&self, key: &str) -> String {
        self.st.catalog.t(self.lang, key, &[])
    }

    pub fn ta(&self, key: &str, args: &[(&str, String)]) -> String {
        self.st.catalog.t(self.lang, key, args)
    }

    /// [`View::open`] for a form post: the view and the posted fields, once the form's CSRF token
    /// matches the session's (a forged or missing one is refused before anything is read).
    pub fn posted(
        st: &AppState,
        ctx: &Ctx,
        county: &str,
        form: Vec<(String, String)>,
    ) -> Result<(View, forms::Fields), Response> {
        let v = View::open(st, ctx, county)?;
        let f = forms::Fields::from(form);
        forms::check_csrf(&v, &f)?;
        Ok((v, f))
    }

    /// A rule's refusal of one field, in the reader's language.
    pub fn field_message(&self, e: &uplink_core::FieldError) -> String {
        let args: Vec<(&str, String)> = e.args.iter().map(|(k, x)| (*k, x.clone())).collect();
        self.ta(e.code, &args)
    }

    /// The unit the county weighs and shows weights in (kg, or 斤 where its settings say so).
    pub async fn weight_unit(&self) -> Result<uplink_core::weight::WeightUnit, Response> {
        let s = uplink_service::settings::get(&self.st.db, &self.actor, self.county).await.map_err(|e| self.fail(e))?;
        Ok(s.weight_unit)
    }

    /// The address of a page of this county: `href("station")` is `/c/<county>/station`.
    pub fn href(&self, rest: &str) -> String {
        format!("/c/{}/{rest}", self.county)
    }

    /// The page in the layout, with the log-out button.
    pub fn page(&self, title: &str, body: &str) -> Response {
        Html(layout(&self.st.catalog, self.lang, title, Some(&self.csrf), body)).into_response()
    }

    /// A use case said no: a page saying why, with the status the API would give.
    pub fn fail(&self, e: ServiceError) -> Response {
        error_page(&self.st, self.lang, Some(&self.csrf), e)
    }

    /// An id from the address or a form: one that does not parse names no record, so it is the
    /// same "not found" page as an id of another county's record.
    pub fn id<T: std::str::FromStr>(&self, raw: &str) -> Result<T, Response> {
        raw.parse().map_err(|_| self.fail(ServiceError::NotFound))
    }

    pub fn has_role(&self, roles: &[Role]) -> bool {
        self.actor.is_admin || self.actor.roles_in(self.county).iter().any(|r| roles.contains(r))
    }

    /// The caller's person record in this county with one of `roles`.
    pub fn person_as(&self, roles: &[Role]) -> Option<uplink_core::PersonId> {
        self.actor
            .memberships
            .iter()
            .find(|m| m.county_id == self.county && roles.contains(&m.role))
            .map(|m| m.person_id)
    }
}

/// The error page: the problem's title and every wrong field, in the user's language.
pub fn error_page(st: &AppState, lang: Lang, csrf: Option<&str>, e: ServiceError) -> Response {
    if matches!(e, ServiceError::Unauthenticated) {
        return Redirect::to("/login").into_response();
    }
    let a = crate::problem::ApiError::from(e);
    let c = &st.catalog;
    let title = c.t(lang, a.title_key, &a.title_args.iter().map(|(k, v)| (*k, v.clone())).collect::<Vec<_>>());
    let mut body = String::from("<div class=warn role=alert><ul>");
    for f in &a.fields {
        let msg = c.t(lang, f.code, &f.args.iter().map(|(k, v)| (*k, v.clone())).collect::<Vec<_>>());
        body.push_str(&format!("<li><span class=m>{}</span>: {}</li>", esc(&f.field), esc(&msg)));
    }
    body.push_str(&format!("</ul></div><p><a class=btn href=/>{}</a></p>", esc(&c.t(lang, "nav-home", &[]))));
    (a.status, Html(layout(c, lang, &title, csrf, &body))).into_response()
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
            let mut r = Redirect::to(&landing(&st, &issued.secret).await).into_response();
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

/// Where a fresh log-in goes: the page of the user's one role, else the home page to choose.
async fn landing(st: &AppState, secret: &str) -> String {
    match auth::authenticate(&st.db, secret).await {
        Ok(a) => match a.actor.memberships.as_slice() {
            [m] if !a.actor.is_admin => match role_page(m.role) {
                Some(p) => format!("/c/{}/{p}", m.county_id),
                None => "/".into(),
            },
            _ => "/".into(),
        },
        Err(_) => "/".into(),
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

#[derive(Deserialize)]
struct SwitchQuery {
    next: Option<String>,
}

/// A path on this site to go back to: relative, not `//host`, no scheme.
fn local_path(p: &str) -> Option<&str> {
    (p.starts_with('/') && !p.starts_with("//") && !p.contains('\\')).then_some(p)
}

/// The switch on every page: remembers the choice (in a cookie, and as the user's setting when
/// logged in, since the setting comes first) and goes back to the page it was pressed on.
async fn switch_lang(
    State(st): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(tag): Path<String>,
    axum::extract::Query(q): axum::extract::Query<SwitchQuery>,
) -> Response {
    let lang = Lang::from_tag(&tag).unwrap_or(Lang::ZhCn);
    if let Some(a) = &ctx.auth
        && let Err(e) = auth::set_locale(&st.db, &a.actor, lang.tag()).await
    {
        tracing::error!(error = %e, "saving the language setting failed");
    }
    // Back to where the switch was pressed: the page's own address, else the referring page
    // of this site.
    let from_referer = headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| r.split_once("://").map(|(_, rest)| rest))
        .and_then(|rest| rest.find('/').map(|i| rest[i..].to_string()));
    let next = q.next.as_deref().and_then(local_path).map(str::to_string).or(from_referer);
    let next = next.filter(|n| local_path(n).is_some() && !n.starts_with("/lang/")).unwrap_or_else(|| "/".into());
    let mut r = Redirect::to(&next).into_response();
    r.headers_mut().append(header::SET_COOKIE, set_cookie(&st, LANG_COOKIE, lang.tag(), 365 * 24 * 3600));
    r
}
