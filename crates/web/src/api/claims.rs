//! Claims and their decisions, evidence photos, ratings, trust scores and agent fraud signals.

use crate::context::Auth;
use crate::extract::{IdemHeader, JsonBody, path_id};
use crate::problem::{ApiError, Problem};
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use uplink_core::trust::Score;
use uplink_service::claims::{self as uc, AnswerInput, ClaimInput, ClaimQuery, DecisionInput};
use uplink_service::paging::{ListQuery, Page};
use uplink_service::trust::{self, FraudSignal, RatingInput, ReplyInput};
use uplink_store::claims::{Claim, Rating};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/counties/{county_id}/orders/{id}/claims", post(open_claim))
        .route("/api/v1/counties/{county_id}/claims", get(list_claims))
        .route("/api/v1/counties/{county_id}/claims/{claim_id}", get(get_claim))
        .route("/api/v1/counties/{county_id}/claims/{claim_id}/answer", post(answer))
        .route("/api/v1/counties/{county_id}/claims/{claim_id}/decision", post(decide))
        .route("/api/v1/counties/{county_id}/claims/{claim_id}/appeal", post(appeal))
        .route(
            "/api/v1/counties/{county_id}/claims/{claim_id}/evidence",
            // Photos are larger than JSON bodies; a little over the 5 MB rule so the rule, not
            // the transport, gives the clear message.
            post(add_evidence).layer(DefaultBodyLimit::max(uc::MAX_EVIDENCE_BYTES + 1024)),
        )
        .route("/api/v1/counties/{county_id}/claims/{claim_id}/evidence/{evidence_id}", get(evidence))
        .route("/api/v1/counties/{county_id}/people/{id}/trust", get(trust_score))
        .route("/api/v1/counties/{county_id}/orders/{id}/rating", get(get_rating).post(rate))
        .route("/api/v1/counties/{county_id}/orders/{id}/rating/reply", post(reply))
        .route("/api/v1/counties/{county_id}/fraud-signals", get(fraud_signals))
        .route("/api/v1/counties/{county_id}/trust-queue", get(trust_queue))
}

type R<T> = Result<T, ApiError>;

/// The buyer claims on goods received (within the county's claim window).
#[utoipa::path(post, path = "/api/v1/counties/{county_id}/orders/{id}/claims", tag = "trust", request_body = ClaimInput,
    params(("county_id" = String, Path), ("id" = String, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe")),
    responses((status = 201, body = Claim), (status = 400, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)), security(("bearer" = [])))]
pub async fn open_claim(
    State(st): State<AppState>,
    Auth(a): Auth,
    Path((c, id)): Path<(String, String)>,
    idem: IdemHeader,
    body: JsonBody<ClaimInput>,
) -> R<(StatusCode, Json<Claim>)> {
    let key = idem.key(&body.request_hash)?;
    Ok((StatusCode::CREATED, Json(uc::open(&st.db, &a, path_id(&c)?, path_id(&id)?, body.value, key.as_ref()).await?)))
}

