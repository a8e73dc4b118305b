//! Orders: placing, reading, and every move of their life; the station's hand-over by pickup
//! code; county settings and drop points.

use crate::context::Auth;
use crate::extract::{IdemHeader, JsonBody, path_id};
use crate::problem::{ApiError, Problem};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use uplink_core::order::{Order, OrderEvent};
use uplink_core::settings::CountySettings;
use uplink_service::ledger::cash::{self, AmountInput, Moved};
use uplink_service::order_moves::{self as moves, HandoverInput, MoveInput, PayInput};
use uplink_service::orders::{self as uc, OrderQuery, PlaceOrderInput};
use uplink_service::paging::{ListQuery, Page};
use uplink_service::settings as settings_uc;
use uplink_store::orders::{DropPoint, OrderEventRecord};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/counties/{county_id}/orders", get(list_orders).post(place_order))
        .route("/api/v1/counties/{county_id}/orders/{id}", get(get_order))
        .route("/api/v1/counties/{county_id}/orders/{id}/history", get(history))
        .route("/api/v1/counties/{county_id}/orders/{id}/pay", post(pay))
        .route("/api/v1/counties/{county_id}/orders/{id}/confirm", post(confirm))
        .route("/api/v1/counties/{county_id}/orders/{id}/pack", post(pack))
        .route("/api/v1/counties/{county_id}/orders/{id}/ship", post(ship))
        .route("/api/v1/counties/{county_id}/orders/{id}/deliver", post(deliver))
        .route("/api/v1/counties/{county_id}/orders/{id}/accept", post(accept))
        .route("/api/v1/counties/{county_id}/orders/{id}/cancel", post(cancel))
        .route("/api/v1/counties/{county_id}/orders/{id}/return", post(return_order))
        .route("/api/v1/counties/{county_id}/stations/{id}/handover", post(handover))
        .route("/api/v1/counties/{county_id}/settings", get(get_settings).put(put_settings))
        .route("/api/v1/counties/{county_id}/drop-points", get(drop_points))
        .route("/api/v1/counties/{county_id}/stations/{id}/cash-handovers", post(cash_handover))
        .route("/api/v1/counties/{county_id}/people/{id}/payouts", post(payout))
}

type R<T> = Result<T, ApiError>;

