//! The VRPLIB reader on the shipped benchmark instances (../shared/data/vrplib, or the directory
//! named by UPLINK_VRPLIB_DIR): the numbers it reads, and that every best-known `.sol` evaluates
//! under our distance convention to exactly the cost published in bks.csv.

use std::path::PathBuf;
use uplink_logistics::vrplib::{self, InstanceKind, read_sol};
use uplink_logistics::{Budget, Load, check, solve_instance};

fn data_dir() -> PathBuf {
    std::env::var_os("UPLINK_VRPLIB_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/vrplib"))
}

fn read_file(rel: &str) -> String {
    let path = data_dir().join(rel);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}; set UPLINK_VRPLIB_DIR to the vrplib data", path.display()))
}

#[test]
fn a_n32_k5_reads_as_published() {
    let inst = vrplib::read(&read_file("cvrp/A-n32-k5.vrp"), InstanceKind::Cvrp).expect("valid");
    let p = &inst.problem;
    assert_eq!(inst.name, "A-n32-k5");
    assert_eq!(p.matrix().size(), 32);
    assert_eq!(p.jobs().len(), 31);
    assert_eq!(p.vehicles()[0].capacity, Load::new(100, 0));
    assert_eq!(p.vehicles()[0].start_location, 0); // the depot, node 1 in the file
    assert_eq!((p.jobs()[0].delivery.grams(), p.jobs()[1].delivery.grams(), p.jobs()[2].delivery.grams()), (19, 21, 6));
    // nodes 1 (82,76), 2 (96,44), 3 (50,5): √1220 = 34.9 → 35, √3637 = 60.3 → 60
    assert_eq!((p.matrix().distance_m(0, 1), p.matrix().distance_m(1, 2)), (35, 60));
}

#[test]
fn c101_reads_in_tenths() {
    let inst = vrplib::read(&read_file("vrptw/C101.txt"), InstanceKind::Solomon).expect("valid");
    let p = &inst.problem;
    assert_eq!((p.jobs().len(), p.vehicles().len()), (100, 25));
    assert_eq!(p.vehicles()[0].capacity, Load::new(200, 0));
    assert_eq!(p.vehicles()[0].shift, (0, 12_360));
    let c1 = &p.jobs()[0];
    assert_eq!((c1.delivery.grams(), c1.time_window, c1.service_s), (10, (9120, 9670), 900));
    // depot (40,50) to customer 1 (45,68): √349 = 18.68… → 18.6 → 186 tenths
    assert_eq!(p.matrix().distance_m(0, 1), 186);
}

#[test]
fn every_best_known_solution_costs_what_bks_csv_says() {
    let bks = read_file("bks.csv");
    let mut checked = 0;
    for row in bks.lines().skip(1) {
        let f: Vec<&str> = row.split(',').collect();
        let (name, kind, best) = (f[0], f[1], f[2]);
        let (file, kind) = match kind {
            "cvrp" => (format!("cvrp/{name}.vrp"), InstanceKind::Cvrp),
            _ => (format!("vrptw/{name}.txt"), InstanceKind::Solomon),
        };
        let inst = vrplib::read(&read_file(&file), kind).expect("valid instance");
        let (routes, _) = read_sol(&read_file(&file.replace(".vrp", ".sol").replace(".txt", ".sol"))).expect("sol");
        let plan = inst.plan_from_routes(&routes).expect("known customers");
        let e = check(&inst.problem, &plan).unwrap_or_else(|v| panic!("{name}: best known is infeasible: {v:?}"));
        assert_eq!(inst.format_cost(e.cost_fen), best.trim_end_matches(".0"), "{name}");
        checked += 1;
    }
    assert_eq!(checked, 38);
}

#[test]
fn a_solved_instance_prints_a_sol_that_reads_back_to_the_same_cost() {
    let inst = vrplib::read(&read_file("cvrp/A-n32-k5.vrp"), InstanceKind::Cvrp).expect("valid");
    let solved = solve_instance(&inst, Budget::iterations(2000, 1)).expect("feasible");
    let (routes, cost) = read_sol(&solved.sol).expect("our own output reads");
    assert_eq!(cost, Some(solved.evaluation.cost_fen as f64));
    let again = check(&inst.problem, &inst.plan_from_routes(&routes).expect("customers")).expect("feasible");
    assert_eq!(again.cost_fen, solved.evaluation.cost_fen);
    // 2000 iterations is far from converged, but already within 5 % of the best known (784).
    assert!(solved.evaluation.cost_fen <= 823, "{}", solved.evaluation.cost_fen);
}
