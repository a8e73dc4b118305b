//! The county dashboard page (`/c/{county}/dashboard`) for operators and auditors: the period
//! form, the drill-down from county to station, every figure with its definition on hover or tap
//! and a link to its records, the uplink and downlink chart (side by side, never stacked) and the
//! uplink share, the top and bottom stations, and the downloads of every table.

use super::forms::{Errs, Fields, input, select};
use super::{Pg, View};
use crate::chart::{self, GroupedBars, Line, Series};
use crate::context::Ctx;
use crate::html::esc;
use crate::state::AppState;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use uplink_core::Fen;
use uplink_core::metrics::{Group, format_value};
use uplink_service::ServiceError;
use uplink_service::dashboard::{self as uc, Dashboard, DashboardQuery, StationRow, TableId};

pub fn router() -> Router<AppState> {
    Router::new().route("/c/{county}/dashboard", get(page))
}

fn query_of(f: &Fields) -> DashboardQuery {
    DashboardQuery {
        from: f.opt("from"),
        to: f.opt("to"),
        by: f.opt("by"),
        township: f.opt("township"),
        village: f.opt("village"),
        station: f.opt("station"),
    }
}

/// The query string of a dashboard with `area` (`township=…`, or empty for the county).
fn qs(d: &Dashboard, area: &str) -> String {
    let sep = if area.is_empty() { "" } else { "&" };
    format!("?from={}&to={}&by={}{sep}{area}", d.from, d.to, d.by.as_str())
}

fn area_param(level: &str, id: &str) -> String {
    if level == "county" || id.is_empty() { String::new() } else { format!("{level}={id}") }
}

fn period_form(v: &View, f: &Fields, errs: &Errs) -> String {
    let mut hidden = String::new();
    for k in ["township", "village", "station"] {
        if let Some(x) = f.opt(k) {
            hidden.push_str(&format!("<input type=hidden name={k} value=\"{}\">", esc(&x)));
        }
    }
    let by = [("month".to_string(), v.t("dashboard-by-month")), ("week".to_string(), v.t("dashboard-by-week"))];
    format!(
        "<form method=get action=\"{}\" class=row>{hidden}{}{}{}<button id=dashboard-show>{}</button></form>{}",
        v.href("dashboard"),
        input(v, "from", "dashboard-col-from", f.get("from"), errs, "type=date"),
        input(v, "to", "dashboard-col-to", f.get("to"), errs, "type=date"),
        select(v, "by", "dashboard-by", &by, f.get("by"), errs),
        esc(&v.t("dashboard-show")),
        errs.others(&["from", "to", "by"]),
    )
}

fn drill(v: &View, d: &Dashboard) -> String {
    let link = |p: &uc::Place| {
        format!("<a href=\"{}{}\">{}</a>", v.href("dashboard"), qs(d, &area_param(&p.level, &p.id)), esc(&p.name))
    };
    let mut s = String::from("<nav class=trail id=drill>");
    for p in &d.trail {
        s.push_str(&link(p));
        s.push_str(" › ");
    }
    s.push_str(&format!("<strong>{}</strong>", esc(&d.area.name)));
    if !d.children.is_empty() {
        s.push_str(&format!("<p>{}: ", esc(&v.t("dashboard-drill"))));
        let kids: Vec<String> = d.children.iter().map(link).collect();
        s.push_str(&kids.join(" · "));
        s.push_str("</p>");
    }
    s.push_str("</nav>");
    s
}

fn figures(v: &View, d: &Dashboard) -> String {
    let mut s = String::new();
    for g in Group::ALL {
        s.push_str(&format!(
            "<section id=\"group-{g}\"><h2>{}</h2><table>",
            esc(&v.t(&format!("dashboard-group-{}", g.as_str()))),
            g = g.as_str()
        ));
        for f in d.figures.iter().filter(|f| f.group == g) {
            s.push_str(&format!(
                "<tr id=\"fig-{id}\"><th><abbr title=\"{def}\">{name}</abbr></th><td class=num data-value=\"{raw}\">{val}</td>\
                 <td><a href=\"{rec}\">{records}</a></td></tr>",
                id = f.id.as_str(),
                def = esc(&v.t(&f.definition_key)),
                name = esc(&v.t(&f.label_key)),
                raw = f.value.map(|x| x.to_string()).unwrap_or_default(),
                val = esc(&format_value(f.unit, f.value)),
                rec = esc(&f.records),
                records = esc(&v.t("dashboard-records")),
            ));
        }
        s.push_str("</table></section>");
    }
    s
}

