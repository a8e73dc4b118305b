//! Photos of a lot's produce: the photo as the request body (like claim evidence), read back
//! byte for byte by whoever may read the lot.

use crate::context::Auth;
use crate::extract::{IdemHeader, path_id};
use crate::problem::{ApiError, Problem};
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use uplink_core::photo;
use uplink_service::lot_photos as uc;
use uplink_store::lot_photos::LotPhoto;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/counties/{county_id}/lots/{id}/photos",
            // A little over the photo rule's limit, so the rule, not the transport, says what is
            // wrong with a photo just too large.
            post(add_photo).layer(DefaultBodyLimit::max(photo::MAX_BYTES + 1024)),
        )
        .route("/api/v1/counties/{county_id}/lots/{id}/photos/{photo_id}", get(get_photo))
}

type R<T> = Result<T, ApiError>;

/// A body too large to read: the photo rule's message, at the field `file`.
pub fn too_large() -> ApiError {
    ApiError {
        fields: vec![photo::too_large()],
        ..ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "too-large", "problem-too-large")
    }
}

/// Add a photo of the lot's produce (JPEG, PNG or WebP, up to 5 MB) as the body: the agent of
/// the lot's station, inspectors and the operator.
#[utoipa::path(post, path = "/api/v1/counties/{county_id}/lots/{id}/photos", tag = "lots",
    request_body(content = Vec<u8>, content_type = "image/jpeg"),
    params(("county_id" = String, Path), ("id" = String, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe")),
    responses((status = 201, body = LotPhoto), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 413, body = Problem), (status = 422, body = Problem)), security(("bearer" = [])))]
pub async fn add_photo(
    State(st): State<AppState>,
    Auth(a): Auth,
    Path((c, id)): Path<(String, String)>,
    idem: IdemHeader,
    body: Result<Bytes, BytesRejection>,
) -> R<(StatusCode, Json<LotPhoto>)> {
    let bytes = body.map_err(|_| too_large())?;
    let key = idem.key(&format!("lot-photo {c} {id} {}", uplink_service::auth::sha256_hex_bytes(&bytes)))?;
    let p = uc::add_photo(&st.db, &a, path_id(&c)?, path_id(&id)?, &bytes, key.as_ref()).await?;
    Ok((StatusCode::CREATED, Json(p)))
}

/// A photo of the lot, as it was uploaded (whoever may read the lot).
#[utoipa::path(get, path = "/api/v1/counties/{county_id}/lots/{id}/photos/{photo_id}", tag = "lots",
    params(("county_id" = String, Path), ("id" = String, Path), ("photo_id" = String, Path)),
    responses((status = 200, content_type = "image/jpeg"), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn get_photo(
    State(st): State<AppState>,
    Auth(a): Auth,
    Path((c, id, p)): Path<(String, String, String)>,
) -> R<impl IntoResponse> {
    let (ct, bytes) = uc::photo(&st.db, &a, path_id(&c)?, path_id(&id)?, &p).await?;
    Ok(([(header::CONTENT_TYPE, ct), (header::CACHE_CONTROL, "private, max-age=3600".into())], bytes))
}