/// The claims queue (staff: all; a party: their own).
#[utoipa::path(get, path = "/api/v1/counties/{county_id}/claims", tag = "trust",
    params(("county_id" = String, Path), ListQuery, ClaimQuery),
    responses((status = 200, body = Page<Claim>), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn list_claims(
    State(st): State<AppState>,
    Auth(a): Auth,
    Path(c): Path<String>,
    Query(q): Query<ListQuery>,
    Query(cq): Query<ClaimQuery>,
) -> R<Json<Page<Claim>>> {
    Ok(Json(uc::list(&st.db, &a, path_id(&c)?, &q, &cq).await?))
}

#[utoipa::path(get, path = "/api/v1/counties/{county_id}/claims/{claim_id}", tag = "trust",
    params(("county_id" = String, Path), ("claim_id" = String, Path)),
    responses((status = 200, body = Claim), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn get_claim(
    State(st): State<AppState>,
    Auth(a): Auth,
    Path((c, id)): Path<(String, String)>,
) -> R<Json<Claim>> {
    Ok(Json(uc::get(&st.db, &a, path_id(&c)?, &id).await?))
}

/// The seller (or the agent for them) answers.
#[utoipa::path(post, path = "/api/v1/counties/{county_id}/claims/{claim_id}/answer", tag = "trust", request_body = AnswerInput,
    params(("county_id" = String, Path), ("claim_id" = String, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe")),
    responses((status = 200, body = Claim), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)), security(("bearer" = [])))]
pub async fn answer(
    State(st): State<AppState>,
    Auth(a): Auth,
    Path((c, id)): Path<(String, String)>,
    idem: IdemHeader,
    body: JsonBody<AnswerInput>,
) -> R<Json<Claim>> {
    let key = idem.key(&body.request_hash)?;
    Ok(Json(uc::answer(&st.db, &a, path_id(&c)?, &id, body.value, key.as_ref()).await?))
}

/// An inspector or the operator decides; refunds move at once.
#[utoipa::path(post, path = "/api/v1/counties/{county_id}/claims/{claim_id}/decision", tag = "trust", request_body = DecisionInput,
    params(("county_id" = String, Path), ("claim_id" = String, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe")),
    responses((status = 200, body = Claim), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)), security(("bearer" = [])))]
pub async fn decide(
    State(st): State<AppState>,
    Auth(a): Auth,
    Path((c, id)): Path<(String, String)>,
    idem: IdemHeader,
    body: JsonBody<DecisionInput>,
) -> R<Json<Claim>> {
    let key = idem.key(&body.request_hash)?;
    Ok(Json(uc::decide(&st.db, &a, path_id(&c)?, &id, body.value, key.as_ref()).await?))
}

/// Either side appeals a decision within the appeal window.
#[utoipa::path(post, path = "/api/v1/counties/{county_id}/claims/{claim_id}/appeal", tag = "trust",
    params(("county_id" = String, Path), ("claim_id" = String, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe")),
    responses((status = 200, body = Claim), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem)), security(("bearer" = [])))]
pub async fn appeal(
    State(st): State<AppState>,
    Auth(a): Auth,
    Path((c, id)): Path<(String, String)>,
    idem: IdemHeader,
) -> R<Json<Claim>> {
    let key = idem.key(&format!("appeal {c} {id}"))?;
    Ok(Json(uc::appeal(&st.db, &a, path_id(&c)?, &id, key.as_ref()).await?))
}

/// Add a photo (JPEG, PNG or WebP, up to 5 MB) as the body, for your side of the claim.
#[utoipa::path(post, path = "/api/v1/counties/{county_id}/claims/{claim_id}/evidence", tag = "trust",
    request_body(content = Vec<u8>, content_type = "image/jpeg"),
    params(("county_id" = String, Path), ("claim_id" = String, Path)),
    responses((status = 201, body = Claim), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 413, body = Problem), (status = 422, body = Problem)), security(("bearer" = [])))]
pub async fn add_evidence(
    State(st): State<AppState>,
    Auth(a): Auth,
    Path((c, id)): Path<(String, String)>,
    body: Result<Bytes, BytesRejection>,
) -> R<(StatusCode, Json<Claim>)> {
    let bytes = body.map_err(|_| ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "too-large", "problem-too-large"))?;
    Ok((StatusCode::CREATED, Json(uc::add_evidence(&st.db, &a, path_id(&c)?, &id, &bytes).await?)))
}

