//! Dispatch from the command line: `uplink plan` plans a county's day in the database (the same use
//! case as the API's Plan button, with a progress bar), `uplink solve` solves a published VRPLIB
//! instance and prints its CVRPLIB `.sol`, and `uplink bench dispatch` measures the planner on
//! generated counties (the table of BENCHMARKS.md).

use anyhow::Context;
use clap::Args;
use std::path::PathBuf;
use std::time::{Duration, Instant};
use uplink_logistics::dispatch::plan_day;
use uplink_logistics::{Budget, JobKind, SisrPlanner};

// The synthetic day is shared with the logistics crate's tests and example, so the benchmark the
// binary runs is the very one BENCHMARKS.md reports.
#[path = "../../logistics/tests/support/synthetic_day.rs"]
mod synthetic_day;

#[derive(Args)]
pub struct PlanArgs {
    #[command(flatten)]
    pub db: super::DbArgs,
    /// The day to plan, YYYY-MM-DD in the county's time zone.
    #[arg(long)]
    pub date: String,
    /// The county's code; may be left out when the database holds one county.
    #[arg(long)]
    pub county: Option<String>,
    /// Seconds the planner may think, 1–60 (shared by the combined and the two separate plans).
    #[arg(long, default_value_t = 10)]
    pub time_limit: i64,
}

#[derive(Args)]
pub struct SolveArgs {
    /// A CVRPLIB `.vrp` (CVRP) or Solomon `.txt` (VRPTW) instance.
    pub file: PathBuf,
    /// Seconds the planner may think.
    #[arg(long, default_value_t = 10.0)]
    pub time_limit: f64,
}

#[derive(Args)]
pub struct BenchDispatchArgs {
    /// Sizes of the generated counties, in villages.
    #[arg(long, value_delimiter = ',', default_values_t = [50usize, 175, 400])]
    pub villages: Vec<usize>,
    /// Seconds per plan (each county is planned three times: combined, downlink-only, uplink-only).
    #[arg(long, default_value_t = 10.0)]
    pub time_limit: f64,
    /// Seed of the generated counties and their days.
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
}

fn km(m: i64) -> String {
    format!("{:.1}", m as f64 / 1000.0)
}

fn yuan(fen: i64) -> String {
    format!("{}.{:02}", fen / 100, fen % 100)
}

fn pct(bp: i64) -> String {
    format!("{}{}.{:02} %", if bp < 0 { "-" } else { "" }, bp.abs() / 100, bp.abs() % 100)
}

pub async fn plan(db: &uplink_service::Db, a: &PlanArgs) -> anyhow::Result<()> {
    let bar = indicatif::ProgressBar::new(1000);
    bar.set_style(
        indicatif::ProgressStyle::with_template("排线 / planning {bar:40} {percent:>3}% {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let b = bar.clone();
    let progress = Box::new(move |p: uplink_logistics::Progress| {
        b.set_position(u64::from(p.permille));
        b.set_message(format!("¥{}", yuan(p.best_cost_fen)));
    });
    let (county, out) =
        uplink_service::dispatch::plan_day_as_system(db, a.county.as_deref(), &a.date, a.time_limit, progress)
            .await
            .map_err(|e| anyhow::anyhow!("planning failed: {e}"))?;
    bar.finish_and_clear();
    let p = &out.plan;
    println!("{county} {} — version {} ({} roads)", out.summary.date, out.summary.version, out.summary.road_source);
    for s in &p.sheets {
        println!(
            "  {:<8} {}–{}  {:>2} stops  {:>6} km  ¥{:>9}  out {:>6} kg ({}‰)  back {:>6} kg ({}‰)",
            s.vehicle,
            s.depart,
            s.back,
            s.stops.len(),
            km(s.distance_m),
            yuan(s.cost_fen),
            s.load_out_g / 1000,
            s.load_factor_down_permille,
            s.load_back_g / 1000,
            s.load_factor_up_permille
        );
    }
    for u in &p.unplanned {
        println!("  unplanned {}: {}", u.job, u.reason);
    }
    let s = &p.saving;
    println!(
        "total {} km ¥{}; separate downlink and uplink trips {} km ¥{}; saving {} km, {} cost",
        km(s.combined.distance_m),
        yuan(s.combined.cost_fen),
        km(s.separate.distance_m),
        yuan(s.separate.cost_fen),
        pct(s.distance_saving_bp),
        pct(s.cost_saving_bp)
    );
    Ok(())
}

pub async fn solve(a: SolveArgs) -> anyhow::Result<()> {
    if !(a.time_limit > 0.0 && a.time_limit <= 3600.0) {
        anyhow::bail!("--time-limit must be more than 0 and at most 3600 seconds");
    }
    let text = std::fs::read_to_string(&a.file).with_context(|| format!("reading {}", a.file.display()))?;
    let limit = Duration::from_secs_f64(a.time_limit);
    let (_, sol) = tokio::task::spawn_blocking(move || uplink_logistics::solve_vrplib(&text, None, limit))
        .await?
        .with_context(|| format!("solving {}", a.file.display()))?;
    print!("{sol}");
    Ok(())
}

pub async fn bench(a: BenchDispatchArgs) -> anyhow::Result<()> {
    tokio::task::spawn_blocking(move || bench_blocking(&a)).await?
}

fn bench_blocking(a: &BenchDispatchArgs) -> anyhow::Result<()> {
    println!("budget {} s per plan, county seed {}, SISR\n", a.time_limit, a.seed);
    println!(
        "| villages | jobs (down/up) | vehicles | plan time (3 plans) | combined km | combined ¥ | separate km | separate ¥ | km saving | cost saving | unassigned (comb/sep) |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    for &villages in &a.villages {
        let county = uplink_sim::generate(a.seed, &uplink_sim::CountySize::villages(villages));
        let day = synthetic_day::synthetic_day(&county, a.seed);
        let down = day.jobs.iter().filter(|j| j.kind != JobKind::Pickup).count();
        let bar = indicatif::ProgressBar::new(1000);
        let started = Instant::now();
        let plan = plan_day(
            &day.places,
            &day.jobs,
            &day.fleet,
            &day.road,
            &SisrPlanner::default(),
            Budget::seconds(a.time_limit),
            &mut |p| bar.set_position(u64::from(p.permille)),
        )
        .with_context(|| format!("planning the {villages}-village day"))?;
        bar.finish_and_clear();
        let s = &plan.saving;
        println!(
            "| {villages} | {} ({down}/{}) | {} | {:.1} s | {} | {} | {} | {} | {} | {} | {}/{} |",
            day.jobs.len(),
            day.jobs.len() - down,
            day.fleet.len(),
            started.elapsed().as_secs_f64(),
            km(s.combined.distance_m),
            yuan(s.combined.cost_fen),
            km(s.separate.distance_m),
            yuan(s.separate.cost_fen),
            pct(s.distance_saving_bp),
            pct(s.cost_saving_bp),
            s.combined.unassigned,
            s.separate.unassigned,
        );
    }
    Ok(())
}
