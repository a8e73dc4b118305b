//! The operator's pre-order windows: the list (state, dates, kg pre-ordered against the minimum)
//! and the form that opens a new one for a farm product: first the product, then its grades' prices
//! per kg for the buyer and the farmer with the named fees that must add up to the difference, the
//! dates, the minimum and the city drop points. Each window's page shows the farmers' declared
//! supply with the allocation and the harvest list of every station. Auditors read without forms.

use super::forms::{self, Errs, Fields, guard, hidden, input, see_other, select};
use super::operator::{manages, tabs};
use super::{Pg, View};
use crate::context::Ctx;
use crate::html::esc;
use crate::i18n::Lang;
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::get;
use axum::{Form, Router};
use uplink_core::catalog::Product;
use uplink_core::order::Direction;
use uplink_core::time::{US_PER_DAY, parse_date, utc_offset_min};
use uplink_core::window::{Fees, GradeOffer};
use uplink_core::{Fen, WindowId};
use uplink_service::catalog::{CatalogQuery, get_product, list_products};
use uplink_service::settings;
use uplink_service::windows::{self as uc, WindowInput, WindowQuery};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/c/{county}/operator/windows", get(windows).post(create))
        .route("/c/{county}/operator/windows/{id}", get(window_page))
}

type Q = Query<Vec<(String, String)>>;

/// The per-kg prices of a grade's row on the form, by input suffix and fee name.
const FEES: [(&str, &str); 4] = [
    ("transport", "win-fee-transport"),
    ("packing", "win-fee-packing"),
    ("station", "win-fee-station"),
    ("platform", "win-fee-platform"),
];

fn grade_name(lang: Lang, g: &uplink_core::catalog::Grade) -> String {
    match lang {
        Lang::ZhCn => g.name_zh.clone(),
        Lang::En => g.name_en.clone().unwrap_or_else(|| g.name_zh.clone()),
    }
}

async fn windows(State(st): State<AppState>, ctx: Ctx, Path(county): Path<String>, Query(q): Q) -> Pg {
    let v = View::open(&st, &ctx, &county)?;
    let q = Fields::from(q);
    render(&v, &q, &q, &Errs::default()).await
}

async fn render(v: &View, q: &Fields, typed: &Fields, errs: &Errs) -> Pg {
    let db = &v.st.db;
    let list = uc::list_windows(db, &v.actor, v.county, &WindowQuery::default()).await.map_err(|e| v.fail(e))?;
    let mut b = tabs(v);
    b.push_str(&forms::flash(v, q.opt("done").as_deref()));
    b.push_str(&format!(
        "<table id=windows><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th class=n>{}</th></tr>",
        esc(&v.t("win-name")),
        esc(&v.t("win-state")),
        esc(&v.t("win-closes")),
        esc(&v.t("win-harvest")),
        esc(&v.t("win-ordered"))
    ));
    for w in &list {
        b.push_str(&format!(
            "<tr><td><a href=\"{}\">{}</a><br>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=n>{} / {} kg</td></tr>",
            v.href(&format!("operator/windows/{}", w.id)),
            esc(&w.title),
            esc(&w.product_name),
            esc(&v.t(&format!("win-state-{}", w.state.as_str()))),
            esc(&forms::date_time(v.lang, w.closes_us)),
            esc(&forms::date_text(v.lang, &w.harvest_date)),
            w.ordered_kg,
            w.minimum_kg
        ));
    }
    b.push_str("</table>");
    if list.is_empty() {
        b.push_str(&format!("<p class=muted>{}</p>", esc(&v.t("pg-none"))));
    }
    if manages(v) {
        b.push_str(&create_form(v, typed, errs).await?);
    }
    Ok(v.page(&v.t("win-title"), &b))
}