/// Place an order: for yourself, or (agents) for a villager at your station.
#[utoipa::path(post, path = "/api/v1/counties/{county_id}/orders", tag = "orders", request_body = PlaceOrderInput,
    params(("county_id" = String, Path), ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe")),
    responses((status = 201, body = Order), (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn place_order(
    State(st): State<AppState>,
    Auth(a): Auth,
    Path(c): Path<String>,
    idem: IdemHeader,
    body: JsonBody<PlaceOrderInput>,
) -> R<(StatusCode, Json<Order>)> {
    let key = idem.key(&body.request_hash)?;
    Ok((StatusCode::CREATED, Json(uc::place_order(&st.db, &a, path_id(&c)?, body.value, key.as_ref()).await?)))
}

/// The orders I deal with (staff: all of the county).
#[utoipa::path(get, path = "/api/v1/counties/{county_id}/orders", tag = "orders",
    params(("county_id" = String, Path), ListQuery, OrderQuery),
    responses((status = 200, body = Page<Order>), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn list_orders(
    State(st): State<AppState>,
    Auth(a): Auth,
    Path(c): Path<String>,
    Query(q): Query<ListQuery>,
    Query(oq): Query<OrderQuery>,
) -> R<Json<Page<Order>>> {
    Ok(Json(uc::list_orders(&st.db, &a, path_id(&c)?, &q, &oq).await?))
}

#[utoipa::path(get, path = "/api/v1/counties/{county_id}/orders/{id}", tag = "orders",
    params(("county_id" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = Order), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn get_order(
    State(st): State<AppState>,
    Auth(a): Auth,
    Path((c, id)): Path<(String, String)>,
) -> R<Json<Order>> {
    Ok(Json(uc::get_order(&st.db, &a, path_id(&c)?, path_id(&id)?).await?))
}

/// Who moved the order, when, from which state to which.
#[utoipa::path(get, path = "/api/v1/counties/{county_id}/orders/{id}/history", tag = "orders",
    params(("county_id" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = Vec<OrderEventRecord>), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn history(
    State(st): State<AppState>,
    Auth(a): Auth,
    Path((c, id)): Path<(String, String)>,
) -> R<Json<Vec<OrderEventRecord>>> {
    Ok(Json(uc::history(&st.db, &a, path_id(&c)?, path_id(&id)?).await?))
}

/// Pay into escrow: cash at the station (agent) or from the buyer's wallet.
#[utoipa::path(post, path = "/api/v1/counties/{county_id}/orders/{id}/pay", tag = "orders", request_body = PayInput,
    params(("county_id" = String, Path), ("id" = String, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe")),
    responses((status = 200, body = Order), (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn pay(
    State(st): State<AppState>,
    Auth(a): Auth,
    Path((c, id)): Path<(String, String)>,
    idem: IdemHeader,
    body: JsonBody<PayInput>,
) -> R<Json<Order>> {
    let key = idem.key(&body.request_hash)?;
    Ok(Json(moves::pay(&st.db, &a, path_id(&c)?, path_id(&id)?, body.value, key.as_ref()).await?))
}

/// Generates a handler for one move of an order that takes an optional note.
macro_rules! order_move {
    ($name:ident, $path:literal, $doc:literal, $call:expr) => {
        #[doc = $doc]
        #[utoipa::path(post, path = $path, tag = "orders", request_body = MoveInput,
            params(("county_id" = String, Path), ("id" = String, Path),
                ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe")),
            responses((status = 200, body = Order), (status = 400, body = Problem), (status = 403, body = Problem),
                (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
            security(("bearer" = [])))]
        pub async fn $name(
            State(st): State<AppState>,
            Auth(a): Auth,
            Path((c, id)): Path<(String, String)>,
            idem: IdemHeader,
            body: JsonBody<MoveInput>,
        ) -> R<Json<Order>> {
            let key = idem.key(&body.request_hash)?;
            let f = $call;
            Ok(Json(f(&st.db, &a, path_id(&c)?, path_id(&id)?, body.value, key.as_ref()).await?))
        }
    };
}

order_move!(
    confirm,
    "/api/v1/counties/{county_id}/orders/{id}/confirm",
    "The seller confirms the order.",
    |db, a, c, id, i, k| moves::advance(db, a, c, id, OrderEvent::Confirm, i, k)
);
order_move!(
    pack,
    "/api/v1/counties/{county_id}/orders/{id}/pack",
    "Packed at the hub (downlink) or by the seller (uplink).",
    |db, a, c, id, i, k| moves::advance(db, a, c, id, OrderEvent::Pack, i, k)
);
order_move!(
    ship,
    "/api/v1/counties/{county_id}/orders/{id}/ship",
    "On its way (hub or driver).",
    |db, a, c, id, i, k| moves::advance(db, a, c, id, OrderEvent::Ship, i, k)
);
order_move!(
    deliver,
    "/api/v1/counties/{county_id}/orders/{id}/deliver",
    "Delivered at the station or drop point.",
    |db, a, c, id, i, k| moves::advance(db, a, c, id, OrderEvent::Deliver, i, k)
);
order_move!(
    accept,
    "/api/v1/counties/{county_id}/orders/{id}/accept",
    "The buyer accepts; the order settles.",
    moves::accept
);
order_move!(
    cancel,
    "/api/v1/counties/{county_id}/orders/{id}/cancel",
    "Cancel before packing; paid money is refunded.",
    moves::cancel
);
order_move!(
    return_order,
    "/api/v1/counties/{county_id}/orders/{id}/return",
    "Return within the window; everything is reversed.",
    moves::return_order
);

/// Hand a parcel over at the station against the villager's pickup code (agent of the station).
#[utoipa::path(post, path = "/api/v1/counties/{county_id}/stations/{id}/handover", tag = "orders", request_body = HandoverInput,
    params(("county_id" = String, Path), ("id" = String, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe")),
    responses((status = 200, body = Order), (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn handover(
    State(st): State<AppState>,
    Auth(a): Auth,
    Path((c, id)): Path<(String, String)>,
    idem: IdemHeader,
    body: JsonBody<HandoverInput>,
) -> R<Json<Order>> {
    let key = idem.key(&body.request_hash)?;
    Ok(Json(moves::handover(&st.db, &a, path_id(&c)?, path_id(&id)?, body.value, key.as_ref()).await?))
}

#[utoipa::path(get, path = "/api/v1/counties/{county_id}/settings", tag = "orders",
    params(("county_id" = String, Path)),
    responses((status = 200, body = CountySettings), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn get_settings(State(st): State<AppState>, Auth(a): Auth, Path(c): Path<String>) -> R<Json<CountySettings>> {
    Ok(Json(settings_uc::get(&st.db, &a, path_id(&c)?).await?))
}

/// Set the county's fee, commission and windows (operator).
#[utoipa::path(put, path = "/api/v1/counties/{county_id}/settings", tag = "orders", request_body = CountySettings,
    params(("county_id" = String, Path)),
    responses((status = 200, body = CountySettings), (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem)), security(("bearer" = [])))]
pub async fn put_settings(
    State(st): State<AppState>,
    Auth(a): Auth,
    Path(c): Path<String>,
    body: JsonBody<CountySettings>,
) -> R<Json<CountySettings>> {
    Ok(Json(settings_uc::put(&st.db, &a, path_id(&c)?, body.value).await?))
}

/// The county's city drop points for uplink orders.
#[utoipa::path(get, path = "/api/v1/counties/{county_id}/drop-points", tag = "orders",
    params(("county_id" = String, Path)),
    responses((status = 200, body = Vec<DropPoint>), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn drop_points(State(st): State<AppState>, Auth(a): Auth, Path(c): Path<String>) -> R<Json<Vec<DropPoint>>> {
    Ok(Json(settings_uc::drop_points(&st.db, &a, path_id(&c)?).await?))
}

/// The agent hands the station's cash over to the county (or the operator records it).
#[utoipa::path(post, path = "/api/v1/counties/{county_id}/stations/{id}/cash-handovers", tag = "ledger",
    request_body = AmountInput,
    params(("county_id" = String, Path), ("id" = String, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe")),
    responses((status = 201, body = Moved), (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn cash_handover(
    State(st): State<AppState>,
    Auth(a): Auth,
    Path((c, id)): Path<(String, String)>,
    idem: IdemHeader,
    body: JsonBody<AmountInput>,
) -> R<(StatusCode, Json<Moved>)> {
    let key = idem.key(&body.request_hash)?;
    Ok((
        StatusCode::CREATED,
        Json(cash::hand_over_cash(&st.db, &a, path_id(&c)?, path_id(&id)?, body.value, key.as_ref()).await?),
    ))
}

/// Pay a party out of their wallet to their bank account (operator).
#[utoipa::path(post, path = "/api/v1/counties/{county_id}/people/{id}/payouts", tag = "ledger",
    request_body = AmountInput,
    params(("county_id" = String, Path), ("id" = String, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe")),
    responses((status = 201, body = Moved), (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn payout(
    State(st): State<AppState>,
    Auth(a): Auth,
    Path((c, id)): Path<(String, String)>,
    idem: IdemHeader,
    body: JsonBody<AmountInput>,
) -> R<(StatusCode, Json<Moved>)> {
    let key = idem.key(&body.request_hash)?;
    Ok((
        StatusCode::CREATED,
        Json(cash::pay_out(&st.db, &a, path_id(&c)?, path_id(&id)?, body.value, key.as_ref()).await?),
    ))
}