#[utoipa::path(get, path = "/api/v1/counties/{county_id}/claims/{claim_id}/evidence/{evidence_id}", tag = "trust",
    params(("county_id" = String, Path), ("claim_id" = String, Path), ("evidence_id" = String, Path)),
    responses((status = 200, content_type = "image/jpeg"), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn evidence(
    State(st): State<AppState>,
    Auth(a): Auth,
    Path((c, id, e)): Path<(String, String, String)>,
) -> R<impl IntoResponse> {
    let (ct, bytes) = uc::evidence(&st.db, &a, path_id(&c)?, &id, &e).await?;
    Ok(([(header::CONTENT_TYPE, ct), (header::CACHE_CONTROL, "private, max-age=3600".into())], bytes))
}

/// A party's trust score 0–100 with its reasons.
#[utoipa::path(get, path = "/api/v1/counties/{county_id}/people/{id}/trust", tag = "trust",
    params(("county_id" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = Score), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn trust_score(
    State(st): State<AppState>,
    Auth(a): Auth,
    Path((c, id)): Path<(String, String)>,
) -> R<Json<Score>> {
    Ok(Json(trust::trust_score(&st.db, &a, path_id(&c)?, path_id(&id)?).await?))
}

/// The buyer rates an accepted order, once.
#[utoipa::path(post, path = "/api/v1/counties/{county_id}/orders/{id}/rating", tag = "trust", request_body = RatingInput,
    params(("county_id" = String, Path), ("id" = String, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe")),
    responses((status = 201, body = Rating), (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem)), security(("bearer" = [])))]
pub async fn rate(
    State(st): State<AppState>,
    Auth(a): Auth,
    Path((c, id)): Path<(String, String)>,
    idem: IdemHeader,
    body: JsonBody<RatingInput>,
) -> R<(StatusCode, Json<Rating>)> {
    let key = idem.key(&body.request_hash)?;
    Ok((
        StatusCode::CREATED,
        Json(trust::rate(&st.db, &a, path_id(&c)?, path_id(&id)?, body.value, key.as_ref()).await?),
    ))
}

#[utoipa::path(get, path = "/api/v1/counties/{county_id}/orders/{id}/rating", tag = "trust",
    params(("county_id" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = Rating), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn get_rating(
    State(st): State<AppState>,
    Auth(a): Auth,
    Path((c, id)): Path<(String, String)>,
) -> R<Json<Rating>> {
    Ok(Json(trust::get_rating(&st.db, &a, path_id(&c)?, path_id(&id)?).await?))
}

/// The seller replies to a rating, once.
#[utoipa::path(post, path = "/api/v1/counties/{county_id}/orders/{id}/rating/reply", tag = "trust", request_body = ReplyInput,
    params(("county_id" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = Rating), (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem)), security(("bearer" = [])))]
pub async fn reply(
    State(st): State<AppState>,
    Auth(a): Auth,
    Path((c, id)): Path<(String, String)>,
    body: JsonBody<ReplyInput>,
) -> R<Json<Rating>> {
    Ok(Json(trust::reply(&st.db, &a, path_id(&c)?, path_id(&id)?, body.value).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SignalQuery {
    /// The period looked at, in days (default 7): cash in a drawer without a hand-over for this
    /// long makes a signal, and intakes of this period are compared with the hub's grades.
    pub days: Option<i64>,
}

/// Agent fraud signals, for review by the operator (not automatic punishment).
#[utoipa::path(get, path = "/api/v1/counties/{county_id}/fraud-signals", tag = "trust",
    params(("county_id" = String, Path), SignalQuery),
    responses((status = 200, body = Vec<FraudSignal>), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn fraud_signals(
    State(st): State<AppState>,
    Auth(a): Auth,
    Path(c): Path<String>,
    Query(q): Query<SignalQuery>,
) -> R<Json<Vec<FraudSignal>>> {
    let days = q.days.unwrap_or(7);
    if !(1..=365).contains(&days) {
        return Err(ApiError::invalid(vec![
            uplink_core::FieldError::new("days", "out-of-range").arg("min", 1).arg("max", 365),
        ]));
    }
    Ok(Json(trust::fraud_signals(&st.db, &a, path_id(&c)?, days).await?))
}

/// The deciders' queue: open claims and short-weight incidents together (staff).
#[utoipa::path(get, path = "/api/v1/counties/{county_id}/trust-queue", tag = "trust",
    params(("county_id" = String, Path)),
    responses((status = 200, body = uc::TrustQueue), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn trust_queue(State(st): State<AppState>, Auth(a): Auth, Path(c): Path<String>) -> R<Json<uc::TrustQueue>> {
    Ok(Json(uc::queue(&st.db, &a, path_id(&c)?).await?))
}
