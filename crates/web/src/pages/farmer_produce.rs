//! The farmer's side of the uplink on their page: my trust score and why (the reasons of
//! `core::trust::Score`, in words), my harvest lists (what I am to bring, where, by when), my
//! deliveries (lots with net weight, grade, date, payout and trace), and what the open windows
//! pay farmers for each grade.

use super::View;
use super::forms::{date, date_text, money};
use super::shop_windows::{grade_name, grades_of};
use crate::html::esc;
use axum::response::Response;
use uplink_core::people::Role;
use uplink_core::trust::Score;
use uplink_core::window::WindowState;
use uplink_core::{PersonId, ProductId};
use uplink_service::windows::{WindowQuery, list_windows};
use uplink_service::{farmer, trust};

/// The farmer or co-op the caller is in this county (suppliers have no produce sections).
pub fn grower(v: &View) -> Option<PersonId> {
    v.person_as(&[Role::Farmer, Role::Coop])
}

/// A reason of the score in words: what, how many, and which way it moves the score.
fn reason_text(v: &View, key: &str, count: i64, weight: f64) -> String {
    let what = v.t(key);
    let amount = if key == "trust-handled" { format!("{:.3}", weight.abs()) } else { count.to_string() };
    let way = if weight < 0.0 { "farm-trust-lowers" } else { "farm-trust-raises" };
    v.ta(way, &[("what", what), ("amount", amount)])
}

pub async fn trust_html(v: &View, me: PersonId) -> Result<String, Response> {
    let s: Score = trust::trust_score(&v.st.db, &v.actor, v.county, me).await.map_err(|e| v.fail(e))?;
    let mut b = format!(
        "<h2 id=trust>{}</h2><div class=card><p><strong id=trust-score>{}</strong></p><ul id=trust-reasons>",
        esc(&v.t("farm-trust")),
        esc(&v.ta("farm-trust-score", &[("score", s.score.to_string())]))
    );
    for r in &s.reasons {
        b.push_str(&format!("<li>{}</li>", esc(&reason_text(v, &r.key, r.count, r.weight))));
    }
    if s.reasons.is_empty() {
        b.push_str(&format!("<li>{}</li>", esc(&v.t("farm-trust-new"))));
    }
    b.push_str(&format!("</ul><p class=muted>{}</p></div>", esc(&v.t("farm-trust-explain"))));
    Ok(b)
}

pub async fn harvest_html(v: &View) -> Result<String, Response> {
    let rows = farmer::my_harvest_lists(&v.st.db, &v.actor, v.county).await.map_err(|e| v.fail(e))?;
    let mut b = format!("<h2 id=harvest>{}</h2>", esc(&v.t("farm-harvest-lists")));
    if rows.is_empty() {
        b.push_str(&format!("<p class=muted>{}</p>", esc(&v.t("pg-none"))));
        return Ok(b);
    }
    b.push_str(&format!(
        "<table id=harvest-list><tr><th>{}</th><th>{}</th><th class=n>{}</th><th class=n>{}</th><th>{}</th></tr>",
        esc(&v.t("pg-product")),
        esc(&v.t("pg-grade")),
        esc(&v.t("farm-declared")),
        esc(&v.t("farm-to-bring")),
        esc(&v.t("farm-bring-by"))
    ));
    let mut grades: Vec<(ProductId, Vec<uplink_core::catalog::Grade>)> = Vec::new();
    for r in &rows {
        let (w, s) = (&r.window, &r.supply);
        if !grades.iter().any(|(p, _)| *p == w.product_id) {
            grades.push((w.product_id, grades_of(v, w.product_id).await));
        }
        let g = grades.iter().find(|(p, _)| *p == w.product_id).map(|(_, g)| g.as_slice()).unwrap_or(&[]);
        let bring = match (w.state, s.allocated_kg) {
            (WindowState::Allocated, Some(kg)) => format!("<strong>{kg} kg</strong>"),
            _ => esc(&v.t("farm-awaiting-allocation")),
        };
        b.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td class=n>{} kg</td><td class=n>{bring}</td><td>{} · {}</td></tr>",
            esc(&w.title),
            esc(&grade_name(v.lang, g, &s.grade)),
            s.kg,
            date_text(v.lang, &w.harvest_date),
            esc(&s.station_name)
        ));
    }
    b.push_str("</table>");
    Ok(b)
}

pub async fn lots_html(v: &View) -> Result<String, Response> {
    let lots = farmer::my_lots(&v.st.db, &v.actor, v.county).await.map_err(|e| v.fail(e))?;
    let mut b = format!("<h2 id=deliveries>{}</h2>", esc(&v.t("farm-deliveries")));
    if lots.is_empty() {
        b.push_str(&format!("<p class=muted>{}</p>", esc(&v.t("pg-none"))));
        return Ok(b);
    }
    b.push_str(&format!(
        "<table id=lots><tr><th>{}</th><th>{}</th><th class=n>{}</th><th class=n>{}</th><th>{}</th></tr>",
        esc(&v.t("farm-delivered-on")),
        esc(&v.t("pg-product")),
        esc(&v.t("receipt-net")),
        esc(&v.t("receipt-paid")),
        esc(&v.t("receipt-lot"))
    ));
    // Farmers read weights in the unit the county weighs in at the station (kg or 斤).
    let unit = v.weight_unit().await?;
    let mut grades: Vec<(ProductId, Vec<uplink_core::catalog::Grade>)> = Vec::new();
    for l in &lots {
        if !grades.iter().any(|(p, _)| *p == l.product_id) {
            grades.push((l.product_id, grades_of(v, l.product_id).await));
        }
        let g = grades.iter().find(|(p, _)| *p == l.product_id).map(|(_, g)| g.as_slice()).unwrap_or(&[]);
        b.push_str(&format!(
            "<tr><td>{}</td><td>{} · {}</td><td class=n>{}</td><td class=n>{}</td>\
             <td><a class=m href=\"/t/{code}\">{code}</a></td></tr>",
            date(v.lang, l.made_us),
            esc(&l.product_name),
            esc(&grade_name(v.lang, g, &l.grade)),
            uplink_core::Grams(l.made_g).display_in(unit),
            money(l.payout_fen.unwrap_or(0)),
            code = esc(&l.code)
        ));
    }
    b.push_str("</table>");
    Ok(b)
}

/// What the open windows pay farmers per kg of each grade.
pub async fn window_prices_html(v: &View) -> Result<String, Response> {
    let q = WindowQuery { state: Some(WindowState::Open.as_str().into()) };
    let windows = list_windows(&v.st.db, &v.actor, v.county, &q).await.map_err(|e| v.fail(e))?;
    let mut b = format!("<h2 id=prices>{}</h2>", esc(&v.t("farm-window-prices")));
    if windows.is_empty() {
        b.push_str(&format!("<p class=muted>{}</p>", esc(&v.t("pg-none"))));
    }
    for w in &windows {
        let g = grades_of(v, w.product_id).await;
        let prices: Vec<String> = w
            .offers
            .iter()
            .map(|o| format!("{} {}/kg", esc(&grade_name(v.lang, &g, &o.grade)), money(o.farmer_price_fen)))
            .collect();
        b.push_str(&format!(
            "<div class=card><strong>{}</strong><br>{}<br><span class=muted>{}: {}</span></div>",
            esc(&w.title),
            prices.join(" · "),
            esc(&v.t("pg-harvest")),
            date_text(v.lang, &w.harvest_date)
        ));
    }
    Ok(b)
}
