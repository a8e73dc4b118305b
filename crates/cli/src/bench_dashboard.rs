//! `uplink bench dashboard`: how fast the county dashboard answers over a year of a large
//! county's trade. On an empty database it generates the county (175 villages by default) and a
//! year of history with at least `--lines` order lines (`service::demo_history`, written in bulk),
//! rebuilds the dashboard's aggregates, then starts the server in this process, logs in as the
//! county operator and requests the dashboard page and its JSON for the whole year by month:
//! a warm-up, then `--requests` of each, reporting the median and the 95th percentile. A database
//! that already holds a county is measured as it is (generate once, measure many times).

use anyhow::Context;
use clap::Args;
use std::time::{Duration, Instant};
use uplink_core::time::US_PER_DAY;
use uplink_service::DbUrl;
use uplink_sim::history::HistorySize;
use uplink_store::SqliteSync;
use uplink_web::state::AppState;

#[derive(Args, Clone, Debug)]
pub struct DashboardArgs {
    /// Database: sqlite://FILE or postgres://USER@HOST/DB [default: a fresh SQLite file].
    #[arg(long, value_name = "URL")]
    pub db: Option<String>,
    /// Order lines of history to generate on an empty database (about; the year's trade varies).
    #[arg(long, value_name = "N", default_value_t = 2_000_000)]
    pub lines: i64,
    /// Villages of the generated county.
    #[arg(long, value_name = "N", default_value_t = 175)]
    pub villages: usize,
    /// Measured requests of each kind, after the warm-up.
    #[arg(long, value_name = "N", default_value_t = 30)]
    pub requests: usize,
    /// Seed of the generated county.
    #[arg(long, default_value_t = 2015)]
    pub seed: u64,
    /// Password of the generated accounts.
    #[arg(long, default_value = "uplink-demo")]
    pub password: String,
}

const WARM_UP: usize = 3;

pub async fn run(a: DashboardArgs) -> anyhow::Result<()> {
    anyhow::ensure!(a.requests >= 1, "--requests must be at least 1");
    anyhow::ensure!(a.lines >= 1, "--lines must be at least 1");
    let raw = match &a.db {
        Some(d) => d.clone(),
        None => {
            let f = std::env::temp_dir().join(format!("uplink-dashboard-{}.db", uuid::Uuid::now_v7().simple()));
            format!("sqlite://{}", f.display())
        }
    };
    let url = DbUrl::parse(&raw)?;
    let db =
        uplink_store::Db::open_for_benchmark(&url, SqliteSync::Full).await.with_context(|| format!("opening {url}"))?;
    let now = uplink_store::now_us();
    if uplink_service::demo::is_empty(&db).await? {
        generate(&db, &a, now).await?;
    } else {
        eprintln!("the database holds a county already: measuring it as it is");
    }
    let county = {
        let mut c = db.reader().await?;
        let counties = uplink_store::network::list_counties(&mut c).await?;
        counties.first().map(|c| c.id).context("no county in the database")?
    };
    let (lines, bytes) = {
        let mut c = db.reader().await?;
        (
            uplink_store::history::count_lines(&mut c, county).await?,
            uplink_store::history::database_bytes(&mut c).await?,
        )
    };

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let st = AppState::new(db.clone(), false);
    tokio::spawn(async move {
        if let Err(e) = uplink_web::serve(st, listener, std::future::pending()).await {
            eprintln!("the in-process server stopped: {e}");
        }
    });
    let http = reqwest::Client::builder().timeout(Duration::from_secs(120)).build()?;
    let token = crate::bench_load::world::login(&http, &base, "operator-1", &a.password)
        .await
        .context("log-in of the county operator")?;
    let from = uplink_core::time::local_date(now - 365 * US_PER_DAY, "Asia/Shanghai");
    let to = uplink_core::time::local_date(now - US_PER_DAY, "Asia/Shanghai");
    let query = format!("from={from}&to={to}&by=month");
    let targets = [
        ("page", format!("{base}/c/{county}/dashboard?{query}")),
        ("json", format!("{base}/api/v1/counties/{county}/dashboard?{query}")),
    ];
    println!(
        "dashboard of county {county}: {lines} order lines, {from} … {to} by month, on {url} ({:.1} GB)",
        bytes as f64 / 1e9
    );
    println!("{:<6} {:>8} {:>10} {:>10} {:>10} {:>10}", "what", "requests", "median ms", "p95 ms", "max ms", "bytes");
    for (what, target) in &targets {
        let mut times = Vec::with_capacity(a.requests);
        let mut bytes = 0;
        for i in 0..WARM_UP + a.requests {
            let started = Instant::now();
            let r = http.get(target).bearer_auth(&token).send().await?;
            let status = r.status();
            let body = r.bytes().await?;
            let took = started.elapsed();
            anyhow::ensure!(status.is_success(), "{what}: {status} {}", String::from_utf8_lossy(&body));
            if i >= WARM_UP {
                times.push(took);
                bytes = body.len();
            }
        }
        times.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1_000.0;
        let at = |q: f64| times[((times.len() as f64 * q).ceil() as usize).clamp(1, times.len()) - 1];
        println!(
            "{what:<6} {:>8} {:>10.1} {:>10.1} {:>10.1} {bytes:>10}",
            times.len(),
            ms(at(0.5)),
            ms(at(0.95)),
            ms(*times.last().unwrap_or(&Duration::ZERO)),
        );
    }
    db.close().await;
    Ok(())
}

/// The county, its year of history and the dashboard's aggregates, with progress and timings.
async fn generate(db: &uplink_store::Db, a: &DashboardArgs, now: i64) -> anyhow::Result<()> {
    let started = Instant::now();
    let g = uplink_sim::generate(a.seed, &uplink_sim::CountySize::villages(a.villages));
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{msg:<24} {bar:40} {pos}/{len} {elapsed}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar.set_message("county / 县");
    let progress = |done: u64, total: u64| {
        bar.set_length(total);
        bar.set_position(done);
    };
    let s = uplink_service::demo::seed(db, &g, &a.password, &Default::default(), &progress)
        .await
        .map_err(|e| anyhow::anyhow!("seeding the county failed: {e}"))?;
    let seeded = started.elapsed();
    bar.set_message("a year of trade / 一年交易");
    bar.set_position(0);
    let size = HistorySize { days: 365, lines: a.lines };
    let w = uplink_service::demo_history::seed_history(db, s.county_id, &g, size, now, &progress)
        .await
        .map_err(|e| anyhow::anyhow!("writing the history failed: {e}"))?;
    let written = started.elapsed() - seeded;
    bar.finish_and_clear();
    let t = Instant::now();
    let aggregates = uplink_service::dashboard::rebuild(db, s.county_id)
        .await
        .map_err(|e| anyhow::anyhow!("rebuilding the dashboard failed: {e}"))?;
    let rebuilt = t.elapsed();
    eprintln!(
        "generated: county of {} villages in {:.1} s; {} orders, {} lines, {} transfers, {} lots, {} claims in {:.1} s \
         ({:.0} lines/s); {aggregates} aggregate rows in {:.1} s",
        s.villages,
        seeded.as_secs_f64(),
        w.orders,
        w.lines,
        w.transfers,
        w.lots,
        w.claims,
        written.as_secs_f64(),
        w.lines as f64 / written.as_secs_f64().max(1e-9),
        rebuilt.as_secs_f64()
    );
    Ok(())
}
