//! People of a county: onboarding by the operator, registration of villagers by the agent.

use crate::context::Auth;
use crate::extract::{IdemHeader, JsonBody, path_id};
use crate::problem::{ApiError, Problem};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use uplink_core::records::Person;
use uplink_service::paging::{ListQuery, Page};
use uplink_service::people::{self as uc, PeopleQuery, PersonInput};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/counties/{county_id}/people", get(list_people).post(create_person))
        .route("/api/v1/counties/{county_id}/people/{id}", get(get_person).patch(update_person))
}

/// People of the county; agents see trading parties only. Search by name or phone.
#[utoipa::path(get, path = "/api/v1/counties/{county_id}/people", tag = "people",
    params(("county_id" = String, Path), ListQuery, PeopleQuery),
    responses((status = 200, body = Page<Person>), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn list_people(
    State(st): State<AppState>,
    Auth(a): Auth,
    Path(c): Path<String>,
    Query(q): Query<ListQuery>,
    Query(pq): Query<PeopleQuery>,
) -> Result<Json<Page<Person>>, ApiError> {
    Ok(Json(uc::list_people(&st.db, &a, path_id(&c)?, &q, &pq).await?))
}

/// Onboard a person (operator), or register a villager, farmer or co-op (agent).
#[utoipa::path(post, path = "/api/v1/counties/{county_id}/people", tag = "people", request_body = PersonInput,
    params(("county_id" = String, Path), ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe")),
    responses((status = 201, body = Person), (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create_person(
    State(st): State<AppState>,
    Auth(a): Auth,
    Path(c): Path<String>,
    idem: IdemHeader,
    body: JsonBody<PersonInput>,
) -> Result<(StatusCode, Json<Person>), ApiError> {
    let key = idem.key(&body.request_hash)?;
    Ok((StatusCode::CREATED, Json(uc::create_person(&st.db, &a, path_id(&c)?, body.value, key.as_ref()).await?)))
}

#[utoipa::path(get, path = "/api/v1/counties/{county_id}/people/{id}", tag = "people",
    params(("county_id" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = Person), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn get_person(
    State(st): State<AppState>,
    Auth(a): Auth,
    Path((c, id)): Path<(String, String)>,
) -> Result<Json<Person>, ApiError> {
    Ok(Json(uc::get_person(&st.db, &a, path_id(&c)?, path_id(&id)?).await?))
}

/// Change a person's details (operator). Role and login are fixed at creation.
#[utoipa::path(patch, path = "/api/v1/counties/{county_id}/people/{id}", tag = "people", request_body = PersonInput,
    params(("county_id" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = Person), (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn update_person(
    State(st): State<AppState>,
    Auth(a): Auth,
    Path((c, id)): Path<(String, String)>,
    body: JsonBody<PersonInput>,
) -> Result<Json<Person>, ApiError> {
    Ok(Json(uc::update_person(&st.db, &a, path_id(&c)?, path_id(&id)?, body.value).await?))
}
