//! The station's day ahead, for the agent: the harvest lists (which farmer brings what product,
//! grade and how many kg, by when, and what they have brought so far) of the county's pre-order
//! windows, and when the truck comes today and tomorrow — the planned arrival in the county's
//! local time, the parcels it drops, what it collects, the vehicle and the driver. Both print.

use super::forms::{self, weight};
use super::station::my_station;
use super::station_intake::{grade_name, harvests, pick};
use super::{Pg, View};
use crate::context::Ctx;
use crate::html::esc;
use crate::state::AppState;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use uplink_core::catalog::Product;
use uplink_core::people::Role;
use uplink_core::records::Station;
use uplink_core::window::WindowState;
use uplink_core::{Grams, PersonId, ProductId, time};
use uplink_service::catalog::get_product;
use uplink_service::dispatch::{StationVisit, VisitItem, station_visits};
use uplink_service::lots::{LotQuery, list_lots};
use uplink_service::windows::list_supply;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/c/{county}/station/harvest", get(harvest_page))
        .route("/c/{county}/station/truck", get(truck_page))
}

/// Windows whose harvest lists matter to the station: buyers still ordering, closed and being
/// allocated, allocated, or filling orders at the hub.
const LISTED: [WindowState; 4] = [WindowState::Open, WindowState::Closed, WindowState::Allocated, WindowState::Filled];

fn print_button(v: &View) -> String {
    format!(
        "<p class=noprint><button type=button data-print hidden>{}</button> <a href=\"{}\">{}</a></p>\
         <script src=\"{}\" defer></script>",
        esc(&v.t("pg-print")),
        v.href("station"),
        esc(&v.t("pg-back-console")),
        super::assets::js_href()
    )
}

async fn harvest_page(State(st): State<AppState>, ctx: Ctx, Path(county): Path<String>) -> Pg {
    let v = View::open(&st, &ctx, &county)?;
    let station = my_station(&v).await?;
    let db = &v.st.db;
    let unit = v.weight_unit().await?;
    let w = |kg: i64| Grams::kg(kg).display_in(unit);
    let mut b = format!("<p class=muted>{}</p>", esc(&station.name));
    let mut any = false;
    for h in harvests(&v, &LISTED).await? {
        let rows: Vec<_> = list_supply(db, &v.actor, v.county, h.window.id)
            .await
            .map_err(|e| v.fail(e))?
            .into_iter()
            .filter(|s| s.station_id == station.id)
            .collect();
        if rows.is_empty() {
            continue;
        }
        any = true;
        // What each farmer has brought to this window so far.
        let lots = list_lots(db, &v.actor, v.county, &LotQuery { window_id: Some(h.window.id), custodian_id: None })
            .await
            .map_err(|e| v.fail(e))?;
        let mut brought: HashMap<PersonId, i64> = HashMap::new();
        for l in lots.iter().filter(|l| l.station_id == Some(station.id)) {
            if let Some(f) = l.farmer_id {
                *brought.entry(f).or_default() += l.made_g;
            }
        }
        let allocated = h.window.state == WindowState::Allocated || h.window.state == WindowState::Filled;
        let total: i64 = rows.iter().map(|s| if allocated { s.allocated_kg.unwrap_or(0) } else { s.kg }).sum();
        b.push_str(&format!(
            "<h2>{} · {}</h2><p class=muted>{} · {}</p><table class=harvest id=\"harvest-{}\"><tr><th>{}</th><th>{}</th>\
             <th class=n>{}</th><th class=n>{}</th></tr>",
            esc(&super::shop::product_name(v.lang, &h.product)),
            esc(&forms::date_text(v.lang, &h.window.harvest_date)),
            esc(&v.t(&format!("st-window-{}", h.window.state.as_str()))),
            esc(&v.ta("st-total", &[("weight", w(total))])),
            h.window.id,
            esc(&v.t("st-farmer")),
            esc(&v.t("pg-grade")),
            esc(&v.t("st-to-bring")),
            esc(&v.t("st-brought")),
        ));
        for s in &rows {
            let to_bring = match (allocated, s.allocated_kg) {
                (true, Some(kg)) => w(kg),
                _ => "—".into(),
            };
            let got = brought.get(&s.farmer_id).copied().unwrap_or(0);
            let take_in = if allocated && s.allocated_kg.unwrap_or(0) > 0 {
                format!(
                    "<br><a href=\"{}?farmer={}&pick={}\">{}</a>",
                    v.href(super::INTAKE_PAGE),
                    s.farmer_id,
                    pick(h.window.id, &s.grade),
                    esc(&v.t("st-take-in-link"))
                )
            } else {
                String::new()
            };
            b.push_str(&format!(
                "<tr><td>{}<br><span class=muted>{}</span>{take_in}</td><td>{}<br><span class=muted>{}</span></td>\
                 <td class=n>{to_bring}<br><span class=muted>{}</span></td><td class=\"n brought\">{}</td></tr>",
                esc(&s.farmer_name),
                esc(s.village_name.as_deref().unwrap_or("")),
                esc(&grade_name(v.lang, &h.product, &s.grade)),
                esc(&v.ta("st-by", &[("date", forms::date_text(v.lang, &s.ready_date))])),
                esc(&v.ta("st-declared", &[("weight", w(s.kg))])),
                if got > 0 { Grams(got).display_in(unit) } else { "—".into() },
            ));
        }
        b.push_str("</table>");
    }
    if !any {
        b.push_str(&format!("<p class=muted id=no-harvest-list>{}</p>", esc(&v.t("st-no-harvest-list"))));
    }
    b.push_str(&print_button(&v));
    Ok(v.page(&v.t("st-harvest-title"), &b))
}

