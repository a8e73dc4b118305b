//! Produce intake at the village station (收购/入站): the agent finds the farmer by name or phone,
//! picks the product and grade of an allocated harvest window, types the gross and tare weights
//! and the compliance certificate number, and Uplink makes the lot and pays the farmer in
//! one transaction (`service::intake`). The form carries an idempotency key, so a double tap
//! makes one lot. Success opens the lot's page: its label and the farmer's receipt
//! (`station_lot`). Weights are typed in the county's unit, kg or 斤. A photo of the produce may
//! be taken with the phone's camera; it is stored with the lot, in the same transaction.

use super::forms::{self, Errs, Fields, check_csrf, guard, hidden, input, money, see_other};
use super::station::my_station;
use super::{Pg, View};
use crate::context::Ctx;
use crate::html::esc;
use crate::i18n::Lang;
use crate::state::AppState;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Path, Query, Request, State};
use axum::response::Response;
use axum::routing::get;
use uplink_core::catalog::Product;
use uplink_core::window::WindowState;
use uplink_core::{PersonId, WindowId};
use uplink_service::catalog::get_product;
use uplink_service::intake::{IntakeInput, record_intake_with_photo};
use uplink_service::paging::ListQuery;
use uplink_service::people::{self as people_uc, PeopleQuery};
use uplink_service::windows::{WindowQuery, list_windows};
use uplink_store::windows::Window;

pub fn router() -> Router<AppState> {
    Router::new().route(
        "/c/{county}/intake",
        // A photo is larger than a form; a little over the photo rule so the rule, not the
        // transport, gives the message.
        get(form).post(take_in).layer(DefaultBodyLimit::max(uplink_core::photo::MAX_BYTES + 64 * 1024)),
    )
}

/// A harvest window with its product: the names of its grades, whether it needs a certificate.
pub(super) struct Harvest {
    pub window: Window,
    pub product: Product,
}

/// The county's windows in one of `states`, harvest first, each with its product.
pub(super) async fn harvests(v: &View, states: &[WindowState]) -> Result<Vec<Harvest>, Response> {
    let db = &v.st.db;
    let all = list_windows(db, &v.actor, v.county, &WindowQuery::default()).await.map_err(|e| v.fail(e))?;
    let mut out = Vec::new();
    for window in all.into_iter().filter(|w| states.contains(&w.state)) {
        let product = get_product(db, &v.actor, v.county, window.product_id).await.map_err(|e| v.fail(e))?;
        out.push(Harvest { window, product });
    }
    out.sort_by(|a, b| a.window.harvest_date.cmp(&b.window.harvest_date));
    Ok(out)
}

/// A grade of the product by its code, in the reader's language.
pub(super) fn grade_name(lang: Lang, p: &Product, code: &str) -> String {
    match p.grades.iter().find(|g| g.code == code) {
        Some(g) => match (lang, &g.name_en) {
            (Lang::En, Some(en)) => en.clone(),
            _ => g.name_zh.clone(),
        },
        None => code.to_string(),
    }
}

/// The choice of product and grade: `window id/grade code`.
pub(super) fn pick(w: WindowId, grade: &str) -> String {
    format!("{w}/{grade}")
}

const WEIGHT_ATTRS: &str = "inputmode=decimal autocomplete=off required";

/// Windows whose produce is taken in now: allocated to the farmers, or already filling orders.
const TAKING_IN: [WindowState; 2] = [WindowState::Allocated, WindowState::Filled];

async fn form(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(county): Path<String>,
    Query(q): Query<Vec<(String, String)>>,
) -> Pg {
    let v = View::open(&st, &ctx, &county)?;
    render(&v, &Fields::from(q), &Errs::default()).await
}

