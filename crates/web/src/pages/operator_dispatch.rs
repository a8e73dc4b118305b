//! The operator's dispatch page for a date: run the plan (the plan use case; each run a new
//! version), then read it: the totals, the cost per kg, the saving against separate downlink and
//! uplink trips, the map of the routes over the county (`route_map`), each vehicle's route with
//! its cost per kg and a link to its printable sheet, and the jobs left out with the reason.
//! Auditors read the same page without the form.

use super::forms::{self, Errs, Fields, guard, input, see_other};
use super::operator::{manages, tabs};
use super::{Pg, View};
use crate::context::Ctx;
use crate::html::esc;
use crate::route_map::{self, MapPlace, MapRoute, MapWords};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::get;
use axum::{Form, Router};
use uplink_core::weight::WeightUnit;
use uplink_core::{Fen, Grams, LatLon};
use uplink_logistics::dispatch::fen_per_kg;
use uplink_service::dispatch::{self as uc, PlanInput, PlanOut};
use uplink_service::network;
use uplink_service::paging::{ListQuery, MAX_LIMIT};

pub fn router() -> Router<AppState> {
    Router::new().route("/c/{county}/operator/dispatch", get(plan_page).post(run_plan))
}

type Q = Query<Vec<(String, String)>>;

/// Every place of the county with coordinates, for the map: hubs, and stations at their village.
pub async fn places(v: &View) -> Result<(Vec<MapPlace>, Vec<(MapPlace, String)>), Response> {
    let db = &v.st.db;
    let mut hubs = Vec::new();
    let mut villages = Vec::new();
    let mut stations = Vec::new();
    let mut offset = 0;
    loop {
        let q = ListQuery { q: None, limit: Some(MAX_LIMIT), offset: Some(offset) };
        let h = network::list_hubs(db, &v.actor, v.county, &q).await.map_err(|e| v.fail(e))?;
        let vs = network::list_villages(db, &v.actor, v.county, &q).await.map_err(|e| v.fail(e))?;
        let ss = network::list_stations(db, &v.actor, v.county, &q).await.map_err(|e| v.fail(e))?;
        let more = [h.total, vs.total, ss.total].into_iter().any(|t| t > offset + MAX_LIMIT);
        hubs.extend(h.items.into_iter().map(|x| MapPlace { code: x.code, location: x.location }));
        villages.extend(vs.items.into_iter().map(|x| (x.id, x.location)));
        stations.extend(ss.items);
        if !more {
            break;
        }
        offset += MAX_LIMIT;
    }
    let at = |id| villages.iter().find(|(v, _)| *v == id).map(|(_, l): &(_, LatLon)| *l);
    let stations = stations
        .into_iter()
        .filter_map(|s| Some((MapPlace { code: s.code, location: at(s.village_id)? }, s.name)))
        .collect();
    Ok((hubs, stations))
}

/// Basis points as a percentage to one decimal: `1234` → `12.3 %`.
fn pct(bp: i64) -> String {
    let sign = if bp < 0 { "-" } else { "" };
    let a = bp.unsigned_abs();
    format!("{sign}{}.{} %", a / 100, (a % 100) / 10)
}

/// Metres as km to one decimal.
fn km(m: i64) -> String {
    format!("{}.{}", m / 1000, (m % 1000) / 100)
}

async fn plan_page(State(st): State<AppState>, ctx: Ctx, Path(county): Path<String>, Query(q): Q) -> Pg {
    let v = View::open(&st, &ctx, &county)?;
    render(&v, &Fields::from(q), &Fields::default(), &Errs::default()).await
}

