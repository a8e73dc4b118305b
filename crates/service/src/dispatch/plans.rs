//! Planning a day and reading plans: the operator plans a date (each plan a new version of that
//! date, kept whole as a report), reads versions and route sheets; a driver reads their own sheet.
//! Also the county's road matrix, which every plan uses in place of estimates once imported.

use super::day::{self, PlanInputs};
use crate::access::Actor;
use crate::error::{Result, ServiceError};
use crate::idempotency::IdemKey;
use serde::{Deserialize, Serialize};
use uplink_core::people::{Action, Role};
use uplink_core::validation::{Checker, FieldError};
use uplink_core::*;
use uplink_logistics::dispatch::{DayPlan, RouteSheet, build};
use uplink_logistics::{Budget, Evaluation, Plan, Progress, RoadModel, Route, SisrPlanner, UnassignedReason};
use uplink_store::dispatch::{self as repo, PlanRow, StopRecord};
use uplink_store::{Db, StoreError};
use utoipa::ToSchema;

/// Plan a date.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanInput {
    /// The day to plan, `YYYY-MM-DD` in the county's time zone.
    pub date: Option<String>,
    /// Seconds the planner may think, 1–60 (default 5). The combined plan and the two separate
    /// plans it is compared with share this time equally, so the answer comes within about it.
    pub time_limit_s: Option<i64>,
}

pub const DEFAULT_TIME_LIMIT_S: i64 = 5;
pub const MAX_TIME_LIMIT_S: i64 = 60;

/// A plan version's figures, without its sheets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PlanSummary {
    pub id: PlanId,
    pub date: String,
    pub version: i64,
    pub created_us: i64,
    pub time_limit_s: i64,
    /// `estimate` (from coordinates) or `matrix` (the imported road matrix).
    pub road_source: String,
    pub vehicles_used: i64,
    pub jobs_routed: i64,
    pub jobs_unplanned: i64,
    pub distance_m: i64,
    pub cost_fen: i64,
    /// Vehicle-km saved against separate downlink-only and uplink-only trips, in basis points.
    pub distance_saving_bp: i64,
    pub cost_saving_bp: i64,
}

/// A stored plan: its figures, the plan (route sheets, unplanned jobs with reasons, totals, cost
/// per kg of every order, the saving) and what it was made from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PlanOut {
    #[serde(flatten)]
    pub summary: PlanSummary,
    /// `sheets`, `unplanned`, `totals`, `cost_allocation` (per job and per order, in fen and fen
    /// per kg), `saving` and `routes`, as `uplink-logistics` computes them.
    #[schema(value_type = Object)]
    pub plan: DayPlan,
    /// The places, jobs, fleet and road matrix the plan was made from.
    #[schema(value_type = Object)]
    pub inputs: PlanInputs,
}

/// The versions of one date's plan, newest first.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PlanVersions {
    pub date: String,
    pub latest: Option<PlanSummary>,
    pub versions: Vec<PlanSummary>,
}

/// One vehicle's route sheet of a plan, with what its driver has recorded so far.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SheetOut {
    pub plan_id: PlanId,
    pub date: String,
    pub version: i64,
    #[schema(value_type = Object)]
    pub sheet: RouteSheet,
    pub plate: Option<String>,
    pub records: Vec<StopRecord>,
}

/// What an imported matrix covers.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MatrixImported {
    pub rows: i64,
    /// The first ordered pair of the county's hubs and stations the matrix lacks, if any: plans
    /// that need that pair will be refused until it is added.
    pub missing_pair: Option<(String, String)>,
}

fn summary(r: &PlanRow) -> PlanSummary {
    PlanSummary {
        id: r.id,
        date: r.date.clone(),
        version: r.version,
        created_us: r.created_us,
        time_limit_s: r.time_limit_s,
        road_source: r.road_source.clone(),
        vehicles_used: r.vehicles_used,
        jobs_routed: r.jobs_routed,
        jobs_unplanned: r.jobs_unplanned,
        distance_m: r.distance_m,
        cost_fen: r.cost_fen,
        distance_saving_bp: r.distance_saving_bp,
        cost_saving_bp: r.cost_saving_bp,
    }
}

