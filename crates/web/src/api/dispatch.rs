//! Dispatch: the fleet, the road matrix, day plans and their route sheets, and the weights drivers
//! record at stops.

use crate::context::Auth;
use crate::extract::{IdemHeader, JsonBody, path_id};
use crate::problem::{ApiError, Problem};
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use uplink_core::FieldError;
use uplink_service::dispatch::{
    self as uc, MatrixImported, PlanInput, PlanOut, PlanVersions, SheetOut, StopInput, VehicleInput,
};
use uplink_store::dispatch::{StopRecord, Vehicle};
use utoipa::IntoParams;

/// A county-wide matrix of a few hundred places is a few MB of CSV.
const MAX_MATRIX_BYTES: usize = 32 * 1024 * 1024;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/counties/{county_id}/vehicles", get(list_vehicles).post(create_vehicle))
        .route("/api/v1/counties/{county_id}/vehicles/{id}", get(get_vehicle).patch(update_vehicle))
        .route(
            "/api/v1/counties/{county_id}/road-matrix",
            post(import_road_matrix).delete(delete_road_matrix).layer(DefaultBodyLimit::max(MAX_MATRIX_BYTES)),
        )
        .route("/api/v1/counties/{county_id}/dispatch/plans", get(list_plans).post(plan_day))
        .route("/api/v1/counties/{county_id}/dispatch/plans/{id}", get(get_plan))
        .route("/api/v1/counties/{county_id}/dispatch/plans/{id}/sheets/{vehicle}", get(route_sheet))
        .route("/api/v1/counties/{county_id}/dispatch/plans/{id}/stops", post(record_stop))
}

