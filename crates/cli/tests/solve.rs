//! `uplink solve` on the shipped benchmark instances (../shared/data/vrplib, or the directory named
//! by UPLINK_VRPLIB_DIR), through the built binary: what it prints is a CVRPLIB `.sol` that reads
//! back, passes the independent checker, costs what its `Cost` line says, and comes near the best
//! known. A broken file is refused with a message, not a crash.

use std::path::PathBuf;
use std::process::Command;
use uplink_logistics::vrplib::{self, InstanceKind, read_sol};

fn data_dir() -> PathBuf {
    std::env::var_os("UPLINK_VRPLIB_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/vrplib"))
}

/// Solves `rel` for one second and checks the printed solution; returns its cost.
fn solve_and_check(rel: &str, kind: InstanceKind) -> f64 {
    let path = data_dir().join(rel);
    let out = Command::new(env!("CARGO_BIN_EXE_uplink"))
        .args(["solve", path.to_str().expect("utf-8 path"), "--time-limit", "1"])
        .output()
        .expect("run uplink solve");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let sol = String::from_utf8(out.stdout).expect("utf-8 output");
    let (routes, cost) = read_sol(&sol).expect("a CVRPLIB .sol");
    let text = std::fs::read_to_string(&path).expect("instance");
    let inst = vrplib::read(&text, kind).expect("instance reads");
    let plan = inst.plan_from_routes(&routes).expect("routes name the instance's customers");
    let eval = uplink_logistics::check(&inst.problem, &plan).expect("the printed solution is feasible");
    assert!(plan.unassigned.is_empty(), "every customer served: {sol}");
    let cost = cost.expect("a Cost line");
    assert!((inst.cost_value(eval.cost_fen) - cost).abs() < 1e-6, "printed cost is the checker's: {sol}");
    cost
}

#[test]
fn a_cvrp_instance_is_solved_near_its_best_known_cost_in_one_second() {
    // A-n32-k5: best known 784.
    let cost = solve_and_check("cvrp/A-n32-k5.vrp", InstanceKind::Cvrp);
    assert!(cost <= 784.0 * 1.02, "within 2 % of the best known: {cost}");
}

#[test]
fn a_solomon_instance_prints_a_valid_solution() {
    solve_and_check("vrptw/C101.txt", InstanceKind::Solomon);
}

#[test]
fn a_file_without_its_demand_section_is_refused_with_a_message() {
    let dir = std::env::temp_dir().join("uplink-cli-tests");
    std::fs::create_dir_all(&dir).expect("temp dir");
    let text = std::fs::read_to_string(data_dir().join("cvrp/A-n32-k5.vrp")).expect("instance");
    let cut = text.find("DEMAND_SECTION").expect("has a demand section");
    let broken = dir.join("broken.vrp");
    std::fs::write(&broken, &text[..cut]).expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_uplink"))
        .args(["solve", broken.to_str().expect("utf-8"), "--time-limit", "1"])
        .output()
        .expect("run uplink solve");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("DEMAND_SECTION") || err.to_lowercase().contains("demand"), "{err}");
}
