//! Keeping the dashboard's order aggregate equal to the raw orders: [`rebuild`] recomputes a
//! county from scratch (the history generator calls it after its bulk inserts), [`refresh`]
//! recomputes the days the triggers marked dirty (the scheduled work runs it every few seconds),
//! and [`plan_figures`] takes what the dashboard needs from a dispatch plan: the plan use case
//! (and the history writer) store it with the plan, and a read computes it in memory for a plan
//! stored without it, never writing.

use crate::error::{Result, ServiceError};
use std::collections::BTreeMap;
use uplink_core::CountyId;
use uplink_core::time::{US_PER_DAY, utc_offset_min};
use uplink_logistics::JobKind;
use uplink_logistics::dispatch::DayPlan;
use uplink_store::dashboard::{self as repo, Mark, PlanFigures, SLOT_US, WHOLE_COUNTY};
use uplink_store::{Conn, Db};

/// The county's offset from UTC in microseconds.
pub(super) async fn offset_us(c: &mut Conn, county: CountyId) -> Result<i64> {
    let cty = uplink_store::network::get_county(c, county).await?.ok_or(ServiceError::NotFound)?;
    Ok(utc_offset_min(&cty.time_zone) * 60_000_000)
}

/// The local day of an instant, as a day number.
pub(super) fn day_of(us: i64, offset_us: i64) -> i64 {
    (us + offset_us).div_euclid(US_PER_DAY)
}

/// Recomputes every aggregate of a county from its raw rows, in one transaction, and clears its
/// dirty marks. Returns how many aggregate rows it wrote.
pub async fn rebuild(db: &Db, county: CountyId) -> Result<u64> {
    let mut tx = db.begin().await?;
    let off = offset_us(&mut tx, county).await?;
    repo::clear_county(&mut tx, county).await?;
    let mut rows = 0;
    if let Some((lo, hi)) = repo::order_span(&mut tx, county).await? {
        rows = repo::recompute_days(&mut tx, county, off, day_of(lo, off), day_of(hi, off)).await?;
    }
    repo::analyze(&mut tx).await?;
    tx.commit().await?;
    Ok(rows)
}

/// Recomputes the dirty days before today of every county (today is always read raw); returns
/// how many days were recomputed. A mark written while a day is recomputed stays, so the day is
/// done again next round.
pub async fn refresh(db: &Db, now_us: i64) -> Result<usize> {
    let counties = {
        let mut c = db.reader().await?;
        repo::dirty_counties(&mut c).await?
    };
    let mut done = 0;
    for county in counties {
        let (marks, off) = {
            let mut c = db.reader().await?;
            (repo::marks(&mut c, county).await?, offset_us(&mut c, county).await?)
        };
        if marks.iter().any(|m| m.slot == WHOLE_COUNTY) {
            rebuild(db, county).await?;
            done += 1;
            continue;
        }
        let today = day_of(now_us, off);
        let mut days: BTreeMap<i64, Vec<Mark>> = BTreeMap::new();
        for m in marks {
            days.entry(day_of(m.slot * SLOT_US, off)).or_default().push(m);
        }
        for (day, marks) in days.range(..today) {
            let mut tx = db.begin().await?;
            repo::recompute_days(&mut tx, county, off, *day, *day).await?;
            for m in marks {
                repo::clear_mark(&mut tx, county, *m).await?;
            }
            tx.commit().await?;
            done += 1;
        }
    }
    Ok(done)
}

/// What the dashboard takes from a stored plan's report (see [`plan_figures`]).
fn report_figures(report: &str) -> Result<PlanFigures> {
    Ok(plan_figures(&crate::dispatch::report_plan(report)?))
}

/// What the dashboard takes from a plan: cost and weight by direction (the cost the plan
/// allocated to deliveries and to pickups), distance, load factors and the backhaul saving.
pub(crate) fn plan_figures(p: &DayPlan) -> PlanFigures {
    let mut kinds = std::collections::HashMap::new();
    for st in p.sheets.iter().flat_map(|s| &s.stops) {
        for h in st.drop.iter().chain(&st.collect) {
            kinds.insert(h.job.as_str(), h.kind);
        }
    }
    let mut f = PlanFigures {
        distance_m: p.sheets.iter().map(|s| s.distance_m).sum(),
        load_down_permille_sum: p.sheets.iter().map(|s| s.load_factor_down_permille).sum(),
        load_up_permille_sum: p.sheets.iter().map(|s| s.load_factor_up_permille).sum(),
        routes: p.sheets.len() as i64,
        saving_fen: p.saving.separate.cost_fen - p.saving.combined.cost_fen,
        ..PlanFigures::default()
    };
    for j in &p.cost_allocation.jobs {
        match kinds.get(j.job.as_str()) {
            Some(JobKind::Delivery) => {
                f.cost_down_fen += j.cost_fen;
                f.carried_down_g += j.weight_g;
            }
            Some(JobKind::Pickup) => {
                f.cost_up_fen += j.cost_fen;
                f.carried_up_g += j.weight_g;
            }
            Some(JobKind::Transfer) | None => {}
        }
    }
    f
}

/// The figures of the latest plan of each day in `from..=to`: those stored with the plan, or,
/// for a plan stored without them, computed from its report here (a read never writes).
pub(super) async fn plans(db: &Db, county: CountyId, from: &str, to: &str) -> Result<Vec<PlanFigures>> {
    let rows = {
        let mut c = db.reader().await?;
        repo::latest_plans(&mut c, county, from, to).await?
    };
    rows.into_iter()
        .map(|(_, _, f)| match f {
            Ok(f) => Ok(f),
            Err(report) => report_figures(&report),
        })
        .collect()
}
