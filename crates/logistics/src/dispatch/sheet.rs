//! Route sheets: what a driver takes on the road, one per used vehicle. Stops in order with the
//! arrival time, what to drop and what to collect there (job, orders, expected weights), and the
//! route's totals. Consecutive jobs at one place are one stop: the truck parks once.

use super::{DayJob, DayProblem, FleetVehicle, JobKind, OrderRef, Place};
use crate::checker::Evaluation;
use crate::problem::DIMS;
use serde::{Deserialize, Serialize};

/// One job handed over at a stop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Handoff {
    pub job: String,
    pub kind: JobKind,
    pub weight_g: i64,
    pub volume_cm3: i64,
    pub cold: bool,
    pub orders: Vec<OrderRef>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SheetStop {
    pub place: String,
    /// "HH:MM", local time.
    pub arrival: String,
    /// When work starts: later than the arrival if the station is not open yet.
    pub start: String,
    pub arrival_s: i64,
    pub drop: Vec<Handoff>,
    pub collect: Vec<Handoff>,
    /// Weight on board when the truck leaves.
    pub load_after_g: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouteSheet {
    pub vehicle: String,
    pub depot: String,
    pub depart: String,
    pub back: String,
    pub stops: Vec<SheetStop>,
    pub distance_m: i64,
    /// Driving and service, which the hourly cost charges.
    pub working_s: i64,
    /// Out to back, waiting included.
    pub duration_s: i64,
    pub cost_fen: i64,
    /// Weight loaded at the depot, and brought back.
    pub load_out_g: i64,
    pub load_back_g: i64,
    /// Load leaving the depot over capacity, in per mille of the tighter dimension (weight or
    /// volume), rounded half up.
    pub load_factor_down_permille: i64,
    /// Load arriving back over capacity, likewise.
    pub load_factor_up_permille: i64,
}

/// Seconds after midnight as "HH:MM" (past midnight runs on: "25:10").
pub fn hhmm(s: i64) -> String {
    let m = s.div_euclid(60);
    format!("{:02}:{:02}", m / 60, m % 60)
}

fn permille(load: crate::problem::Load, cap: crate::problem::Load) -> i64 {
    (0..DIMS).filter(|&d| cap.0[d] > 0).map(|d| (load.0[d] * 2000 + cap.0[d]) / (2 * cap.0[d])).max().unwrap_or(0)
}

fn handoff(j: &DayJob) -> Handoff {
    Handoff {
        job: j.id.clone(),
        kind: j.kind,
        weight_g: j.weight_g,
        volume_cm3: j.volume_cm3,
        cold: j.cold,
        orders: j.order_refs.clone(),
    }
}

/// Route sheets of a checked plan of `dp` (`eval` is the checker's evaluation of that plan).
pub fn route_sheets(
    places: &[Place],
    jobs: &[DayJob],
    fleet: &[FleetVehicle],
    dp: &DayProblem,
    eval: &Evaluation,
) -> Vec<RouteSheet> {
    eval.routes
        .iter()
        .map(|r| {
            let v = &fleet[r.vehicle];
            let cap = dp.problem.vehicles()[r.vehicle].capacity;
            let mut stops: Vec<SheetStop> = Vec::new();
            let mut last_loc = usize::MAX;
            for st in &r.stops {
                let loc = dp.problem.jobs()[st.job].location;
                if loc != last_loc {
                    stops.push(SheetStop {
                        place: places[loc].code.clone(),
                        arrival: hhmm(st.arrival_s),
                        start: hhmm(st.start_s),
                        arrival_s: st.arrival_s,
                        drop: Vec::new(),
                        collect: Vec::new(),
                        load_after_g: 0,
                    });
                    last_loc = loc;
                }
                let stop = stops.last_mut().expect("pushed above");
                let j = &jobs[dp.day_job[st.job]];
                match j.kind {
                    JobKind::Pickup => stop.collect.push(handoff(j)),
                    JobKind::Delivery | JobKind::Transfer => stop.drop.push(handoff(j)),
                }
                stop.load_after_g = st.load_after.grams();
            }
            let shift_start = dp.problem.vehicles()[r.vehicle].shift.0;
            RouteSheet {
                vehicle: v.code.clone(),
                depot: places[v.depot].code.clone(),
                depart: hhmm(shift_start),
                back: hhmm(shift_start + r.duration_s),
                stops,
                distance_m: r.distance_m,
                working_s: r.working_s,
                duration_s: r.duration_s,
                cost_fen: r.cost_fen,
                load_out_g: r.load_out.grams(),
                load_back_g: r.load_back.grams(),
                load_factor_down_permille: permille(r.load_out, cap),
                load_factor_up_permille: permille(r.load_back, cap),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::problem::Load;

    #[test]
    fn times_and_load_factors_read_as_people_expect() {
        assert_eq!(hhmm(7 * 3600 + 5 * 60 + 59), "07:05");
        assert_eq!(hhmm(25 * 3600), "25:00");
        // 1.5 t of 2 t is 750 ‰; 3 m³ of 4 m³ is 750 ‰ as well; the tighter one counts.
        assert_eq!(permille(Load::new(1_500_000, 1_000_000), Load::new(2_000_000, 4_000_000)), 750);
        assert_eq!(permille(Load::new(1_000, 3_999_000), Load::new(2_000_000, 4_000_000)), 1000);
    }
}
