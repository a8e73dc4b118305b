//! The buyer's pre-order windows: the open windows on the shop page, each with its delivery
//! date, the price of every grade, the minimum and how much is ordered already, and a countdown
//! to the close ("closes in 2 days 3 h", written by the server and kept current by the page's
//! small script); and a window's page with the pre-order form (grade, kg, drop point), paid from
//! the wallet into escrow like every order, with the form's idempotency key against a double tap.

use super::forms::{Errs, Fields, date_text, guard, input, money, see_other, select};
use super::{Pg, View};
use crate::context::Ctx;
use crate::html::esc;
use crate::i18n::Lang;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use axum::{Form, Router};
use uplink_core::catalog::Grade;
use uplink_core::people::Role;
use uplink_core::window::WindowState;
use uplink_core::{DropPointId, ProductId, WindowId};
use uplink_service::windows::{self as uc, PreorderInput, WindowQuery};
use uplink_service::{catalog, settings};
use uplink_store::windows::Window;

pub fn router() -> Router<AppState> {
    Router::new().route("/c/{county}/shop/windows/{id}", get(window_page).post(preorder))
}

const US_PER_S: i64 = 1_000_000;

/// A grade's name in the reader's language, from the product's grades (the code when unknown).
pub fn grade_name(lang: Lang, grades: &[Grade], code: &str) -> String {
    match grades.iter().find(|g| g.code == code) {
        Some(g) => match (lang, &g.name_en) {
            (Lang::En, Some(en)) => en.clone(),
            _ => g.name_zh.clone(),
        },
        None => code.to_string(),
    }
}

/// The grades of a product, for naming them; none when the product cannot be read.
pub async fn grades_of(v: &View, product: ProductId) -> Vec<Grade> {
    catalog::get_product(&v.st.db, &v.actor, v.county, product).await.map(|p| p.grades).unwrap_or_default()
}

/// The time left until `closes_us` as the reader says it, in an element the script updates from
/// the templates it carries (`{d}`, `{h}`, `{m}` stand for the numbers).
pub fn countdown(v: &View, closes_us: i64, now_us: i64) -> String {
    let left = (closes_us - now_us).max(0) / US_PER_S;
    let (d, h, m) = (left / 86_400, left % 86_400 / 3_600, left % 3_600 / 60);
    let text = if left == 0 {
        v.t("shop-window-closed")
    } else if d > 0 {
        v.ta("shop-closes-in-days", &[("d", d.to_string()), ("h", h.to_string())])
    } else {
        v.ta("shop-closes-in-hours", &[("h", h.to_string()), ("m", m.to_string())])
    };
    let tpl = |key: &str, args: &[&str]| {
        let a: Vec<(&str, String)> = args.iter().map(|x| (*x, format!("{{{x}}}"))).collect();
        esc(&v.ta(key, &a))
    };
    format!(
        "<span class=countdown data-closes={} data-d=\"{}\" data-h=\"{}\" data-x=\"{}\">{}</span>",
        closes_us / 1000,
        tpl("shop-closes-in-days", &["d", "h"]),
        tpl("shop-closes-in-hours", &["h", "m"]),
        esc(&v.t("shop-window-closed")),
        esc(&text)
    )
}

/// "120 kg ordered of the 100 kg minimum".
fn ordered(v: &View, w: &Window) -> String {
    v.ta("shop-window-ordered", &[("ordered", w.ordered_kg.to_string()), ("minimum", w.minimum_kg.to_string())])
}

/// The open windows as cards for the shop page, with the script that runs their countdowns.
pub async fn open_windows_html(v: &View) -> Result<String, Response> {
    let q = WindowQuery { state: Some(WindowState::Open.as_str().into()) };
    let windows = uc::list_windows(&v.st.db, &v.actor, v.county, &q).await.map_err(|e| v.fail(e))?;
    let mut b = format!("<h2 id=windows-title>{}</h2><div id=windows>", esc(&v.t("shop-windows")));
    if windows.is_empty() {
        b.push_str(&format!("<p class=muted>{}</p>", esc(&v.t("pg-none"))));
    }
    let now = uplink_store::now_us();
    let mut names: Vec<(ProductId, Vec<Grade>)> = Vec::new();
    for w in &windows {
        if !names.iter().any(|(p, _)| *p == w.product_id) {
            names.push((w.product_id, grades_of(v, w.product_id).await));
        }
        let grades = names.iter().find(|(p, _)| *p == w.product_id).map(|(_, g)| g.as_slice()).unwrap_or(&[]);
        let prices: Vec<String> = w
            .offers
            .iter()
            .map(|o| format!("{} {}/kg", esc(&grade_name(v.lang, grades, &o.grade)), money(o.buyer_price_fen)))
            .collect();
        b.push_str(&format!(
            "<div class=card><a href=\"{}\"><strong>{}</strong></a><br>{}<br>{}: {}<br>\
             <span class=muted>{}</span> · {}</div>",
            v.href(&format!("shop/windows/{}", w.id)),
            esc(&w.title),
            prices.join(" · "),
            esc(&v.t("shop-delivery-date")),
            date_text(v.lang, &w.delivery_date),
            esc(&ordered(v, w)),
            countdown(v, w.closes_us, now)
        ));
    }
    b.push_str("</div>");
    if !windows.is_empty() {
        b.push_str(&script());
    }
    Ok(b)
}

