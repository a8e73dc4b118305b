//! The dispatch benchmark: a synthetic day on generated counties of 50, 175 and 400 villages,
//! planned combined (backhaul) and as separate downlink-only and uplink-only trips with SISR, same
//! budget each; prints a Markdown table of planning time, km, cost and the saving.
//!
//! `cargo run --release -p uplink-logistics --example dispatch_bench -- [SECONDS_PER_PLAN] [SEED]`
//! (default 10 s per plan, so about 30 s per county; seed 7).

#[path = "../tests/support/synthetic_day.rs"]
mod synthetic_day;

use std::time::Instant;
use uplink_logistics::dispatch::{DayPlan, plan_day};
use uplink_logistics::{Budget, SisrPlanner};

fn km(m: i64) -> String {
    format!("{:.1}", m as f64 / 1000.0)
}

fn yuan(fen: i64) -> String {
    format!("{}.{:02}", fen / 100, fen % 100)
}

fn pct(bp: i64) -> String {
    format!("{}.{:02} %", bp / 100, (bp % 100).abs())
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let seconds: f64 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(10.0);
    let seed: u64 = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(7);
    println!("budget {seconds} s per plan, county seed {seed}, SISR\n");
    println!(
        "| villages | jobs (down/up) | vehicles | plan time (combined) | total time (3 plans) | combined km | combined cost ¥ | combined vehicles used | separate km | separate cost ¥ | separate vehicles used | km saving | cost saving | unassigned (comb/sep) |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    for villages in [50, 175, 400] {
        let county = uplink_sim::generate(seed, &uplink_sim::CountySize::villages(villages));
        let day = synthetic_day::synthetic_day(&county, seed);
        let down = day.jobs.iter().filter(|j| j.kind != uplink_logistics::JobKind::Pickup).count();
        let budget = Budget::seconds(seconds);
        let started = Instant::now();
        let mut combined_done = None;
        let plan: DayPlan =
            plan_day(&day.places, &day.jobs, &day.fleet, &day.road, &SisrPlanner::default(), budget, &mut |p| {
                if p.permille >= 333 && combined_done.is_none() {
                    combined_done = Some(started.elapsed());
                }
            })
            .expect("every plan passes the checker");
        let total = started.elapsed();
        let s = &plan.saving;
        println!(
            "| {villages} | {} ({down}/{}) | {} | {:.1} s | {:.1} s | {} | {} | {} | {} | {} | {} | {} | {} | {}/{} |",
            day.jobs.len(),
            day.jobs.len() - down,
            day.fleet.len(),
            combined_done.unwrap_or(total).as_secs_f64(),
            total.as_secs_f64(),
            km(s.combined.distance_m),
            yuan(s.combined.cost_fen),
            s.combined.vehicles_used,
            km(s.separate.distance_m),
            yuan(s.separate.cost_fen),
            s.separate.vehicles_used,
            pct(s.distance_saving_bp),
            pct(s.cost_saving_bp),
            s.combined.unassigned,
            s.separate.unassigned,
        );
        if std::env::var_os("DISPATCH_BENCH_VERBOSE").is_some() {
            for sh in &plan.sheets {
                eprintln!(
                    "  {} {}-{} {} stops {} km, out {} kg ({}‰) back {} kg ({}‰)",
                    sh.vehicle,
                    sh.depart,
                    sh.back,
                    sh.stops.len(),
                    km(sh.distance_m),
                    sh.load_out_g / 1000,
                    sh.load_factor_down_permille,
                    sh.load_back_g / 1000,
                    sh.load_factor_up_permille
                );
            }
            for u in &plan.unplanned {
                eprintln!("  unplanned {}: {}", u.job, u.reason);
            }
            eprintln!(
                "  down-only {} km {} veh, up-only {} km {} veh",
                km(s.down_only.distance_m),
                s.down_only.vehicles_used,
                km(s.up_only.distance_m),
                s.up_only.vehicles_used
            );
        }
    }
}
