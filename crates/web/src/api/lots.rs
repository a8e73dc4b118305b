//! Intake at the station, lots and their hand-offs, merges and splits, weight-loss incidents,
//! and the printable receipt and 60×40 mm label of a lot.

use crate::context::{Auth, Ctx};
use crate::extract::{IdemHeader, JsonBody, path_id};
use crate::html::esc;
use crate::i18n::{Catalog, Lang};
use crate::problem::{ApiError, Problem};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Html;
use axum::routing::{get, post};
use axum::{Json, Router};
use uplink_core::{Fen, Grams};
use uplink_service::intake::{self, IntakeInput, IntakeReceipt};
use uplink_service::lots::{
    self as uc, HandoffInput, HandoffResult, LotDetail, LotQuery, MergeInput, SplitInput, SplitResult,
};
use uplink_store::lots::{Incident, Lot};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/counties/{county_id}/intakes", post(record_intake))
        .route("/api/v1/counties/{county_id}/lots", get(list_lots))
        .route("/api/v1/counties/{county_id}/lots/merge", post(merge))
        .route("/api/v1/counties/{county_id}/lots/{id}", get(get_lot))
        .route("/api/v1/counties/{county_id}/lots/{id}/handoffs", post(handoff))
        .route("/api/v1/counties/{county_id}/lots/{id}/split", post(split))
        .route("/api/v1/counties/{county_id}/lots/{id}/receipt", get(receipt))
        .route("/api/v1/counties/{county_id}/lots/{id}/label", get(label))
        .route("/api/v1/counties/{county_id}/incidents", get(incidents))
}

type R<T> = Result<T, ApiError>;

