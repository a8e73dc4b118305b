//! What a buyer does with goods received, on the order's page: the fill of a pre-order (the lot
//! with its trace, the weight handed over, the refund for the difference), the claims with their
//! status and decision, the claim form (kind, lines and quantities, the weight measured, what is
//! wrong, a photo — multipart, with the API's size and type checks, errors at their field), and
//! after acceptance the rating (1–5 stars and a few words).

use super::forms::{self, Errs, Fields, check_csrf, guard, input, money, see_other, select, weight};
use super::{Pg, View};
use crate::context::Ctx;
use crate::html::esc;
use crate::state::AppState;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use uplink_core::OrderId;
use uplink_core::order::{Order, OrderState};
use uplink_core::people::Role;
use uplink_core::trust::ClaimKind;
use uplink_core::weight::{Grams, WeightUnit};
use uplink_service::claims::{self, ClaimInput, ClaimLineInput, MAX_EVIDENCE_BYTES};
use uplink_service::trust::{self, RatingInput};
use uplink_service::{ServiceError, tracking};

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/c/{county}/orders/{id}/claim",
            // A photo is larger than a form; a little over the 5 MB rule so the rule, not the
            // transport, gives the message.
            get(claim_page).post(open_claim).layer(DefaultBodyLimit::max(MAX_EVIDENCE_BYTES + 64 * 1024)),
        )
        .route("/c/{county}/orders/{id}/rating", post(rate))
}

fn is_buyer(v: &View, o: &Order) -> bool {
    v.person_as(&[Role::Buyer, Role::Farmer, Role::Coop]) == Some(o.buyer_id)
}

/// States in which goods have been received and may be claimed (within the county's window,
/// which the use case checks).
fn received(o: &Order) -> bool {
    matches!(o.state, OrderState::Delivered | OrderState::Accepted | OrderState::Settled | OrderState::Disputed)
}

/// The fill of a pre-order: lot (with its public trace), weight delivered, refund.
pub async fn fill_html(v: &View, o: &Order) -> Result<String, Response> {
    let Some(f) = tracking::order_fill(&v.st.db, &v.actor, v.county, o.id).await.map_err(|e| v.fail(e))? else {
        return Ok(String::new());
    };
    Ok(format!(
        "<div class=card id=fill><p>{}: <a class=m id=trace-link href=\"/t/{code}\">{code}</a></p><p>{}</p></div>",
        esc(&v.t("shop-filled-from")),
        esc(&v.ta(
            "shop-fill-detail",
            &[
                ("weight", weight(f.fill.weight_g)),
                ("charged", money(f.fill.charged_fen)),
                ("refund", money(f.fill.refund_fen))
            ]
        )),
        code = esc(&f.lot_code),
    ))
}

/// The order's claims with their status and decision, and the way to a new one for its buyer.
pub async fn claims_html(v: &View, o: &Order) -> Result<String, Response> {
    let list = claims::of_order(&v.st.db, &v.actor, v.county, o.id).await.map_err(|e| v.fail(e))?;
    let buyer = is_buyer(v, o);
    if list.is_empty() && !(buyer && received(o)) {
        return Ok(String::new());
    }
    let mut b = format!("<h2>{}</h2><div id=claims>", esc(&v.t("shop-claims")));
    for c in &list {
        b.push_str(&format!(
            "<div class=card><p><strong>{}</strong> · <span class=claim-state>{}</span> · {}</p><p>{}</p><p>{}: {}</p>",
            esc(&v.t(&format!("shop-claim-kind-{}", c.kind.as_str()))),
            esc(&v.t(&format!("shop-claim-state-{}", c.state))),
            forms::date_time(v.lang, c.opened_us),
            esc(&c.description),
            esc(&v.t("shop-claimed-value")),
            money(c.claimed_fen)
        ));
        if let Some(g) = c.measured_weight_g {
            b.push_str(&format!("<p>{}: {}</p>", esc(&v.t("shop-measured-weight")), weight(g)));
        }
        if !c.evidence.is_empty() {
            b.push_str(&format!(
                "<p>{}</p>",
                esc(&v.ta("shop-claim-photos", &[("count", c.evidence.len().to_string())]))
            ));
        }
        if let Some(a) = &c.answer {
            b.push_str(&format!("<p>{}: {}</p>", esc(&v.t("shop-seller-answer")), esc(a)));
        }
        if let Some(out) = c.outcome {
            b.push_str(&format!(
                "<p class=decision><strong>{}</strong> · {}: {}</p><p>{}</p>",
                esc(&v.t(&format!("shop-claim-outcome-{}", out.as_str()))),
                esc(&v.t("shop-refund")),
                money(c.refund_fen.unwrap_or(0)),
                esc(c.decision_reason.as_deref().unwrap_or(""))
            ));
        }
        b.push_str("</div>");
    }
    if list.is_empty() {
        b.push_str(&format!("<p class=muted>{}</p>", esc(&v.t("shop-no-claims"))));
    }
    if buyer && received(o) {
        b.push_str(&format!(
            "<p><a class=\"btn btn2\" id=claim-open href=\"{}\">{}</a></p>",
            v.href(&format!("orders/{}/claim", o.id)),
            esc(&v.t("shop-claim-open"))
        ));
    }
    b.push_str("</div>");
    Ok(b)
}

