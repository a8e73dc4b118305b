//! `uplink bench load`: a load generator for the county's day — browsing and search, agents
//! placing and paying orders for villagers, registering villagers at the station, and hand-overs
//! by pickup code — against a server it starts in this process on a chosen database, or against
//! a running one. Reports throughput and latency percentiles (HDR histograms) and errors by kind.
//!
//! Built on reqwest (already the test suite's client) rather than a framework such as goose: the
//! mix needs state carried between requests (tokens, order ids, pickup codes) and an open-loop
//! rate with coordinated-omission-free latencies, which is a page of tokio code here.

mod mix;
mod report;
pub(crate) mod world;

use anyhow::Context;
use clap::{Args, ValueEnum};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use uplink_service::{Db, DbUrl};
use uplink_store::SqliteSync;
use uplink_web::state::AppState;

#[derive(Args, Clone, Debug)]
pub struct LoadArgs {
    /// Database for a server started in this process: sqlite://FILE or postgres://USER@HOST/DB.
    /// An empty database is seeded with the demo county first [default: a fresh SQLite file]
    #[arg(long, value_name = "URL", conflicts_with = "url")]
    pub db: Option<String>,
    /// Load a running server instead, e.g. http://127.0.0.1:8080 (seeded by `uplink demo`).
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,
    /// Password of the demo accounts the virtual users log in as.
    #[arg(long, default_value = "uplink-demo")]
    pub password: String,
    /// Run for this many seconds (the default is 10 when --requests is not given).
    #[arg(long, value_name = "S", conflicts_with = "requests")]
    pub duration: Option<f64>,
    /// Stop after this many operations of the mix.
    #[arg(long, value_name = "N")]
    pub requests: Option<u64>,
    /// Virtual users, each an agent at their own station logged in once; in closed loop also the
    /// number of operations in flight.
    #[arg(long, value_name = "C", default_value_t = 32)]
    pub concurrency: usize,
    /// Open loop: start orders (place + pay) at this many per second, the rest of the mix in
    /// proportion; latency counts from the planned start, so a slow server cannot hide queueing.
    #[arg(long, value_name = "R")]
    pub rate: Option<f64>,
    /// `full`: browse 60 %, order 25 %, station 10 %, hand-over 5 %; `orders`: place and pay only.
    #[arg(long, value_enum, default_value_t = MixKind::Full)]
    pub mix: MixKind,
    /// SQLite only, for measuring what durability costs: the product always runs `full`.
    #[arg(long, value_enum, default_value_t = SyncArg::Full)]
    pub sqlite_synchronous: SyncArg,
    /// Seed of the demo county when the database is empty.
    #[arg(long, default_value_t = 2015)]
    pub seed: u64,
    /// Print the report as JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum MixKind {
    Full,
    Orders,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum SyncArg {
    Full,
    Normal,
}

/// What the load ran against, for the report.
pub struct Target {
    pub base: String,
    pub described: String,
}

pub async fn run(a: LoadArgs) -> anyhow::Result<()> {
    anyhow::ensure!(a.concurrency >= 1, "--concurrency must be at least 1");
    if let Some(r) = a.rate {
        anyhow::ensure!(r > 0.0 && r.is_finite(), "--rate must be a positive number of orders per second");
    }
    let (target, db) = start_target(&a).await?;
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(4096)
        .timeout(Duration::from_secs(60))
        .build()
        .context("building the HTTP client")?;
    let stop = Plan::from_args(&a);
    eprintln!("preparing: log-ins, bench listings, villagers, delivered orders for hand-over …");
    let world = Arc::new(
        world::prepare(&http, &target.base, &a.password, a.concurrency, stop.accepts_wanted(a.mix))
            .await
            .context("preparing the load")?,
    );
    eprintln!("running against {} …", target.described);
    let stats = Arc::new(report::Stats::default());
    let runner = mix::Runner { http, world, stats: stats.clone(), mix: a.mix };
    let started = Instant::now();
    match a.rate {
        None => closed_loop(&runner, a.concurrency, &stop).await,
        Some(r) => open_loop(&runner, r, &stop).await,
    }
    let elapsed = started.elapsed();
    let r = report::Report::new(&stats, elapsed, &a, &target.described);
    if a.json {
        println!("{}", serde_json::to_string_pretty(&r.to_json())?);
    } else {
        print!("{}", r.table());
    }
    if let Some(db) = db {
        db.close().await;
    }
    Ok(())
}

/// When to stop: after a number of operations or a time.
struct Plan {
    requests: Option<u64>,
    duration: Duration,
    rate: Option<f64>,
}

impl Plan {
    fn from_args(a: &LoadArgs) -> Plan {
        Plan {
            requests: a.requests,
            duration: Duration::from_secs_f64(a.duration.unwrap_or(10.0).max(0.1)),
            rate: a.rate,
        }
    }

