//! Uplink's dispatch: the bridge from a county's day to routing and back (`dispatch`: route
//! sheets, cost per kg, the saving of backhaul), the road model, the routing problem, two
//! planners behind one trait (SISR, the main one, and a simple construct-and-improve fallback), a
//! feasibility checker written independently of both, and VRPLIB reading/writing so the planners can be measured against
//! published best-known solutions.

pub mod checker;
pub mod construct;
pub mod dispatch;
pub mod plan;
pub mod planner;
pub mod problem;
pub mod road;
pub mod sisr;
pub mod vrplib;

pub use checker::{Evaluation, RouteEvaluation, StopTimes, Violation, check};
pub use construct::ConstructPlanner;
pub use dispatch::{DayJob, DayPlan, DispatchError, FleetVehicle, JobKind, OrderRef, Place, RouteSheet, plan_day};
pub use plan::{Plan, Route, UnassignedReason, why_unservable};
pub use planner::{Budget, Progress, Rng, RoutePlanner};
pub use problem::{DIMS, Job, Load, Matrix, Problem, ProblemError, Vehicle};
pub use road::{RoadError, RoadModel};
pub use sisr::{SisrParams, SisrPlanner};
pub use vrplib::{Instance, InstanceKind, VrplibError};

use std::time::Duration;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum SolveError {
    #[error(transparent)]
    Vrplib(#[from] VrplibError),
    /// A planner produced a plan the checker refuses: a bug, reported rather than printed.
    #[error("internal error: the planner's plan breaks {} rule(s), first: {:?}", .0.len(), .0.first())]
    Infeasible(Vec<Violation>),
}

/// A benchmark instance solved and checked.
#[derive(Debug, Clone)]
pub struct Solved {
    pub plan: Plan,
    pub evaluation: Evaluation,
    /// The plan in CVRPLIB `.sol` form.
    pub sol: String,
}

/// Solves a read instance with SISR and checks the result.
pub fn solve_instance(inst: &Instance, budget: Budget) -> Result<Solved, SolveError> {
    let plan = SisrPlanner::default().plan(&inst.problem, budget, &mut |_| {});
    let evaluation = check(&inst.problem, &plan).map_err(SolveError::Infeasible)?;
    let sol = inst.write_sol(&plan, evaluation.cost_fen);
    Ok(Solved { plan, evaluation, sol })
}

/// What `uplink solve FILE --time-limit S` runs: reads a CVRPLIB or Solomon file (`kind` None
/// detects it), plans with SISR for `time_limit`, and returns the plan with its `.sol` text.
pub fn solve_vrplib(
    text: &str,
    kind: Option<InstanceKind>,
    time_limit: Duration,
) -> Result<(Plan, String), SolveError> {
    let inst = vrplib::read(text, kind.unwrap_or_else(|| InstanceKind::detect(text)))?;
    let budget = Budget { time_limit, iterations: None, seed: 1 };
    let solved = solve_instance(&inst, budget)?;
    Ok((solved.plan, solved.sol))
}