/// The rating of an accepted order, or for its buyer the form to give one.
pub async fn rating_html(v: &View, o: &Order, f: &Fields, errs: &Errs) -> Result<String, Response> {
    if !matches!(o.state, OrderState::Accepted | OrderState::Settled) {
        return Ok(String::new());
    }
    match trust::get_rating(&v.st.db, &v.actor, v.county, o.id).await {
        Ok(r) => Ok(format!(
            "<h2>{}</h2><div class=card id=rating><p><strong>{}</strong> {}</p>{}</div>",
            esc(&v.t("shop-rating")),
            esc(&v.ta("shop-stars", &[("stars", r.stars.to_string())])),
            esc(&r.comment),
            r.reply.map(|x| format!("<p>{}: {}</p>", esc(&v.t("shop-seller-answer")), esc(&x))).unwrap_or_default()
        )),
        Err(ServiceError::NotFound) if is_buyer(v, o) => {
            let stars: Vec<(String, String)> =
                (1..=5).rev().map(|n| (n.to_string(), v.ta("shop-stars", &[("stars", n.to_string())]))).collect();
            let chosen = if f.get("stars").is_empty() { "5" } else { f.get("stars") };
            Ok(format!(
                "<h2>{}</h2><form method=post action=\"{}\" id=rating-form>{}{}{}{}<button id=rating-submit>{}</button></form>",
                esc(&v.t("shop-rating")),
                v.href(&format!("orders/{}/rating", o.id)),
                guard(v),
                select(v, "stars", "shop-stars-label", &stars, chosen, errs),
                input(v, "comment", "shop-comment", f.get("comment"), errs, "maxlength=500"),
                errs.others(&["stars", "comment"]),
                esc(&v.t("shop-rate-submit"))
            ))
        }
        Err(ServiceError::NotFound) => Ok(String::new()),
        Err(e) => Err(v.fail(e)),
    }
}

async fn rate(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((county, id)): Path<(String, String)>,
    Form(f): Form<Vec<(String, String)>>,
) -> Pg {
    let (v, f) = View::posted(&st, &ctx, &county, f)?;
    let order: OrderId = v.id(&id)?;
    let mut errs = Errs::default();
    let Some(stars) = f.int("stars", &mut errs, &v) else {
        return super::orders::render(&v, &id, &Fields::default(), &f, &errs).await;
    };
    let input = RatingInput { stars, comment: f.get("comment").to_string() };
    match trust::rate(&v.st.db, &v.actor, v.county, order, input, f.idem("page-rating").as_ref()).await {
        Ok(_) => Ok(see_other(&format!("{}?done=rated", v.href(&format!("orders/{order}"))))),
        Err(e) => {
            let errs = Errs::from_service(&v, e, &|field| field.to_string())?;
            super::orders::render(&v, &id, &Fields::default(), &f, &errs).await
        }
    }
}

async fn claim_page(State(st): State<AppState>, ctx: Ctx, Path((county, id)): Path<(String, String)>) -> Pg {
    let v = View::open(&st, &ctx, &county)?;
    render_claim(&v, &id, &Fields::default(), &Errs::default()).await
}

