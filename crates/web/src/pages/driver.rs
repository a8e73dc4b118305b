//! The driver's page, readable in a cab: today's route sheet stop by stop (the station, when the
//! truck is due, the parcels to drop and the produce to collect with their expected weights, and
//! the lots waiting there), with a form at every parcel and pickup to record the weight handed
//! over (the stop-record use case; the weight in the county's unit, kg or 斤). Then the lots on the
//! truck, each with the form that hands it to the hub on the hub's scale: a loss beyond the
//! product's tolerance opens an incident, shown at once. Last, the parcels packed at the hub to
//! load (ship) and those on the truck to hand over (deliver).

use super::forms::{self, Errs, Fields, guard, hidden, input, move_button, see_other};
use super::{Pg, View};
use crate::context::Ctx;
use crate::html::esc;
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use axum::{Form, Router};
use std::collections::HashMap;
use uplink_core::order::{Order, OrderEvent};
use uplink_core::people::Role;
use uplink_core::weight::WeightUnit;
use uplink_core::{Grams, LotId, PlanId};
use uplink_service::dispatch::{self as dispatch, SheetOut, StopInput};
use uplink_service::lots::{self, HandoffInput, LotQuery};
use uplink_service::orders::{self as uc, OrderQuery};
use uplink_service::paging::ListQuery;
use uplink_service::{ServiceError, network, settings};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/c/{county}/driver", get(driver_page))
        .route("/c/{county}/driver/stops", post(record_stop))
        .route("/c/{county}/driver/handoffs", post(hand_to_hub))
}

type FormIn = Form<Vec<(String, String)>>;

/// The form field of a weight: one per stop and reference, so each error sits at its own input.
fn stop_field(stop: i64, reference: &str) -> String {
    let safe: String = reference.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' }).collect();
    format!("w{stop}-{safe}")
}

fn lot_field(lot: &str) -> String {
    format!("lot-{lot}")
}

/// Today in the county's time zone.
async fn today(v: &View) -> String {
    let zone = match network::get_county(&v.st.db, &v.actor, v.county).await {
        Ok(c) => c.time_zone,
        Err(_) => "Asia/Shanghai".into(),
    };
    uplink_core::time::local_date(uplink_store::now_us(), &zone)
}

async fn driver_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(county): Path<String>,
    Query(q): Query<Vec<(String, String)>>,
) -> Pg {
    let v = View::open(&st, &ctx, &county)?;
    render(&v, &Fields::from(q), &Fields::default(), &Errs::default()).await
}