    /// Delivered orders to prepare for the hand-overs: 5 % of the expected operations, capped
    /// (more are made on the way by the move chain when these run out).
    fn accepts_wanted(&self, mix: MixKind) -> usize {
        if mix == MixKind::Orders {
            return 0;
        }
        let ops = match (self.requests, self.rate) {
            (Some(n), _) => n as f64,
            (None, Some(r)) => r * 4.0 * self.duration.as_secs_f64(),
            (None, None) => 800.0 * self.duration.as_secs_f64(),
        };
        ((ops * 0.05).ceil() as usize).min(200)
    }

    fn done(&self, started: Instant, issued: u64) -> bool {
        match self.requests {
            Some(n) => issued >= n,
            None => started.elapsed() >= self.duration,
        }
    }
}

async fn closed_loop(runner: &mix::Runner, concurrency: usize, plan: &Plan) {
    let issued = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for vu in 0..concurrency {
        let (r, issued) = (runner.clone(), issued.clone());
        let (requests, duration) = (plan.requests, plan.duration);
        tasks.spawn(async move {
            let plan = Plan { requests, duration, rate: None };
            loop {
                let n = issued.fetch_add(1, Ordering::Relaxed);
                if plan.done(started, n) {
                    break;
                }
                r.one(vu, Instant::now()).await;
            }
        });
    }
    while tasks.join_next().await.is_some() {}
}

async fn open_loop(runner: &mix::Runner, orders_per_s: f64, plan: &Plan) {
    let ops_per_s = orders_per_s / runner.mix.order_share();
    let interval = Duration::from_secs_f64(1.0 / ops_per_s);
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    let vus = runner.world.agents.len();
    let mut i: u64 = 0;
    loop {
        if plan.done(started, i) {
            break;
        }
        let planned = started + interval.mul_f64(i as f64);
        tokio::time::sleep_until(planned.into()).await;
        let r = runner.clone();
        let vu = (i as usize) % vus;
        tasks.spawn(async move { r.one(vu, planned).await });
        i += 1;
        // Reap finished tasks so the set does not grow for the whole run.
        while tasks.try_join_next().is_some() {}
    }
    while tasks.join_next().await.is_some() {}
}

/// The server to load: the given URL, or one started here over `--db` (seeded when empty).
async fn start_target(a: &LoadArgs) -> anyhow::Result<(Target, Option<Db>)> {
    if let Some(url) = &a.url {
        let base = url.trim_end_matches('/').to_string();
        return Ok((Target { described: format!("{base} (running server)"), base }, None));
    }
    let raw = match &a.db {
        Some(d) => d.clone(),
        None => {
            let f = std::env::temp_dir().join(format!("uplink-bench-{}.db", uuid::Uuid::now_v7().simple()));
            format!("sqlite://{}", f.display())
        }
    };
    let url = DbUrl::parse(&raw)?;
    let sync = match a.sqlite_synchronous {
        SyncArg::Full => SqliteSync::Full,
        SyncArg::Normal => SqliteSync::Normal,
    };
    let db = uplink_store::Db::open_for_benchmark(&url, sync).await.with_context(|| format!("opening {url}"))?;
    if uplink_service::demo::is_empty(&db).await? {
        eprintln!("seeding the demo county (seed {}) …", a.seed);
        let g = uplink_sim::generate(a.seed, &uplink_sim::CountySize::demo());
        uplink_service::demo::seed(&db, &g, &a.password, &Default::default(), &|_, _| {})
            .await
            .map_err(|e| anyhow::anyhow!("seeding the demo county failed: {e}"))?;
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let st = AppState::new(db.clone(), false);
    tokio::spawn(async move {
        if let Err(e) = uplink_web::serve(st, listener, std::future::pending()).await {
            eprintln!("the in-process server stopped: {e}");
        }
    });
    let backend = match url.backend() {
        uplink_store::Backend::Sqlite => format!("SQLite, synchronous={:?}", a.sqlite_synchronous).to_lowercase(),
        uplink_store::Backend::Postgres => "PostgreSQL".to_string(),
    };
    Ok((
        Target { base: format!("http://{addr}"), described: format!("in-process server on {url} ({backend})") },
        Some(db),
    ))
}
