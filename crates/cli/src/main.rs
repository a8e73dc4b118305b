//! The `uplink` binary: serve a county, fill a demo county, migrate, create users, and print an
//! example configuration. Every long job shows progress; every command has `--help`.

mod bench_dashboard;
mod bench_load;
mod config;
mod dispatch;
mod report;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;
use uplink_service::{Db, DbUrl};
use uplink_web::state::AppState;

#[derive(Parser)]
#[command(
    name = "uplink",
    version,
    about = "Uplink: two-way rural e-commerce for a county — goods down to villages, farm products up to cities."
)]
struct Cli {
    /// A TOML config file (default: ./uplink.toml when present).
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone, Default)]
struct DbArgs {
    /// Database URL: sqlite://FILE or postgres://USER@HOST/DB [default: sqlite://uplink.db]
    #[arg(long, value_name = "URL")]
    db: Option<String>,
}

#[derive(Args, Clone, Default)]
struct ServeArgs {
    #[command(flatten)]
    db: DbArgs,
    /// Address to listen on [default: 127.0.0.1:8080]
    #[arg(long, value_name = "ADDR")]
    listen: Option<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve Uplink (migrates the database first).
    #[command(after_help = "Example:\n  uplink serve --db postgres://uplink@127.0.0.1/uplink --listen 0.0.0.0:8080")]
    Serve(ServeArgs),
    /// Fill an empty database with a generated demo county, print its logins, and serve it.
    #[command(
        after_help = "Example:\n  uplink demo --seed 7 --db sqlite://demo.db\n\nA database that already holds a county is served as it is, so a restart keeps the data."
    )]
    Demo {
        #[command(flatten)]
        serve: ServeArgs,
        /// Seed of the generated county: the same seed gives the same county.
        #[arg(long, default_value_t = 2015)]
        seed: u64,
        /// Fill the database and exit without serving.
        #[arg(long)]
        no_serve: bool,
        /// Seed only the network, people, catalog and fleet: no orders, claims or lots (for
        /// benchmarks and tests that count what they make themselves).
        #[arg(long)]
        no_trade: bool,
    },
    /// Bring the database schema up to date and exit.
    #[command(after_help = "Example:\n  uplink migrate --db postgres://uplink@127.0.0.1/uplink")]
    Migrate(DbArgs),
    /// Print a commented example configuration file.
    #[command(name = "default-config", after_help = "Example:\n  uplink default-config > uplink.toml")]
    DefaultConfig,
    /// Manage users.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Plan a county's day: route sheets with backhaul, cost per kg, and the saving.
    #[command(
        after_help = "Example:\n  uplink plan --date 2026-08-03 --county BC --time-limit 10 --db sqlite://uplink.db"
    )]
    Plan(dispatch::PlanArgs),
    /// Solve a CVRPLIB (.vrp) or Solomon (.txt) instance and print the solution in CVRPLIB .sol form.
    #[command(after_help = "Example:\n  uplink solve ../shared/data/vrplib/cvrp/A-n32-k5.vrp --time-limit 1")]
    Solve(dispatch::SolveArgs),
    /// Print the county dashboard's figures and write its tables as CSV and XLSX.
    #[command(
        after_help = "Example:\n  uplink report --county BC --from 2026-01-01 --to 2026-06-30 --by month --out reports/ --db sqlite://uplink.db"
    )]
    Report(report::ReportArgs),
    /// Measure: load the API with the county's day.
    #[command(subcommand)]
    Bench(BenchCommand),
}

