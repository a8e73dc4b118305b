//! The driver's page, until the route sheets of issue 5 take over: the parcels packed at the
//! hub to load (ship), and those on the truck to hand over (deliver), each with where it goes.

use super::forms::{self, Fields, move_button, weight};
use super::{Pg, View};
use crate::context::Ctx;
use crate::html::esc;
use crate::state::AppState;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::routing::get;
use std::collections::HashMap;
use uplink_core::order::{Order, OrderEvent};
use uplink_service::network;
use uplink_service::orders::{self as uc, OrderQuery};
use uplink_service::paging::ListQuery;
use uplink_service::settings;

pub fn router() -> Router<AppState> {
    Router::new().route("/c/{county}/driver", get(driver_page))
}

async fn driver_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(county): Path<String>,
    Query(q): Query<Vec<(String, String)>>,
) -> Pg {
    let v = View::open(&st, &ctx, &county)?;
    let q = Fields::from(q);
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
    let stations =
        network::list_stations(db, &v.actor, v.county, &ListQuery { limit: Some(200), ..Default::default() })
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
    let mut b = forms::flash(&v, q.opt("done").as_deref());
    b.push_str(&format!(
        "<p><a class=\"btn btn2\" href=\"{}\">{}</a></p>",
        v.href(super::ROUTE_SHEETS_PAGE),
        esc(&v.t("pg-route-sheets"))
    ));
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
                weight(o.weight_g),
                move_button(&v, &o.id.to_string(), event.as_str(), key, &here)
            ));
        }
        b.push_str("</table>");
        if items.is_empty() {
            b.push_str(&format!("<p class=muted>{}</p>", esc(&v.t("pg-none"))));
        }
    }
    Ok(v.page(&v.t("pg-driver-title"), &b))
}