/// The form to open a window: the product first (a plain GET, no script), then the rest.
async fn create_form(v: &View, typed: &Fields, errs: &Errs) -> Result<String, Response> {
    let db = &v.st.db;
    let cq =
        CatalogQuery { direction: Some(Direction::Uplink.as_str().into()), limit: Some(200), ..Default::default() };
    let products = list_products(db, &v.actor, v.county, &cq).await.map_err(|e| v.fail(e))?;
    let opts: Vec<(String, String)> = std::iter::once((String::new(), "—".to_string()))
        .chain(products.items.iter().map(|p| (p.id.to_string(), super::shop::product_name(v.lang, p))))
        .collect();
    let chosen = typed.get("product_id");
    let mut b = format!(
        "<h2>{}</h2><form method=get action=\"{}\" id=choose-product>{}<button id=choose-product-submit>{}</button></form>",
        esc(&v.t("win-new")),
        v.href("operator/windows"),
        select(v, "product_id", "pg-product", &opts, chosen, errs),
        esc(&v.t("win-choose-product"))
    );
    let Some(product) = products.items.iter().find(|p| p.id.to_string() == chosen) else { return Ok(b) };
    let drops = settings::drop_points(db, &v.actor, v.county).await.map_err(|e| v.fail(e))?;
    let mut grades = String::new();
    for (i, g) in product.grades.iter().enumerate() {
        let name = |s: &str| format!("o{i}-{s}");
        let mut fees = String::new();
        for (suffix, label) in FEES {
            fees.push_str(&input(v, &name(suffix), label, typed.get(&name(suffix)), errs, "inputmode=decimal"));
        }
        let fees_err = match errs.at(&name("fees")) {
            Some(m) => format!("<p class=err id=err-o{i}-fees role=alert>{}</p>", esc(m)),
            None => String::new(),
        };
        grades.push_str(&format!(
            "<fieldset class=card id=\"grade-{i}\"><legend>{}</legend>{}{}{fees}{fees_err}</fieldset>",
            esc(&grade_name(v.lang, g)),
            input(v, &name("buyer"), "win-buyer-price", typed.get(&name("buyer")), errs, "inputmode=decimal"),
            input(v, &name("farmer"), "win-farmer-price", typed.get(&name("farmer")), errs, "inputmode=decimal"),
        ));
    }
    let mut drop_boxes = String::new();
    for d in &drops {
        let n = format!("drop-{}", d.id);
        let on = if typed.get(&n).is_empty() { "" } else { " checked" };
        drop_boxes.push_str(&format!(
            "<label><input type=checkbox id=\"{n}\" name=\"{n}\" value=on{on}> {} · {}</label>",
            esc(&d.city),
            esc(&d.name)
        ));
    }
    let drop_err = match errs.at("drop_point_ids") {
        Some(m) => format!("<p class=err id=err-drop_point_ids role=alert>{}</p>", esc(m)),
        None => String::new(),
    };
    let shown =
        ["title", "opens", "closes", "harvest_date", "delivery_date", "minimum_kg", "min_lot_kg", "drop_point_ids"];
    let mut all_shown: Vec<String> = shown.iter().map(|s| s.to_string()).collect();
    for i in 0..product.grades.len() {
        for s in ["buyer", "farmer", "fees", "transport", "packing", "station", "platform"] {
            all_shown.push(format!("o{i}-{s}"));
        }
    }
    let shown_refs: Vec<&str> = all_shown.iter().map(String::as_str).collect();
    b.push_str(&format!(
        "<form method=post action=\"{}\" id=create-window>{}{}{}{}{}{}{}{}{}<p class=muted>{}</p>{grades}\
         <fieldset id=drop-points><legend>{}</legend>{drop_boxes}{drop_err}</fieldset>{}<button id=create-window-submit>{}</button></form>",
        v.href("operator/windows"),
        guard(v),
        hidden("product_id", chosen),
        input(v, "title", "win-name", typed.get("title"), errs, "required"),
        input(v, "opens", "win-opens", typed.get("opens"), errs, "type=datetime-local required"),
        input(v, "closes", "win-closes", typed.get("closes"), errs, "type=datetime-local required"),
        input(v, "harvest_date", "win-harvest", typed.get("harvest_date"), errs, "type=date required"),
        input(v, "delivery_date", "win-delivery", typed.get("delivery_date"), errs, "type=date required"),
        input(v, "minimum_kg", "win-minimum", typed.get("minimum_kg"), errs, "inputmode=numeric required"),
        input(v, "min_lot_kg", "win-min-lot", if typed.get("min_lot_kg").is_empty() { "5" } else { typed.get("min_lot_kg") }, errs, "inputmode=numeric"),
        esc(&v.t("win-prices-help")),
        esc(&v.t("win-drop-points")),
        errs.others(&shown_refs),
        esc(&v.t("win-create"))
    ));
    Ok(b)
}

/// `YYYY-MM-DDTHH:MM` in the county's zone as UTC microseconds.
fn local_time_us(raw: &str, zone: &str) -> Option<i64> {
    let (d, t) = raw.trim().split_once('T')?;
    let day = parse_date(d).ok()?;
    let (h, m) = t.get(..5)?.split_once(':')?;
    let (h, m): (i64, i64) = (h.parse().ok()?, m.parse().ok()?);
    if !(0..24).contains(&h) || !(0..60).contains(&m) {
        return None;
    }
    Some(day * US_PER_DAY + ((h * 60 + m) - utc_offset_min(zone)) * 60_000_000)
}

/// A price per kg typed in yuan; an error at the field otherwise.
fn yuan(v: &View, f: &Fields, name: &str, errs: &mut Errs) -> i64 {
    if f.get(name).trim().is_empty() {
        return 0;
    }
    match Fen::parse_yuan(f.get(name)) {
        Ok(x) => x.0,
        Err(e) => {
            errs.push(name, v.field_message(&e));
            0
        }
    }
}

