//! Which orders ride on a date's plan, and how they become the planner's places, jobs and fleet.
//!
//! **The rule.** For date D (in the county's time zone) the trucks carry every order of the
//! county that is *confirmed* or *packed* and was ready before D ended (ready = paid, or placed
//! for orders paid at the station later; an order made ready after D waits for a later plan):
//! - **Downlink deliveries**: downlink orders, grouped per destination station into one job
//!   (`D-<station>`), with the cold ones in a job of their own (`D-<station>-cold`) so one chilled
//!   parcel does not put a whole station's load on the refrigerated truck. Loaded at the vehicle's
//!   depot from 00:00 (packed overnight), dropped while the station is open.
//! - **Uplink pickups**: uplink orders whose seller lives in a village with a station, one job
//!   per order (`U-<order no>`), collected at that station and carried back to the depot. Ready
//!   from the order's ready time (00:00 if earlier than D); due back by the end of its shortest
//!   shelf life counted from the ready time, and by the end of D at the latest. Produce whose
//!   shelf life has run out gets an empty window and is listed unplanned with the reason. Uplink
//!   orders of sellers with no station near them are not the county truck's job (they deliver to
//!   the hub themselves) and are not planned.
//! - Weight is the order's weight; volume is Σ units × the product's unit volume; cold is any line
//!   whose product is not stored ambient (such a job rides refrigerated vehicles only).
//!
//! **Seam for issue 4.** Lots taken in at stations (the harvest list) become pickups too: they
//! are added to `jobs` in [`day_inputs`] beside the uplink orders, one `L-<lot code>` job per lot,
//! with the same ready/due rule; nothing else here changes.
//!
//! Places: every hub of the county (depots), then the stations that have a job, in code order.
//! The fleet: every active vehicle, starting and ending at its depot.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uplink_core::FieldError;
use uplink_core::time::US_PER_DAY;
use uplink_logistics::dispatch::{DayJob, FleetVehicle, JobKind, OrderRef, Place, RoadClass, estimate_roads};
use uplink_logistics::{RoadError, RoadModel};
use uplink_store::dispatch::{DayOrder, DepotRow, StationRow, Vehicle};

const DAY_MIN: i64 = 24 * 60;

/// What a plan was made from: kept with the plan, so it can be re-checked and explained later.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanInputs {
    pub places: Vec<Place>,
    pub jobs: Vec<DayJob>,
    pub fleet: Vec<FleetVehicle>,
    /// Metres and seconds between the places, as the planner saw them.
    pub distance_m: Vec<Vec<i64>>,
    pub duration_s: Vec<Vec<i64>>,
}

/// The day ready for the planner.
pub struct DayInputs {
    pub places: Vec<Place>,
    pub jobs: Vec<DayJob>,
    pub fleet: Vec<FleetVehicle>,
    pub road: RoadModel,
}

impl DayInputs {
    pub fn recorded(&self) -> PlanInputs {
        let (distance_m, duration_s) = self.road.matrix();
        PlanInputs {
            places: self.places.clone(),
            jobs: self.jobs.clone(),
            fleet: self.fleet.clone(),
            distance_m,
            duration_s,
        }
    }
}

/// Local midnight starting `day` (days since 1970-01-01) in UTC microseconds.
pub fn day_start_us(day: i64, zone: &str) -> i64 {
    day * US_PER_DAY - uplink_core::time::utc_offset_min(zone) * 60 * 1_000_000
}