async fn render(v: &View, f: &Fields, errs: &Errs) -> Pg {
    let station = my_station(v).await?;
    let db = &v.st.db;
    let here = v.href(super::INTAKE_PAGE);
    let unit = v.weight_unit().await?;
    let mut b = format!("<p class=muted>{}</p>", esc(&station.name));

    // 1. The farmer: chosen, or found by name or phone.
    b.push_str(&format!("<h2 id=farmer>{}</h2>", esc(&v.t("st-farmer"))));
    let farmer = match f.get("farmer").parse::<PersonId>() {
        Ok(id) => Some(people_uc::get_person(db, &v.actor, v.county, id).await.map_err(|e| v.fail(e))?),
        Err(_) => None,
    };
    match &farmer {
        Some(p) => b.push_str(&format!(
            "<p><strong id=farmer-name>{}</strong> <span class=m>{}</span> <a href=\"{here}?pick={}\">{}</a></p>",
            esc(&p.name),
            esc(p.phone.as_deref().unwrap_or("")),
            esc(f.get("pick")),
            esc(&v.t("st-change"))
        )),
        None => {
            b.push_str(&format!(
                "<form method=get action=\"{here}\">{}<label for=q>{}</label><input id=q name=q type=search value=\"{}\">\
                 <button id=farmer-find>{}</button></form>",
                hidden("pick", f.get("pick")),
                esc(&v.t("st-find-farmer")),
                esc(f.get("q")),
                esc(&v.t("pg-find"))
            ));
            if let Some(text) = f.opt("q") {
                b.push_str(&found_farmers(v, &text, f.get("pick")).await?);
            }
        }
    }
    if let Some(m) = errs.at("farmer") {
        b.push_str(&format!("<p class=err id=err-farmer role=alert>{}</p>", esc(m)));
    }

    // 2. What is brought, weighed and checked.
    let harvests = harvests(v, &TAKING_IN).await?;
    b.push_str(&format!("<h2>{}</h2>", esc(&v.t("st-produce"))));
    if harvests.is_empty() {
        b.push_str(&format!("<p class=warn id=no-harvest>{}</p>", esc(&v.t("st-no-harvest"))));
    }
    let chosen = f.get("pick");
    let (aria, msg) = match errs.at("grade") {
        Some(m) => (
            " aria-invalid=true aria-describedby=err-grade",
            format!("<p class=err id=err-grade role=alert>{}</p>", esc(m)),
        ),
        None => ("", String::new()),
    };
    let mut select = format!(
        "<label for=pick>{}</label><select id=pick name=pick{aria}><option value=\"\">{}</option>",
        esc(&v.t("st-product-grade")),
        esc(&v.t("st-choose"))
    );
    for h in &harvests {
        select.push_str(&format!(
            "<optgroup label=\"{} · {}\">",
            esc(&super::shop::product_name(v.lang, &h.product)),
            esc(&super::forms::date_text(v.lang, &h.window.harvest_date))
        ));
        for o in &h.window.offers {
            let val = pick(h.window.id, &o.grade);
            select.push_str(&format!(
                "<option value=\"{}\"{}>{} · {}/kg</option>",
                esc(&val),
                if val == chosen { " selected" } else { "" },
                esc(&grade_name(v.lang, &h.product, &o.grade)),
                money(o.farmer_price_fen)
            ));
        }
        select.push_str("</optgroup>");
    }
    select.push_str("</select>");
    select.push_str(&msg);
    let shown = ["farmer", "grade", "gross", "tare", "grade_reason", "certificate_no", "photo"];
    b.push_str(&format!(
        "<form method=post enctype=multipart/form-data action=\"{here}\" id=intake>{}{}{}{}<div class=cols><div>{}\
         </div><div>{}</div></div>{}{}{}<button id=intake-submit>{}</button></form>",
        guard(v),
        hidden("farmer", f.get("farmer")),
        errs.others(&shown),
        select,
        input(v, "gross", &format!("st-gross-{}", unit.as_str()), f.get("gross"), errs, WEIGHT_ATTRS),
        input(v, "tare", &format!("st-tare-{}", unit.as_str()), f.get("tare"), errs, WEIGHT_ATTRS),
        input(v, "grade_reason", "st-grade-reason", f.get("grade_reason"), errs, "autocomplete=off"),
        input(v, "certificate_no", "st-certificate", f.get("certificate_no"), errs, "autocomplete=off"),
        input(v, "photo", "st-photo", "", errs, "type=file accept=\"image/*\" capture=environment"),
        esc(&v.t("st-take-in"))
    ));
    b.push_str(&format!("<p><a href=\"{}\">{}</a></p>", v.href("station"), esc(&v.t("pg-back-console"))));
    Ok(v.page(&v.t("pg-intake"), &b))
}