/// A stored plan's report, as [`report_json`] writes it.
#[derive(Deserialize)]
struct Report {
    plan: DayPlan,
    inputs: PlanInputs,
}

fn corrupt(what: impl std::fmt::Display) -> ServiceError {
    ServiceError::Store(StoreError::Corrupt(what.to_string()))
}

fn plan_out(r: &PlanRow) -> Result<PlanOut> {
    let rep: Report = serde_json::from_str(&r.report).map_err(|e| corrupt(format!("plan report unreadable: {e}")))?;
    Ok(PlanOut { summary: summary(r), plan: rep.plan, inputs: rep.inputs })
}

/// Checks the input: the date (as a day number) and the time limit.
fn check_input(i: &PlanInput) -> Result<(String, i64, i64)> {
    let mut ck = Checker::new();
    let day = match &i.date {
        Some(d) => ck.take("date", uplink_core::time::parse_date(d)),
        None => {
            ck.push(FieldError::new("date", "required"));
            None
        }
    };
    let limit = i.time_limit_s.unwrap_or(DEFAULT_TIME_LIMIT_S);
    if !(1..=MAX_TIME_LIMIT_S).contains(&limit) {
        ck.push(FieldError::new("time_limit_s", "out-of-range").arg("min", 1).arg("max", MAX_TIME_LIMIT_S));
    }
    ck.finish()?;
    let day = day.ok_or_else(|| corrupt("date checked above"))?;
    let (y, m, d) = uplink_core::time::civil_from_days(day);
    Ok((format!("{y:04}-{m:02}-{d:02}"), day, limit))
}

type ProgressFn = Box<dyn FnMut(Progress) + Send>;

/// Gathers the day, plans it off the async runtime, and returns the plan row to store.
async fn make_plan(
    db: &Db,
    county: CountyId,
    date: &str,
    day: i64,
    limit_s: i64,
    mut progress: ProgressFn,
) -> Result<(PlanRow, PlanOut)> {
    let inputs = {
        let mut c = db.reader().await?;
        let cty = uplink_store::network::get_county(&mut c, county).await?.ok_or(ServiceError::NotFound)?;
        let depots = repo::depots(&mut c, county).await?;
        let stations = repo::stations(&mut c, county).await?;
        let orders = repo::day_orders(&mut c, county).await?;
        let vehicles = repo::list_vehicles(&mut c, county).await?;
        let matrix = repo::road_matrix(&mut c, county).await?;
        let start = day::day_start_us(day, &cty.time_zone);
        let d = day::day_inputs(start, &depots, &stations, &orders, &vehicles, matrix.as_deref())?;
        (d, if matrix.is_some() { "matrix" } else { "estimate" })
    };
    let (d, road_source) = inputs;
    let recorded = d.recorded();
    // Three plans (combined, downlink-only, uplink-only) share the limit, so the caller waits
    // about `limit_s` in all.
    let budget = Budget::seconds(limit_s as f64 / 3.0);
    let planned = tokio::task::spawn_blocking(move || {
        uplink_logistics::dispatch::plan_day(
            &d.places,
            &d.jobs,
            &d.fleet,
            &d.road,
            &SisrPlanner::default(),
            budget,
            &mut *progress,
        )
    })
    .await
    .map_err(|e| corrupt(format!("the planner stopped: {e}")))?
    .map_err(|e| corrupt(format!("planning failed: {e}")))?;
    let t = &planned.totals;
    let s = &planned.saving;
    let row = PlanRow {
        id: PlanId::new(),
        county_id: county,
        date: date.to_string(),
        version: 0,
        created_by: None,
        created_us: uplink_store::now_us(),
        time_limit_s: limit_s,
        road_source: road_source.to_string(),
        vehicles_used: t.vehicles_used as i64,
        jobs_routed: t.jobs_routed as i64,
        jobs_unplanned: t.jobs_unplanned as i64,
        distance_m: t.distance_m,
        cost_fen: t.cost_fen,
        distance_saving_bp: s.distance_saving_bp,
        cost_saving_bp: s.cost_saving_bp,
        report: String::new(),
    };
    let out = PlanOut { summary: summary(&row), plan: planned, inputs: recorded };
    Ok((row, out))
}

