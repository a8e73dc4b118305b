//! A small county whose best plan is known by hand: four stations on one valley road, the hub at
//! the lower end. Both planners must find exactly that plan's cost, and every plan must pass the
//! independent checker.

use uplink_logistics::{
    Budget, ConstructPlanner, Job, Load, Matrix, Plan, Problem, RoutePlanner, SisrPlanner, UnassignedReason, Vehicle,
    check,
};

const KG: i64 = 1000;

/// Hub (location 0) and stations 1..=4 every 10 km up the valley; 36 km/h, so 1 km = 100 s.
fn valley_matrix() -> Matrix {
    let km = |i: usize, j: usize| (i as i64 - j as i64).abs() * 10;
    let d = (0..5).map(|i| (0..5).map(|j| km(i, j) * 1000).collect()).collect();
    let t = (0..5).map(|i| (0..5).map(|j| km(i, j) * 100).collect()).collect();
    Matrix::new(d, t).expect("square")
}

fn station(id: &str, location: usize, drop_kg: i64, collect_kg: i64) -> Job {
    Job {
        id: id.into(),
        location,
        delivery: Load::new(drop_kg * KG, drop_kg * 2000),
        pickup: Load::new(collect_kg * KG, collect_kg * 2000),
        service_s: 600,
        time_window: (0, 8 * 3600),
        needs_cold: false,
        latest_back: None,
    }
}

fn truck(id: &str) -> Vehicle {
    Vehicle {
        id: id.into(),
        start_location: 0,
        end_location: 0,
        capacity: Load::new(1000 * KG, 5_000_000),
        refrigerated: false,
        shift: (0, 8 * 3600),
        cost_per_km_fen: 300,
        cost_per_hour_fen: 3600,
        fixed_cost_fen: 5000,
    }
}

/// Parcels down to stations 1 and 3; grapes up from stations 2 and 4.
fn valley_jobs() -> Vec<Job> {
    vec![
        station("s1-parcels", 1, 500, 0),
        station("s2-grapes", 2, 0, 500),
        station("s3-parcels", 3, 300, 0),
        station("s4-walnuts", 4, 0, 600),
    ]
}

/// Why 60 400 fen is optimal:
/// - The grapes (500 kg) and walnuts (600 kg) together weigh 1100 kg, and everything collected on
///   a route is on board when it gets back to the hub; so they ride different trucks: two routes.
/// - The route reaching station 4 drives at least 80 km, the other reaches station 2: at least
///   40 km. So at least 120 km.
/// - 120 km is reachable: hub → s1 (drop 500) → s3 (drop 300) → s4 (collect 600) → hub, loads
///   800, 300, 0, 600 kg; and hub → s2 → hub.
///
/// Cost: 120 km × 3.00 yuan = 36 000 fen; 12 000 s driving + 4 × 600 s service at 36 yuan/h =
/// 14 400 fen; two trucks × 50 yuan = 10 000 fen. Total 60 400 fen.
const OPTIMUM_FEN: i64 = 36_000 + 14_400 + 10_000;

fn planners() -> Vec<(&'static str, Box<dyn RoutePlanner>)> {
    vec![("sisr", Box::new(SisrPlanner::default())), ("construct", Box::new(ConstructPlanner))]
}

fn solve(planner: &dyn RoutePlanner, p: &Problem) -> Plan {
    let mut reports = 0;
    let plan = planner.plan(p, Budget::iterations(3000, 7), &mut |_| reports += 1);
    assert!(reports > 0, "the planner reports progress");
    plan
}

#[test]
fn both_planners_find_the_hand_computed_optimum_of_the_valley() {
    let p = Problem::new(valley_matrix(), valley_jobs(), vec![truck("a"), truck("b"), truck("c")]).expect("valid");
    for (name, planner) in planners() {
        let plan = solve(planner.as_ref(), &p);
        let e = check(&p, &plan).unwrap_or_else(|v| panic!("{name}: infeasible {v:?}"));
        assert_eq!(e.cost_fen, OPTIMUM_FEN, "{name}: {plan:?}");
        assert_eq!((e.distance_m, e.vehicles_used, e.unassigned), (120_000, 2, 0), "{name}");
        let walnuts_route = e.routes.iter().find(|r| r.stops.iter().any(|s| s.job == 3)).expect("walnuts routed");
        assert_eq!(walnuts_route.load_back, Load::new(600 * KG, 1_200_000), "{name}: walnuts come home alone");
    }
}

#[test]
fn with_one_truck_the_walnuts_or_the_grapes_wait_and_the_plan_says_so() {
    let p = Problem::new(valley_matrix(), valley_jobs(), vec![truck("only")]).expect("valid");
    for (name, planner) in planners() {
        let plan = solve(planner.as_ref(), &p);
        check(&p, &plan).unwrap_or_else(|v| panic!("{name}: infeasible {v:?}"));
        // One of grapes and walnuts must wait; leaving the walnuts shortens the trip to 60 km.
        assert_eq!(plan.unassigned, vec![(3, UnassignedReason::NoCapacityLeftWithinBudget)], "{name}");
        assert_eq!(check(&p, &plan).map(|e| e.distance_m), Ok(60_000), "{name}");
    }
}

#[test]
fn impossible_jobs_are_listed_with_their_reason_and_the_rest_is_still_optimal() {
    let mut jobs = valley_jobs();
    jobs.push(station("s3-tractor", 3, 2000, 0)); // 2 t on 1 t trucks
    let mut milk = station("s2-milk", 2, 0, 50);
    milk.needs_cold = true;
    jobs.push(milk);
    let mut late = station("s4-closes-early", 4, 10, 0);
    late.time_window = (0, 1800); // 40 km takes 4000 s
    jobs.push(late);
    let p = Problem::new(valley_matrix(), jobs, vec![truck("a"), truck("b")]).expect("valid");
    for (name, planner) in planners() {
        let plan = solve(planner.as_ref(), &p);
        let e = check(&p, &plan).unwrap_or_else(|v| panic!("{name}: infeasible {v:?}"));
        assert_eq!(e.cost_fen, OPTIMUM_FEN, "{name}");
        assert_eq!(
            plan.unassigned,
            vec![
                (4, UnassignedReason::HeavierThanAnyVehicle),
                (5, UnassignedReason::NeedsColdNoRefrigeratedVehicle),
                (6, UnassignedReason::TimeWindowUnreachable),
            ],
            "{name}"
        );
    }
}

#[test]
fn the_same_seed_and_iterations_give_the_same_plan() {
    let p = Problem::new(valley_matrix(), valley_jobs(), vec![truck("a"), truck("b")]).expect("valid");
    let a = SisrPlanner::default().plan(&p, Budget::iterations(500, 42), &mut |_| {});
    let b = SisrPlanner::default().plan(&p, Budget::iterations(500, 42), &mut |_| {});
    assert_eq!(a, b);
}

#[test]
fn with_no_truck_at_all_every_job_says_why() {
    let p = Problem::new(valley_matrix(), valley_jobs(), vec![]).expect("valid");
    for (name, planner) in planners() {
        let plan = solve(planner.as_ref(), &p);
        check(&p, &plan).unwrap_or_else(|v| panic!("{name}: {v:?}"));
        assert!(plan.routes.is_empty(), "{name}");
        assert_eq!(plan.unassigned.len(), 4, "{name}");
        assert!(plan.unassigned.iter().all(|(_, r)| *r == UnassignedReason::NoVehicleAvailable), "{name}");
    }
}