/// The county's vehicles, by code (staff).
#[utoipa::path(get, path = "/api/v1/counties/{county_id}/vehicles", tag = "dispatch",
    params(("county_id" = String, Path)),
    responses((status = 200, body = Vec<Vehicle>), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn list_vehicles(
    State(st): State<AppState>,
    Auth(a): Auth,
    Path(c): Path<String>,
) -> Result<Json<Vec<Vehicle>>, ApiError> {
    Ok(Json(uc::list_vehicles(&st.db, &a, path_id(&c)?).await?))
}

/// Add a vehicle to the fleet (operator).
#[utoipa::path(post, path = "/api/v1/counties/{county_id}/vehicles", tag = "dispatch", request_body = VehicleInput,
    params(("county_id" = String, Path), ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe")),
    responses((status = 201, body = Vehicle), (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create_vehicle(
    State(st): State<AppState>,
    Auth(a): Auth,
    Path(c): Path<String>,
    idem: IdemHeader,
    body: JsonBody<VehicleInput>,
) -> Result<(StatusCode, Json<Vehicle>), ApiError> {
    let key = idem.key(&body.request_hash)?;
    Ok((StatusCode::CREATED, Json(uc::create_vehicle(&st.db, &a, path_id(&c)?, body.value, key.as_ref()).await?)))
}

#[utoipa::path(get, path = "/api/v1/counties/{county_id}/vehicles/{id}", tag = "dispatch",
    params(("county_id" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = Vehicle), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn get_vehicle(
    State(st): State<AppState>,
    Auth(a): Auth,
    Path((c, id)): Path<(String, String)>,
) -> Result<Json<Vehicle>, ApiError> {
    Ok(Json(uc::get_vehicle(&st.db, &a, path_id(&c)?, path_id(&id)?).await?))
}

/// Change a vehicle (operator); absent fields keep their value.
#[utoipa::path(patch, path = "/api/v1/counties/{county_id}/vehicles/{id}", tag = "dispatch",
    request_body = VehicleInput, params(("county_id" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = Vehicle), (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn update_vehicle(
    State(st): State<AppState>,
    Auth(a): Auth,
    Path((c, id)): Path<(String, String)>,
    body: JsonBody<VehicleInput>,
) -> Result<Json<Vehicle>, ApiError> {
    Ok(Json(uc::update_vehicle(&st.db, &a, path_id(&c)?, path_id(&id)?, body.value).await?))
}

/// Import the county's road matrix (operator): the request body is CSV with the header
/// `from,to,distance_m,duration_s`, one row per ordered pair of place codes (hubs, stations),
/// as OSRM or Valhalla produce it. It replaces the estimates in every later plan.
#[utoipa::path(post, path = "/api/v1/counties/{county_id}/road-matrix", tag = "dispatch",
    request_body(content = String, content_type = "text/csv"), params(("county_id" = String, Path)),
    responses((status = 200, body = MatrixImported), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 413, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn import_road_matrix(
    State(st): State<AppState>,
    Auth(a): Auth,
    Path(c): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<MatrixImported>, ApiError> {
    let body = body.map_err(|_| ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "too-large", "problem-too-large"))?;
    let csv = std::str::from_utf8(&body).map_err(|_| ApiError::bad_request(FieldError::new("csv", "not-utf8")))?;
    Ok(Json(uc::import_road_matrix(&st.db, &a, path_id(&c)?, csv).await?))
}

/// Drop the road matrix (operator): plans go back to estimates from coordinates.
#[utoipa::path(delete, path = "/api/v1/counties/{county_id}/road-matrix", tag = "dispatch",
    params(("county_id" = String, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn delete_road_matrix(
    State(st): State<AppState>,
    Auth(a): Auth,
    Path(c): Path<String>,
) -> Result<StatusCode, ApiError> {
    uc::delete_road_matrix(&st.db, &a, path_id(&c)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Plan a date (operator): every order waiting for the truck becomes a job; deliveries and
/// pickups are planned together so produce rides home on the return legs. The answer is the new
/// version of that date's plan: route sheets, unplanned jobs with reasons, cost per kg of every
/// order, and the saving against separate downlink and uplink trips.
#[utoipa::path(post, path = "/api/v1/counties/{county_id}/dispatch/plans", tag = "dispatch", request_body = PlanInput,
    params(("county_id" = String, Path), ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe")),
    responses((status = 201, body = PlanOut), (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn plan_day(
    State(st): State<AppState>,
    Auth(a): Auth,
    Path(c): Path<String>,
    idem: IdemHeader,
    body: JsonBody<PlanInput>,
) -> Result<(StatusCode, Json<PlanOut>), ApiError> {
    let key = idem.key(&body.request_hash)?;
    Ok((StatusCode::CREATED, Json(uc::plan_day(&st.db, &a, path_id(&c)?, body.value, key.as_ref()).await?)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DateQuery {
    /// `YYYY-MM-DD`; today in the county's time zone when absent.
    pub date: Option<String>,
}

/// The versions of a date's plan, the latest first (operator, auditor).
#[utoipa::path(get, path = "/api/v1/counties/{county_id}/dispatch/plans", tag = "dispatch",
    params(("county_id" = String, Path), DateQuery),
    responses((status = 200, body = PlanVersions), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn list_plans(
    State(st): State<AppState>,
    Auth(a): Auth,
    Path(c): Path<String>,
    Query(q): Query<DateQuery>,
) -> Result<Json<PlanVersions>, ApiError> {
    Ok(Json(uc::list_plans(&st.db, &a, path_id(&c)?, q.date.as_deref()).await?))
}

/// One version of a plan, whole (operator, auditor).
#[utoipa::path(get, path = "/api/v1/counties/{county_id}/dispatch/plans/{id}", tag = "dispatch",
    params(("county_id" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = PlanOut), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn get_plan(
    State(st): State<AppState>,
    Auth(a): Auth,
    Path((c, id)): Path<(String, String)>,
) -> Result<Json<PlanOut>, ApiError> {
    Ok(Json(uc::get_plan(&st.db, &a, path_id(&c)?, path_id(&id)?).await?))
}

/// One vehicle's route sheet of a plan, with the weights recorded so far (operator, auditor, and
/// the vehicle's own driver).
#[utoipa::path(get, path = "/api/v1/counties/{county_id}/dispatch/plans/{id}/sheets/{vehicle}", tag = "dispatch",
    params(("county_id" = String, Path), ("id" = String, Path), ("vehicle" = String, Path, description = "Vehicle code")),
    responses((status = 200, body = SheetOut), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn route_sheet(
    State(st): State<AppState>,
    Auth(a): Auth,
    Path((c, id, vehicle)): Path<(String, String, String)>,
) -> Result<Json<SheetOut>, ApiError> {
    Ok(Json(uc::route_sheet(&st.db, &a, path_id(&c)?, path_id(&id)?, &vehicle).await?))
}

/// Record the weight handed over at a stop for one order or lot (the vehicle's driver, or the
/// operator for a driver who phoned it in).
#[utoipa::path(post, path = "/api/v1/counties/{county_id}/dispatch/plans/{id}/stops", tag = "dispatch",
    request_body = StopInput,
    params(("county_id" = String, Path), ("id" = String, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe")),
    responses((status = 201, body = StopRecord), (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn record_stop(
    State(st): State<AppState>,
    Auth(a): Auth,
    Path((c, id)): Path<(String, String)>,
    idem: IdemHeader,
    body: JsonBody<StopInput>,
) -> Result<(StatusCode, Json<StopRecord>), ApiError> {
    let key = idem.key(&body.request_hash)?;
    Ok((
        StatusCode::CREATED,
        Json(uc::record_stop(&st.db, &a, path_id(&c)?, path_id(&id)?, body.value, key.as_ref()).await?),
    ))
}