#[derive(Subcommand)]
enum BenchCommand {
    /// Browse, order and pay, register villagers and hand parcels over, at a concurrency or a rate.
    #[command(
        after_help = "Examples:\n  uplink bench load --duration 30 --concurrency 32\n  uplink bench load --db postgres://postgres@127.0.0.1/bench --rate 500 --duration 30 --json\n  uplink bench load --url http://127.0.0.1:8080 --requests 10000"
    )]
    Load(bench_load::LoadArgs),
    /// Plan a synthetic day on generated counties: planning time, km, cost and the backhaul saving.
    #[command(after_help = "Examples:\n  uplink bench dispatch\n  uplink bench dispatch --villages 175 --time-limit 1")]
    Dispatch(dispatch::BenchDispatchArgs),
    /// Generate a county with a year of trade (≥ 2 million order lines) and time its dashboard.
    #[command(
        after_help = "Examples:\n  uplink bench dashboard --db sqlite://dash.db\n  uplink bench dashboard --db postgres://postgres@127.0.0.1/dash --lines 2000000 --requests 30"
    )]
    Dashboard(bench_dashboard::DashboardArgs),
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create a user; the way to the first admin of a real (non-demo) database.
    #[command(
        name = "create-user",
        after_help = "Example:\n  UPLINK_PASSWORD='a long passphrase' uplink admin create-user --username root --name 'Platform admin' --admin"
    )]
    CreateUser {
        #[command(flatten)]
        db: DbArgs,
        /// Log-in name: 3–32 of a–z, 0–9, '.', '_', '-'.
        #[arg(long)]
        username: String,
        /// Name shown in pages.
        #[arg(long)]
        name: String,
        /// Make the user a platform admin.
        #[arg(long)]
        admin: bool,
        /// Password (10–128 characters); read from UPLINK_PASSWORD so it stays out of shell history.
        #[arg(long, env = "UPLINK_PASSWORD", hide_env_values = true)]
        password: String,
    },
}

/// The password of every demo account; printed at start, so it is no secret.
const DEMO_PASSWORD: &str = "uplink-demo";

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    rt.block_on(run(cli))
}

fn init_logs(format: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,tower_http=warn"));
    let b = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    if format == "json" {
        b.json().init();
    } else {
        b.init();
    }
}

async fn open(settings: &config::Settings) -> anyhow::Result<Db> {
    let url = DbUrl::parse(&settings.db)?;
    let db = Db::open(&url).await.with_context(|| format!("opening the database {url}"))?;
    tracing::info!(db = %url, "database ready");
    Ok(db)
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let flags = |s: &ServeArgs| config::Overrides { db: s.db.db.clone(), listen: s.listen.clone() };
    match cli.command {
        Command::DefaultConfig => {
            print!("{}", config::EXAMPLE);
            Ok(())
        }
        Command::Migrate(d) => {
            let s = config::load(cli.config.as_ref(), &config::Overrides { db: d.db, listen: None })?;
            init_logs(&s.log_format);
            let db = open(&s).await?;
            println!("schema at version {}", uplink_store::schema_version(&db).await?);
            Ok(())
        }
        Command::Serve(a) => {
            let s = config::load(cli.config.as_ref(), &flags(&a))?;
            init_logs(&s.log_format);
            let db = open(&s).await?;
            serve(db, &s).await
        }
        Command::Demo { serve: a, seed, no_serve, no_trade } => {
            let s = config::load(cli.config.as_ref(), &flags(&a))?;
            init_logs(&s.log_format);
            let db = open(&s).await?;
            demo(&db, seed, !no_trade).await?;
            if no_serve {
                // Closing checkpoints the write-ahead log into the database file.
                db.close().await;
                Ok(())
            } else {
                serve(db, &s).await
            }
        }
        Command::Plan(a) => {
            let s = config::load(cli.config.as_ref(), &config::Overrides { db: a.db.db.clone(), listen: None })?;
            init_logs(&s.log_format);
            let db = open(&s).await?;
            dispatch::plan(&db, &a).await
        }
        Command::Report(a) => {
            let s = config::load(cli.config.as_ref(), &config::Overrides { db: a.db.db.clone(), listen: None })?;
            init_logs(&s.log_format);
            let db = open(&s).await?;
            report::run(&db, &a).await
        }
        Command::Solve(a) => dispatch::solve(a).await,
        Command::Bench(BenchCommand::Dispatch(a)) => dispatch::bench(a).await,
        // No log subscriber: the report is the output, and logging every request would be load.
        Command::Bench(BenchCommand::Load(a)) => bench_load::run(a).await,
        Command::Bench(BenchCommand::Dashboard(a)) => bench_dashboard::run(a).await,
        Command::Admin(AdminCommand::CreateUser { db, username, name, admin, password }) => {
            let s = config::load(cli.config.as_ref(), &config::Overrides { db: db.db, listen: None })?;
            init_logs(&s.log_format);
            let db = open(&s).await?;
            let id = uplink_service::people::create_user_cli(&db, &username, &password, &name, admin)
                .await
                .map_err(|e| anyhow::anyhow!("could not create the user: {e}"))?;
            println!("created user {username} ({id}){}", if admin { ", platform admin" } else { "" });
            Ok(())
        }
    }
}