/// Farmers and co-ops matching the search, each a link that chooses them.
async fn found_farmers(v: &View, text: &str, chosen_pick: &str) -> Result<String, Response> {
    let mut found = Vec::new();
    for role in ["farmer", "coop"] {
        let lq = ListQuery { q: Some(text.to_string()), limit: Some(8), offset: None };
        let pq = PeopleQuery { role: Some(role.into()) };
        match people_uc::list_people(&v.st.db, &v.actor, v.county, &lq, &pq).await {
            Ok(page) => found.extend(page.items),
            Err(uplink_service::ServiceError::Invalid(_)) => {}
            Err(e) => return Err(v.fail(e)),
        }
    }
    if found.is_empty() {
        return Ok(format!("<p class=muted id=found-none>{}</p>", esc(&v.t("pg-none"))));
    }
    let mut s = String::from("<table id=found>");
    for p in found {
        s.push_str(&format!(
            "<tr><td>{}</td><td class=m>{}</td><td><a class=btn href=\"{}?farmer={}&pick={}\">{}</a></td></tr>",
            esc(&p.name),
            esc(p.phone.as_deref().unwrap_or("")),
            v.href(super::INTAKE_PAGE),
            p.id,
            esc(chosen_pick),
            esc(&v.t("st-choose-farmer"))
        ));
    }
    s.push_str("</table>");
    Ok(s)
}

/// The use case's field, as the form names it.
fn form_field(f: &str) -> String {
    match f {
        "farmer_id" => "farmer",
        "window_id" | "grade" => "grade",
        "gross_g" => "gross",
        "tare_g" | "net_g" => "tare",
        "file" => "photo",
        other => other,
    }
    .to_string()
}

async fn take_in(State(st): State<AppState>, ctx: Ctx, Path(county): Path<String>, req: Request) -> Pg {
    let v = View::open(&st, &ctx, &county)?;
    let (mut f, photo, too_large) = forms::posted(req, "photo").await;
    check_csrf(&v, &f)?;
    let station = my_station(&v).await?;
    let mut errs = Errs::default();
    if too_large {
        errs.push(
            "photo",
            v.ta("file-too-large", &[("max", (uplink_core::photo::MAX_BYTES / 1024 / 1024).to_string())]),
        );
    }
    let farmer = f.get("farmer").parse::<PersonId>().ok();
    if farmer.is_none() {
        errs.push("farmer", v.t("st-farmer-required"));
    }
    let chosen = f.get("pick").split_once('/').and_then(|(w, g)| Some((w.parse::<WindowId>().ok()?, g.to_string())));
    if chosen.is_none() {
        errs.push("grade", v.t("required"));
    }
    let unit = v.weight_unit().await?;
    let gross = f.weight("gross", unit, &mut errs, &v);
    let tare = f.weight("tare", unit, &mut errs, &v);
    if let (Some(g), Some(t)) = (gross, tare)
        && let Err(e) = uplink_core::lot::net_weight(g.0, t.0)
    {
        errs.0.extend(Errs::from_service(&v, e.into(), &form_field)?.0);
    }
    let chosen_photo = photo.is_some() || too_large;
    let (Some(farmer_id), Some((window_id, grade)), Some(gross), Some(tare), true) =
        (farmer, chosen, gross, tare, errs.is_empty())
    else {
        return render(&v, &f, &choose_photo_again(&v, errs, chosen_photo)).await;
    };
    // The idempotency key covers the photo too: the same key with another photo is refused.
    if let Some(p) = &photo {
        f.0.insert("photo_sha256".into(), uplink_service::auth::sha256_hex_bytes(p));
    }
    let input = IntakeInput {
        window_id,
        farmer_id,
        station_id: Some(station.id),
        grade,
        gross_g: gross.0,
        tare_g: tare.0,
        grade_reason: f.opt("grade_reason"),
        certificate_no: f.opt("certificate_no"),
    };
    let idem = f.idem("page-intake");
    match record_intake_with_photo(&v.st.db, &v.actor, v.county, input, photo.as_deref(), idem.as_ref()).await {
        Ok(r) => Ok(see_other(&format!("{}/{}?done=intake", v.href(super::INTAKE_PAGE), r.lot.id))),
        Err(e) => {
            let errs = Errs::from_service(&v, e, &form_field)?;
            render(&v, &f, &choose_photo_again(&v, errs, chosen_photo)).await
        }
    }
}

/// A form sent back cannot keep the file that was chosen: when there was one, the photo field
/// says to choose it again (after what was wrong with it, if anything).
fn choose_photo_again(v: &View, mut errs: Errs, chosen: bool) -> Errs {
    if !chosen {
        return errs;
    }
    let again = v.t("st-photo-again");
    match errs.0.iter_mut().find(|(field, _)| field == "photo") {
        Some((_, msg)) => *msg = format!("{msg} {again}"),
        None => errs.push("photo", again),
    }
    errs
}
