//! Tokens for API clients, log-out, and the caller's own record.

use crate::context::{Auth, Ctx};
use crate::extract::JsonBody;
use crate::problem::{ApiError, Problem};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use uplink_core::records::UserView;
use uplink_service::auth::{self, CredentialKind};
use uplink_service::people;
use utoipa::ToSchema;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/auth/token", post(token))
        .route("/api/v1/auth/logout", post(logout))
        .route("/api/v1/me", get(me))
        .route("/api/v1/me/locale", put(set_locale))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    pub username: String,
    pub password: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TokenResponse {
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
    /// Expiry, UTC microseconds since 1970.
    pub expires_us: i64,
    pub user: UserView,
}

/// Log in and get a bearer token for the API.
#[utoipa::path(post, path = "/api/v1/auth/token", tag = "auth", request_body = TokenRequest,
    responses((status = 200, body = TokenResponse), (status = 401, body = Problem), (status = 429, body = Problem)))]
pub async fn token(State(st): State<AppState>, body: JsonBody<TokenRequest>) -> Result<Json<TokenResponse>, ApiError> {
    let i = auth::login(&st.db, &body.value.username, &body.value.password, CredentialKind::ApiToken).await?;
    let user = people::me(&st.db, &i.actor).await?;
    Ok(Json(TokenResponse { token: i.secret, expires_us: i.expires_us, user }))
}

/// Revoke the token (or session) this request was made with.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth",
    responses((status = 204), (status = 401, body = Problem)), security(("bearer" = [])))]
pub async fn logout(State(st): State<AppState>, Auth(_): Auth, ctx: Ctx) -> Result<StatusCode, ApiError> {
    if let Some(s) = ctx.secret {
        auth::logout(&st.db, &s).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

/// Who I am, and my roles per county.
#[utoipa::path(get, path = "/api/v1/me", tag = "auth",
    responses((status = 200, body = UserView), (status = 401, body = Problem)), security(("bearer" = [])))]
pub async fn me(State(st): State<AppState>, Auth(a): Auth) -> Result<Json<UserView>, ApiError> {
    Ok(Json(people::me(&st.db, &a).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LocaleRequest {
    /// `zh-CN` or `en`.
    pub locale: String,
}

/// Set my language for pages and messages.
#[utoipa::path(put, path = "/api/v1/me/locale", tag = "auth", request_body = LocaleRequest,
    responses((status = 204), (status = 422, body = Problem)), security(("bearer" = [])))]
pub async fn set_locale(
    State(st): State<AppState>,
    Auth(a): Auth,
    body: JsonBody<LocaleRequest>,
) -> Result<StatusCode, ApiError> {
    auth::set_locale(&st.db, &a, &body.value.locale).await?;
    Ok(StatusCode::NO_CONTENT)
}