/// Builds the day (see the module docs). `matrix` is the county's imported road matrix, if any;
/// a pair of today's places missing from it is an error naming the pair.
pub fn day_inputs(
    day_start_us: i64,
    depots: &[DepotRow],
    stations: &[StationRow],
    orders: &[DayOrder],
    vehicles: &[Vehicle],
    matrix: Option<&str>,
) -> Result<DayInputs, FieldError> {
    // Minutes from the day's start to when the order was ready; None when ready after the day.
    let ready_rel = |o: &DayOrder| {
        let m = (o.ready_us - day_start_us).div_euclid(60_000_000);
        (m < DAY_MIN).then_some(m)
    };
    let station_code = |id| stations.iter().position(|s| s.id == id);
    let mut down: BTreeMap<(usize, bool), Vec<&DayOrder>> = BTreeMap::new();
    let mut up: Vec<(usize, &DayOrder, i64)> = Vec::new();
    for o in orders {
        let Some(rel) = ready_rel(o) else { continue };
        if o.downlink {
            if let Some(s) = o.station_id.and_then(station_code) {
                down.entry((s, o.cold)).or_default().push(o);
            }
        } else if let Some(s) = o.seller_station_id.and_then(station_code) {
            up.push((s, o, rel));
        }
    }
    let mut used: Vec<usize> = down.keys().map(|k| k.0).chain(up.iter().map(|u| u.0)).collect();
    used.sort_unstable();
    used.dedup();
    let mut places: Vec<Place> = depots
        .iter()
        .map(|d| Place {
            code: d.code.clone(),
            location: d.location,
            road: RoadClass::Paved,
            open_min: 0,
            close_min: DAY_MIN,
        })
        .collect();
    let place_of = |s: usize| depots.len() + used.iter().position(|&u| u == s).unwrap_or(0);
    for &s in &used {
        let st = &stations[s];
        places.push(Place {
            code: st.code.clone(),
            location: st.location,
            road: st.road,
            open_min: st.open_min,
            close_min: st.close_min,
        });
    }
    let mut jobs = Vec::new();
    for ((s, cold), os) in &down {
        let code = &stations[*s].code;
        jobs.push(DayJob {
            id: if *cold { format!("D-{code}-cold") } else { format!("D-{code}") },
            kind: JobKind::Delivery,
            station: place_of(*s),
            weight_g: os.iter().map(|o| o.weight_g).sum(),
            volume_cm3: os.iter().map(|o| o.volume_cm3).sum(),
            cold: *cold,
            ready_min: 0,
            due_min: DAY_MIN,
            order_refs: os.iter().map(|o| OrderRef { id: o.order_no.clone(), weight_g: o.weight_g }).collect(),
        });
    }
    for (s, o, rel) in &up {
        let due = rel.saturating_add(o.shelf_life_days.max(0).saturating_mul(DAY_MIN)).min(DAY_MIN);
        jobs.push(DayJob {
            id: format!("U-{}", o.order_no),
            kind: JobKind::Pickup,
            station: place_of(*s),
            weight_g: o.weight_g,
            volume_cm3: o.volume_cm3,
            cold: o.cold,
            ready_min: (*rel).max(0),
            due_min: due,
            order_refs: vec![OrderRef { id: o.order_no.clone(), weight_g: o.weight_g }],
        });
    }
    let fleet = vehicles
        .iter()
        .filter(|v| v.active)
        .filter_map(|v| {
            let depot = depots.iter().position(|d| d.id == v.depot_hub_id)?;
            Some(FleetVehicle {
                code: v.code.clone(),
                depot,
                capacity_g: v.capacity_g,
                capacity_cm3: v.capacity_cm3,
                refrigerated: v.refrigerated,
                cost_per_km_fen: v.cost_per_km_fen,
                cost_per_hour_fen: v.cost_per_hour_fen,
                cost_per_day_fen: v.cost_per_day_fen,
                shift_start_min: v.shift_start_min,
                shift_end_min: v.shift_end_min,
            })
        })
        .collect();
    let road = estimate_roads(&places);
    let road = match matrix {
        None => road,
        Some(csv) => road.with_matrix_csv(csv).map_err(matrix_error)?,
    };
    Ok(DayInputs { places, jobs, fleet, road })
}

/// A matrix that cannot serve today's places, as a field error on `road_matrix`.
pub fn matrix_error(e: RoadError) -> FieldError {
    match e {
        RoadError::MissingPair { from, to } => {
            FieldError::new("road_matrix", "road-matrix-missing-pair").arg("from", from).arg("to", to)
        }
        other => FieldError::new("road_matrix", "road-matrix-bad").arg("detail", other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uplink_core::*;

    fn station(code: &str) -> StationRow {
        StationRow {
            id: StationId::new(),
            code: code.into(),
            location: LatLon { lat: 25.9, lon: 100.6 },
            road: RoadClass::Gravel,
            open_min: 480,
            close_min: 1080,
        }
    }

    fn order(no: &str, downlink: bool, s: &StationRow, kg: i64, ready_us: i64, cold: bool) -> DayOrder {
        DayOrder {
            id: OrderId::new(),
            order_no: no.into(),
            downlink,
            station_id: downlink.then_some(s.id),
            seller_station_id: (!downlink).then_some(s.id),
            weight_g: kg * 1000,
            volume_cm3: kg * 2000,
            cold,
            shelf_life_days: 1,
            ready_us,
        }
    }

    #[test]
    fn parcels_group_per_station_and_produce_is_due_by_its_shelf_life() {
        let depot = DepotRow { id: HubId::new(), code: "HUB".into(), location: LatLon { lat: 25.8, lon: 100.6 } };
        let (s1, s2) = (station("S1"), station("S2"));
        let start = day_start_us(20_000, "Asia/Shanghai");
        let hour = 3_600_000_000;
        let orders = vec![
            order("D1", true, &s1, 10, start - hour, false),
            order("D2", true, &s1, 5, start - hour, false),
            order("D3", true, &s1, 2, start - hour, true),
            // Ready at 10:00 today, one day's shelf life: due by the end of the day.
            order("U1", false, &s2, 300, start + 10 * hour, false),
            // Ready two days ago with one day's shelf life: its window is gone.
            order("U2", false, &s2, 100, start - 48 * hour, false),
            // Ready tomorrow: not today's job.
            order("U3", false, &s2, 100, start + 25 * hour, false),
        ];
        let day = day_inputs(start, &[depot], &[s1, s2], &orders, &[], None).expect("no matrix");
        let ids: Vec<&str> = day.jobs.iter().map(|j| j.id.as_str()).collect();
        assert_eq!(ids, ["D-S1", "D-S1-cold", "U-U1", "U-U2"]);
        assert_eq!(day.jobs[0].weight_g, 15_000);
        assert_eq!(day.jobs[0].order_refs.len(), 2);
        assert_eq!((day.jobs[2].ready_min, day.jobs[2].due_min), (600, 1440));
        assert!(day.jobs[3].due_min < day.jobs[3].ready_min, "spoilt produce has no window");
        assert_eq!(day.places.iter().map(|p| p.code.as_str()).collect::<Vec<_>>(), ["HUB", "S1", "S2"]);
    }
}
