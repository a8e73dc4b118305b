//! The feasibility checker: walks a plan stop by stop and says whether it can really be driven,
//! and what it costs. It is written independently of the planners on purpose (a plain forward
//! simulation, no caches, no incremental data): a bug in a planner's fast checks cannot hide
//! behind the same bug here.

use crate::plan::Plan;
use crate::problem::{DIMS, Load, Problem};
use serde::Serialize;
use std::ops::{Add, Sub};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Violation {
    VehicleOutOfRange {
        route: usize,
        vehicle: usize,
    },
    VehicleUsedTwice {
        vehicle: usize,
    },
    JobOutOfRange {
        job: usize,
    },
    /// Routed more than once, or both routed and listed as unassigned.
    JobTwice {
        job: usize,
    },
    /// Neither routed nor listed as unassigned.
    JobMissing {
        job: usize,
    },
    /// The load on the leg leaving stop `after_stop` (0 = the depot) exceeds capacity.
    Overload {
        route: usize,
        after_stop: usize,
        dimension: usize,
        load: i64,
        capacity: i64,
    },
    ColdOnDryVehicle {
        route: usize,
        job: usize,
    },
    LateArrival {
        route: usize,
        job: usize,
        arrival_s: i64,
        latest_s: i64,
    },
    ShiftOverrun {
        route: usize,
        back_s: i64,
        shift_end_s: i64,
    },
    /// The vehicle gets home after the latest return of a pickup on board (shelf life).
    BackTooLate {
        route: usize,
        job: usize,
        back_s: i64,
        latest_s: i64,
    },
}

