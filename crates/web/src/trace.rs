//! The public trace of a lot (issue 4): `/t/{lot_code}` is what the label's QR code opens, with
//! no login — product, grade, origin village (never the farmer's name or phone), harvest and
//! intake dates, certificate, the photos of the produce (`/t/{lot_code}/photos/{id}`), and the
//! chain of hand-offs with times and weights — in zh-CN or English (`?lang=`, else the usual
//! choice). `/t/{lot_code}/epcis.json` is the same trace as a GS1 EPCIS 2.0 JSON-LD document.

use crate::context::Ctx;
use crate::html::esc;
use crate::i18n::Lang;
use crate::problem::{ApiError, Problem};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use uplink_core::Grams;
use uplink_service::lots;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/t/{code}", get(trace_page))
        .route("/t/{code}/epcis.json", get(epcis))
        .route("/t/{code}/photos/{photo_id}", get(photo))
}

/// The URL a label's QR code holds: this server as the client reached it.
pub fn trace_url(st: &AppState, headers: &HeaderMap, code: &str) -> String {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
    let scheme = if st.secure_cookies { "https" } else { "http" };
    format!("{scheme}://{host}/t/{code}")
}

/// A QR code of `text` as an inline SVG (medium error correction survives a smudged label).
pub fn qr_svg(text: &str) -> String {
    match qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M) {
        Ok(code) => code.render::<qrcode::render::svg::Color>().quiet_zone(true).min_dimensions(120, 120).build(),
        // Only a text longer than a QR code holds fails, which a lot URL never is.
        Err(_) => String::new(),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct LangQuery {
    pub lang: Option<String>,
}

/// The lot's trace page.
pub async fn trace_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<LangQuery>,
    Path(code): Path<String>,
) -> Result<Response, ApiError> {
    let l = q.lang.as_deref().and_then(Lang::from_tag).unwrap_or(ctx.lang);
    let t = lots::public_trace(&st.db, &code).await?;
    let c = &st.catalog;
    let tr = |k: &str| esc(&c.t(l, k, &[]));
    let product = match (l, &t.product_name_en) {
        (Lang::En, Some(en)) => en.clone(),
        _ => t.product_name.clone(),
    };
    let facts = [
        (tr("trace-product"), esc(&product)),
        (tr("trace-grade"), esc(&t.grade)),
        (tr("trace-origin"), esc(t.origin_village.as_deref().unwrap_or("—"))),
        (tr("trace-harvest"), esc(t.harvest_date.as_deref().unwrap_or("—"))),
        (tr("trace-intake"), esc(&t.intake_date)),
        (tr("trace-certificate"), esc(t.certificate_no.as_deref().unwrap_or("—"))),
        (tr("trace-weight"), Grams(t.weight_g).to_string()),
    ];
    let facts: String = facts.iter().map(|(k, v)| format!("<tr><th>{k}</th><td>{v}</td></tr>")).collect();
    let steps: String = t
        .steps
        .iter()
        .map(|s| {
            let who = match (&s.from_role, &s.to_role) {
                (Some(f), Some(to)) => format!(
                    "{} → {}",
                    c.t(l, &format!("trace-role-{f}"), &[]),
                    c.t(l, &format!("trace-role-{to}"), &[])
                ),
                _ => String::new(),
            };
            let loss = if s.loss_g > 0 { format!(" (−{})", Grams(s.loss_g)) } else { String::new() };
            format!(
                "<li><time>{}</time> {} · {} · {} {}{}</li>",
                esc(&uplink_core::epcis::local_time(s.at_us, &t.time_zone)[..16].replace('T', " ")),
                esc(&c.t(l, &format!("trace-step-{}", s.kind), &[])),
                esc(&who),
                esc(&format!("{} {}", s.place_kind, s.place_code)),
                Grams(s.weight_g),
                esc(&loss),
            )
        })
        .collect();
    let alt = tr("lot-photo-alt");
    let photos: String = t
        .photos
        .iter()
        .map(|p| {
            format!(
                "<img src=\"/t/{}/photos/{}\" loading=lazy width=240 height=180 alt=\"{alt}\">",
                esc(&p.lot_code),
                esc(&p.photo_id)
            )
        })
        .collect();
    let photos = if photos.is_empty() { photos } else { format!("<p id=photos>{photos}</p>") };
    let title = format!("{} {}", c.t(l, "trace-title", &[]), t.code);
    let other = l.other();
    let html = format!(
        "<!doctype html><html lang=\"{tag}\"><head><meta charset=utf-8>\
         <meta name=viewport content=\"width=device-width,initial-scale=1\"><title>{title}</title>\
         <style>body{{font:15px sans-serif;max-width:36em;margin:1em auto;padding:0 1em}}th{{text-align:left;padding-right:1em}}\
         li{{margin:.3em 0}}img{{object-fit:cover;max-width:100%;height:auto;margin:.5em .5em 0 0}}</style></head><body><p><a href=\"?lang={otag}\">{switch}</a></p><h1>{title}</h1>\
         <p>{county}</p><table>{facts}</table>{photos}<h2>{chain}</h2><ol>{steps}</ol>\
         <p><a href=\"/t/{code}/epcis.json\">EPCIS 2.0 JSON-LD</a></p></body></html>",
        tag = l.tag(),
        title = esc(&title),
        otag = other.tag(),
        switch = esc(&c.t(l, "lang-switch", &[])),
        county = esc(&t.county_name),
        chain = tr("trace-chain"),
        code = esc(&t.code),
    );
    let mut r = Html(html).into_response();
    r.headers_mut().insert(header::CONTENT_LANGUAGE, HeaderValue::from_static(l.tag()));
    Ok(r)
}

/// A photo of the lot's produce, as its trace page shows it; no login.
#[utoipa::path(get, path = "/t/{code}/photos/{photo_id}", tag = "lots",
    params(("code" = String, Path, description = "The lot code printed on the label"), ("photo_id" = String, Path)),
    responses((status = 200, content_type = "image/jpeg"), (status = 404, body = Problem)))]
pub async fn photo(State(st): State<AppState>, Path((code, id)): Path<(String, String)>) -> Result<Response, ApiError> {
    let (ct, bytes) = uplink_service::lot_photos::public_photo(&st.db, &code, &id).await?;
    // A photo never changes once stored.
    Ok(([(header::CONTENT_TYPE, ct), (header::CACHE_CONTROL, "public, max-age=86400, immutable".into())], bytes)
        .into_response())
}

/// The lot's trace as a GS1 EPCIS 2.0 JSON-LD document; no login.
#[utoipa::path(get, path = "/t/{code}/epcis.json", tag = "lots",
    params(("code" = String, Path, description = "The lot code printed on the label")),
    responses((status = 200, content_type = "application/ld+json", body = Object), (status = 404, body = Problem)))]
pub async fn epcis(State(st): State<AppState>, Path(code): Path<String>) -> Result<Response, ApiError> {
    let t = lots::public_trace(&st.db, &code).await?;
    let doc = lots::epcis_document(&t, uplink_store::now_us());
    let mut r = Json(doc).into_response();
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/ld+json"));
    Ok(r)
}
