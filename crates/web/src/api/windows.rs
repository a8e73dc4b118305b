//! Pre-order windows: the operator opens one, buyers pre-order into it, farmers declare supply,
//! staff read the harvest lists, and the hub fills each order by actual weight.

use crate::context::Auth;
use crate::extract::{IdemHeader, JsonBody, path_id};
use crate::problem::{ApiError, Problem};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use uplink_core::order::Order;
use uplink_service::windows::{
    self as uc, FillInput, FillResult, HarvestList, PreorderInput, SupplyInput, WindowInput, WindowQuery,
};
use uplink_store::windows::{Supply, Window};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/counties/{county_id}/windows", get(list_windows).post(create_window))
        .route("/api/v1/counties/{county_id}/windows/{id}", get(get_window))
        .route("/api/v1/counties/{county_id}/windows/{id}/orders", post(preorder))
        .route("/api/v1/counties/{county_id}/windows/{id}/supply", get(list_supply).post(declare_supply))
        .route("/api/v1/counties/{county_id}/windows/{id}/harvest-lists", get(harvest_lists))
        .route("/api/v1/counties/{county_id}/windows/{id}/orders/{order_id}/fill", post(fill_order))
}

type R<T> = Result<T, ApiError>;

/// Open a pre-order window for a harvest (operator).
#[utoipa::path(post, path = "/api/v1/counties/{county_id}/windows", tag = "windows", request_body = WindowInput,
    params(("county_id" = String, Path), ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe")),
    responses((status = 201, body = Window), (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create_window(
    State(st): State<AppState>,
    Auth(a): Auth,
    Path(c): Path<String>,
    idem: IdemHeader,
    body: JsonBody<WindowInput>,
) -> R<(StatusCode, Json<Window>)> {
    let key = idem.key(&body.request_hash)?;
    Ok((StatusCode::CREATED, Json(uc::create_window(&st.db, &a, path_id(&c)?, body.value, key.as_ref()).await?)))
}

/// The county's windows, newest first.
#[utoipa::path(get, path = "/api/v1/counties/{county_id}/windows", tag = "windows",
    params(("county_id" = String, Path), WindowQuery),
    responses((status = 200, body = Vec<Window>), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn list_windows(
    State(st): State<AppState>,
    Auth(a): Auth,
    Path(c): Path<String>,
    Query(q): Query<WindowQuery>,
) -> R<Json<Vec<Window>>> {
    Ok(Json(uc::list_windows(&st.db, &a, path_id(&c)?, &q).await?))
}

#[utoipa::path(get, path = "/api/v1/counties/{county_id}/windows/{id}", tag = "windows",
    params(("county_id" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = Window), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn get_window(
    State(st): State<AppState>,
    Auth(a): Auth,
    Path((c, id)): Path<(String, String)>,
) -> R<Json<Window>> {
    Ok(Json(uc::get_window(&st.db, &a, path_id(&c)?, path_id(&id)?).await?))
}

/// Pre-order in an open window, paying from my wallet into escrow (buyers).
#[utoipa::path(post, path = "/api/v1/counties/{county_id}/windows/{id}/orders", tag = "windows",
    request_body = PreorderInput,
    params(("county_id" = String, Path), ("id" = String, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe")),
    responses((status = 201, body = Order), (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn preorder(
    State(st): State<AppState>,
    Auth(a): Auth,
    Path((c, id)): Path<(String, String)>,
    idem: IdemHeader,
    body: JsonBody<PreorderInput>,
) -> R<(StatusCode, Json<Order>)> {
    let key = idem.key(&body.request_hash)?;
    let o = uc::preorder(&st.db, &a, path_id(&c)?, path_id(&id)?, body.value, key.as_ref()).await?;
    Ok((StatusCode::CREATED, Json(o)))
}

/// Declare supply for a window: farmers and co-ops for themselves, agents and operators for them.
#[utoipa::path(post, path = "/api/v1/counties/{county_id}/windows/{id}/supply", tag = "windows",
    request_body = SupplyInput,
    params(("county_id" = String, Path), ("id" = String, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe")),
    responses((status = 201, body = Supply), (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn declare_supply(
    State(st): State<AppState>,
    Auth(a): Auth,
    Path((c, id)): Path<(String, String)>,
    idem: IdemHeader,
    body: JsonBody<SupplyInput>,
) -> R<(StatusCode, Json<Supply>)> {
    let key = idem.key(&body.request_hash)?;
    let s = uc::declare_supply(&st.db, &a, path_id(&c)?, path_id(&id)?, body.value, key.as_ref()).await?;
    Ok((StatusCode::CREATED, Json(s)))
}

/// The window's supply declarations and their allocations (staff).
#[utoipa::path(get, path = "/api/v1/counties/{county_id}/windows/{id}/supply", tag = "windows",
    params(("county_id" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = Vec<Supply>), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn list_supply(
    State(st): State<AppState>,
    Auth(a): Auth,
    Path((c, id)): Path<(String, String)>,
) -> R<Json<Vec<Supply>>> {
    Ok(Json(uc::list_supply(&st.db, &a, path_id(&c)?, path_id(&id)?).await?))
}

/// Each station's harvest list: who brings what, how much, which day (staff).
#[utoipa::path(get, path = "/api/v1/counties/{county_id}/windows/{id}/harvest-lists", tag = "windows",
    params(("county_id" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = Vec<HarvestList>), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn harvest_lists(
    State(st): State<AppState>,
    Auth(a): Auth,
    Path((c, id)): Path<(String, String)>,
) -> R<Json<Vec<HarvestList>>> {
    Ok(Json(uc::harvest_lists(&st.db, &a, path_id(&c)?, path_id(&id)?).await?))
}

/// Fill a window order from a lot the hub holds, by actual weight; the difference is refunded.
#[utoipa::path(post, path = "/api/v1/counties/{county_id}/windows/{id}/orders/{order_id}/fill", tag = "windows",
    request_body = FillInput,
    params(("county_id" = String, Path), ("id" = String, Path), ("order_id" = String, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe")),
    responses((status = 200, body = FillResult), (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn fill_order(
    State(st): State<AppState>,
    Auth(a): Auth,
    Path((c, id, order)): Path<(String, String, String)>,
    idem: IdemHeader,
    body: JsonBody<FillInput>,
) -> R<Json<FillResult>> {
    let key = idem.key(&body.request_hash)?;
    Ok(Json(uc::fill_order(&st.db, &a, path_id(&c)?, path_id(&id)?, path_id(&order)?, body.value, key.as_ref()).await?))
}
