//! A synthetic dispatch day on a generated county, for tests and the dispatch benchmark (included
//! with `#[path]`; it is test code, not part of the generator or the library).
//!
//! The day: parcels down to about 60 % of stations (1–4 jobs each, 5–300 kg, most small, a few
//! cold), produce up from about 40 % of villages (one dry job of 50–800 kg, most under 300 kg,
//! and at three in ten of them a cold job of berries or mushrooms, 50–300 kg, that must be in the
//! hub's cold room within 8–12 h of being weighed in). About 300 jobs on the 175-village county.
//! The fleet is the county's own trucks, 12 for 175 villages and in proportion otherwise, with the
//! 1 t vans swapped for 2 t light trucks (a day of 300 jobs is run with 2–5 t trucks; vans do the
//! last mile); more trucks, if needed, repeat the county's in order. Deterministic by seed.

#![allow(dead_code)]

use uplink_logistics::dispatch::{DayJob, FleetVehicle, JobKind, OrderRef, Place, estimate_roads};
use uplink_logistics::{Rng, RoadModel};
use uplink_sim::County;

pub struct SyntheticDay {
    pub places: Vec<Place>,
    pub jobs: Vec<DayJob>,
    pub fleet: Vec<FleetVehicle>,
    pub road: RoadModel,
}

const KG: i64 = 1000;

/// Trucks for a day of this many villages: 12 for 175.
pub fn fleet_size(villages: usize) -> usize {
    (villages * 12).div_ceil(175).max(3)
}

/// `n` kg-weighted lots or orders summing exactly to `weight_g`.
fn split(rng: &mut Rng, prefix: &str, weight_g: i64, max_parts: usize) -> Vec<OrderRef> {
    let n = 1 + rng.below(max_parts);
    let keys: Vec<i64> = (0..n).map(|_| 1 + rng.below(10) as i64).collect();
    let sum: i64 = keys.iter().sum();
    let mut left = weight_g;
    keys.iter()
        .enumerate()
        .map(|(i, k)| {
            let w = if i + 1 == n { left } else { weight_g * k / sum };
            left -= w;
            OrderRef { id: format!("{prefix}-{}", i + 1), weight_g: w }
        })
        .collect()
}

pub fn synthetic_day(county: &County, seed: u64) -> SyntheticDay {
    let mut rng = Rng::new(seed ^ 0xD15_7A7C);
    let mut places: Vec<Place> = county
        .hubs
        .iter()
        .map(|h| Place {
            code: h.code.to_string(),
            location: h.location,
            road: uplink_logistics::dispatch::RoadClass::Paved,
            open_min: 0,
            close_min: 24 * 60,
        })
        .collect();
    let first_station = places.len();
    for s in &county.stations {
        let v = &county.villages[s.village];
        places.push(Place {
            code: s.code.to_string(),
            location: v.location,
            road: v.road_class,
            open_min: s.opening_hours.open_min,
            close_min: s.opening_hours.close_min,
        });
    }
    let mut jobs = Vec::new();
    let up_rate = 0.4 * county.villages.len() as f64 / county.stations.len().max(1) as f64;
    for (k, s) in county.stations.iter().enumerate() {
        let station = first_station + k;
        let code = s.code.to_string();
        if rng.unit() < 0.6 {
            for n in 0..1 + rng.below(4) {
                let weight_g = ((5.0 + 295.0 * rng.unit().powi(3)) * KG as f64) as i64;
                let id = format!("D-{code}-{n}");
                jobs.push(DayJob {
                    order_refs: split(&mut rng, &format!("O-{code}-{n}"), weight_g, 5),
                    id,
                    kind: JobKind::Delivery,
                    station,
                    weight_g,
                    volume_cm3: weight_g * 4, // parcels: about 250 kg/m³
                    cold: rng.unit() < 0.05,
                    ready_min: 6 * 60,
                    due_min: 24 * 60,
                });
            }
        }
        if rng.unit() < up_rate {
            let weight_g = ((50.0 + 750.0 * rng.unit().powi(3)) * KG as f64) as i64;
            let ready_min = 8 * 60 + 30 * rng.below(13) as i64;
            jobs.push(DayJob {
                order_refs: split(&mut rng, &format!("L-{code}-dry"), weight_g, 4),
                id: format!("U-{code}-dry"),
                kind: JobKind::Pickup,
                station,
                weight_g,
                volume_cm3: weight_g * 2, // walnuts, potatoes, grapes in crates: about 500 kg/m³
                cold: false,
                ready_min,
                due_min: 24 * 60,
            });
            if rng.unit() < 0.3 {
                let weight_g = ((50.0 + 250.0 * rng.unit()) * KG as f64) as i64;
                let ready_min = 8 * 60 + 30 * rng.below(9) as i64;
                jobs.push(DayJob {
                    order_refs: split(&mut rng, &format!("L-{code}-cold"), weight_g, 4),
                    id: format!("U-{code}-cold"),
                    kind: JobKind::Pickup,
                    station,
                    weight_g,
                    volume_cm3: weight_g * 3, // berries and mushrooms in shallow trays
                    cold: true,
                    ready_min,
                    due_min: ready_min + 60 * (8 + rng.below(5) as i64),
                });
            }
        }
    }
    let n = fleet_size(county.villages.len());
    // Township depots' trucks first, so a smaller fleet still has one at every depot.
    let mut own: Vec<&uplink_sim::Vehicle> = county.vehicles.iter().filter(|v| v.depot != 0).collect();
    own.extend(county.vehicles.iter().filter(|v| v.depot == 0));
    let fleet = (0..n)
        .map(|i| {
            let v = own[i % own.len()];
            let code = if i < county.vehicles.len() {
                v.code.to_string()
            } else {
                format!("{}-{}", v.code, i / county.vehicles.len())
            };
            let van = !v.refrigerated && v.capacity_g < 2_000 * KG;
            FleetVehicle {
                code,
                depot: v.depot,
                capacity_g: if van { 2_000 * KG } else { v.capacity_g },
                capacity_cm3: if van { 16_000_000 } else { v.capacity_l * 1000 },
                refrigerated: v.refrigerated,
                cost_per_km_fen: if van { v.cost_per_km_fen * 130 / 90 } else { v.cost_per_km_fen },
                cost_per_hour_fen: if van { 3_000 } else { v.cost_per_hour_fen },
                cost_per_day_fen: if van { 20_000 } else { v.cost_per_day_fen },
                shift_start_min: v.shift_start_min,
                shift_end_min: v.shift_end_min,
            }
        })
        .collect();
    let road = estimate_roads(&places);
    SyntheticDay { places, jobs, fleet, road }
}