async fn render(v: &View, q: &Fields, typed: &Fields, errs: &Errs) -> Pg {
    let unit = v.weight_unit().await?;
    let w = |g: i64| Grams(g).display_in(unit);
    let db = &v.st.db;
    let (_, stations) = super::operator_dispatch::places(v).await?;
    let station_name: HashMap<String, String> = stations.into_iter().map(|(p, name)| (p.code, name)).collect();
    let mut b = forms::flash(v, q.opt("done").as_deref());
    if let Some(id) = q.opt("incident") {
        b.push_str(&incident_notice(v, &id, unit).await?);
    }
    b.push_str(&format!(
        "<style>.stop h3{{font-size:1.3rem;margin:.2rem 0}}.stop li{{margin:.6rem 0}}.big{{font-size:1.25rem;font-weight:700}}\
         .stop input{{font-size:1.3rem}}</style><p><a class=\"btn btn2\" href=\"{}\">{}</a></p>",
        v.href(super::ROUTE_SHEETS_PAGE),
        esc(&v.t("pg-route-sheets"))
    ));
    // Today's sheets: a driver's own vehicle; staff see every vehicle's.
    let date = today(v).await;
    let found = dispatch::sheets_for(db, &v.actor, v.county, &date).await.map_err(|e| v.fail(e))?;
    let lots_all = if v.has_role(&[Role::Operator, Role::Driver, Role::Agent, Role::Inspector]) {
        lots::list_lots(db, &v.actor, v.county, &LotQuery::default()).await.map_err(|e| v.fail(e))?
    } else {
        Vec::new()
    };
    b.push_str(&format!("<h2>{}</h2>", esc(&v.ta("drv-today", &[("date", forms::date_text(v.lang, &date))]))));
    match found {
        Some((plan, codes)) if !codes.is_empty() => {
            for code in codes {
                let out = dispatch::route_sheet(db, &v.actor, v.county, plan.id, &code).await.map_err(|e| v.fail(e))?;
                b.push_str(&sheet_html(v, &out, &station_name, &lots_all, typed, errs, unit));
            }
        }
        _ => b.push_str(&format!("<p class=muted id=no-sheet>{}</p>", esc(&v.t("drv-no-sheet")))),
    }
    // The lots the driver holds, to hand to the hub.
    let me = v.person_as(&[Role::Driver]);
    let mine: Vec<_> = lots_all.iter().filter(|l| Some(l.custodian_id) == me && l.state == "active").collect();
    if me.is_some() {
        b.push_str(&format!("<h2>{}</h2><ul id=my-lots>", esc(&v.t("drv-my-lots"))));
        for l in &mine {
            let name = lot_field(&l.id.to_string());
            b.push_str(&format!(
                "<li class=card><span class=\"m big\">{}</span> {} · {} <strong>{}</strong>\
                 <form method=post action=\"{}\">{}{}{}<button id=\"hand-{}\">{}</button></form></li>",
                esc(&l.code),
                esc(&l.product_name),
                esc(&l.grade),
                w(l.weight_g),
                v.href("driver/handoffs"),
                guard(v),
                hidden("lot", &l.id.to_string()),
                input(
                    v,
                    &name,
                    &unit_label(unit, "drv-hub-weight"),
                    typed.get(&name),
                    errs,
                    "inputmode=decimal required"
                ),
                esc(&l.code),
                esc(&v.t("drv-hand-to-hub"))
            ));
        }
        b.push_str("</ul>");
        if mine.is_empty() {
            b.push_str(&format!("<p class=muted>{}</p>", esc(&v.t("pg-none"))));
        }
    }
    b.push_str(&parcels(v, unit).await?);
    Ok(v.page(&v.t("pg-driver-title"), &b))
}

/// The label key of a weight input in the county's unit: `drv-weighed-kg`, `drv-weighed-jin`.
fn unit_label(unit: WeightUnit, key: &str) -> String {
    format!("{key}-{}", unit.as_str())
}

/// One vehicle's sheet, stop by stop, with a weighing form at each parcel and pickup.
fn sheet_html(
    v: &View,
    out: &SheetOut,
    station_name: &HashMap<String, String>,
    lots_all: &[uplink_store::lots::Lot],
    typed: &Fields,
    errs: &Errs,
    unit: WeightUnit,
) -> String {
    let w = |g: i64| Grams(g).display_in(unit);
    let s = &out.sheet;
    let mut b = format!(
        "<section id=\"sheet-{veh}\"><p class=big>{veh} {plate} · {dep} {depart} · {back} {ret}</p>",
        veh = esc(&s.vehicle),
        plate = esc(out.plate.as_deref().unwrap_or("")),
        dep = esc(&v.t("drv-depart")),
        depart = esc(&s.depart),
        back = esc(&v.t("drv-back")),
        ret = esc(&s.back),
    );
    let plan = out.plan_id.to_string();
    for (i, stop) in s.stops.iter().enumerate() {
        let n = i as i64 + 1;
        let name = station_name.get(&stop.place).cloned().unwrap_or_default();
        b.push_str(&format!(
            "<div class=\"card stop\" id=\"stop-{n}\"><h3>{n}. {} <span class=m>{}</span></h3><p>{} <strong>{}</strong></p><ul>",
            esc(&name),
            esc(&stop.place),
            esc(&v.t("sheet-arrival")),
            esc(&stop.arrival)
        ));
        let lines = stop
            .drop
            .iter()
            .flat_map(|h| h.orders.iter().map(|o| ("drv-deliver", o)))
            .chain(stop.collect.iter().flat_map(|h| h.orders.iter().map(|o| ("drv-collect", o))));
        for (kind, o) in lines {
            let field = stop_field(n, &o.id);
            let done = out.records.iter().rev().find(|r| r.stop == n && r.reference == o.id);
            let recorded = match done {
                Some(r) => format!(
                    "<p class=ok id=\"rec-{field}\">{}</p>",
                    esc(&v.ta(
                        "drv-recorded",
                        &[("weight", w(r.weight_g)), ("difference", w(r.weight_g - r.expected_weight_g))]
                    ))
                ),
                None => String::new(),
            };
            b.push_str(&format!(
                "<li><span class=big>{}</span> <span class=m>{}</span> · {} {}{recorded}\
                 <form method=post action=\"{}\">{}{}{}{}{}{}<button id=\"weigh-{field}\">{}</button></form></li>",
                esc(&v.t(kind)),
                esc(&o.id),
                esc(&v.t("sheet-expected")),
                w(o.weight_g),
                v.href("driver/stops"),
                guard(v),
                hidden("plan", &plan),
                hidden("vehicle", &s.vehicle),
                hidden("stop", &n.to_string()),
                hidden("ref", &o.id),
                input(
                    v,
                    &field,
                    &unit_label(unit, "drv-weighed"),
                    typed.get(&field),
                    errs,
                    "inputmode=decimal required"
                ),
                esc(&v.t("drv-record"))
            ));
        }
        // Lots taken in at this station and still there: what to load besides the orders.
        for l in
            lots_all.iter().filter(|l| l.state == "active" && l.place_kind == "station" && l.place_code == stop.place)
        {
            b.push_str(&format!(
                "<li class=lot-waiting><span class=big>{}</span> <span class=m>{}</span> · {} {} · {} {}</li>",
                esc(&v.t("drv-lot-waiting")),
                esc(&l.code),
                esc(&l.product_name),
                esc(&l.grade),
                esc(&v.t("sheet-expected")),
                w(l.weight_g)
            ));
        }
        b.push_str("</ul></div>");
    }
    b.push_str("</section>");
    b
}