async fn demo(db: &Db, seed: u64, trade: bool) -> anyhow::Result<()> {
    if !uplink_service::demo::is_empty(db).await? {
        println!("The database already holds a county; serving it as it is.");
        println!("Demo logins keep the password: {DEMO_PASSWORD}");
        return Ok(());
    }
    let g = uplink_sim::generate(seed, &uplink_sim::CountySize::demo());
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template("生成示范县 / seeding demo county {bar:40} {pos}/{len}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let progress = |done: u64, total: u64| {
        bar.set_length(total);
        bar.set_position(done);
    };
    let s = uplink_service::demo::seed(db, &g, DEMO_PASSWORD, &Default::default(), &progress)
        .await
        .map_err(|e| anyhow::anyhow!("seeding the demo county failed: {e}"))?;
    bar.finish_and_clear();
    println!(
        "示范县 / demo county: {} — {} villages, {} stations, {} people (seed {seed})",
        s.county_name, s.villages, s.stations, s.people
    );
    if trade {
        let activity = uplink_service::demo_activity::seed_activity(db, s.county_id)
            .await
            .map_err(|e| anyhow::anyhow!("seeding the demo's trade failed: {e}"))?;
        println!("交易 / trade: {} orders, {} claims", activity.orders, activity.claims);
        let uplink = uplink_service::windows::demo::seed_demo(db, s.county_id)
            .await
            .map_err(|e| anyhow::anyhow!("seeding the demo's pre-order windows failed: {e}"))?;
        println!("预售 / pre-order windows: {}, lots: {}", uplink.windows, uplink.lots);
        let graded = uplink_service::demo_activity::seed_hub_grading(db, s.county_id)
            .await
            .map_err(|e| anyhow::anyhow!("seeding the hub's grading failed: {e}"))?;
        println!("复核 / graded again at the hub: {graded} lots");
        if let Some(code) = uplink.trace_codes.first() {
            println!("溯源 / trace a lot: /t/{code}");
        }
        demo_history(db, &g, s.county_id).await?;
    }
    println!("演示账号 / demo logins (password: {DEMO_PASSWORD}):");
    for (role, user) in &s.accounts {
        println!("  {role:<10} {user}");
    }
    Ok(())
}

/// A year of past trade behind the demo county, so its dashboard has history to show.
async fn demo_history(db: &Db, g: &uplink_sim::County, county: uplink_core::CountyId) -> anyhow::Result<()> {
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template("一年交易 / a year of trade {bar:40} {pos}/{len} days")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let progress = |done: u64, total: u64| {
        bar.set_length(total);
        bar.set_position(done);
    };
    let size = uplink_sim::history::HistorySize::demo();
    let w = uplink_service::demo_history::seed_history(db, county, g, size, uplink_store::now_us(), &progress)
        .await
        .map_err(|e| anyhow::anyhow!("writing the demo's history failed: {e}"))?;
    uplink_service::dashboard::rebuild(db, county)
        .await
        .map_err(|e| anyhow::anyhow!("rebuilding the dashboard failed: {e}"))?;
    bar.finish_and_clear();
    println!("历史 / a year of history: {} orders, {} lines, {} lots, {} claims", w.orders, w.lines, w.lots, w.claims);
    Ok(())
}

async fn serve(db: Db, s: &config::Settings) -> anyhow::Result<()> {
    let listener =
        tokio::net::TcpListener::bind(&s.listen).await.with_context(|| format!("listening on {}", s.listen))?;
    let addr = listener.local_addr()?;
    println!("Uplink serves at http://{addr}/  (API docs: http://{addr}/api/v1/docs)");
    let st = AppState::new(db.clone(), s.secure_cookies);
    let worker = tokio::spawn(run_scheduled_work(db.clone()));
    uplink_web::serve(st, listener, shutdown_signal()).await?;
    worker.abort();
    db.close().await;
    Ok(())
}

/// Does the scheduled work (auto-acceptance, commission release, expired reservations) every few
/// seconds. Tasks are rows, so a restart loses nothing, and each is done exactly once even with
/// several servers on one PostgreSQL.
async fn run_scheduled_work(db: Db) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(5));
    loop {
        tick.tick().await;
        match uplink_service::jobs::run_due(&db, uplink_store::now_us()).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(done = n, "scheduled work done"),
            Err(e) => tracing::warn!(error = %e, "scheduled work failed; retrying next round"),
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down");
}