async fn render(v: &View, q: &Fields, typed: &Fields, errs: &Errs) -> Pg {
    let db = &v.st.db;
    let date = typed.opt("date").or_else(|| q.opt("date"));
    // A date that does not read is shown at the field, and the county's today is shown instead.
    let versions = match uc::list_plans(db, &v.actor, v.county, date.as_deref()).await {
        Ok(x) => x,
        Err(uplink_service::ServiceError::Invalid(_)) => {
            uc::list_plans(db, &v.actor, v.county, None).await.map_err(|e| v.fail(e))?
        }
        Err(e) => return Err(v.fail(e)),
    };
    let mut b = tabs(v);
    b.push_str(&forms::flash(v, q.opt("done").as_deref()));
    let shown_date = typed.opt("date").unwrap_or_else(|| versions.date.clone());
    b.push_str(&format!(
        "<form method=get action=\"{}\" class=noprint><label for=show-date>{}</label>\
         <input id=show-date name=date type=date value=\"{}\"><button id=show-plan>{}</button></form>",
        v.href("operator/dispatch"),
        esc(&v.t("sheets-date")),
        esc(&versions.date),
        esc(&v.t("sheets-show"))
    ));
    if manages(v) {
        let limit = typed.get("time_limit_s");
        b.push_str(&format!(
            "<form method=post action=\"{}\" id=plan-form class=noprint>{}{}{}{}<button id=run-plan>{}</button></form>",
            v.href("operator/dispatch"),
            guard(v),
            input(v, "date", "plan-date", &shown_date, errs, "type=date required"),
            input(v, "time_limit_s", "plan-time-limit", limit, errs, "inputmode=numeric"),
            errs.others(&["date", "time_limit_s"]),
            esc(&v.t("plan-run"))
        ));
    }
    let Some(latest) = &versions.latest else {
        b.push_str(&format!("<p id=no-plan>{}</p>", esc(&v.t("sheets-none"))));
        return Ok(v.page(&v.t("plan-title"), &b));
    };
    let out = uc::get_plan(db, &v.actor, v.county, latest.id).await.map_err(|e| v.fail(e))?;
    let unit = v.weight_unit().await?;
    b.push_str(&summary(v, &out, unit));
    let (hubs, stations) = places(v).await?;
    b.push_str(&map(v, &out, &hubs, &stations));
    b.push_str(&routes_table(v, &out, &stations, unit));
    if !out.plan.unplanned.is_empty() {
        b.push_str(&format!("<h2>{}</h2><ul id=unplanned>", esc(&v.t("plan-unplanned"))));
        for u in &out.plan.unplanned {
            b.push_str(&format!(
                "<li><span class=m>{}</span>: {}</li>",
                esc(&u.job),
                esc(&v.t(&format!("plan-why-{}", u.code)))
            ));
        }
        b.push_str("</ul>");
    }
    Ok(v.page(&v.t("plan-title"), &b))
}

/// The day's figures: version, vehicles, jobs, km, cost, cost per kg and the saving.
fn summary(v: &View, out: &PlanOut, unit: WeightUnit) -> String {
    let s = &out.summary;
    let t = &out.plan.totals;
    let sv = &out.plan.saving;
    let carried = t.delivered_g + t.collected_g;
    let row = |key: &str, id: &str, val: String| {
        format!("<tr><th>{}</th><td class=n id={id}>{}</td></tr>", esc(&v.t(key)), esc(&val))
    };
    let mut b = format!(
        "<h2>{}</h2><table id=plan-summary>",
        esc(&v.ta("sheets-plan", &[("version", s.version.to_string()), ("date", s.date.clone())]))
    );
    b.push_str(&row("plan-vehicles", "plan-vehicles", s.vehicles_used.to_string()));
    b.push_str(&row("plan-jobs", "plan-jobs", format!("{} / {}", s.jobs_routed, s.jobs_routed + s.jobs_unplanned)));
    b.push_str(&row("plan-distance", "plan-distance", format!("{} km", km(t.distance_m))));
    b.push_str(&row("plan-cost", "plan-cost", Fen(t.cost_fen).to_string()));
    b.push_str(&row(
        "plan-carried",
        "plan-carried",
        format!("{} ↓ · {} ↑", Grams(t.delivered_g).display_in(unit), Grams(t.collected_g).display_in(unit)),
    ));
    b.push_str(&row("plan-cost-per-kg", "cost-per-kg", format!("{}/kg", Fen(fen_per_kg(t.cost_fen, carried)))));
    b.push_str(&row(
        "plan-separate",
        "plan-separate",
        format!("{} · {} km", Fen(sv.separate.cost_fen), km(sv.separate.distance_m)),
    ));
    b.push_str(&row(
        "plan-saving",
        "plan-saving",
        v.ta("plan-saving-value", &[("cost", pct(sv.cost_saving_bp)), ("distance", pct(sv.distance_saving_bp))]),
    ));
    b.push_str("</table>");
    if !sv.same_jobs_served {
        b.push_str(&format!("<p class=warn>{}</p>", esc(&v.t("plan-not-like-for-like"))));
    }
    b
}

