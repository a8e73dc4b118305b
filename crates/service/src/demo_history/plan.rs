//! The dispatch plan of each day of the history, as the operator's evening planning
//! (`service::dispatch::plan_day`) would have stored it: at eight the evening before, the orders
//! then confirmed or packed (downlink deliveries per station, uplink pickups at the seller's
//! station) become the day's jobs by the same rule (`dispatch::day_inputs`), the real planner
//! plans the combined day and the downlink-only and uplink-only days (a small iteration budget,
//! so the history is quick to write and the same on every machine), and the plan is kept as
//! version 1 of its date with its report, and the dashboard's figures of it beside it.

use super::{World, id_at};
use crate::error::{Result, ServiceError};
use uplink_core::time::US_PER_DAY;
use uplink_logistics::{Budget, SisrPlanner};
use uplink_store::StoreError;
use uplink_store::dispatch::{DayOrder, DepotRow, StationRow, Vehicle};
use uplink_store::history::Batch;

/// Planner iterations per plan (each of the three plans of a day): a small budget that still
/// finds good routes for a county's few dozen stops.
const ITERATIONS: u64 = 300;
/// The smallest time limit the plan use case accepts, recorded with each plan.
const TIME_LIMIT_S: i64 = 1;
/// The operator plans tomorrow at eight in the evening.
const PLAN_HOUR_US: i64 = 20 * 3_600_000_000;

/// What dispatch plans are made from: the county's depots, stations, fleet and road matrix.
pub(super) struct Dispatch {
    pub depots: Vec<DepotRow>,
    pub stations: Vec<StationRow>,
    pub vehicles: Vec<Vehicle>,
    pub matrix: Option<String>,
    /// Plans already stored for a date (`YYYY-MM-DD`): the history's plan is the next version.
    pub versions: std::collections::HashMap<String, i64>,
    /// Orders that were or will be waiting for the truck: the order as the day's query reads it,
    /// and from when until when it was confirmed or packed.
    pub waiting: Vec<(DayOrder, i64, i64)>,
    pub plans: u64,
}

fn failed(what: impl std::fmt::Display) -> ServiceError {
    ServiceError::Store(StoreError::Corrupt(format!("history plan: {what}")))
}

/// Plans local day `day` and puts the plan and its figures in the batch.
pub(super) fn plan(w: &mut World, batch: &mut Batch, day: i64) -> Result<()> {
    let start = crate::dispatch::day_start_us(day, &w.zone);
    let at = start - US_PER_DAY + PLAN_HOUR_US;
    let d = &mut w.dispatch;
    d.waiting.retain(|(_, _, until)| *until > at);
    let mut orders: Vec<DayOrder> =
        d.waiting.iter().filter(|(_, from, until)| *from <= at && at < *until).map(|(o, _, _)| o.clone()).collect();
    if orders.is_empty() {
        return Ok(());
    }
    orders.sort_by(|a, b| a.order_no.cmp(&b.order_no));
    let inputs = crate::dispatch::day_inputs(start, &d.depots, &d.stations, &orders, &d.vehicles, d.matrix.as_deref())
        .map_err(|e| failed(format!("{e:?}")))?;
    if inputs.jobs.is_empty() {
        return Ok(());
    }
    let recorded = inputs.recorded();
    let budget = Budget::iterations(ITERATIONS, w.seed ^ day as u64);
    let planned = uplink_logistics::dispatch::plan_day(
        &inputs.places,
        &inputs.jobs,
        &inputs.fleet,
        &inputs.road,
        &SisrPlanner::default(),
        budget,
        &mut |_| {},
    )
    .map_err(failed)?;
    let (y, m, dd) = uplink_core::time::civil_from_days(day);
    let date = format!("{y:04}-{m:02}-{dd:02}");
    let version = d.versions.get(&date).copied().unwrap_or(0) + 1;
    let id = id_at(at);
    let report = crate::dispatch::report_json(&planned, &recorded)?;
    let (t, s) = (&planned.totals, &planned.saving);
    let county = w.county.to_string();
    batch.plan(vec![
        county.clone().into(),
        id.clone().into(),
        date.clone().into(),
        version.into(),
        w.operator.user.clone().into(),
        at.into(),
        TIME_LIMIT_S.into(),
        if d.matrix.is_some() { "matrix" } else { "estimate" }.into(),
        (t.vehicles_used as i64).into(),
        (t.jobs_routed as i64).into(),
        (t.jobs_unplanned as i64).into(),
        t.distance_m.into(),
        t.cost_fen.into(),
        s.distance_saving_bp.into(),
        s.cost_saving_bp.into(),
        report.into(),
    ]);
    let f = crate::dashboard::plan_figures(&planned);
    batch.plan_figures(vec![
        county.into(),
        id.into(),
        date.into(),
        f.cost_down_fen.into(),
        f.carried_down_g.into(),
        f.cost_up_fen.into(),
        f.carried_up_g.into(),
        f.distance_m.into(),
        f.load_down_permille_sum.into(),
        f.load_up_permille_sum.into(),
        f.routes.into(),
        f.saving_fen.into(),
    ]);
    d.plans += 1;
    Ok(())
}

/// Keeps `o` for the plans of the days it waits for the truck: from `from_us` (confirmed) until
/// `until_us` (shipped, cancelled, or never within the history).
pub(super) fn wait(w: &mut World, o: DayOrder, from_us: i64, until_us: i64) {
    if from_us < until_us {
        w.dispatch.waiting.push((o, from_us, until_us));
    }
}