/// The page's one script (the countdowns), loaded after the page is shown.
pub fn script() -> String {
    format!("<script src=\"{}\" defer></script>", super::assets::js_href())
}

async fn window_page(State(st): State<AppState>, ctx: Ctx, Path((county, id)): Path<(String, String)>) -> Pg {
    let v = View::open(&st, &ctx, &county)?;
    render(&v, &id, &Fields::default(), &Errs::default()).await
}

async fn render(v: &View, id: &str, f: &Fields, errs: &Errs) -> Pg {
    let id: WindowId = v.id(id)?;
    let w = uc::get_window(&v.st.db, &v.actor, v.county, id).await.map_err(|e| v.fail(e))?;
    let grades = grades_of(v, w.product_id).await;
    let now = uplink_store::now_us();
    let mut b = super::shop::tabs(v);
    b.push_str(&format!(
        "<div class=card><p>{}: {}</p><p>{}: <strong id=delivery-date>{}</strong></p><p id=window-ordered>{}</p>\
         <p id=countdown>{}</p></div>",
        esc(&v.t("pg-harvest")),
        date_text(v.lang, &w.harvest_date),
        esc(&v.t("shop-delivery-date")),
        date_text(v.lang, &w.delivery_date),
        esc(&ordered(v, &w)),
        if w.state == WindowState::Open { countdown(v, w.closes_us, now) } else { esc(&v.t("shop-window-closed")) }
    ));
    b.push_str(&format!(
        "<h2>{}</h2><table id=window-prices><tr><th>{}</th><th class=n>{}</th><th class=n>{}</th></tr>",
        esc(&v.t("pg-prices-by-grade")),
        esc(&v.t("pg-grade")),
        esc(&v.t("shop-price-per-kg")),
        esc(&v.t("shop-farmer-gets"))
    ));
    let mut options = Vec::new();
    for o in &w.offers {
        let name = grade_name(v.lang, &grades, &o.grade);
        b.push_str(&format!(
            "<tr><td>{}</td><td class=n>{}</td><td class=n>{}</td></tr>",
            esc(&name),
            money(o.buyer_price_fen),
            money(o.farmer_price_fen)
        ));
        options.push((o.grade.clone(), format!("{name} · {}/kg", money(o.buyer_price_fen))));
    }
    b.push_str("</table>");
    let buyer = v.person_as(&[Role::Buyer]).is_some();
    if w.state == WindowState::Open && buyer {
        let drops = settings::drop_points(&v.st.db, &v.actor, v.county).await.map_err(|e| v.fail(e))?;
        let drops: Vec<(String, String)> = drops
            .iter()
            .filter(|d| w.drop_point_ids.contains(&d.id))
            .map(|d| (d.id.to_string(), format!("{} · {}", d.city, d.name)))
            .collect();
        let grade = if f.get("grade").is_empty() {
            w.offers.first().map(|o| o.grade.as_str()).unwrap_or("")
        } else {
            f.get("grade")
        };
        b.push_str(&format!(
            "<h2>{}</h2><form method=post action=\"{}\" id=preorder-form>{}{}{}{}{}<button id=preorder-submit>{}</button></form>",
            esc(&v.t("shop-preorder")),
            v.href(&format!("shop/windows/{}", w.id)),
            guard(v),
            select(v, "grade", "pg-grade", &options, grade, errs),
            input(v, "kg", "shop-kg", f.get("kg"), errs, "inputmode=numeric required"),
            select(v, "drop_point_id", "pg-drop-point", &drops, f.get("drop_point_id"), errs),
            errs.others(&["grade", "kg", "drop_point_id"]),
            esc(&v.t("shop-preorder-submit"))
        ));
    }
    if w.state == WindowState::Open {
        b.push_str(&script());
    }
    Ok(v.page(&w.title, &b))
}

async fn preorder(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((county, id)): Path<(String, String)>,
    Form(f): Form<Vec<(String, String)>>,
) -> Pg {
    let (v, f) = View::posted(&st, &ctx, &county, f)?;
    let window: WindowId = v.id(&id)?;
    let mut errs = Errs::default();
    let kg = f.int("kg", &mut errs, &v);
    let drop_point_id = match f.get("drop_point_id").trim().parse::<DropPointId>() {
        Ok(d) => Some(d),
        Err(_) => {
            errs.push("drop_point_id", v.t("unknown-reference"));
            None
        }
    };
    let (Some(kg), Some(drop_point_id), true) = (kg, drop_point_id, errs.is_empty()) else {
        return render(&v, &id, &f, &errs).await;
    };
    let input = PreorderInput { grade: f.get("grade").trim().to_string(), kg, drop_point_id };
    match uc::preorder(&v.st.db, &v.actor, v.county, window, input, f.idem("page-preorder").as_ref()).await {
        Ok(o) => Ok(see_other(&format!("{}?done=preordered", v.href(&format!("orders/{}", o.id))))),
        Err(e) => {
            let errs = Errs::from_service(&v, e, &|field| field.to_string())?;
            render(&v, &id, &f, &errs).await
        }
    }
}
