//! The county dashboard (issue 8): for a period and an area (county, township, village or
//! station), every figure of `core::metrics` with its definition key and a link to the records
//! it counts, uplink and downlink GMV by week or month, and the stations by uplink. Operators,
//! auditors and admins read it; another county's users get `NotFound`.

mod orders;
mod refresh;
mod tables;

pub(crate) use refresh::plan_figures;
pub use refresh::{rebuild, refresh};
pub use tables::{TableId, table};

use crate::access::Actor;
use crate::error::Result;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use uplink_core::CountyId;
use uplink_core::metrics::{self, Bucket, Counts, FigureId, Group, Period, Trade, Unit};
use uplink_core::people::Action;
use uplink_core::validation::{Checker, FieldError};
use uplink_store::dashboard::{self as repo, Area, StationPlace};
use uplink_store::{Db, now_us};
use utoipa::{IntoParams, ToSchema};

/// The dashboard's query: the period (dates `YYYY-MM-DD`, both included; `by` week or month)
/// and the drill-down (one of township, village, station; the most specific wins).
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
pub struct DashboardQuery {
    pub from: Option<String>,
    pub to: Option<String>,
    pub by: Option<String>,
    pub township: Option<String>,
    pub village: Option<String>,
    pub station: Option<String>,
}

/// One figure: its value in its unit (`None` when it has no value, a ratio over nothing), the
/// message keys of its name and definition, and where its records are.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Figure {
    pub id: FigureId,
    pub group: Group,
    pub unit: Unit,
    pub value: Option<i64>,
    pub label_key: String,
    pub definition_key: String,
    /// The name and the definition in the reader's language, as the API and the page fill them
    /// in from the keys (empty until then).
    #[serde(default)]
    pub label: String,
    #[serde(default)]
    pub definition: String,
    /// The list of the records it counts (an API list with its filters).
    pub records: String,
}

/// One week or month: uplink and downlink side by side, and the uplink share.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PeriodRow {
    #[serde(flatten)]
    pub bucket: Bucket,
    pub uplink: Trade,
    pub downlink: Trade,
    pub uplink_share_bp: Option<i64>,
}

/// A station of the area with its orders of the period, uplink and downlink side by side.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct StationRow {
    pub station_id: String,
    pub code: String,
    pub name: String,
    pub village: String,
    pub township: String,
    pub uplink: Trade,
    pub downlink: Trade,
    /// At least one order in each of the last three complete calendar months.
    pub active: bool,
}

/// A place to drill into, or one on the way back up.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Place {
    /// `county`, `township`, `village` or `station`.
    pub level: String,
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Dashboard {
    pub county_id: CountyId,
    pub from: String,
    pub to: String,
    pub by: metrics::By,
    /// The area shown, after the places above it (county first).
    pub area: Place,
    pub trail: Vec<Place>,
    /// The places one level down.
    pub children: Vec<Place>,
    pub figures: Vec<Figure>,
    pub periods: Vec<PeriodRow>,
    /// The stations of the area by uplink GMV, highest first; the top and bottom five are the
    /// first and last five.
    pub stations: Vec<StationRow>,
    /// What was counted, for anyone who recomputes the figures.
    pub counts: Counts,
}

