//! Dispatch: the bridge from a county's day (places, the day's jobs, the fleet) to a routing
//! `Problem`, and from the plan back to what people use: route sheets, cost per kg and the saving
//! against separate trips. Independent of any database: the service layer fills these plain types.
//!
//! How a day becomes a problem (`build`):
//! - A **delivery** (downlink parcels) is loaded at the vehicle's depot and dropped at its place;
//!   a **pickup** (uplink produce) is collected at its place and carried back to the depot; a
//!   **transfer** is shaped like a delivery (loaded at the depot, unloaded at its place, which may
//!   be another depot or a drop point). Goods are assumed staged at whichever depot the truck
//!   leaves from: township depots are restocked by the overnight line-haul.
//! - Several jobs at one station stay separate jobs on the same location (zero travel between
//!   them), so one truck can serve them all in one stop or the planner can split them.
//! - The time window is the place's opening hours intersected with `[ready, due]`. For a pickup,
//!   `due` is when the produce must be back at the depot (shelf life), so it also bounds the
//!   collection and becomes the job's `latest_back`. A job whose window is empty is not given to
//!   the planner and is reported unplanned with the reason.
//! - Cold jobs ride refrigerated vehicles only; a vehicle's shift is its longest route; its day
//!   cost is charged once if it is used.
//! - Service time per job: [`STOP_S`] per stop, shared equally among the jobs at that place (one
//!   truck usually serves them together), plus [`HANDLING_S_PER_100_KG`] per 100 kg, rounded up.

mod allocate;
mod day;
mod sheet;

pub use allocate::{CostAllocation, JobCost, OrderCost, allocate, fen_per_kg, split_largest_remainder};
pub use day::{DayPlan, Saving, Totals, Trips, plan_day};
pub use sheet::{Handoff, RouteSheet, SheetStop, hhmm, route_sheets};

use crate::checker::Violation;
use crate::problem::{Job, Load, Matrix, Problem, ProblemError, Vehicle};
use crate::road::RoadModel;
use serde::{Deserialize, Serialize};
use thiserror::Error;
pub use uplink_core::{LatLon, RoadClass};

/// Parking, finding the agent, signing the hand-over sheet: once per stop.
pub const STOP_S: i64 = 600;
/// Carrying sacks and parcels by hand and weighing them: one minute per 100 kg.
pub const HANDLING_S_PER_100_KG: i64 = 60;

/// The hub, a depot, a station or a city drop point. Minutes after local midnight.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Place {
    pub code: String,
    pub location: LatLon,
    pub road: RoadClass,
    pub open_min: i64,
    pub close_min: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobKind {
    /// Downlink: depot → place.
    Delivery,
    /// Uplink: place → depot.
    Pickup,
    /// Depot → place, for stock moved between depots or to a drop point.
    Transfer,
}

/// An order or lot a job carries, with its own weight so the job's cost can be split over it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderRef {
    pub id: String,
    pub weight_g: i64,
}

/// One job of the day. Minutes after local midnight.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayJob {
    pub id: String,
    pub kind: JobKind,
    /// Index into the day's places.
    pub station: usize,
    pub weight_g: i64,
    pub volume_cm3: i64,
    pub cold: bool,
    /// Goods ready: parcels packed at the hub, or produce weighed in at the station.
    pub ready_min: i64,
    /// Deliveries: dropped by then. Pickups: back at the depot by then (shelf life).
    pub due_min: i64,
    pub order_refs: Vec<OrderRef>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FleetVehicle {
    pub code: String,
    /// Index into the day's places: where it starts and ends.
    pub depot: usize,
    pub capacity_g: i64,
    pub capacity_cm3: i64,
    pub refrigerated: bool,
    pub cost_per_km_fen: i64,
    pub cost_per_hour_fen: i64,
    pub cost_per_day_fen: i64,
    pub shift_start_min: i64,
    pub shift_end_min: i64,
}

/// A job left out of the plan and why, in words the operator can act on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnplannedJob {
    pub job: String,
    /// Stable machine code: a `UnassignedReason` in snake case, or `no_time_window`.
    pub code: String,
    pub reason: String,
}

