//! A lot's page at the station, where intake leads: the lot label (lot code, product, grade,
//! net weight, the farmer's village, the date and the QR code of the lot's public trace) and the
//! farmer's receipt (weights in the county's unit, the price of the grade, the amount paid and
//! how), and the photos of the produce (small and lazy; never printed). Printing the page
//! gives the 60×40 mm label on its own page and the receipt on the next; `?only=label` or
//! `?only=receipt` shows one of them alone, for the label printer or the receipt printer.

use super::forms::{self, Fields, money, weight};
use super::station_intake::{grade_name, pick};
use super::{Pg, View};
use crate::context::Ctx;
use crate::html::esc;
use crate::state::AppState;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::routing::get;
use uplink_core::lot::LotCode;
use uplink_core::{Grams, LotId};
use uplink_service::catalog::get_product;
use uplink_service::intake;

pub fn router() -> Router<AppState> {
    Router::new().route("/c/{county}/intake/{id}", get(lot_page))
}

/// The label's size and the print layout: the label on a 60×40 mm page of its own, the receipt
/// on the next page, no navigation.
const STYLE: &str = "<style>.lbl{width:60mm;height:40mm;box-sizing:border-box;display:flex;align-items:center;\
gap:1.5mm;padding:1.5mm;border:1px dashed #555;background:#fff;overflow:hidden;font-size:8.5pt;line-height:1.25}\
.lbl svg{width:30mm;height:30mm;flex:none}.lbl b{font-size:10pt}\
@page lbl{size:60mm 40mm;margin:0}@media print{main>h1,.ok{display:none}main{padding:0}\
.lbl{page:lbl;border:0}#receipt{break-before:page}}</style>";

async fn lot_page(
    State(st): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path((county, id)): Path<(String, String)>,
    Query(q): Query<Vec<(String, String)>>,
) -> Pg {
    let v = View::open(&st, &ctx, &county)?;
    let q = Fields::from(q);
    let id: LotId = v.id(&id)?;
    let r = intake::receipt(&st.db, &v.actor, v.county, id).await.map_err(|e| v.fail(e))?;
    let lot = &r.lot;
    let product = get_product(&st.db, &v.actor, v.county, lot.product_id).await.map_err(|e| v.fail(e))?;
    let (product_name, grade) = (super::shop::product_name(v.lang, &product), grade_name(v.lang, &product, &lot.grade));
    let date = LotCode::parse(&lot.code).map(|c| c.date()).unwrap_or_default();
    let qr = crate::trace::qr_svg(&crate::trace::trace_url(&st, &headers, &lot.code));
    let only = q.get("only");
    let mut b = String::from(STYLE);
    b.push_str(&forms::flash(&v, q.opt("done").as_deref()));

    let label = format!(
        "<section class=lbl id=label aria-label=\"{}\">{qr}<div><b id=label-product>{}</b><br>{}: {}<br>\
         {}: <strong id=label-net>{}</strong><br>{}<br>{}<br><span class=m id=label-code>{}</span></div></section>",
        esc(&v.t("label-title")),
        esc(&product_name),
        esc(&v.t("pg-grade")),
        esc(&grade),
        esc(&v.t("receipt-net")),
        weight(lot.made_g),
        esc(lot.origin_village_name.as_deref().unwrap_or("")),
        esc(&forms::date_text(v.lang, &date)),
        esc(&lot.code)
    );
    let unit = v.weight_unit().await?;
    let w = |g: i64| Grams(g).display_in(unit);
    let dash = || "—".to_string();
    let rows = [
        ("receipt-farmer", esc(&r.farmer_name), "receipt-farmer"),
        ("trace-product", esc(&product_name), "receipt-product"),
        ("pg-grade", esc(&grade), "receipt-grade"),
        ("receipt-gross", lot.gross_g.map(w).unwrap_or_else(dash), "receipt-gross"),
        ("receipt-tare", lot.tare_g.map(w).unwrap_or_else(dash), "receipt-tare"),
        ("receipt-net", w(lot.made_g), "receipt-net"),
        ("st-price-of-grade", format!("{}/kg", money(lot.farmer_price_fen.unwrap_or(0))), "receipt-price"),
        ("st-amount", money(lot.payout_fen.unwrap_or(0)), "receipt-amount"),
        ("st-paid-how", esc(&v.t("st-paid-to-account")), "receipt-paid-how"),
        ("trace-certificate", esc(lot.certificate_no.as_deref().unwrap_or("—")), "receipt-certificate"),
        ("receipt-reason", esc(lot.grade_reason.as_deref().unwrap_or("—")), "receipt-reason"),
        ("receipt-lot", esc(&lot.code), "receipt-lot"),
    ];
    let mut receipt = format!(
        "<section class=card id=receipt><h2>{}</h2><p>{} · {}</p><table>",
        esc(&v.t("receipt-title")),
        esc(&r.county_name),
        forms::date_time(v.lang, lot.made_us)
    );
    for (k, val, id) in rows {
        receipt.push_str(&format!("<tr><th>{}</th><td id={id}>{val}</td></tr>", esc(&v.t(k))));
    }
    receipt.push_str("</table></section>");

    match only {
        "label" => b.push_str(&label),
        "receipt" => b.push_str(&receipt),
        _ => {
            b.push_str(&label);
            b.push_str(&receipt);
            b.push_str(&photos_html(&v, lot.id).await?);
        }
    }
    let here = v.href(&format!("{}/{}", super::INTAKE_PAGE, lot.id));
    b.push_str(&format!(
        "<p class=noprint><button type=button data-print hidden>{}</button> <a class=\"btn btn2\" href=\"{here}?only=label\">{}</a> \
         <a class=\"btn btn2\" href=\"{here}?only=receipt\">{}</a></p><p class=noprint><a class=btn id=next-intake \
         href=\"{}?pick={}\">{}</a> <a href=\"{}\">{}</a></p><script src=\"{}\" defer></script>",
        esc(&v.t("pg-print")),
        esc(&v.t("st-label-only")),
        esc(&v.t("st-receipt-only")),
        v.href(super::INTAKE_PAGE),
        lot.window_id.map(|w| pick(w, &lot.grade)).unwrap_or_default(),
        esc(&v.t("st-next-intake")),
        v.href("station"),
        esc(&v.t("pg-back-console")),
        super::assets::js_href()
    ));
    Ok(v.page(&v.ta("st-lot-title", &[("code", lot.code.clone())]), &b))
}

/// The photos of the lot's produce, small, lazy-loaded and sized so the page does not jump;
/// nothing when there are none.
async fn photos_html(v: &View, lot: LotId) -> Result<String, axum::response::Response> {
    let photos = uplink_service::lot_photos::photos(&v.st.db, &v.actor, v.county, lot).await.map_err(|e| v.fail(e))?;
    if photos.is_empty() {
        return Ok(String::new());
    }
    let alt = esc(&v.t("lot-photo-alt"));
    let mut s = format!("<section class=\"card noprint\" id=lot-photos><h2>{}</h2>", esc(&v.t("st-lot-photos")));
    for p in photos {
        s.push_str(&format!(
            "<img src=\"/api/v1/counties/{}/lots/{lot}/photos/{}\" loading=lazy width=160 height=120 alt=\"{alt}\" \
             style=\"object-fit:cover\">",
            v.county,
            esc(&p.id)
        ));
    }
    s.push_str("</section>");
    Ok(s)
}