/// The report stored with a plan: the plan and what it was made from, as JSON.
pub(crate) fn report_json(plan: &DayPlan, inputs: &PlanInputs) -> Result<String> {
    #[derive(Serialize)]
    struct ReportRef<'a> {
        plan: &'a DayPlan,
        inputs: &'a PlanInputs,
    }
    serde_json::to_string(&ReportRef { plan, inputs }).map_err(|e| corrupt(format!("plan not serialisable: {e}")))
}

/// The plan of a stored report, without what it was made from.
pub(crate) fn report_plan(report: &str) -> Result<DayPlan> {
    #[derive(Deserialize)]
    struct PlanOnly {
        plan: DayPlan,
    }
    let r: PlanOnly = serde_json::from_str(report).map_err(|e| corrupt(format!("plan report unreadable: {e}")))?;
    Ok(r.plan)
}

/// Stores `row` as the next version of its date, inside `tx`, with the dashboard's figures of it
/// in the same transaction, and returns the plan as stored.
async fn store_plan(c: &mut uplink_store::Conn, mut row: PlanRow, mut out: PlanOut) -> Result<PlanOut> {
    row.version = repo::next_plan_version(c, row.county_id, &row.date).await?;
    row.report = report_json(&out.plan, &out.inputs)?;
    repo::insert_plan(c, &row).await?;
    let figures = crate::dashboard::plan_figures(&out.plan);
    uplink_store::dashboard::save_plan_figures(c, row.county_id, row.id, &row.date, &figures).await?;
    out.summary = summary(&row);
    Ok(out)
}

/// The operator plans a date: a new version of that date's plan.
pub async fn plan_day(
    db: &Db,
    actor: &Actor,
    county: CountyId,
    input: PlanInput,
    idem: Option<&IdemKey>,
) -> Result<PlanOut> {
    actor.authorize(county, Action::ManageDispatch)?;
    let (date, day, limit) = check_input(&input)?;
    // Planning runs before the write opens: a write transaction held for seconds would stall
    // every other writer (SQLite has one). A retry with a used key plans again, then gets the
    // first result back and stores nothing.
    let (mut row, out) = make_plan(db, county, &date, day, limit, Box::new(|_| {})).await?;
    row.created_by = Some(actor.user_id);
    let mut w = crate::begin_write!(db, &county.to_string(), actor, idem);
    let out = store_plan(&mut w.tx, row, out).await?;
    w.commit(&out).await?;
    Ok(out)
}

/// `uplink plan`: the same use case from the command line, trusted like `uplink admin`; `county`
/// by its code, or the only county of the database.
pub async fn plan_day_as_system(
    db: &Db,
    county_code: Option<&str>,
    date: &str,
    time_limit_s: i64,
    progress: ProgressFn,
) -> Result<(String, PlanOut)> {
    let (date, day, limit) = check_input(&PlanInput { date: Some(date.into()), time_limit_s: Some(time_limit_s) })?;
    let counties = {
        let mut c = db.reader().await?;
        uplink_store::network::list_counties(&mut c).await?
    };
    let county = match county_code {
        Some(code) => counties.iter().find(|c| c.code.eq_ignore_ascii_case(code)),
        None if counties.len() == 1 => counties.first(),
        None => return Err(FieldError::new("county", "required").into()),
    }
    .ok_or_else(|| FieldError::new("county", "unknown-reference"))?;
    let (row, out) = make_plan(db, county.id, &date, day, limit, progress).await?;
    let mut tx = db.begin().await?;
    let out = store_plan(&mut tx, row, out).await?;
    tx.commit().await?;
    Ok((county.name.clone(), out))
}

pub async fn get_plan(db: &Db, actor: &Actor, county: CountyId, id: PlanId) -> Result<PlanOut> {
    actor.authorize(county, Action::ReadDispatch)?;
    let mut c = db.reader().await?;
    let row = repo::get_plan(&mut c, county, id).await?.ok_or(ServiceError::NotFound)?;
    plan_out(&row)
}