async fn create(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(county): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Pg {
    let (v, f) = View::posted(&st, &ctx, &county, f)?;
    let mut errs = Errs::default();
    let Some(product_id) = f.opt("product_id").and_then(|p| p.parse().ok()) else {
        errs.push("product_id", v.t("required"));
        return render(&v, &Fields::default(), &f, &errs).await;
    };
    let product: Product = get_product(&v.st.db, &v.actor, v.county, product_id).await.map_err(|e| v.fail(e))?;
    let zone =
        uplink_service::network::get_county(&v.st.db, &v.actor, v.county).await.map_err(|e| v.fail(e))?.time_zone;
    let mut times = [0i64; 2];
    for (k, slot) in ["opens", "closes"].iter().zip(times.iter_mut()) {
        match local_time_us(f.get(k), &zone) {
            Some(us) => *slot = us,
            None => errs.push(k, v.t(if f.get(k).trim().is_empty() { "required" } else { "win-bad-time" })),
        }
    }
    // The grades with a buyer's price are offered; `rows[k]` is the form row of offer `k`.
    let mut offers = Vec::new();
    let mut rows = Vec::new();
    for (i, grade) in product.grades.iter().enumerate() {
        let n = |s: &str| format!("o{i}-{s}");
        if f.opt(&n("buyer")).is_none() && f.opt(&n("farmer")).is_none() {
            continue;
        }
        let fees = Fees {
            transport_fen: yuan(&v, &f, &n("transport"), &mut errs),
            packing_fen: yuan(&v, &f, &n("packing"), &mut errs),
            station_commission_fen: yuan(&v, &f, &n("station"), &mut errs),
            platform_fen: yuan(&v, &f, &n("platform"), &mut errs),
        };
        offers.push(GradeOffer {
            grade: grade.code.clone(),
            buyer_price_fen: yuan(&v, &f, &n("buyer"), &mut errs),
            farmer_price_fen: yuan(&v, &f, &n("farmer"), &mut errs),
            fees,
        });
        rows.push(i);
    }
    let minimum_kg = f.int("minimum_kg", &mut errs, &v);
    let min_lot_kg = if f.opt("min_lot_kg").is_some() { f.int("min_lot_kg", &mut errs, &v) } else { None };
    let drop_point_ids = f.0.keys().filter_map(|k| k.strip_prefix("drop-")).filter_map(|id| id.parse().ok()).collect();
    if !errs.is_empty() {
        return render(&v, &Fields::default(), &f, &errs).await;
    }
    let input = WindowInput {
        title: f.get("title").to_string(),
        product_id,
        offers,
        opens_us: times[0],
        closes_us: times[1],
        harvest_date: f.get("harvest_date").to_string(),
        delivery_date: f.get("delivery_date").to_string(),
        minimum_kg: minimum_kg.unwrap_or(0),
        min_lot_kg,
        drop_point_ids,
    };
    match uc::create_window(&v.st.db, &v.actor, v.county, input, f.idem("page-window").as_ref()).await {
        Ok(w) => Ok(see_other(&format!("{}?done=created", v.href(&format!("operator/windows/{}", w.id))))),
        Err(e) => {
            let rename = |x: &str| form_field(x, &rows);
            let errs = Errs::from_service(&v, e, &rename)?;
            render(&v, &Fields::default(), &f, &errs).await
        }
    }
}

/// The use case's field (`offers[1].fees.packing_fen`, `closes_us`) as the form's input.
fn form_field(field: &str, rows: &[usize]) -> String {
    if let Some(rest) = field.strip_prefix("offers[") {
        let (k, tail) = rest.split_once("].").unwrap_or((rest.trim_end_matches(']'), ""));
        let row = k.parse::<usize>().ok().and_then(|k| rows.get(k).copied()).unwrap_or(0);
        let suffix = match tail {
            "buyer_price_fen" => "buyer",
            "farmer_price_fen" => "farmer",
            "fees.transport_fen" => "transport",
            "fees.packing_fen" => "packing",
            "fees.station_commission_fen" => "station",
            "fees.platform_fen" => "platform",
            "grade" => "buyer",
            _ => "fees",
        };
        return format!("o{row}-{suffix}");
    }
    match field {
        "opens_us" => "opens".into(),
        "closes_us" => "closes".into(),
        f if f.starts_with("drop_point_ids") => "drop_point_ids".into(),
        f => f.to_string(),
    }
}

async fn window_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((county, id)): Path<(String, String)>,
    Query(q): Q,
) -> Pg {
    let v = View::open(&st, &ctx, &county)?;
    let q = Fields::from(q);
    let id: WindowId = id.parse().map_err(|_| v.fail(uplink_service::ServiceError::NotFound))?;
    let db = &v.st.db;
    let w = uc::get_window(db, &v.actor, v.county, id).await.map_err(|e| v.fail(e))?;
    let supply = uc::list_supply(db, &v.actor, v.county, id).await.map_err(|e| v.fail(e))?;
    let lists = uc::harvest_lists(db, &v.actor, v.county, id).await.map_err(|e| v.fail(e))?;
    let mut b = tabs(&v);
    b.push_str(&forms::flash(&v, q.opt("done").as_deref()));
    b.push_str(&format!(
        "<p><strong>{}</strong> · {} · <span id=window-state>{}</span></p><p>{} {} · {} {} · {} {}</p>\
         <p id=window-ordered>{}</p><table id=offers><tr><th>{}</th><th class=n>{}</th><th class=n>{}</th></tr>",
        esc(&w.title),
        esc(&w.product_name),
        esc(&v.t(&format!("win-state-{}", w.state.as_str()))),
        esc(&v.t("win-closes")),
        esc(&forms::date_time(v.lang, w.closes_us)),
        esc(&v.t("win-harvest")),
        esc(&forms::date_text(v.lang, &w.harvest_date)),
        esc(&v.t("win-delivery")),
        esc(&forms::date_text(v.lang, &w.delivery_date)),
        esc(&v.ta(
            "win-ordered-of",
            &[
                ("ordered", w.ordered_kg.to_string()),
                ("minimum", w.minimum_kg.to_string()),
                ("orders", w.orders.to_string())
            ]
        )),
        esc(&v.t("pg-grade")),
        esc(&v.t("win-buyer-price")),
        esc(&v.t("win-farmer-price")),
    ));
    for o in &w.offers {
        b.push_str(&format!(
            "<tr><td>{}</td><td class=n>{}</td><td class=n>{}</td></tr>",
            esc(&o.grade),
            Fen(o.buyer_price_fen),
            Fen(o.farmer_price_fen)
        ));
    }
    b.push_str(&format!(
        "</table><h2>{}</h2><table id=supply><tr><th>{}</th><th>{}</th><th>{}</th><th class=n>{}</th><th class=n>{}</th></tr>",
        esc(&v.t("win-supply")),
        esc(&v.t("win-farmer")),
        esc(&v.t("pg-station")),
        esc(&v.t("pg-grade")),
        esc(&v.t("win-declared")),
        esc(&v.t("win-allocated"))
    ));
    for s in &supply {
        b.push_str(&format!(
            "<tr><td>{}<br><span class=muted>{}</span></td><td>{}</td><td>{}</td><td class=n>{} kg</td><td class=n>{}</td></tr>",
            esc(&s.farmer_name),
            esc(s.village_name.as_deref().unwrap_or("")),
            esc(&s.station_name),
            esc(&s.grade),
            s.kg,
            s.allocated_kg.map(|k| format!("{k} kg")).unwrap_or_else(|| "—".into())
        ));
    }
    b.push_str("</table>");
    b.push_str(&format!("<h2>{}</h2>", esc(&v.t("win-harvest-lists"))));
    if lists.is_empty() {
        b.push_str(&format!("<p class=muted id=no-harvest-lists>{}</p>", esc(&v.t("win-not-allocated"))));
    }
    for l in &lists {
        b.push_str(&format!(
            "<div class=card><h3>{} · {} · {} kg</h3><ul>",
            esc(&l.station_name),
            esc(&forms::date_text(v.lang, &l.harvest_date)),
            l.total_kg
        ));
        for r in &l.rows {
            b.push_str(&format!(
                "<li>{} · {} · {} kg</li>",
                esc(&r.farmer_name),
                esc(&r.grade),
                r.allocated_kg.unwrap_or(0)
            ));
        }
        b.push_str("</ul></div>");
    }
    Ok(v.page(&w.title, &b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_times_and_field_names_read_as_the_form_means_them() {
        // 08:00 in Shanghai is 00:00 UTC.
        let day = parse_date("2026-08-01").unwrap();
        assert_eq!(local_time_us("2026-08-01T08:00", "Asia/Shanghai"), Some(day * US_PER_DAY));
        assert_eq!(local_time_us("2026-08-01", "Asia/Shanghai"), None);
        assert_eq!(local_time_us("2026-08-01T25:00", "Asia/Shanghai"), None);
        assert_eq!(form_field("offers[1].fees", &[0, 2]), "o2-fees");
        assert_eq!(form_field("offers[0].fees.platform_fen", &[1]), "o1-platform");
        assert_eq!(form_field("closes_us", &[]), "closes");
        assert_eq!(form_field("drop_point_ids[0]", &[]), "drop_point_ids");
    }
}