/// The incident a hand-off just opened, with the weights that opened it.
async fn incident_notice(v: &View, id: &str, unit: WeightUnit) -> Result<String, axum::response::Response> {
    let all = lots::list_incidents(&v.st.db, &v.actor, v.county).await.map_err(|e| v.fail(e))?;
    let Some(i) = all.iter().find(|i| i.id.to_string() == id) else { return Ok(String::new()) };
    let w = |g: i64| Grams(g).display_in(unit);
    Ok(format!(
        "<div class=warn role=alert id=incident><p><strong>{}</strong></p><p>{}</p></div>",
        esc(&v.ta("drv-incident", &[("lot", i.lot_code.clone())])),
        esc(&v.ta(
            "drv-incident-detail",
            &[("given", w(i.given_g)), ("taken", w(i.taken_g)), ("loss", w(i.loss_g)), ("allowed", w(i.allowed_g))]
        ))
    ))
}

/// The parcels packed at the hub to load, and those on the truck to hand over.
async fn parcels(v: &View, unit: WeightUnit) -> Result<String, axum::response::Response> {
    let db = &v.st.db;
    let here = v.href("driver");
    let lq = ListQuery { limit: Some(100), ..Default::default() };
    let list = |state: &str| OrderQuery { state: Some(state.into()), ..Default::default() };
    let to_load = uc::list_orders(db, &v.actor, v.county, &lq, &list("packed")).await.map_err(|e| v.fail(e))?;
    let on_truck = uc::list_orders(db, &v.actor, v.county, &lq, &list("in_transit")).await.map_err(|e| v.fail(e))?;
    let drops: HashMap<String, String> = settings::drop_points(db, &v.actor, v.county)
        .await
        .map_err(|e| v.fail(e))?
        .into_iter()
        .map(|d| (d.id.to_string(), format!("{} · {}", d.city, d.name)))
        .collect();
    let stations = network::list_stations(
        db,
        &v.actor,
        v.county,
        &ListQuery { limit: Some(uplink_service::paging::MAX_LIMIT), ..Default::default() },
    )
    .await
    .map_err(|e| v.fail(e))?;
    let stations: HashMap<String, String> = stations.items.into_iter().map(|s| (s.id.to_string(), s.name)).collect();
    let dest = |o: &Order| -> String {
        if let Some(s) = o.station_id {
            return stations.get(&s.to_string()).cloned().unwrap_or_default();
        }
        if let Some(d) = o.drop_point_id {
            return drops.get(&d.to_string()).cloned().unwrap_or_default();
        }
        o.address.clone().unwrap_or_default()
    };
    let mut b = String::new();
    for (title, items, event, key, id) in [
        ("pg-to-load", &to_load.items, OrderEvent::Ship, "pg-ship", "to-load"),
        ("pg-on-truck", &on_truck.items, OrderEvent::Deliver, "pg-deliver", "on-truck"),
    ] {
        b.push_str(&format!("<h2>{} ({})</h2><table id={id}>", esc(&v.t(title)), items.len()));
        for o in items.iter() {
            b.push_str(&format!(
                "<tr><td><span class=m>{}</span><br>{}</td><td>{}<br>{}</td><td>{}</td></tr>",
                esc(&o.order_no),
                esc(&v.t(&format!("dir-{}", o.direction.as_str()))),
                esc(&dest(o)),
                Grams(o.weight_g).display_in(unit),
                move_button(v, &o.id.to_string(), event.as_str(), key, &here)
            ));
        }
        b.push_str("</table>");
        if items.is_empty() {
            b.push_str(&format!("<p class=muted>{}</p>", esc(&v.t("pg-none"))));
        }
    }
    Ok(b)
}