fn opt(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// The area of the query, checked against the county's places.
fn area_of(q: &DashboardQuery, places: &[StationPlace], ck: &mut Checker) -> (Area, Option<HashSet<String>>) {
    let mut area = Area::default();
    let mut check = |field: &str, raw: Option<&str>, known: &dyn Fn(&str) -> bool| -> String {
        match raw {
            None => String::new(),
            Some(s) if known(s) => s.to_string(),
            Some(_) => {
                ck.push(FieldError::new(field, "unknown-reference"));
                String::new()
            }
        }
    };
    let ok_id = |s: &str, f: &dyn Fn(&StationPlace) -> &str| places.iter().any(|p| f(p) == s);
    area.station = check("station", opt(&q.station), &|s| ok_id(s, &|p| &p.station_id));
    area.village = check("village", opt(&q.village), &|s| ok_id(s, &|p| &p.village_id));
    area.township = check("township", opt(&q.township), &|s| ok_id(s, &|p| &p.township_id));
    let open = area.station.is_empty() && area.village.is_empty() && area.township.is_empty();
    let set = (!open).then(|| {
        places
            .iter()
            .filter(|p| {
                (area.station.is_empty() || p.station_id == area.station)
                    && (area.village.is_empty() || p.village_id == area.village)
                    && (area.township.is_empty() || p.township_id == area.township)
            })
            .map(|p| p.station_id.clone())
            .collect()
    });
    (area, set)
}

/// Where the area sits, and the places one level down.
fn drill(county: &str, area: &Area, places: &[StationPlace]) -> (Place, Vec<Place>, Vec<Place>) {
    let place = |level: &str, id: &str, name: &str| Place { level: level.into(), id: id.into(), name: name.into() };
    let mut trail = vec![place("county", "", county)];
    let mut children: Vec<Place> = Vec::new();
    let mut push_child = |p: Place| {
        if !children.iter().any(|c| c.id == p.id) {
            children.push(p);
        }
    };
    let here = if let Some(s) = places.iter().find(|p| p.station_id == area.station) {
        trail.push(place("township", &s.township_id, &s.township));
        trail.push(place("village", &s.village_id, &s.village));
        place("station", &s.station_id, &s.name)
    } else if let Some(v) = places.iter().find(|p| p.village_id == area.village) {
        trail.push(place("township", &v.township_id, &v.township));
        for p in places.iter().filter(|p| p.village_id == v.village_id) {
            push_child(place("station", &p.station_id, &p.name));
        }
        place("village", &v.village_id, &v.village)
    } else if let Some(t) = places.iter().find(|p| p.township_id == area.township) {
        for p in places.iter().filter(|p| p.township_id == t.township_id) {
            push_child(place("village", &p.village_id, &p.village));
        }
        place("township", &t.township_id, &t.township)
    } else {
        for p in places {
            push_child(place("township", &p.township_id, &p.township));
        }
        trail.pop().unwrap_or_else(|| place("county", "", county))
    };
    (here, trail, children)
}

/// The list of records behind a figure: an API list with the filters it has.
fn records(f: FigureId, county: CountyId, area: &Area, to: &str) -> String {
    let base = format!("/api/v1/counties/{county}");
    let station = if area.station.is_empty() { String::new() } else { format!("&station_id={}", area.station) };
    match f.group() {
        Group::Trade => match f {
            FigureId::DownlinkGmv | FigureId::DownlinkOrders => format!("{base}/orders?direction=downlink{station}"),
            FigureId::UplinkShare => format!("{base}/orders?{}", station.trim_start_matches('&')),
            _ => format!("{base}/orders?direction=uplink{station}"),
        },
        Group::FarmerIncome | Group::Loss => format!("{base}/lots"),
        Group::Logistics => format!("{base}/dispatch/plans?date={to}"),
        Group::Trust => match f {
            FigureId::ShortWeightIncidents => format!("{base}/incidents"),
            FigureId::DaysToFarmerPayment => format!("{base}/lots"),
            _ => format!("{base}/claims"),
        },
        Group::Stations => format!("{base}/stations"),
    }
}

/// `$call` (an async read using connection `$c`) on a reader connection of its own, as a future
/// that can run at the same time as others.
macro_rules! on_reader {
    ($db:expr, |$c:ident| $call:expr) => {
        async {
            let mut $c = $db.reader().await?;
            $call.await.map_err(crate::ServiceError::from)
        }
    };
}

/// The dashboard of a county for a period and an area.
pub async fn dashboard(db: &Db, actor: &Actor, county: CountyId, q: &DashboardQuery) -> Result<Dashboard> {
    actor.authorize(county, Action::ReadDashboard)?;
    let now = now_us();
    let (cty, off, places) = {
        let mut c = db.reader().await?;
        let cty = uplink_store::network::get_county(&mut c, county).await?.ok_or(crate::ServiceError::NotFound)?;
        let off = refresh::offset_us(&mut c, county).await?;
        (cty, off, repo::station_places(&mut c, county).await?)
    };
    let today = refresh::day_of(now, off);
    let mut ck = Checker::new();
    let period = match Period::parse(opt(&q.from), opt(&q.to), opt(&q.by), today) {
        Ok(p) => Some(p),
        Err(e) => {
            e.0.into_iter().for_each(|x| ck.push(x));
            None
        }
    };
    let (area, set) = area_of(q, &places, &mut ck);
    ck.finish()?;
    let p = period.ok_or_else(crate::network::incomplete)?;
    let buckets = p.buckets();
    let (from, to) = (metrics::date(p.from), metrics::date(p.to));
    let (start_us, end_us) =
        (p.from * uplink_core::time::US_PER_DAY - off, (p.to + 1) * uplink_core::time::US_PER_DAY - off);

    // The groups read different tables and do not depend on each other: each runs on a reader
    // connection of its own, at the same time, so the page waits for the slowest, not the sum.
    let (o, intake, losses, claims, incidents, plans) = tokio::try_join!(
        on_reader!(db, |c| orders::totals(&mut c, county, off, &p, &buckets, today, &area, set.as_ref())),
        on_reader!(db, |c| repo::intake_sums(&mut c, county, start_us, end_us, &area)),
        on_reader!(db, |c| repo::losses(&mut c, county, start_us, end_us, &area)),
        on_reader!(db, |c| repo::claim_sums(&mut c, county, start_us, end_us, &area)),
        on_reader!(db, |c| repo::weight_incidents(&mut c, county, start_us, end_us, &area)),
        refresh::plans(db, county, &from, &to),
    )?;

    let in_area: Vec<&StationPlace> =
        places.iter().filter(|p| set.as_ref().is_none_or(|s| s.contains(&p.station_id))).collect();
    let active = |id: &str| metrics::is_active(o.active_months.get(id).map(|m| &m[..]).unwrap_or(&[]));
    let loss = |kind: &str| losses.iter().filter(|(k, _)| k == kind).map(|(_, g)| g).sum::<i64>();
    let upheld = claims
        .decided
        .iter()
        .filter(|(outcome, _)| uplink_core::trust::Outcome::parse(outcome).is_ok_and(|x| x.upheld()))
        .map(|(_, n)| n)
        .sum();
    let mut counts = Counts {
        uplink: o.total[0],
        downlink: o.total[1],
        payouts_fen: intake.payouts_fen,
        farmers_paid: intake.farmers_paid,
        farmer_price_value: intake.farmer_price_value,
        buyer_price_value: intake.buyer_price_value,
        loss_station_g: loss("station"),
        loss_vehicle_g: loss("vehicle"),
        loss_hub_g: loss("hub"),
        claims_opened: claims.opened,
        claims_decided: claims.decided.iter().map(|(_, n)| n).sum(),
        claims_upheld: upheld,
        weight_incidents: incidents,
        short_weight_claims: claims.short_weight,
        payment_delay_us: intake.payment_delay_us,
        payments: intake.payments,
        stations_opened: in_area.len() as i64,
        stations_active: in_area.iter().filter(|p| active(&p.station_id)).count() as i64,
        ..Counts::default()
    };
    for f in &plans {
        counts.cost_down_fen += f.cost_down_fen;
        counts.carried_down_g += f.carried_down_g;
        counts.cost_up_fen += f.cost_up_fen;
        counts.carried_up_g += f.carried_up_g;
        counts.distance_m += f.distance_m;
        counts.load_down_permille_sum += f.load_down_permille_sum;
        counts.load_up_permille_sum += f.load_up_permille_sum;
        counts.routes += f.routes;
        counts.backhaul_saving_fen += f.saving_fen;
    }

    let figures = metrics::compute(&counts)
        .into_iter()
        .map(|(id, value)| Figure {
            id,
            group: id.group(),
            unit: id.unit(),
            value,
            label_key: id.label_key(),
            definition_key: id.definition_key(),
            label: String::new(),
            definition: String::new(),
            records: records(id, county, &area, &to),
        })
        .collect();
    let periods = buckets
        .into_iter()
        .zip(&o.by_bucket)
        .map(|(bucket, [up, down])| PeriodRow {
            bucket,
            uplink: *up,
            downlink: *down,
            uplink_share_bp: metrics::share_bp(up.gmv_fen, down.gmv_fen),
        })
        .collect();
    let mut stations: Vec<StationRow> = in_area
        .iter()
        .map(|p| {
            let [up, down] = o.by_station.get(&p.station_id).copied().unwrap_or_default();
            StationRow {
                station_id: p.station_id.clone(),
                code: p.code.clone(),
                name: p.name.clone(),
                village: p.village.clone(),
                township: p.township.clone(),
                uplink: up,
                downlink: down,
                active: active(&p.station_id),
            }
        })
        .collect();
    stations.sort_by(|a, b| b.uplink.gmv_fen.cmp(&a.uplink.gmv_fen).then_with(|| a.code.cmp(&b.code)));
    let (area_place, trail, children) = drill(&cty.name, &area, &places);
    Ok(Dashboard {
        county_id: county,
        from,
        to,
        by: p.by,
        area: area_place,
        trail,
        children,
        figures,
        periods,
        stations,
        counts,
    })
}

/// The dashboard for whoever runs `uplink report` on the database itself (the platform's own
/// operator at the terminal): the county by its code or id, or the only county there is.
pub async fn dashboard_as_system(db: &Db, county: Option<&str>, q: &DashboardQuery) -> Result<Dashboard> {
    let counties = {
        let mut c = db.reader().await?;
        uplink_store::network::list_counties(&mut c).await?
    };
    let found = match county.map(str::trim) {
        Some(k) => counties.iter().find(|c| c.code.eq_ignore_ascii_case(k) || c.id.to_string() == k),
        None if counties.len() == 1 => counties.first(),
        None => return Err(FieldError::new("county", "required").into()),
    }
    .ok_or_else(|| FieldError::new("county", "unknown-reference"))?;
    let system = Actor {
        user_id: uplink_core::UserId(uuid::Uuid::nil()),
        username: "system".into(),
        display_name: "uplink report".into(),
        is_admin: true,
        locale: None,
        memberships: Vec::new(),
    };
    dashboard(db, &system, found.id, q).await
}
