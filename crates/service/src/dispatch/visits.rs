//! When the truck comes to a village station: the stop at the station in a date's latest plan,
//! with the planned arrival (local time of the county), what the truck drops there (parcels) and
//! collects (farm products), and which vehicle and driver come. The station's agent reads their
//! own station's stops without reading the rest of the plan; staff who read plans read any.

use crate::access::Actor;
use crate::error::{Result, ServiceError};
use serde::{Deserialize, Serialize};
use uplink_core::people::{Action, Role};
use uplink_core::*;
use uplink_logistics::dispatch::{Handoff, RouteSheet};
use uplink_store::dispatch as repo;
use uplink_store::{Db, StoreError};
use utoipa::ToSchema;

/// One order (or lot) handed over at the stop, by its number as on the route sheet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct VisitItem {
    pub reference: String,
    pub weight_g: i64,
    pub cold: bool,
}

/// A truck's stop at the station in a date's latest plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct StationVisit {
    /// `YYYY-MM-DD`, the plan's date.
    pub date: String,
    pub plan_version: i64,
    /// `HH:MM`, local time of the county; work starts at `start` if the station is not open yet.
    pub arrival: String,
    pub start: String,
    pub vehicle: String,
    pub plate: Option<String>,
    pub refrigerated: bool,
    pub driver_name: Option<String>,
    pub driver_phone: Option<String>,
    /// Parcels dropped at the station.
    pub drop: Vec<VisitItem>,
    /// Farm products collected from the station.
    pub collect: Vec<VisitItem>,
}

/// The station's agent for their own station; staff who read plans for any station.
async fn may_see(c: &mut uplink_store::Conn, actor: &Actor, county: CountyId, station: StationId) -> Result<()> {
    actor.authorize(county, Action::ReadNetwork)?;
    if actor.is_admin || actor.roles_in(county).iter().any(|r| r.may(Action::ReadDispatch)) {
        return Ok(());
    }
    for m in actor.memberships.iter().filter(|m| m.county_id == county && m.role == Role::Agent) {
        let p = uplink_store::people::get_person(c, county, m.person_id).await?;
        if p.and_then(|p| p.station_id) == Some(station) {
            return Ok(());
        }
    }
    Err(ServiceError::Forbidden)
}

/// The stops at `station` in the latest plan of `date` (`YYYY-MM-DD`), in the order of arrival;
/// empty when the date has no plan or the plan does not come to the station.
pub async fn station_visits(
    db: &Db,
    actor: &Actor,
    county: CountyId,
    station: StationId,
    date: &str,
) -> Result<Vec<StationVisit>> {
    let day = time::parse_date(date).map_err(|e| e.under("date"))?;
    let (y, m, d) = time::civil_from_days(day);
    let date = format!("{y:04}-{m:02}-{d:02}");
    let mut c = db.reader().await?;
    may_see(&mut c, actor, county, station).await?;
    let st = uplink_store::network::get_station(&mut c, county, station).await?.ok_or(ServiceError::NotFound)?;
    let Some(latest) = repo::list_plans(&mut c, county, &date).await?.into_iter().next() else { return Ok(vec![]) };
    let row = repo::get_plan(&mut c, county, latest.id).await?.ok_or(ServiceError::NotFound)?;
    let corrupt =
        |e: serde_json::Error| ServiceError::Store(StoreError::Corrupt(format!("plan sheets unreadable: {e}")));
    let report: serde_json::Value = serde_json::from_str(&row.report).map_err(corrupt)?;
    let sheets: Vec<RouteSheet> = serde_json::from_value(report["plan"]["sheets"].clone()).map_err(corrupt)?;
    let fleet = repo::list_vehicles(&mut c, county).await?;
    let items = |hs: &[Handoff]| -> Vec<VisitItem> {
        hs.iter()
            .flat_map(|h| {
                h.orders.iter().map(|o| VisitItem { reference: o.id.clone(), weight_g: o.weight_g, cold: h.cold })
            })
            .collect()
    };
    let mut out = Vec::new();
    for sheet in &sheets {
        let stops: Vec<_> = sheet.stops.iter().filter(|s| s.place == st.code).collect();
        if stops.is_empty() {
            continue;
        }
        let vehicle = fleet.iter().find(|v| v.code == sheet.vehicle);
        let driver = match vehicle.and_then(|v| v.driver_id) {
            Some(id) => uplink_store::people::get_person(&mut c, county, id).await?,
            None => None,
        };
        for stop in stops {
            out.push(StationVisit {
                date: date.clone(),
                plan_version: row.version,
                arrival: stop.arrival.clone(),
                start: stop.start.clone(),
                vehicle: sheet.vehicle.clone(),
                plate: vehicle.map(|v| v.plate.clone()),
                refrigerated: vehicle.is_some_and(|v| v.refrigerated),
                driver_name: driver.as_ref().map(|p| p.name.clone()),
                driver_phone: driver.as_ref().and_then(|p| p.phone.clone()),
                drop: items(&stop.drop),
                collect: items(&stop.collect),
            });
        }
    }
    out.sort_by(|a, b| a.arrival.cmp(&b.arrival));
    Ok(out)
}