#[derive(Debug, Error)]
pub enum DispatchError {
    #[error("the road model's places ({road}) do not match the day's places ({places}) one for one")]
    RoadMismatch { road: usize, places: usize },
    #[error("{what} refers to place {index}, but the day has only {count} places")]
    NoSuchPlace { what: String, index: usize, count: usize },
    #[error("job {job} has a negative weight or volume")]
    NegativeQuantity { job: String },
    #[error(transparent)]
    Problem(#[from] ProblemError),
    /// A planner produced a plan the checker refuses: a bug, never shown as a plan.
    #[error("internal error: the {which} plan breaks {} rule(s), first: {:?}", .violations.len(), .violations.first())]
    Infeasible { which: &'static str, violations: Vec<Violation> },
}

/// A day turned into a routing problem, with the way back to the day's jobs.
#[derive(Debug, Clone)]
pub struct DayProblem {
    pub problem: Problem,
    /// For each problem job, the index of its `DayJob`.
    pub day_job: Vec<usize>,
    /// Jobs not given to the planner (their window is empty).
    pub rejected: Vec<UnplannedJob>,
}

/// Service time of a job at a place shared by `jobs_here` jobs of this build.
pub fn service_s(weight_g: i64, jobs_here: usize) -> i64 {
    // Ceiling divisions of non-negative numbers (`div_ceil` is not stable for signed integers).
    let n = jobs_here.max(1) as i64;
    let share = (STOP_S + n - 1) / n;
    share + (weight_g.max(0) * HANDLING_S_PER_100_KG + 99_999) / 100_000
}

/// Turns the day into a routing problem; see the module docs for the rules.
pub fn build(
    places: &[Place],
    jobs: &[DayJob],
    fleet: &[FleetVehicle],
    road: &RoadModel,
) -> Result<DayProblem, DispatchError> {
    let codes_match = road.codes().len() == places.len() && road.codes().iter().zip(places).all(|(c, p)| *c == p.code);
    if !codes_match {
        return Err(DispatchError::RoadMismatch { road: road.codes().len(), places: places.len() });
    }
    let place = |what: String, index: usize| {
        places.get(index).ok_or(DispatchError::NoSuchPlace { what, index, count: places.len() })
    };
    let mut jobs_at = vec![0usize; places.len()];
    for j in jobs {
        place(format!("job {}", j.id), j.station)?;
        if j.weight_g < 0 || j.volume_cm3 < 0 || j.order_refs.iter().any(|o| o.weight_g < 0) {
            return Err(DispatchError::NegativeQuantity { job: j.id.clone() });
        }
        jobs_at[j.station] += 1;
    }
    let mut problem_jobs = Vec::with_capacity(jobs.len());
    let mut day_job = Vec::with_capacity(jobs.len());
    let mut rejected = Vec::new();
    for (i, j) in jobs.iter().enumerate() {
        let at = &places[j.station];
        let (open, close) = (at.open_min.max(j.ready_min), at.close_min.min(j.due_min));
        if open > close {
            rejected.push(UnplannedJob {
                job: j.id.clone(),
                code: "no_time_window".into(),
                reason: format!(
                    "ready {}, due {}, and {} is open {}-{}: no time to serve it; move its date or hours",
                    hhmm(j.ready_min * 60),
                    hhmm(j.due_min * 60),
                    at.code,
                    hhmm(at.open_min * 60),
                    hhmm(at.close_min * 60)
                ),
            });
            continue;
        }
        let load = Load::new(j.weight_g, j.volume_cm3);
        let pickup = j.kind == JobKind::Pickup;
        problem_jobs.push(Job {
            id: j.id.clone(),
            location: j.station,
            delivery: if pickup { Load::ZERO } else { load },
            pickup: if pickup { load } else { Load::ZERO },
            service_s: service_s(j.weight_g, jobs_at[j.station]),
            time_window: (open * 60, close * 60),
            needs_cold: j.cold,
            latest_back: pickup.then_some(j.due_min * 60),
        });
        day_job.push(i);
    }
    let mut vehicles = Vec::with_capacity(fleet.len());
    for v in fleet {
        place(format!("vehicle {}", v.code), v.depot)?;
        vehicles.push(Vehicle {
            id: v.code.clone(),
            start_location: v.depot,
            end_location: v.depot,
            capacity: Load::new(v.capacity_g, v.capacity_cm3),
            refrigerated: v.refrigerated,
            shift: (v.shift_start_min * 60, v.shift_end_min * 60),
            cost_per_km_fen: v.cost_per_km_fen,
            cost_per_hour_fen: v.cost_per_hour_fen,
            fixed_cost_fen: v.cost_per_day_fen,
        });
    }
    let (d, t) = road.matrix();
    let problem = Problem::new(Matrix::new(d, t)?, problem_jobs, vehicles)?;
    Ok(DayProblem { problem, day_job, rejected })
}

/// The road model for these places, estimated from coordinates and road classes.
pub fn estimate_roads(places: &[Place]) -> RoadModel {
    let pts: Vec<_> = places.iter().map(|p| (p.code.clone(), p.location, p.road)).collect();
    RoadModel::estimate(&pts)
}