/// The versions of a date's plan (today's, in the county's zone, when no date is given).
pub async fn list_plans(db: &Db, actor: &Actor, county: CountyId, date: Option<&str>) -> Result<PlanVersions> {
    actor.authorize(county, Action::ReadDispatch)?;
    let mut c = db.reader().await?;
    let date = match date {
        Some(d) => {
            let day = uplink_core::time::parse_date(d).map_err(|e| e.under("date"))?;
            let (y, m, d) = uplink_core::time::civil_from_days(day);
            format!("{y:04}-{m:02}-{d:02}")
        }
        None => {
            let cty = uplink_store::network::get_county(&mut c, county).await?.ok_or(ServiceError::NotFound)?;
            uplink_core::time::local_date(uplink_store::now_us(), &cty.time_zone)
        }
    };
    let versions: Vec<PlanSummary> = repo::list_plans(&mut c, county, &date).await?.iter().map(summary).collect();
    Ok(PlanVersions { date, latest: versions.first().cloned(), versions })
}

/// Whether the actor reads sheets only as a driver, and if so as which person.
pub(super) fn driver_only(actor: &Actor, county: CountyId) -> Option<Option<PersonId>> {
    if actor.is_admin || actor.roles_in(county).iter().any(|r| r.may(Action::ReadDispatch)) {
        return None;
    }
    Some(actor.memberships.iter().find(|m| m.county_id == county && m.role == Role::Driver).map(|m| m.person_id))
}

/// One vehicle's sheet of a plan. Drivers see only the sheet of the vehicle they drive.
pub async fn route_sheet(db: &Db, actor: &Actor, county: CountyId, id: PlanId, vehicle: &str) -> Result<SheetOut> {
    actor.authorize(county, Action::ReadRouteSheet)?;
    let mut c = db.reader().await?;
    let row = repo::get_plan(&mut c, county, id).await?.ok_or(ServiceError::NotFound)?;
    let out = plan_out(&row)?;
    let sheet = out.plan.sheets.into_iter().find(|s| s.vehicle == vehicle).ok_or(ServiceError::NotFound)?;
    let fleet = repo::list_vehicles(&mut c, county).await?;
    let v = fleet.iter().find(|v| v.code == vehicle);
    if let Some(me) = driver_only(actor, county)
        && (me.is_none() || v.and_then(|v| v.driver_id) != me)
    {
        return Err(ServiceError::Forbidden);
    }
    let records = repo::stop_records(&mut c, county, id, Some(vehicle)).await?;
    Ok(SheetOut {
        plan_id: id,
        date: out.summary.date,
        version: out.summary.version,
        sheet,
        plate: v.map(|v| v.plate.clone()),
        records,
    })
}

/// The sheets of a date's latest plan that the actor may open: all for staff who read plans, the
/// own vehicle's for a driver. `None` when the date has no plan yet.
pub async fn sheets_for(
    db: &Db,
    actor: &Actor,
    county: CountyId,
    date: &str,
) -> Result<Option<(PlanSummary, Vec<String>)>> {
    actor.authorize(county, Action::ReadRouteSheet)?;
    let day = uplink_core::time::parse_date(date).map_err(|e| e.under("date"))?;
    let (y, m, d) = uplink_core::time::civil_from_days(day);
    let date = format!("{y:04}-{m:02}-{d:02}");
    let mut c = db.reader().await?;
    let Some(latest) = repo::list_plans(&mut c, county, &date).await?.into_iter().next() else { return Ok(None) };
    let row = repo::get_plan(&mut c, county, latest.id).await?.ok_or(ServiceError::NotFound)?;
    let out = plan_out(&row)?;
    let mine: Option<Vec<String>> = match driver_only(actor, county) {
        None => None,
        Some(me) => Some(
            repo::list_vehicles(&mut c, county)
                .await?
                .into_iter()
                .filter(|v| me.is_some() && v.driver_id == me)
                .map(|v| v.code)
                .collect(),
        ),
    };
    let codes = out
        .plan
        .sheets
        .iter()
        .map(|s| s.vehicle.clone())
        .filter(|v| mine.as_ref().is_none_or(|m| m.contains(v)))
        .collect();
    Ok(Some((out.summary, codes)))
}

