//! `uplink report`: the county dashboard in the terminal, every figure with its name in Chinese
//! and English side by side, and every table written as CSV and XLSX into a folder — the same
//! figures as the page and the API, from the same use case.

use anyhow::Context;
use clap::Args;
use std::path::PathBuf;
use uplink_core::metrics::{Group, format_value};
use uplink_service::dashboard::{self as uc, DashboardQuery, TableId};
use uplink_web::i18n::{Catalog, Lang};

#[derive(Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub db: super::DbArgs,
    /// The county's code or id; may be left out when the database holds one county.
    #[arg(long)]
    pub county: Option<String>,
    /// First day, YYYY-MM-DD in the county's time zone [default: twelve months before --to].
    #[arg(long)]
    pub from: Option<String>,
    /// Last day, included [default: today].
    #[arg(long)]
    pub to: Option<String>,
    /// Periods of the tables: week or month.
    #[arg(long, default_value = "month")]
    pub by: String,
    /// A folder to write every table into, as CSV and XLSX (created when missing).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// A message in both languages, Chinese first: `上行交易额 / Uplink GMV`.
fn both(c: &Catalog, key: &str) -> String {
    format!("{} / {}", c.t(Lang::ZhCn, key, &[]), c.t(Lang::En, key, &[]))
}

pub async fn run(db: &uplink_service::Db, a: &ReportArgs) -> anyhow::Result<()> {
    let q = DashboardQuery { from: a.from.clone(), to: a.to.clone(), by: Some(a.by.clone()), ..Default::default() };
    let cat = Catalog::default();
    let d = match uc::dashboard_as_system(db, a.county.as_deref(), &q).await {
        Ok(d) => d,
        Err(uplink_service::ServiceError::Invalid(inv)) => {
            let why: Vec<String> = inv
                .0
                .iter()
                .map(|e| {
                    let args: Vec<(&str, String)> = e.args.iter().map(|(k, v)| (*k, v.clone())).collect();
                    format!("--{}: {}", e.field, cat.t(Lang::En, e.code, &args))
                })
                .collect();
            anyhow::bail!("{}", why.join("; "));
        }
        Err(e) => return Err(anyhow::anyhow!("the dashboard could not be read: {e}")),
    };
    println!("{} {} – {} ({})", d.area.name, d.from, d.to, both(&cat, &format!("dashboard-by-{}", d.by.as_str())));
    let width = d.figures.iter().map(|f| both(&cat, &f.label_key).chars().count()).max().unwrap_or(0);
    for g in Group::ALL {
        println!("\n{}", both(&cat, &format!("dashboard-group-{}", g.as_str())));
        for f in d.figures.iter().filter(|f| f.group == g) {
            let name = both(&cat, &f.label_key);
            let pad = width.saturating_sub(name.chars().count());
            println!("  {name}{}  {:>16}", " ".repeat(pad), format_value(f.unit, f.value));
        }
    }
    println!("\n{}", both(&cat, "dashboard-table-periods"));
    for p in &d.periods {
        println!(
            "  {:<10} {:>16} {:>16} {:>8}",
            p.bucket.label,
            uplink_core::Fen(p.uplink.gmv_fen).to_string(),
            uplink_core::Fen(p.downlink.gmv_fen).to_string(),
            format_value(uplink_core::metrics::Unit::BasisPoints, p.uplink_share_bp)
        );
    }
    if let Some(dir) = &a.out {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        let t = |k: &str| both(&cat, k);
        for id in TableId::ALL {
            let table = uc::table(&d, id, &t);
            let base = dir.join(format!("{}-{}-{}", id.as_str(), d.from, d.to));
            let csv = base.with_extension("csv");
            std::fs::write(&csv, table.to_csv()).with_context(|| format!("writing {}", csv.display()))?;
            let xlsx = base.with_extension("xlsx");
            std::fs::write(&xlsx, table.to_xlsx()?).with_context(|| format!("writing {}", xlsx.display()))?;
            println!("{}  {}", csv.display(), xlsx.display());
        }
    }
    Ok(())
}