async fn record_stop(State(st): State<AppState>, ctx: Ctx, Path(county): Path<String>, Form(f): FormIn) -> Pg {
    let (v, f) = View::posted(&st, &ctx, &county, f)?;
    let unit = v.weight_unit().await?;
    let stop = f.get("stop").trim().parse::<i64>().ok();
    let field = stop_field(stop.unwrap_or(0), f.get("ref"));
    let plan: PlanId = v.id(f.get("plan"))?;
    let mut errs = Errs::default();
    let Some(weight) = f.weight(&field, unit, &mut errs, &v) else {
        return render(&v, &Fields::default(), &f, &errs).await;
    };
    let input = StopInput { vehicle: f.opt("vehicle"), stop, reference: f.opt("ref"), weight_g: Some(weight.0) };
    match dispatch::record_stop(&v.st.db, &v.actor, v.county, plan, input, f.idem("page-stop").as_ref()).await {
        Ok(_) => Ok(see_other(&format!("{}?done=weighed#stop-{}", v.href("driver"), stop.unwrap_or(0)))),
        Err(e) => {
            let errs = Errs::from_service(&v, e, &|_| field.clone())?;
            render(&v, &Fields::default(), &f, &errs).await
        }
    }
}

/// The driver hands a lot to the county hub, weighed on the hub's scale.
async fn hand_to_hub(State(st): State<AppState>, ctx: Ctx, Path(county): Path<String>, Form(f): FormIn) -> Pg {
    let (v, f) = View::posted(&st, &ctx, &county, f)?;
    let unit = v.weight_unit().await?;
    let lot: LotId = v.id(f.get("lot"))?;
    let field = lot_field(&lot.to_string());
    let mut errs = Errs::default();
    let Some(weight) = f.weight(&field, unit, &mut errs, &v) else {
        return render(&v, &Fields::default(), &f, &errs).await;
    };
    let hub_person = {
        let mut c = v.st.db.reader().await.map_err(|e| v.fail(e.into()))?;
        uplink_store::windows::county_operator(&mut c, v.county).await.map_err(|e| v.fail(e.into()))?
    };
    let Some(to) = hub_person else { return Err(v.fail(ServiceError::NotFound)) };
    let input = HandoffInput { to_person_id: to, weight_g: weight.0, hub_id: None, grade: None };
    match lots::handoff(&v.st.db, &v.actor, v.county, lot, input, f.idem("page-hub-handoff").as_ref()).await {
        Ok(r) => {
            let incident = r.incident.map(|i| format!("&incident={}", i.id)).unwrap_or_default();
            Ok(see_other(&format!("{}?done=handoff{incident}", v.href("driver"))))
        }
        Err(e) => {
            let errs = Errs::from_service(&v, e, &|_| field.clone())?;
            render(&v, &Fields::default(), &f, &errs).await
        }
    }
}
