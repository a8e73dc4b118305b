//! Counties and their network: townships, villages, hubs and stations.

use crate::context::Auth;
use crate::extract::{IdemHeader, JsonBody, path_id};
use crate::problem::{ApiError, Problem};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use uplink_core::records::{County, Hub, Station, Township, Village};
use uplink_service::network::{self as uc, CountyInput, HubInput, StationInput, TownshipInput, VillageInput};
use uplink_service::paging::{ListQuery, Page};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/counties", get(list_counties).post(create_county))
        .route("/api/v1/counties/{county_id}", get(get_county))
        .route("/api/v1/counties/{county_id}/townships", get(list_townships).post(create_township))
        .route("/api/v1/counties/{county_id}/townships/{id}", get(get_township).patch(update_township))
        .route("/api/v1/counties/{county_id}/villages", get(list_villages).post(create_village))
        .route("/api/v1/counties/{county_id}/villages/{id}", get(get_village).patch(update_village))
        .route("/api/v1/counties/{county_id}/hubs", get(list_hubs).post(create_hub))
        .route("/api/v1/counties/{county_id}/hubs/{id}", get(get_hub).patch(update_hub))
        .route("/api/v1/counties/{county_id}/stations", get(list_stations).post(create_station))
        .route("/api/v1/counties/{county_id}/stations/{id}", get(get_station).patch(update_station))
}

/// The counties I belong to (all, for an admin).
#[utoipa::path(get, path = "/api/v1/counties", tag = "network",
    responses((status = 200, body = Vec<County>), (status = 401, body = Problem)), security(("bearer" = [])))]
pub async fn list_counties(State(st): State<AppState>, Auth(a): Auth) -> Result<Json<Vec<County>>, ApiError> {
    Ok(Json(uc::list_counties(&st.db, &a).await?))
}

/// Set up a county (admins).
#[utoipa::path(post, path = "/api/v1/counties", tag = "network", request_body = CountyInput,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe")),
    responses((status = 201, body = County), (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)), security(("bearer" = [])))]
pub async fn create_county(
    State(st): State<AppState>,
    Auth(a): Auth,
    idem: IdemHeader,
    body: JsonBody<CountyInput>,
) -> Result<(StatusCode, Json<County>), ApiError> {
    let key = idem.key(&body.request_hash)?;
    Ok((StatusCode::CREATED, Json(uc::create_county(&st.db, &a, body.value, key.as_ref()).await?)))
}

#[utoipa::path(get, path = "/api/v1/counties/{county_id}", tag = "network",
    params(("county_id" = String, Path)),
    responses((status = 200, body = County), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn get_county(
    State(st): State<AppState>,
    Auth(a): Auth,
    Path(c): Path<String>,
) -> Result<Json<County>, ApiError> {
    Ok(Json(uc::get_county(&st.db, &a, path_id(&c)?).await?))
}

/// Generates the list, create, read and update handlers of one kind of network record, with
/// their OpenAPI descriptions. The use cases differ only by name and types.
macro_rules! network_crud {
    ($tag:literal, $coll:literal, $item:literal, $rec:ty, $input:ty, $id:ty,
     $list:ident => $uc_list:path, $create:ident => $uc_create:path,
     $get:ident => $uc_get:path, $update:ident => $uc_update:path) => {
        #[utoipa::path(get, path = $coll, tag = $tag,
            params(("county_id" = String, Path), ListQuery),
            responses((status = 200, body = Page<$rec>), (status = 404, body = Problem)), security(("bearer" = [])))]
        pub async fn $list(
            State(st): State<AppState>,
            Auth(a): Auth,
            Path(c): Path<String>,
            Query(q): Query<ListQuery>,
        ) -> Result<Json<Page<$rec>>, ApiError> {
            Ok(Json($uc_list(&st.db, &a, path_id(&c)?, &q).await?))
        }

        #[utoipa::path(post, path = $coll, tag = $tag, request_body = $input,
            params(("county_id" = String, Path),
                ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe")),
            responses((status = 201, body = $rec), (status = 400, body = Problem), (status = 403, body = Problem),
                (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
            security(("bearer" = [])))]
        pub async fn $create(
            State(st): State<AppState>,
            Auth(a): Auth,
            Path(c): Path<String>,
            idem: IdemHeader,
            body: JsonBody<$input>,
        ) -> Result<(StatusCode, Json<$rec>), ApiError> {
            let key = idem.key(&body.request_hash)?;
            Ok((StatusCode::CREATED, Json($uc_create(&st.db, &a, path_id(&c)?, body.value, key.as_ref()).await?)))
        }

        #[utoipa::path(get, path = $item, tag = $tag,
            params(("county_id" = String, Path), ("id" = String, Path)),
            responses((status = 200, body = $rec), (status = 404, body = Problem)), security(("bearer" = [])))]
        pub async fn $get(
            State(st): State<AppState>,
            Auth(a): Auth,
            Path((c, id)): Path<(String, String)>,
        ) -> Result<Json<$rec>, ApiError> {
            Ok(Json($uc_get(&st.db, &a, path_id(&c)?, path_id::<$id>(&id)?).await?))
        }

        /// Change some fields; the others keep their values.
        #[utoipa::path(patch, path = $item, tag = $tag, request_body = $input,
            params(("county_id" = String, Path), ("id" = String, Path)),
            responses((status = 200, body = $rec), (status = 400, body = Problem), (status = 403, body = Problem),
                (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
            security(("bearer" = [])))]
        pub async fn $update(
            State(st): State<AppState>,
            Auth(a): Auth,
            Path((c, id)): Path<(String, String)>,
            body: JsonBody<$input>,
        ) -> Result<Json<$rec>, ApiError> {
            Ok(Json($uc_update(&st.db, &a, path_id(&c)?, path_id::<$id>(&id)?, body.value).await?))
        }
    };
}

network_crud!("network", "/api/v1/counties/{county_id}/townships", "/api/v1/counties/{county_id}/townships/{id}",
    Township, TownshipInput, uplink_core::TownshipId,
    list_townships => uc::list_townships, create_township => uc::create_township,
    get_township => uc::get_township, update_township => uc::update_township);
network_crud!("network", "/api/v1/counties/{county_id}/villages", "/api/v1/counties/{county_id}/villages/{id}",
    Village, VillageInput, uplink_core::VillageId,
    list_villages => uc::list_villages, create_village => uc::create_village,
    get_village => uc::get_village, update_village => uc::update_village);
network_crud!("network", "/api/v1/counties/{county_id}/hubs", "/api/v1/counties/{county_id}/hubs/{id}",
    Hub, HubInput, uplink_core::HubId,
    list_hubs => uc::list_hubs, create_hub => uc::create_hub,
    get_hub => uc::get_hub, update_hub => uc::update_hub);
network_crud!("network", "/api/v1/counties/{county_id}/stations", "/api/v1/counties/{county_id}/stations/{id}",
    Station, StationInput, uplink_core::StationId,
    list_stations => uc::list_stations, create_station => uc::create_station,
    get_station => uc::get_station, update_station => uc::update_station);