/// Today's and tomorrow's dates in the county's time zone.
async fn today_and_tomorrow(v: &View) -> Result<[String; 2], Response> {
    let county = uplink_service::network::get_county(&v.st.db, &v.actor, v.county).await.map_err(|e| v.fail(e))?;
    let today = time::local_date(uplink_store::now_us(), &county.time_zone);
    let day = time::parse_date(&today).map_err(|e| v.fail(e.into()))?;
    let (y, m, d) = time::civil_from_days(day + 1);
    Ok([today, format!("{y:04}-{m:02}-{d:02}")])
}

fn items(v: &View, id: &str, title_key: &str, list: &[VisitItem]) -> String {
    let total: i64 = list.iter().map(|x| x.weight_g).sum();
    let mut s = format!(
        "<h3>{} ({}, {})</h3>",
        esc(&v.t(title_key)),
        esc(&v.ta("st-count", &[("count", list.len().to_string())])),
        weight(total)
    );
    if list.is_empty() {
        s.push_str(&format!("<p class=muted>{}</p>", esc(&v.t("pg-none"))));
        return s;
    }
    s.push_str(&format!("<table id={id}>"));
    for x in list {
        let cold = if x.cold { format!(" <span class=muted>{}</span>", esc(&v.t("st-cold"))) } else { String::new() };
        s.push_str(&format!(
            "<tr><td class=m>{}{cold}</td><td class=n>{}</td></tr>",
            esc(&x.reference),
            weight(x.weight_g)
        ));
    }
    s.push_str("</table>");
    s
}