fn map(v: &View, out: &PlanOut, hubs: &[MapPlace], stations: &[(MapPlace, String)]) -> String {
    let routes: Vec<MapRoute> = out
        .plan
        .sheets
        .iter()
        .map(|s| MapRoute {
            vehicle: s.vehicle.clone(),
            depot: s.depot.clone(),
            stops: s.stops.iter().map(|x| x.place.clone()).collect(),
        })
        .collect();
    let words = MapWords {
        title: v.ta("plan-map-title", &[("date", out.summary.date.clone())]),
        hub: v.t("plan-map-hub"),
        station: v.t("plan-map-station"),
        routes: out
            .plan
            .sheets
            .iter()
            .map(|s| v.ta("plan-map-route", &[("vehicle", s.vehicle.clone()), ("stops", s.stops.len().to_string())]))
            .collect(),
    };
    let points: Vec<MapPlace> = stations.iter().map(|(p, _)| p.clone()).collect();
    format!(
        "<h2>{}</h2><figure style=\"margin:0\">{}</figure>",
        esc(&v.t("plan-map")),
        route_map::svg(hubs, &points, &routes, &words)
    )
}

/// Each vehicle's route: stops, km, cost, loads out and back, cost per kg, its printable sheet.
fn routes_table(v: &View, out: &PlanOut, stations: &[(MapPlace, String)], unit: WeightUnit) -> String {
    let mut b = format!(
        "<h2>{}</h2><table id=plan-routes><tr><th>{}</th><th class=n>km</th><th class=n>{}</th>\
         <th class=n>{}</th><th class=n>{}</th></tr>",
        esc(&v.t("plan-routes")),
        esc(&v.t("sheet-vehicle")),
        esc(&v.t("plan-cost")),
        esc(&v.t("plan-loads")),
        esc(&v.t("plan-cost-per-kg"))
    );
    let name = |code: &str| -> String {
        stations.iter().find(|(p, _)| p.code == code).map(|(_, n)| n.clone()).unwrap_or_else(|| code.to_string())
    };
    for (i, s) in out.plan.sheets.iter().enumerate() {
        let stops: Vec<String> = s.stops.iter().map(|x| esc(&name(&x.place))).collect();
        b.push_str(&format!(
            "<tr class=plan-route><td><span style=\"color:{}\">■</span> <a class=m href=\"{}\">{}</a></td>\
             <td class=n>{}</td><td class=n>{}</td><td class=n>{} ↓ · {} ↑</td><td class=n>{}/kg</td></tr>\
             <tr><td colspan=5 class=muted>{}</td></tr>",
            route_map::style_of(i).0,
            esc(&v.href(&format!("{}/{}/{}", super::ROUTE_SHEETS_PAGE, out.summary.id, s.vehicle))),
            esc(&s.vehicle),
            km(s.distance_m),
            Fen(s.cost_fen),
            Grams(s.load_out_g).display_in(unit),
            Grams(s.load_back_g).display_in(unit),
            Fen(fen_per_kg(s.cost_fen, s.load_out_g + s.load_back_g)),
            stops.join(" → ")
        ));
    }
    b.push_str("</table>");
    b
}

async fn run_plan(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(county): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Pg {
    let (v, f) = View::posted(&st, &ctx, &county, f)?;
    let mut errs = Errs::default();
    let limit = if f.opt("time_limit_s").is_some() { f.int("time_limit_s", &mut errs, &v) } else { None };
    if !errs.is_empty() {
        return render(&v, &Fields::default(), &f, &errs).await;
    }
    let input = PlanInput { date: f.opt("date"), time_limit_s: limit };
    match uc::plan_day(&v.st.db, &v.actor, v.county, input, f.idem("page-plan").as_ref()).await {
        Ok(p) => Ok(see_other(&format!("{}?date={}&done=planned", v.href("operator/dispatch"), p.summary.date))),
        Err(e) => {
            let errs = Errs::from_service(&v, e, &|x| x.to_string())?;
            render(&v, &Fields::default(), &f, &errs).await
        }
    }
}
