//! Runs the SISR planner on every instance of a VRPLIB directory (cvrp/*.vrp, vrptw/*.txt, with
//! best-known costs in bks.csv) at a given time limit, and prints cost, best known and gap.
//!
//! cargo run --release -p uplink-logistics --example vrplib_bench -- /work/shared/data/vrplib 1

use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, Instant};
use uplink_logistics::{Budget, InstanceKind, solve_instance, vrplib};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let dir = Path::new(args.get(1).map_or("/work/shared/data/vrplib", String::as_str));
    let seconds: f64 = args.get(2).map_or(Ok(1.0), |s| s.parse())?;
    let only = args.get(3).cloned().unwrap_or_default();
    let bks: HashMap<String, f64> = std::fs::read_to_string(dir.join("bks.csv"))?
        .lines()
        .skip(1)
        .filter_map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            Some((f.first()?.to_string(), f.get(2)?.parse().ok()?))
        })
        .collect();
    let mut files = Vec::new();
    for (sub, ext, kind) in [("cvrp", "vrp", InstanceKind::Cvrp), ("vrptw", "txt", InstanceKind::Solomon)] {
        for e in std::fs::read_dir(dir.join(sub))? {
            let p = e?.path();
            if p.extension().is_some_and(|x| x == ext) {
                files.push((p, kind));
            }
        }
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    println!("{:<12} {:>10} {:>10} {:>7} {:>6} {:>6}", "instance", "cost", "best", "gap%", "routes", "secs");
    let mut gaps: HashMap<&str, Vec<f64>> = HashMap::new();
    for (path, kind) in files {
        let name = path.file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_default();
        if !name.starts_with(&only) {
            continue;
        }
        let inst = vrplib::read(&std::fs::read_to_string(&path)?, kind)?;
        let started = Instant::now();
        let budget = Budget { time_limit: Duration::from_secs_f64(seconds), iterations: None, seed: 1 };
        let solved = solve_instance(&inst, budget)?;
        let cost = inst.cost_value(solved.evaluation.cost_fen);
        let best = bks.get(&name).copied().unwrap_or(f64::NAN);
        let gap = 100.0 * (cost - best) / best;
        let set = match kind {
            InstanceKind::Solomon => "Solomon",
            InstanceKind::Cvrp if name.starts_with('X') => "X",
            InstanceKind::Cvrp => "A",
        };
        gaps.entry(set).or_default().push(gap);
        println!(
            "{:<12} {:>10} {:>10} {:>7.2} {:>6} {:>6.2}{}",
            name,
            inst.format_cost(solved.evaluation.cost_fen),
            best,
            gap,
            solved.evaluation.vehicles_used,
            started.elapsed().as_secs_f64(),
            if solved.evaluation.unassigned > 0 {
                format!("  {} unassigned", solved.evaluation.unassigned)
            } else {
                String::new()
            }
        );
    }
    for set in ["A", "X", "Solomon"] {
        if let Some(g) = gaps.get(set) {
            println!("average gap {set}: {:.2}% over {} instances", g.iter().sum::<f64>() / g.len() as f64, g.len());
        }
    }
    Ok(())
}