fn visit_card(v: &View, n: usize, x: &StationVisit) -> String {
    let opens = if x.start != x.arrival {
        format!(" <span class=muted>({})</span>", esc(&v.ta("st-work-starts", &[("time", x.start.clone())])))
    } else {
        String::new()
    };
    let driver = match (&x.driver_name, &x.driver_phone) {
        (Some(name), Some(phone)) => format!("{} <a class=m href=\"tel:{}\">{}</a>", esc(name), esc(phone), esc(phone)),
        (Some(name), None) => esc(name),
        _ => "—".into(),
    };
    let vehicle = format!(
        "{}{}{}",
        esc(&x.vehicle),
        x.plate.as_deref().map(|p| format!(" · {}", esc(p))).unwrap_or_default(),
        if x.refrigerated { format!(" · {}", esc(&v.t("st-refrigerated"))) } else { String::new() }
    );
    format!(
        "<div class=card id=\"visit-{}-{n}\"><p>{}: <strong class=code id=\"arrival-{}-{n}\">{}</strong>{opens}</p>\
         <p>{}: {vehicle}<br>{}: {driver}</p>{}{}</div>",
        x.date,
        esc(&v.t("st-arrival")),
        x.date,
        esc(&x.arrival),
        esc(&v.t("sheet-vehicle")),
        esc(&v.t("role-driver")),
        items(v, &format!("drop-{}-{n}", x.date), "st-drops", &x.drop),
        items(v, &format!("collect-{}-{n}", x.date), "st-collects", &x.collect),
    )
}

async fn truck_page(State(st): State<AppState>, ctx: Ctx, Path(county): Path<String>) -> Pg {
    let v = View::open(&st, &ctx, &county)?;
    let station = my_station(&v).await?;
    let mut b = format!("<p class=muted>{} · {}</p>", esc(&station.name), esc(&station.opening_hours));
    for (i, date) in today_and_tomorrow(&v).await?.iter().enumerate() {
        let visits = station_visits(&v.st.db, &v.actor, v.county, station.id, date).await.map_err(|e| v.fail(e))?;
        let day = v.t(if i == 0 { "st-today" } else { "st-tomorrow" });
        b.push_str(&format!("<h2 id=\"day-{date}\">{} · {}</h2>", esc(&day), esc(&forms::date_text(v.lang, date))));
        if visits.is_empty() {
            b.push_str(&format!("<p class=muted id=\"no-truck-{date}\">{}</p>", esc(&v.t("st-no-truck"))));
        }
        for (n, x) in visits.iter().enumerate() {
            b.push_str(&visit_card(&v, n + 1, x));
        }
    }
    b.push_str(&lots_waiting(&v, &station).await?);
    b.push_str(&print_button(&v));
    Ok(v.page(&v.t("st-truck-title"), &b))
}

/// The lots the agent holds at the station: what the truck takes away from the intake.
async fn lots_waiting(v: &View, station: &Station) -> Result<String, Response> {
    let me = v.person_as(&[Role::Agent]);
    let q = LotQuery { window_id: None, custodian_id: me };
    let lots = list_lots(&v.st.db, &v.actor, v.county, &q).await.map_err(|e| v.fail(e))?;
    let here: Vec<_> = lots
        .iter()
        .filter(|l| l.state == "active" && l.place_kind == "station" && l.place_code == station.code)
        .collect();
    let mut s = format!("<h2 id=lots>{} ({})</h2>", esc(&v.t("st-lots-waiting")), here.len());
    if here.is_empty() {
        s.push_str(&format!("<p class=muted>{}</p>", esc(&v.t("pg-none"))));
        return Ok(s);
    }
    let mut products: HashMap<ProductId, Product> = HashMap::new();
    s.push_str("<table id=lots-waiting>");
    for l in here {
        if let Entry::Vacant(e) = products.entry(l.product_id) {
            e.insert(get_product(&v.st.db, &v.actor, v.county, l.product_id).await.map_err(|e| v.fail(e))?);
        }
        let (product, grade) = match products.get(&l.product_id) {
            Some(p) => (super::shop::product_name(v.lang, p), grade_name(v.lang, p, &l.grade)),
            None => (l.product_name.clone(), l.grade.clone()),
        };
        s.push_str(&format!(
            "<tr><td><a class=m href=\"{}\">{}</a><br>{} · {}</td><td class=n>{}</td></tr>",
            v.href(&format!("{}/{}", super::INTAKE_PAGE, l.id)),
            esc(&l.code),
            esc(&product),
            esc(&grade),
            weight(l.weight_g)
        ));
    }
    s.push_str("</table>");
    Ok(s)
}
