//! Invariants on random small counties: whatever the jobs, trucks, windows and cold needs, every
//! plan from either planner passes the independent checker; jobs called impossible really are;
//! and on tiny single-truck days SISR matches a brute-force search.

use proptest::prelude::*;
use uplink_logistics::{
    Budget, ConstructPlanner, Job, Load, Matrix, Plan, Problem, Route, RoutePlanner, SisrPlanner, Vehicle, check,
    why_unservable,
};

#[derive(Debug, Clone)]
struct Day {
    places: Vec<(i64, i64)>,
    jobs: Vec<(usize, i64, i64, i64, i64, bool)>,
    trucks: Vec<(i64, bool, i64)>,
}

fn day(max_jobs: usize, max_trucks: usize) -> impl Strategy<Value = Day> {
    (2usize..7).prop_flat_map(move |n| {
        (
            proptest::collection::vec((0i64..20, 0i64..20), n),
            proptest::collection::vec(
                (1..n, 0i64..600, 0i64..600, 0i64..30_000, 1_000i64..30_000, any::<bool>()),
                1..=max_jobs,
            ),
            proptest::collection::vec((300i64..1500, any::<bool>(), 10_000i64..40_000), 1..=max_trucks),
        )
            .prop_map(|(places, jobs, trucks)| Day { places, jobs, trucks })
    })
}

/// Places on a grid of 1 km squares, Manhattan roads at 36 km/h.
fn problem(d: &Day) -> Problem {
    problem_with_delays(d, &[])
}

/// [`problem`], each trip from place `a` to place `b` slower by `delays[a * n + b]` seconds (when
/// given): a road model's detours, which break the triangle inequality.
fn problem_with_delays(d: &Day, delays: &[i64]) -> Problem {
    let n = d.places.len();
    let km = |a: (i64, i64), b: (i64, i64)| (a.0 - b.0).abs() + (a.1 - b.1).abs();
    let dist = d.places.iter().map(|&a| d.places.iter().map(|&b| km(a, b) * 1000).collect()).collect();
    let dur = (0..n)
        .map(|a| {
            (0..n)
                .map(|b| {
                    let delay = if a == b { 0 } else { delays.get(a * n + b).copied().unwrap_or(0) };
                    km(d.places[a], d.places[b]) * 100 + delay
                })
                .collect()
        })
        .collect();
    let jobs = d
        .jobs
        .iter()
        .enumerate()
        .map(|(i, &(location, drop, collect, open, width, cold))| Job {
            id: format!("j{i}"),
            location,
            delivery: Load::new(drop * 1000, drop * 3000),
            pickup: Load::new(collect * 1000, collect * 3000),
            service_s: 300,
            time_window: (open, open + width),
            needs_cold: cold && i % 3 == 0,
            // Some produce must be home soon after its window closes (shelf life).
            latest_back: (i % 4 == 1 && collect > 0).then_some(open + width + 4000),
        })
        .collect();
    let vehicles = d
        .trucks
        .iter()
        .enumerate()
        .map(|(i, &(kg, cold, shift))| Vehicle {
            id: format!("t{i}"),
            start_location: 0,
            end_location: 0,
            capacity: Load::new(kg * 1000, 3_000_000),
            refrigerated: cold,
            shift: (0, shift),
            cost_per_km_fen: 250,
            cost_per_hour_fen: 3000,
            fixed_cost_fen: 8000,
        })
        .collect();
    Problem::new(Matrix::new(dist, dur).expect("square"), jobs, vehicles).expect("valid")
}

/// Best (most jobs served, then cheapest) single-truck plan, by trying every ordered subset.
fn brute_force(p: &Problem) -> (usize, i64) {
    fn go(p: &Problem, route: &mut Vec<usize>, best: &mut (usize, i64)) {
        let plan = Plan {
            routes: vec![Route { vehicle: 0, jobs: route.clone() }],
            unassigned: (0..p.jobs().len()).filter(|j| !route.contains(j)).map(|j| (j, why())).collect(),
        };
        let Ok(e) = check(p, &plan) else { return };
        let score = (route.len(), e.cost_fen);
        if score.0 > best.0 || (score.0 == best.0 && score.1 < best.1) {
            *best = score;
        }
        for j in 0..p.jobs().len() {
            if !route.contains(&j) {
                route.push(j);
                go(p, route, best);
                route.pop();
            }
        }
    }
    fn why() -> uplink_logistics::UnassignedReason {
        uplink_logistics::UnassignedReason::NoCapacityLeftWithinBudget
    }
    let mut best = (0, 0);
    go(p, &mut Vec::new(), &mut best);
    best
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn every_plan_from_either_planner_passes_the_checker(d in day(8, 3), seed in 0u64..1000) {
        let p = problem(&d);
        let planners: [&dyn RoutePlanner; 2] = [&SisrPlanner::default(), &ConstructPlanner];
        for planner in planners {
            let plan = planner.plan(&p, Budget::iterations(300, seed), &mut |_| {});
            let e = check(&p, &plan);
            prop_assert!(e.is_ok(), "{:?} on {:?}", e, d);
        }
    }

    #[test]
    fn plans_pass_the_checker_where_travel_times_break_the_triangle_inequality(
        d in day(14, 2),
        delays in proptest::collection::vec(0i64..6000, 49),
        seed in 0u64..1000,
    ) {
        let p = problem_with_delays(&d, &delays);
        let plan = SisrPlanner::default().plan(&p, Budget::iterations(300, seed), &mut |_| {});
        let e = check(&p, &plan);
        prop_assert!(e.is_ok(), "{:?} on {:?} with {:?}", e, d, delays);
    }

    #[test]
    fn a_job_called_impossible_cannot_ride_any_truck_alone(d in day(6, 3)) {
        let p = problem(&d);
        for j in 0..p.jobs().len() {
            let alone_ok = (0..p.vehicles().len()).any(|v| {
                let others = (0..p.jobs().len()).filter(|&k| k != j).map(|k| (k, uplink_logistics::UnassignedReason::NoSuitableVehicle));
                check(&p, &Plan { routes: vec![Route { vehicle: v, jobs: vec![j] }], unassigned: others.collect() }).is_ok()
            });
            prop_assert_eq!(why_unservable(&p, j).is_none(), alone_ok, "job {}", j);
        }
    }

    #[test]
    fn sisr_matches_brute_force_on_a_single_truck(d in day(5, 1), seed in 0u64..1000) {
        let p = problem(&d);
        let plan = SisrPlanner::default().plan(&p, Budget::iterations(1500, seed), &mut |_| {});
        let e = check(&p, &plan).expect("feasible");
        let served = p.jobs().len() - e.unassigned;
        prop_assert_eq!((served, if served == 0 { 0 } else { e.cost_fen }), brute_force(&p), "{:?}", plan);
    }
}
