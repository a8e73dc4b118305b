//! Per-request context: who is calling (from the session cookie or a bearer token, looked up
//! once) and which language to answer in. A middleware builds it before the handler runs and
//! renders any problem the handler returns in that language afterwards.

use crate::i18n::Lang;
use crate::problem::{ApiError, PendingProblem};
use crate::state::AppState;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use uplink_service::auth::{self, Authenticated, CredentialKind};
use uplink_service::{Actor, ServiceError};

pub const SESSION_COOKIE: &str = "uplink_session";
pub const LANG_COOKIE: &str = "uplink_lang";
pub const CSRF_HEADER: &str = "x-csrf-token";

#[derive(Clone)]
pub struct Ctx {
    pub auth: Option<Authenticated>,
    /// The raw secret, so logout can revoke it.
    pub secret: Option<String>,
    pub lang: Lang,
}

pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers.get(header::AUTHORIZATION)?.to_str().ok()?.strip_prefix("Bearer ").map(str::trim)
}

pub async fn middleware(State(st): State<AppState>, mut req: Request, next: Next) -> Response {
    let h = req.headers();
    let secret = bearer(h).or_else(|| cookie(h, SESSION_COOKIE)).map(str::to_string);
    let auth = match &secret {
        Some(s) => match auth::authenticate(&st.db, s).await {
            Ok(a) => Some(a),
            Err(ServiceError::Unauthenticated) => None,
            Err(e) => {
                let lang = header_lang(req.headers());
                return ApiError::from(e).render(&st.catalog, lang);
            }
        },
        None => None,
    };
    let lang = auth
        .as_ref()
        .and_then(|a| a.actor.locale.as_deref())
        .and_then(Lang::from_tag)
        .unwrap_or_else(|| header_lang(req.headers()));
    req.extensions_mut().insert(Ctx { auth, secret, lang });
    let api = req.uri().path().starts_with("/api/");
    let mut resp = next.run(req).await;
    let pending = resp.extensions_mut().remove::<PendingProblem>();
    match pending.and_then(|p| p.lock().ok().and_then(|mut g| g.take())) {
        Some(err) => {
            let mut r = err.render(&st.catalog, lang);
            // Keep headers set by the layers the handler passed through (e.g. cookies).
            for (k, v) in resp.headers() {
                if k != header::CONTENT_TYPE && k != header::CONTENT_LENGTH {
                    r.headers_mut().append(k.clone(), v.clone());
                }
            }
            r
        }
        // A 405 anywhere (pages included) has an empty body; the API's other rejections too.
        None if api || resp.status() == StatusCode::METHOD_NOT_ALLOWED => {
            match crate::problem::from_plain_rejection(resp).await {
                Ok(err) => err.render(&st.catalog, lang),
                Err(resp) => resp,
            }
        }
        None => resp,
    }
}

/// The language from the switch cookie, else `Accept-Language`.
pub fn header_lang(h: &HeaderMap) -> Lang {
    cookie(h, LANG_COOKIE).and_then(Lang::from_tag).unwrap_or_else(|| {
        Lang::from_accept_language(h.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).unwrap_or(""))
    })
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<Ctx>().cloned().ok_or_else(ApiError::unauthenticated)
    }
}

/// A logged-in caller of the API. For a browser session (cookie), a state-changing request must
/// also carry the session's CSRF token in `X-CSRF-Token`; bearer tokens are not sent by
/// browsers on their own, so they need none.
pub struct Auth(pub Actor);

impl<S: Send + Sync> FromRequestParts<S> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, s: &S) -> Result<Self, Self::Rejection> {
        let ctx = Ctx::from_request_parts(parts, s).await?;
        let a = ctx.auth.ok_or_else(ApiError::unauthenticated)?;
        let unsafe_method = !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        if unsafe_method && a.kind == CredentialKind::Session {
            let sent = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok()).unwrap_or("");
            if !auth::secrets_equal(sent, &a.csrf_token) {
                return Err(ApiError::csrf());
            }
        }
        Ok(Auth(a.actor))
    }
}