fn charts(v: &View, d: &Dashboard) -> String {
    let periods: Vec<String> = d.periods.iter().map(|p| p.bucket.label.clone()).collect();
    let up: Vec<i64> = d.periods.iter().map(|p| p.uplink.gmv_fen).collect();
    let down: Vec<i64> = d.periods.iter().map(|p| p.downlink.gmv_fen).collect();
    let share: Vec<Option<i64>> = d.periods.iter().map(|p| p.uplink_share_bp).collect();
    let (up_name, down_name) = (v.t("metric-uplink_gmv"), v.t("metric-downlink_gmv"));
    let empty = v.t("dashboard-no-data");
    let money = |x: i64| Fen(x).to_string();
    let pct = |x: i64| format_value(uplink_core::metrics::Unit::BasisPoints, Some(x));
    let gmv = chart::grouped_bars(&GroupedBars {
        title: &v.t("dashboard-chart-gmv"),
        periods: &periods,
        series: [Series { name: &up_name, values: &up }, Series { name: &down_name, values: &down }],
        label: &money,
        empty: &empty,
    });
    let line = chart::line(&Line {
        title: &v.t("dashboard-chart-share"),
        periods: &periods,
        name: &v.t("metric-uplink_share"),
        values: &share,
        label: &pct,
        empty: &empty,
    });
    format!("<figure id=chart-gmv>{gmv}</figure><figure id=chart-share>{line}</figure>")
}

fn station_table(v: &View, id: &str, title: &str, rows: &[StationRow]) -> String {
    let mut s = format!(
        "<table id={id}><caption>{}</caption><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
        esc(title),
        esc(&v.t("dashboard-col-station")),
        esc(&v.t("dashboard-col-village")),
        esc(&v.t("metric-uplink_gmv")),
        esc(&v.t("metric-downlink_gmv")),
        esc(&v.t("dashboard-col-active")),
    );
    for r in rows {
        s.push_str(&format!(
            "<tr><td>{} <span class=m>{}</span></td><td>{}</td><td class=num>{}</td><td class=num>{}</td><td>{}</td></tr>",
            esc(&r.name),
            esc(&r.code),
            esc(&r.village),
            Fen(r.uplink.gmv_fen),
            Fen(r.downlink.gmv_fen),
            esc(&v.t(if r.active { "dashboard-active-yes" } else { "dashboard-active-no" })),
        ));
    }
    s.push_str("</table>");
    s
}

fn stations(v: &View, d: &Dashboard) -> String {
    let n = d.stations.len();
    let top = &d.stations[..n.min(5)];
    let bottom: Vec<StationRow> = d.stations[n.saturating_sub(5)..].iter().rev().cloned().collect();
    format!(
        "{}{}",
        station_table(v, "top-stations", &v.t("dashboard-top"), top),
        station_table(v, "bottom-stations", &v.t("dashboard-bottom"), &bottom)
    )
}

fn downloads(v: &View, d: &Dashboard, f: &Fields) -> String {
    let area: Vec<String> =
        ["township", "village", "station"].iter().filter_map(|k| f.opt(k).map(|x| format!("{k}={x}"))).collect();
    let q = qs(d, &area.join("&"));
    let mut s = format!("<section id=downloads><h2>{}</h2><ul>", esc(&v.t("dashboard-downloads")));
    for t in TableId::ALL {
        let base = format!("/api/v1/counties/{}/dashboard/export/{}", v.county, t.as_str());
        s.push_str(&format!(
            "<li>{} <a href=\"{base}.csv{q}\">CSV</a> · <a href=\"{base}.xlsx{q}\">XLSX</a></li>",
            esc(&v.t(&format!("dashboard-table-{}", t.as_str()))),
            q = esc(&q)
        ));
    }
    s.push_str("</ul></section>");
    s
}

async fn page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(county): Path<String>,
    Query(q): Query<Vec<(String, String)>>,
) -> Pg {
    let v = View::open(&st, &ctx, &county)?;
    let f = Fields::from(q);
    let title = v.t("dashboard-title");
    match uc::dashboard(&v.st.db, &v.actor, v.county, &query_of(&f)).await {
        Ok(d) => {
            // The form shows the period the figures are for, defaults included.
            let mut shown = f.0.clone();
            shown.insert("from".into(), d.from.clone());
            shown.insert("to".into(), d.to.clone());
            shown.insert("by".into(), d.by.as_str().into());
            let body = [
                period_form(&v, &Fields(shown), &Errs::default()),
                drill(&v, &d),
                charts(&v, &d),
                figures(&v, &d),
                format!("<section id=stations><h2>{}</h2>", esc(&v.t("dashboard-group-stations"))),
                stations(&v, &d),
                "</section>".into(),
                downloads(&v, &d, &f),
            ];
            Ok(v.page(&title, &body.concat()))
        }
        Err(e @ ServiceError::Invalid(_)) => {
            let errs = Errs::from_service(&v, e, &|f| f.to_string())?;
            let body = period_form(&v, &f, &errs);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, v.page(&title, &body)).into_response())
        }
        Err(e) => Err(v.fail(e)),
    }
}