/// Re-checks a stored plan with the independent checker against the inputs it was made from, and
/// that its figures are the checker's: what a test or an auditor runs on any plan.
pub fn recheck(out: &PlanOut) -> std::result::Result<Evaluation, String> {
    let i = &out.inputs;
    let mut csv = String::from("from,to,distance_m,duration_s\n");
    for (a, pa) in i.places.iter().enumerate() {
        for (b, pb) in i.places.iter().enumerate() {
            let (d, t) = (i.distance_m[a][b], i.duration_s[a][b]);
            csv.push_str(&format!("{},{},{d},{t}\n", pa.code, pb.code));
        }
    }
    let road =
        uplink_logistics::dispatch::estimate_roads(&i.places).with_matrix_csv(&csv).map_err(|e| e.to_string())?;
    let dp = build(&i.places, &i.jobs, &i.fleet, &road).map_err(|e| e.to_string())?;
    let job_index = |id: &str| dp.problem.jobs().iter().position(|j| j.id == id);
    let mut plan = Plan::default();
    let mut routed = vec![false; dp.problem.jobs().len()];
    for (vehicle, jobs) in &out.plan.routes {
        let v = i.fleet.iter().position(|f| &f.code == vehicle).ok_or(format!("no vehicle {vehicle}"))?;
        let mut idx = Vec::new();
        for j in jobs {
            let k = job_index(j).ok_or(format!("no job {j}"))?;
            routed[k] = true;
            idx.push(k);
        }
        plan.routes.push(Route { vehicle: v, jobs: idx });
    }
    for (k, r) in routed.iter().enumerate() {
        if !r {
            plan.unassigned.push((k, UnassignedReason::NoCapacityLeftWithinBudget));
        }
    }
    let eval = uplink_logistics::check(&dp.problem, &plan).map_err(|v| format!("{v:?}"))?;
    let t = &out.plan.totals;
    if eval.cost_fen != t.cost_fen || eval.distance_m != t.distance_m {
        return Err(format!(
            "stored totals {} fen {} m, checker {} fen {} m",
            t.cost_fen, t.distance_m, eval.cost_fen, eval.distance_m
        ));
    }
    Ok(eval)
}

/// The operator imports a distance/time matrix (CSV `from,to,distance_m,duration_s` by place
/// code); it replaces estimates in every later plan. The CSV must read cleanly; pairs it lacks
/// are reported, and refused only when a plan needs them.
pub async fn import_road_matrix(db: &Db, actor: &Actor, county: CountyId, csv: &str) -> Result<MatrixImported> {
    actor.authorize(county, Action::ManageDispatch)?;
    RoadModel::estimate(&[])
        .with_matrix_csv(csv)
        .map_err(|e| FieldError::new("csv", "road-matrix-bad").arg("detail", e.to_string()))?;
    let rows = csv.lines().filter(|l| !l.trim().is_empty()).count().saturating_sub(1) as i64;
    let mut tx = db.begin().await?;
    let depots = repo::depots(&mut tx, county).await?;
    let stations = repo::stations(&mut tx, county).await?;
    let places: Vec<_> = depots
        .iter()
        .map(|d| (d.code.clone(), d.location, RoadClass::Paved))
        .chain(stations.iter().map(|s| (s.code.clone(), s.location, s.road)))
        .collect();
    let missing_pair = match RoadModel::estimate(&places).with_matrix_csv(csv) {
        Err(uplink_logistics::RoadError::MissingPair { from, to }) => Some((from, to)),
        _ => None,
    };
    repo::save_road_matrix(&mut tx, county, csv, rows, actor.user_id).await?;
    tx.commit().await?;
    Ok(MatrixImported { rows, missing_pair })
}

/// Drops the matrix: plans go back to estimates from coordinates.
pub async fn delete_road_matrix(db: &Db, actor: &Actor, county: CountyId) -> Result<()> {
    actor.authorize(county, Action::ManageDispatch)?;
    let mut tx = db.begin().await?;
    let had = repo::delete_road_matrix(&mut tx, county).await?;
    tx.commit().await?;
    if had { Ok(()) } else { Err(ServiceError::NotFound) }
}
