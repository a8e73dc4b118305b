//! The catalog: products and listings of a county, and the listing search buyers browse.

use crate::context::Auth;
use crate::extract::{IdemHeader, JsonBody, path_id};
use crate::problem::{ApiError, Problem};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use uplink_core::catalog::{Listing, Product};
use uplink_core::{ListingId, ProductId};
use uplink_service::catalog::{self as uc, CatalogQuery, ListingInput, ProductInput};
use uplink_service::paging::Page;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/counties/{county_id}/products", get(list_products).post(create_product))
        .route("/api/v1/counties/{county_id}/products/{id}", get(get_product).patch(update_product))
        .route("/api/v1/counties/{county_id}/listings", get(search_listings).post(create_listing))
        .route("/api/v1/counties/{county_id}/listings/{id}", get(get_listing).patch(update_listing))
}

/// Products of the county, by name, category and direction.
#[utoipa::path(get, path = "/api/v1/counties/{county_id}/products", tag = "catalog",
    params(("county_id" = String, Path), CatalogQuery),
    responses((status = 200, body = Page<Product>), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn list_products(
    State(st): State<AppState>,
    Auth(a): Auth,
    Path(c): Path<String>,
    Query(q): Query<CatalogQuery>,
) -> Result<Json<Page<Product>>, ApiError> {
    Ok(Json(uc::list_products(&st.db, &a, path_id(&c)?, &q).await?))
}

/// Add a product: suppliers downlink goods, farmers, co-ops and agents farm products (with a
/// grade scheme), the operator either.
#[utoipa::path(post, path = "/api/v1/counties/{county_id}/products", tag = "catalog", request_body = ProductInput,
    params(("county_id" = String, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe")),
    responses((status = 201, body = Product), (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create_product(
    State(st): State<AppState>,
    Auth(a): Auth,
    Path(c): Path<String>,
    idem: IdemHeader,
    body: JsonBody<ProductInput>,
) -> Result<(StatusCode, Json<Product>), ApiError> {
    let key = idem.key(&body.request_hash)?;
    Ok((StatusCode::CREATED, Json(uc::create_product(&st.db, &a, path_id(&c)?, body.value, key.as_ref()).await?)))
}

#[utoipa::path(get, path = "/api/v1/counties/{county_id}/products/{id}", tag = "catalog",
    params(("county_id" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = Product), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn get_product(
    State(st): State<AppState>,
    Auth(a): Auth,
    Path((c, id)): Path<(String, String)>,
) -> Result<Json<Product>, ApiError> {
    Ok(Json(uc::get_product(&st.db, &a, path_id(&c)?, path_id::<ProductId>(&id)?).await?))
}

/// Change a product (operators); the fields not given keep their values.
#[utoipa::path(patch, path = "/api/v1/counties/{county_id}/products/{id}", tag = "catalog", request_body = ProductInput,
    params(("county_id" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = Product), (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn update_product(
    State(st): State<AppState>,
    Auth(a): Auth,
    Path((c, id)): Path<(String, String)>,
    body: JsonBody<ProductInput>,
) -> Result<Json<Product>, ApiError> {
    Ok(Json(uc::update_product(&st.db, &a, path_id(&c)?, path_id::<ProductId>(&id)?, body.value).await?))
}

/// Search the listings: by name (Chinese, English or pinyin initials), category, direction,
/// village of origin, seller or product; newest first.
#[utoipa::path(get, path = "/api/v1/counties/{county_id}/listings", tag = "catalog",
    params(("county_id" = String, Path), CatalogQuery),
    responses((status = 200, body = Page<Listing>), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn search_listings(
    State(st): State<AppState>,
    Auth(a): Auth,
    Path(c): Path<String>,
    Query(q): Query<CatalogQuery>,
) -> Result<Json<Page<Listing>>, ApiError> {
    Ok(Json(uc::search_listings(&st.db, &a, path_id(&c)?, &q).await?))
}

/// Offer a product for sale: for yourself, or (agents, operators) for a farmer or co-op.
#[utoipa::path(post, path = "/api/v1/counties/{county_id}/listings", tag = "catalog", request_body = ListingInput,
    params(("county_id" = String, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe")),
    responses((status = 201, body = Listing), (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create_listing(
    State(st): State<AppState>,
    Auth(a): Auth,
    Path(c): Path<String>,
    idem: IdemHeader,
    body: JsonBody<ListingInput>,
) -> Result<(StatusCode, Json<Listing>), ApiError> {
    let key = idem.key(&body.request_hash)?;
    Ok((StatusCode::CREATED, Json(uc::create_listing(&st.db, &a, path_id(&c)?, body.value, key.as_ref()).await?)))
}

#[utoipa::path(get, path = "/api/v1/counties/{county_id}/listings/{id}", tag = "catalog",
    params(("county_id" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = Listing), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn get_listing(
    State(st): State<AppState>,
    Auth(a): Auth,
    Path((c, id)): Path<(String, String)>,
) -> Result<Json<Listing>, ApiError> {
    Ok(Json(uc::get_listing(&st.db, &a, path_id(&c)?, path_id::<ListingId>(&id)?).await?))
}

/// Change a listing: its seller, the agent for a farmer or co-op, or the operator.
#[utoipa::path(patch, path = "/api/v1/counties/{county_id}/listings/{id}", tag = "catalog", request_body = ListingInput,
    params(("county_id" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = Listing), (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn update_listing(
    State(st): State<AppState>,
    Auth(a): Auth,
    Path((c, id)): Path<(String, String)>,
    body: JsonBody<ListingInput>,
) -> Result<Json<Listing>, ApiError> {
    Ok(Json(uc::update_listing(&st.db, &a, path_id(&c)?, path_id::<ListingId>(&id)?, body.value).await?))
}