/// Take in a farmer's produce: weigh, grade, check the certificate, make the lot, pay the farmer.
#[utoipa::path(post, path = "/api/v1/counties/{county_id}/intakes", tag = "lots", request_body = IntakeInput,
    params(("county_id" = String, Path), ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe")),
    responses((status = 201, body = IntakeReceipt), (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn record_intake(
    State(st): State<AppState>,
    Auth(a): Auth,
    Path(c): Path<String>,
    idem: IdemHeader,
    body: JsonBody<IntakeInput>,
) -> R<(StatusCode, Json<IntakeReceipt>)> {
    let key = idem.key(&body.request_hash)?;
    Ok((StatusCode::CREATED, Json(intake::record_intake(&st.db, &a, path_id(&c)?, body.value, key.as_ref()).await?)))
}

/// Lots of the county (staff).
#[utoipa::path(get, path = "/api/v1/counties/{county_id}/lots", tag = "lots",
    params(("county_id" = String, Path), LotQuery),
    responses((status = 200, body = Vec<Lot>), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn list_lots(
    State(st): State<AppState>,
    Auth(a): Auth,
    Path(c): Path<String>,
    Query(q): Query<LotQuery>,
) -> R<Json<Vec<Lot>>> {
    Ok(Json(uc::list_lots(&st.db, &a, path_id(&c)?, &q).await?))
}

/// A lot and its history (staff).
#[utoipa::path(get, path = "/api/v1/counties/{county_id}/lots/{id}", tag = "lots",
    params(("county_id" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = LotDetail), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn get_lot(
    State(st): State<AppState>,
    Auth(a): Auth,
    Path((c, id)): Path<(String, String)>,
) -> R<Json<LotDetail>> {
    Ok(Json(uc::get_lot(&st.db, &a, path_id(&c)?, path_id(&id)?).await?))
}

/// Hand a lot I hold to the next custodian, who weighs it; a loss beyond tolerance opens an incident.
#[utoipa::path(post, path = "/api/v1/counties/{county_id}/lots/{id}/handoffs", tag = "lots", request_body = HandoffInput,
    params(("county_id" = String, Path), ("id" = String, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe")),
    responses((status = 200, body = HandoffResult), (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn handoff(
    State(st): State<AppState>,
    Auth(a): Auth,
    Path((c, id)): Path<(String, String)>,
    idem: IdemHeader,
    body: JsonBody<HandoffInput>,
) -> R<Json<HandoffResult>> {
    let key = idem.key(&body.request_hash)?;
    Ok(Json(uc::handoff(&st.db, &a, path_id(&c)?, path_id(&id)?, body.value, key.as_ref()).await?))
}

/// Merge lots I hold onto one pallet; its weight is exactly theirs.
#[utoipa::path(post, path = "/api/v1/counties/{county_id}/lots/merge", tag = "lots", request_body = MergeInput,
    params(("county_id" = String, Path), ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe")),
    responses((status = 201, body = LotDetail), (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn merge(
    State(st): State<AppState>,
    Auth(a): Auth,
    Path(c): Path<String>,
    idem: IdemHeader,
    body: JsonBody<MergeInput>,
) -> R<(StatusCode, Json<LotDetail>)> {
    let key = idem.key(&body.request_hash)?;
    Ok((StatusCode::CREATED, Json(uc::merge(&st.db, &a, path_id(&c)?, body.value, key.as_ref()).await?)))
}

/// Split parts off a lot I hold; never more than it holds.
#[utoipa::path(post, path = "/api/v1/counties/{county_id}/lots/{id}/split", tag = "lots", request_body = SplitInput,
    params(("county_id" = String, Path), ("id" = String, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe")),
    responses((status = 201, body = SplitResult), (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn split(
    State(st): State<AppState>,
    Auth(a): Auth,
    Path((c, id)): Path<(String, String)>,
    idem: IdemHeader,
    body: JsonBody<SplitInput>,
) -> R<(StatusCode, Json<SplitResult>)> {
    let key = idem.key(&body.request_hash)?;
    Ok((StatusCode::CREATED, Json(uc::split(&st.db, &a, path_id(&c)?, path_id(&id)?, body.value, key.as_ref()).await?)))
}

/// Weight-loss incidents of the county (staff).
#[utoipa::path(get, path = "/api/v1/counties/{county_id}/incidents", tag = "lots",
    params(("county_id" = String, Path)),
    responses((status = 200, body = Vec<Incident>), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn incidents(State(st): State<AppState>, Auth(a): Auth, Path(c): Path<String>) -> R<Json<Vec<Incident>>> {
    Ok(Json(uc::list_incidents(&st.db, &a, path_id(&c)?).await?))
}

fn page(cat: &Catalog, l: Lang, title: &str, style: &str, body: &str) -> Html<String> {
    Html(format!(
        "<!doctype html><html lang=\"{}\"><head><meta charset=utf-8><title>{}</title><style>{style}</style></head>\
         <body>{body}</body></html>",
        l.tag(),
        esc(&format!("{title} · {}", cat.t(l, "app-name", &[]))),
    ))
}

/// The farmer's printable receipt of an intake (staff), in the caller's language.
#[utoipa::path(get, path = "/api/v1/counties/{county_id}/lots/{id}/receipt", tag = "lots",
    params(("county_id" = String, Path), ("id" = String, Path)),
    responses((status = 200, content_type = "text/html", body = String), (status = 403, body = Problem),
        (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn receipt(
    State(st): State<AppState>,
    Auth(a): Auth,
    ctx: Ctx,
    Path((c, id)): Path<(String, String)>,
) -> R<Html<String>> {
    let r = intake::receipt(&st.db, &a, path_id(&c)?, path_id(&id)?).await?;
    let (cat, l) = (&st.catalog, ctx.lang);
    let t = |k: &str| esc(&cat.t(l, k, &[]));
    let lot = &r.lot;
    let g = |v: Option<i64>| v.map(|g| Grams(g).to_string()).unwrap_or_default();
    let rows = [
        (t("receipt-farmer"), esc(&r.farmer_name)),
        (t("trace-product"), esc(&lot.product_name)),
        (t("trace-grade"), esc(&lot.grade)),
        (t("receipt-gross"), g(lot.gross_g)),
        (t("receipt-tare"), g(lot.tare_g)),
        (t("receipt-net"), Grams(lot.made_g).to_string()),
        (t("receipt-price"), format!("{}/kg", Fen(lot.farmer_price_fen.unwrap_or(0)))),
        (t("receipt-paid"), Fen(lot.payout_fen.unwrap_or(0)).to_string()),
        (t("trace-certificate"), esc(lot.certificate_no.as_deref().unwrap_or("—"))),
        (t("receipt-reason"), esc(lot.grade_reason.as_deref().unwrap_or("—"))),
        (t("receipt-lot"), esc(&lot.code)),
    ];
    let body: String = rows.iter().map(|(k, v)| format!("<tr><th>{k}</th><td>{v}</td></tr>")).collect();
    let title = cat.t(l, "receipt-title", &[]);
    Ok(page(
        cat,
        l,
        &title,
        "body{font:14px sans-serif;max-width:80mm}th{text-align:left;padding-right:1em}",
        &format!("<h1>{}</h1><p>{}</p><table>{body}</table>", esc(&title), esc(&r.county_name)),
    ))
}

/// The lot's 60×40 mm label with the QR code of its public trace page (staff).
#[utoipa::path(get, path = "/api/v1/counties/{county_id}/lots/{id}/label", tag = "lots",
    params(("county_id" = String, Path), ("id" = String, Path)),
    responses((status = 200, content_type = "text/html", body = String), (status = 403, body = Problem),
        (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn label(
    State(st): State<AppState>,
    Auth(a): Auth,
    ctx: Ctx,
    headers: axum::http::HeaderMap,
    Path((c, id)): Path<(String, String)>,
) -> R<Html<String>> {
    let d = uc::get_lot(&st.db, &a, path_id(&c)?, path_id(&id)?).await?;
    let (cat, l) = (&st.catalog, ctx.lang);
    let lot = &d.lot;
    let svg = crate::trace::qr_svg(&crate::trace::trace_url(&st, &headers, &lot.code));
    let body = format!(
        "<div class=l><div class=q>{svg}</div><div class=t><b>{}</b><br>{} · {}<br>{}<br><small>{}</small></div></div>",
        esc(&lot.product_name),
        esc(&lot.grade),
        Grams(lot.weight_g),
        esc(lot.harvest_date.as_deref().unwrap_or("")),
        esc(&lot.code),
    );
    Ok(page(
        cat,
        l,
        &cat.t(l, "label-title", &[]),
        "@page{size:60mm 40mm;margin:0}body{margin:0;font:9pt sans-serif}\
         .l{width:60mm;height:40mm;display:flex;align-items:center;overflow:hidden}\
         .q{width:30mm;height:30mm;margin:2mm}.q svg{width:100%;height:100%}.t{flex:1}",
        &body,
    ))
}
