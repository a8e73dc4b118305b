//! Route sheet pages (issue 5): the sheets of a date's latest plan (`/c/{county}/route-sheets`),
//! and one vehicle's sheet as a printable page (`/c/{county}/route-sheets/{plan}/{vehicle}`): the
//! stops in order with arrival times, what to drop and collect with expected weights, the
//! route's totals and load factors, and space to write the weighed figures. A driver sees their
//! own vehicle's sheet; operators and auditors every sheet. The use cases check who may.

use crate::context::Ctx;
use crate::html::esc;
use crate::pages::{Pg, View};
use crate::state::AppState;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::routing::get;
use serde::Deserialize;
use uplink_service::dispatch as uc;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/c/{county}/route-sheets", get(index))
        .route("/c/{county}/route-sheets/{plan}/{vehicle}", get(sheet_page))
}

#[derive(Deserialize)]
struct DateQuery {
    date: Option<String>,
}

/// Grams as kg, or metres as km, to one decimal.
fn one_decimal(x: i64) -> String {
    format!("{}.{}", x / 1000, (x % 1000) / 100)
}

fn yuan(fen: i64) -> String {
    format!("{}.{:02}", fen / 100, fen % 100)
}

fn permille_pct(p: i64) -> String {
    format!("{}.{} %", p / 10, p % 10)
}

async fn index(State(st): State<AppState>, ctx: Ctx, Path(county): Path<String>, Query(q): Query<DateQuery>) -> Pg {
    let v = View::open(&st, &ctx, &county)?;
    let date = match q.date {
        Some(d) => d,
        None => {
            let zone = match st.db.reader().await {
                Ok(mut c) => {
                    uplink_store::network::get_county(&mut c, v.county).await.ok().flatten().map(|c| c.time_zone)
                }
                Err(_) => None,
            };
            uplink_core::time::local_date(uplink_store::now_us(), zone.as_deref().unwrap_or("Asia/Shanghai"))
        }
    };
    let found = uc::sheets_for(&st.db, &v.actor, v.county, &date).await.map_err(|e| v.fail(e))?;
    let mut body = format!(
        "<form method=get class=noprint><label for=date>{}</label><input id=date name=date type=date value=\"{}\">\
         <button type=submit>{}</button></form>",
        esc(&v.t("sheets-date")),
        esc(&date),
        esc(&v.t("sheets-show"))
    );
    match found {
        None => body.push_str(&format!("<p>{}</p>", esc(&v.t("sheets-none")))),
        Some((plan, codes)) => {
            body.push_str(&format!(
                "<p>{}</p><ul>",
                esc(&v.ta("sheets-plan", &[("version", plan.version.to_string()), ("date", plan.date.clone())]))
            ));
            for code in codes {
                body.push_str(&format!(
                    "<li><a class=btn href=\"{}\">{}</a></li>",
                    esc(&v.href(&format!("route-sheets/{}/{}", plan.id, code))),
                    esc(&code)
                ));
            }
            body.push_str("</ul>");
        }
    }
    Ok(v.page(&v.t("sheets-title"), &body))
}

async fn sheet_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((county, plan, vehicle)): Path<(String, String, String)>,
) -> Pg {
    let v = View::open(&st, &ctx, &county)?;
    let plan = plan.parse().map_err(|_| v.fail(uplink_service::ServiceError::NotFound))?;
    let out = uc::route_sheet(&st.db, &v.actor, v.county, plan, &vehicle).await.map_err(|e| v.fail(e))?;
    let s = &out.sheet;
    let mut body = format!(
        "<p><strong>{}</strong> {} · {} {} · {} {} · {} {}–{}</p>",
        esc(&v.t("sheet-vehicle")),
        esc(&s.vehicle),
        esc(out.plate.as_deref().unwrap_or("")),
        esc(&v.ta("sheet-plan", &[("version", out.version.to_string()), ("date", out.date.clone())])),
        esc(&v.t("sheet-depot")),
        esc(&s.depot),
        esc(&v.t("sheet-hours")),
        esc(&s.depart),
        esc(&s.back),
    );
    body.push_str(&format!(
        "<table><thead><tr><th>#</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
        esc(&v.t("sheet-place")),
        esc(&v.t("sheet-arrival")),
        esc(&v.t("sheet-handoff")),
        esc(&v.t("sheet-ref")),
        esc(&v.t("sheet-expected")),
        esc(&v.t("sheet-weighed")),
        esc(&v.t("sheet-load-after")),
    ));
    for (i, stop) in s.stops.iter().enumerate() {
        let lines: Vec<(&str, _)> = stop
            .drop
            .iter()
            .flat_map(|h| h.orders.iter().map(|o| ("sheet-drop", o)))
            .chain(stop.collect.iter().flat_map(|h| h.orders.iter().map(|o| ("sheet-collect", o))))
            .collect();
        let n = lines.len().max(1);
        for (k, (kind, o)) in lines.iter().enumerate() {
            let weighed = out
                .records
                .iter()
                .rev()
                .find(|r| r.stop == i as i64 + 1 && r.reference == o.id)
                .map(|r| one_decimal(r.weight_g))
                .unwrap_or_default();
            let head = if k == 0 {
                format!(
                    "<td rowspan={n}>{}</td><td rowspan={n}>{}</td><td rowspan={n}>{}{}</td>",
                    i + 1,
                    esc(&stop.place),
                    esc(&stop.arrival),
                    if stop.start != stop.arrival { format!(" ({})", esc(&stop.start)) } else { String::new() }
                )
            } else {
                String::new()
            };
            let tail = if k == 0 {
                format!("<td rowspan={n}>{} kg</td>", one_decimal(stop.load_after_g))
            } else {
                String::new()
            };
            body.push_str(&format!(
                "<tr>{head}<td>{}</td><td class=m>{}</td><td>{} kg</td><td class=weigh>{weighed}</td>{tail}</tr>",
                esc(&v.t(kind)),
                esc(&o.id),
                one_decimal(o.weight_g)
            ));
        }
    }
    body.push_str("</tbody></table>");
    body.push_str(&format!(
        "<p><strong>{}</strong>: {} km · {} h {} min · ¥{} · {} {} kg ({}) · {} {} kg ({})</p>\
         <p class=noprint><button type=button data-print>{}</button></p>",
        esc(&v.t("sheet-totals")),
        one_decimal(s.distance_m),
        s.working_s / 3600,
        (s.working_s % 3600) / 60,
        yuan(s.cost_fen),
        esc(&v.t("sheet-load-down")),
        one_decimal(s.load_out_g),
        permille_pct(s.load_factor_down_permille),
        esc(&v.t("sheet-load-up")),
        one_decimal(s.load_back_g),
        permille_pct(s.load_factor_up_permille),
        esc(&v.t("sheet-print")),
    ));
    // Printed, the sheet is one table on white paper with room to write the weighed figures.
    body.push_str(
        "<style>.weigh{min-width:5rem}@media print{main{max-width:none;padding:0}td,th{border:1px solid #000}}</style>",
    );
    Ok(v.page(&v.t("sheet-title"), &body))
}