async fn render_claim(v: &View, id: &str, f: &Fields, errs: &Errs) -> Pg {
    let id: OrderId = v.id(id)?;
    let o = uplink_service::orders::get_order(&v.st.db, &v.actor, v.county, id).await.map_err(|e| v.fail(e))?;
    if !is_buyer(v, &o) {
        return Err(v.fail(ServiceError::NotFound));
    }
    let kinds: Vec<(String, String)> = ClaimKind::ALL
        .iter()
        .map(|k| (k.as_str().to_string(), v.t(&format!("shop-claim-kind-{}", k.as_str()))))
        .collect();
    let mut b = format!(
        "<form method=post enctype=multipart/form-data action=\"{}\" id=claim-form>{}{}<fieldset id=lines>\
         <legend>{}</legend><table><tr><th>{}</th><th class=n>{}</th><th>{}</th></tr>",
        v.href(&format!("orders/{id}/claim")),
        guard(v),
        select(v, "kind", "shop-claim-kind", &kinds, f.get("kind"), errs),
        esc(&v.t("shop-claim-lines")),
        esc(&v.t("pg-product")),
        esc(&v.t("shop-received")),
        esc(&v.t("shop-claim-units"))
    );
    let grades = super::orders::line_grades(v, &o).await;
    for l in &o.lines {
        let name = format!("units_{}", l.line_no);
        let grade = super::orders::line_grade(v, l, &grades);
        b.push_str(&format!(
            "<tr><td>{}{grade}</td><td class=n>{}</td><td>{}</td></tr>",
            esc(&l.product_name),
            l.units,
            input(v, &name, "shop-claim-units", f.get(&name), errs, "inputmode=numeric")
        ));
    }
    b.push_str("</table>");
    if let Some(m) = errs.at("lines") {
        b.push_str(&format!("<p class=err id=err-lines role=alert>{}</p>", esc(m)));
    }
    let mut shown = vec!["kind", "lines", "measured_weight", "description", "photo"];
    let unit_fields: Vec<String> = o.lines.iter().map(|l| format!("units_{}", l.line_no)).collect();
    shown.extend(unit_fields.iter().map(String::as_str));
    b.push_str(&format!(
        "</fieldset>{}{}{}{}<button id=claim-submit>{}</button></form>",
        input(v, "measured_weight", "shop-measured-weight-kg", f.get("measured_weight"), errs, "inputmode=decimal"),
        input(v, "description", "shop-claim-description", f.get("description"), errs, "maxlength=500 required"),
        input(v, "photo", "shop-claim-photo", "", errs, "type=file accept=\"image/jpeg,image/png,image/webp\""),
        errs.others(&shown),
        esc(&v.t("shop-claim-submit"))
    ));
    Ok(v.page(&v.ta("shop-claim-title", &[("no", o.order_no.clone())]), &b))
}

async fn open_claim(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((county, id)): Path<(String, String)>,
    mp: Multipart,
) -> Pg {
    let v = View::open(&st, &ctx, &county)?;
    let (mut f, photo, too_large) = forms::multipart(mp, "photo").await;
    check_csrf(&v, &f)?;
    let order: OrderId = v.id(&id)?;
    let o = uplink_service::orders::get_order(&v.st.db, &v.actor, v.county, order).await.map_err(|e| v.fail(e))?;
    let mut errs = Errs::default();
    if too_large {
        errs.push("photo", v.ta("file-too-large", &[("max", (MAX_EVIDENCE_BYTES / 1024 / 1024).to_string())]));
    }
    // The lines the buyer typed a quantity for, in the order of the order's lines.
    let mut lines = Vec::new();
    let mut line_fields = Vec::new();
    for l in &o.lines {
        let name = format!("units_{}", l.line_no);
        if f.opt(&name).is_some()
            && let Some(units) = f.int(&name, &mut errs, &v)
        {
            lines.push(ClaimLineInput { line_no: l.line_no, units });
            line_fields.push(name);
        }
    }
    let measured_weight_g = match f.opt("measured_weight") {
        Some(raw) => match Grams::parse_in(&raw, WeightUnit::Kg) {
            Ok(g) => Some(g.0),
            Err(e) => {
                errs.push("measured_weight", v.field_message(&e));
                None
            }
        },
        None => None,
    };
    if !errs.is_empty() {
        return render_claim(&v, &id, &f, &errs).await;
    }
    // The idempotency key covers the photo too: the same key with another photo is refused.
    if let Some(p) = &photo {
        f.0.insert("photo_sha256".into(), uplink_service::auth::sha256_hex_bytes(p));
    }
    let input = ClaimInput {
        kind: f.get("kind").to_string(),
        lines,
        measured_weight_g,
        description: f.get("description").into(),
    };
    let r = claims::open_with_photo(
        &v.st.db,
        &v.actor,
        v.county,
        order,
        input,
        photo.as_deref(),
        f.idem("page-claim").as_ref(),
    )
    .await;
    match r {
        Ok(_) => Ok(see_other(&format!("{}?done=claimed", v.href(&format!("orders/{order}"))))),
        Err(e) => {
            let errs = Errs::from_service(&v, e, &|field| rename(field, &line_fields))?;
            render_claim(&v, &id, &f, &errs).await
        }
    }
}

/// The use case's field names as the form's: `lines[i].units` is the quantity input of the
/// i-th line sent, `file` the photo, the weight is typed in kg.
fn rename(field: &str, line_fields: &[String]) -> String {
    if let Some(rest) = field.strip_prefix("lines[")
        && let Some((i, _)) = rest.split_once(']')
        && let Some(name) = i.parse::<usize>().ok().and_then(|i| line_fields.get(i))
    {
        return name.clone();
    }
    match field {
        "file" => "photo".into(),
        "measured_weight_g" => "measured_weight".into(),
        other => other.to_string(),
    }
}