/// One stop as it will happen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StopTimes {
    pub job: usize,
    pub arrival_s: i64,
    pub start_s: i64,
    /// Load on board when the truck leaves this stop.
    pub load_after: Load,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RouteEvaluation {
    pub vehicle: usize,
    pub distance_m: i64,
    /// Driving plus service time (what the time cost charges).
    pub working_s: i64,
    /// From leaving the start to arriving at the end, waiting included.
    pub duration_s: i64,
    pub cost_fen: i64,
    /// Load leaving the start location: everything to be delivered.
    pub load_out: Load,
    /// Load arriving at the end location: everything picked up.
    pub load_back: Load,
    pub peak_load: Load,
    pub stops: Vec<StopTimes>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evaluation {
    pub cost_fen: i64,
    pub distance_m: i64,
    pub duration_s: i64,
    pub vehicles_used: usize,
    pub unassigned: usize,
    pub routes: Vec<RouteEvaluation>,
}

/// Checks every rule on `plan` and evaluates it; all violations are reported, not just the first.
pub fn check(p: &Problem, plan: &Plan) -> Result<Evaluation, Vec<Violation>> {
    let mut violations = Vec::new();
    let n_jobs = p.jobs().len();
    let mut seen = vec![0u32; n_jobs];
    let mut mark = |job: usize, violations: &mut Vec<Violation>| {
        if job >= n_jobs {
            violations.push(Violation::JobOutOfRange { job });
        } else {
            seen[job] += 1;
            if seen[job] == 2 {
                violations.push(Violation::JobTwice { job });
            }
        }
    };
    let mut vehicle_used = vec![false; p.vehicles().len()];
    let mut routes = Vec::new();
    for (r, route) in plan.routes.iter().enumerate() {
        for &j in &route.jobs {
            mark(j, &mut violations);
        }
        if route.vehicle >= p.vehicles().len() {
            violations.push(Violation::VehicleOutOfRange { route: r, vehicle: route.vehicle });
            continue;
        }
        if route.jobs.is_empty() {
            continue; // an idle vehicle costs nothing and breaks no rule
        }
        if std::mem::replace(&mut vehicle_used[route.vehicle], true) {
            violations.push(Violation::VehicleUsedTwice { vehicle: route.vehicle });
        }
        if route.jobs.iter().any(|&j| j >= n_jobs) {
            continue;
        }
        routes.push(walk(p, r, route.vehicle, &route.jobs, &mut violations));
    }
    for &(j, _) in &plan.unassigned {
        mark(j, &mut violations);
    }
    for (job, &n) in seen.iter().enumerate() {
        if n == 0 {
            violations.push(Violation::JobMissing { job });
        }
    }
    if !violations.is_empty() {
        return Err(violations);
    }
    Ok(Evaluation {
        cost_fen: routes.iter().map(|r| r.cost_fen).sum(),
        distance_m: routes.iter().map(|r| r.distance_m).sum(),
        duration_s: routes.iter().map(|r| r.duration_s).sum(),
        vehicles_used: routes.len(),
        unassigned: plan.unassigned.len(),
        routes,
    })
}

/// Drives one route forward, recording times and loads and any broken rule.
fn walk(p: &Problem, r: usize, vehicle: usize, jobs: &[usize], out: &mut Vec<Violation>) -> RouteEvaluation {
    let v = &p.vehicles()[vehicle];
    let m = p.matrix();
    let mut load = jobs.iter().fold(Load::ZERO, |acc, &j| acc.add(p.jobs()[j].delivery));
    let load_out = load;
    let mut peak = load;
    check_load(r, 0, load, v.capacity, out);
    let (mut at, mut now) = (v.start_location, v.shift.0);
    let (mut distance_m, mut working_s) = (0, 0);
    let mut stops = Vec::with_capacity(jobs.len());
    for (i, &j) in jobs.iter().enumerate() {
        let job = &p.jobs()[j];
        if job.needs_cold && !v.refrigerated {
            out.push(Violation::ColdOnDryVehicle { route: r, job: j });
        }
        distance_m += m.distance_m(at, job.location);
        working_s += m.duration_s(at, job.location) + job.service_s;
        let arrival_s = now + m.duration_s(at, job.location);
        if arrival_s > job.time_window.1 {
            out.push(Violation::LateArrival { route: r, job: j, arrival_s, latest_s: job.time_window.1 });
        }
        let start_s = arrival_s.max(job.time_window.0);
        now = start_s + job.service_s;
        at = job.location;
        load = load.sub(job.delivery).add(job.pickup);
        peak = peak.max(load);
        check_load(r, i + 1, load, v.capacity, out);
        stops.push(StopTimes { job: j, arrival_s, start_s, load_after: load });
    }
    distance_m += m.distance_m(at, v.end_location);
    working_s += m.duration_s(at, v.end_location);
    let back_s = now + m.duration_s(at, v.end_location);
    if back_s > v.shift.1 {
        out.push(Violation::ShiftOverrun { route: r, back_s, shift_end_s: v.shift.1 });
    }
    for &j in jobs {
        if let Some(latest_s) = p.jobs()[j].latest_back.filter(|&l| back_s > l) {
            out.push(Violation::BackTooLate { route: r, job: j, back_s, latest_s });
        }
    }
    RouteEvaluation {
        vehicle,
        distance_m,
        working_s,
        duration_s: back_s - v.shift.0,
        cost_fen: v.route_cost_fen(distance_m, working_s),
        load_out,
        load_back: load,
        peak_load: peak,
        stops,
    }
}

fn check_load(route: usize, after_stop: usize, load: Load, cap: Load, out: &mut Vec<Violation>) {
    for d in 0..DIMS {
        if load.0[d] > cap.0[d] {
            out.push(Violation::Overload { route, after_stop, dimension: d, load: load.0[d], capacity: cap.0[d] });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{Route, UnassignedReason};
    use crate::problem::{Job, Matrix, Vehicle};

    /// Hub 0 and stations 1..=3 along a road, 10 km (and 10 minutes) apart.
    fn valley(jobs: Vec<Job>, refrigerated: bool) -> Problem {
        let n = 4;
        let d: Vec<Vec<i64>> = (0..n).map(|i| (0..n).map(|j| (i as i64 - j as i64).abs() * 10_000).collect()).collect();
        let t: Vec<Vec<i64>> = d.iter().map(|r| r.iter().map(|x| x / 1000 * 60).collect()).collect();
        let truck = Vehicle {
            id: "truck".into(),
            start_location: 0,
            end_location: 0,
            capacity: Load::new(1_000_000, 5_000_000),
            refrigerated,
            shift: (0, 8 * 3600),
            cost_per_km_fen: 300,
            cost_per_hour_fen: 0,
            fixed_cost_fen: 0,
        };
        Problem::new(Matrix::new(d, t).expect("matrix"), jobs, vec![truck]).expect("problem")
    }

    fn job(id: &str, location: usize, drop_kg: i64, collect_kg: i64) -> Job {
        Job {
            id: id.into(),
            location,
            delivery: Load::new(drop_kg * 1000, 0),
            pickup: Load::new(collect_kg * 1000, 0),
            service_s: 0,
            time_window: (0, 8 * 3600),
            needs_cold: false,
            latest_back: None,
        }
    }

    fn route(jobs: Vec<usize>) -> Plan {
        Plan { routes: vec![Route { vehicle: 0, jobs }], unassigned: vec![] }
    }

    #[test]
    fn a_feasible_round_trip_costs_its_kilometres() {
        let p = valley(vec![job("a", 1, 300, 0), job("b", 3, 0, 400)], false);
        let e = check(&p, &route(vec![0, 1])).expect("feasible");
        assert_eq!(e.distance_m, 60_000);
        assert_eq!(e.cost_fen, 60 * 300);
        assert_eq!(e.routes[0].peak_load, Load::new(400_000, 0));
    }

    #[test]
    fn produce_collected_before_parcels_are_dropped_overloads_mid_route() {
        // 600 kg to drop at the far station, 700 kg of grapes to collect at the near one: fine if
        // the truck drops first, overloaded (1300 kg on a 1000 kg truck) if it collects first.
        let p = valley(vec![job("grapes", 1, 0, 700), job("parcels", 3, 600, 0)], false);
        assert!(check(&p, &route(vec![1, 0])).is_ok());
        let errs = check(&p, &route(vec![0, 1])).unwrap_err();
        assert_eq!(
            errs,
            vec![Violation::Overload { route: 0, after_stop: 1, dimension: 0, load: 1_300_000, capacity: 1_000_000 }]
        );
    }

    #[test]
    fn cold_produce_on_a_dry_truck_is_refused() {
        let mut milk = job("milk", 2, 0, 100);
        milk.needs_cold = true;
        let p = valley(vec![milk], false);
        assert_eq!(check(&p, &route(vec![0])).unwrap_err(), vec![Violation::ColdOnDryVehicle { route: 0, job: 0 }]);
    }

    #[test]
    fn arriving_after_the_station_closes_is_late_but_waiting_is_fine() {
        let mut early = job("opens-late", 1, 10, 0);
        early.time_window = (3600, 7200); // truck arrives at 10 min and waits until 1 h
        let mut closes = job("closes-early", 3, 10, 0);
        closes.time_window = (0, 1800); // 30 min from hub, but only after the wait at station 1
        let p = valley(vec![early, closes], false);
        let errs = check(&p, &route(vec![0, 1])).unwrap_err();
        assert_eq!(errs, vec![Violation::LateArrival { route: 0, job: 1, arrival_s: 3600 + 1200, latest_s: 1800 }]);
        assert!(check(&p, &route(vec![1, 0])).is_ok());
    }

    #[test]
    fn a_job_twice_or_missing_is_reported() {
        let p = valley(vec![job("a", 1, 1, 0), job("b", 2, 1, 0)], false);
        let errs = check(&p, &route(vec![0, 0])).unwrap_err();
        assert_eq!(errs, vec![Violation::JobTwice { job: 0 }, Violation::JobMissing { job: 1 }]);
        let mut routed_and_unassigned = route(vec![0, 1]);
        routed_and_unassigned.unassigned.push((1, UnassignedReason::NoCapacityLeftWithinBudget));
        assert_eq!(check(&p, &routed_and_unassigned).unwrap_err(), vec![Violation::JobTwice { job: 1 }]);
    }

    #[test]
    fn berries_must_be_home_before_their_shelf_life_runs_out() {
        let mut berries = job("berries", 3, 0, 100);
        berries.latest_back = Some(3000); // 30 min out, 30 min back: home at 3600
        let p = valley(vec![berries], false);
        let errs = check(&p, &route(vec![0])).unwrap_err();
        assert_eq!(errs, vec![Violation::BackTooLate { route: 0, job: 0, back_s: 3600, latest_s: 3000 }]);
    }

    #[test]
    fn a_route_past_the_shift_end_is_refused() {
        let mut p_jobs = vec![job("a", 3, 1, 0)];
        p_jobs[0].service_s = 8 * 3600;
        let p = valley(p_jobs, false);
        let errs = check(&p, &route(vec![0])).unwrap_err();
        assert!(matches!(errs[..], [Violation::ShiftOverrun { route: 0, .. }]), "{errs:?}");
    }
}
