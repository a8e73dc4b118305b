//! Planning a day: the combined plan (deliveries and pickups together, so produce rides home on
//! the return legs), the same day planned as separate downlink-only and uplink-only trips for
//! comparison, and everything the operator reads: route sheets, unplanned jobs with reasons,
//! totals, cost per kg and the saving. Every plan passes the independent checker or is an error.
//!
//! **The saving** compares the combined plan with the sum of the two separate plans (same planner,
//! same budget, same seed, the whole fleet available to each), in km and in fen, as basis points
//! of the separate figure, rounded half away from zero: `(separate − combined) × 10 000 /
//! separate`. Transfers count as downlink. The comparison is only like for like when all three
//! plans serve the same jobs; `Saving::same_jobs_served` says whether they did.

use super::{
    CostAllocation, DayJob, DayProblem, DispatchError, FleetVehicle, JobKind, Place, RouteSheet, UnplannedJob,
    allocate::{Carried, allocate},
    build, route_sheets,
};
use crate::checker::{Evaluation, check};
use crate::plan::Plan;
use crate::planner::{Budget, Progress, RoutePlanner};
use crate::road::RoadModel;
use serde::{Deserialize, Serialize};

/// One plan's figures, for the comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Trips {
    pub distance_m: i64,
    pub cost_fen: i64,
    pub vehicles_used: usize,
    pub jobs_served: usize,
    pub unassigned: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Saving {
    pub combined: Trips,
    pub down_only: Trips,
    pub up_only: Trips,
    /// `down_only + up_only`.
    pub separate: Trips,
    pub distance_saving_bp: i64,
    pub cost_saving_bp: i64,
    pub same_jobs_served: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Totals {
    pub vehicles_used: usize,
    pub jobs_routed: usize,
    pub jobs_unplanned: usize,
    pub distance_m: i64,
    pub working_s: i64,
    pub cost_fen: i64,
    pub delivered_g: i64,
    pub collected_g: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayPlan {
    pub sheets: Vec<RouteSheet>,
    pub unplanned: Vec<UnplannedJob>,
    pub totals: Totals,
    pub cost_allocation: CostAllocation,
    pub saving: Saving,
    /// The combined plan itself: per used vehicle, its code and its jobs' ids in driving order.
    /// The sheets group jobs by stop; this keeps the exact order, so a stored plan can be
    /// re-checked later against its inputs.
    pub routes: Vec<(String, Vec<String>)>,
}

/// Basis points of `part` in `whole`, rounded half away from zero; 0 when `whole` is 0.
pub fn basis_points(part: i64, whole: i64) -> i64 {
    if whole == 0 {
        return 0;
    }
    let x = part as i128 * 10_000;
    let w = whole as i128;
    let q = (2 * x.abs() + w.abs()) / (2 * w.abs());
    (if (x < 0) != (w < 0) { -q } else { q }) as i64
}

/// A subset of the day planned and checked.
struct Planned {
    dp: DayProblem,
    plan: Plan,
    eval: Evaluation,
}

impl Planned {
    fn trips(&self) -> Trips {
        Trips {
            distance_m: self.eval.distance_m,
            cost_fen: self.eval.cost_fen,
            vehicles_used: self.eval.vehicles_used,
            jobs_served: self.eval.routes.iter().map(|r| r.stops.len()).sum(),
            unassigned: self.plan.unassigned.len() + self.dp.rejected.len(),
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn plan_subset(
    which: &'static str,
    places: &[Place],
    jobs: &[DayJob],
    fleet: &[FleetVehicle],
    road: &RoadModel,
    planner: &dyn RoutePlanner,
    budget: Budget,
    progress: &mut dyn FnMut(Progress),
) -> Result<Planned, DispatchError> {
    let dp = build(places, jobs, fleet, road)?;
    let plan = if dp.problem.jobs().is_empty() { Plan::default() } else { planner.plan(&dp.problem, budget, progress) };
    let eval = check(&dp.problem, &plan).map_err(|violations| DispatchError::Infeasible { which, violations })?;
    Ok(Planned { dp, plan, eval })
}

/// Plans the day (see the module docs). `progress` sees the three plans one after the other,
/// its per mille running over all three.
#[allow(clippy::too_many_arguments)]
pub fn plan_day(
    places: &[Place],
    jobs: &[DayJob],
    fleet: &[FleetVehicle],
    road: &RoadModel,
    planner: &dyn RoutePlanner,
    budget: Budget,
    progress: &mut dyn FnMut(Progress),
) -> Result<DayPlan, DispatchError> {
    let mut stage = 0u32;
    let mut staged = |p: Progress, stage: u32| progress(Progress { permille: (stage * 1000 + p.permille) / 3, ..p });
    let combined = plan_subset("combined", places, jobs, fleet, road, planner, budget, &mut |p| staged(p, stage))?;
    stage += 1;
    let down: Vec<DayJob> = jobs.iter().filter(|j| j.kind != JobKind::Pickup).cloned().collect();
    let down = plan_subset("downlink-only", places, &down, fleet, road, planner, budget, &mut |p| staged(p, stage))?;
    stage += 1;
    let up: Vec<DayJob> = jobs.iter().filter(|j| j.kind == JobKind::Pickup).cloned().collect();
    let up = plan_subset("uplink-only", places, &up, fleet, road, planner, budget, &mut |p| staged(p, stage))?;

    let (c, d, u) = (combined.trips(), down.trips(), up.trips());
    let separate = Trips {
        distance_m: d.distance_m + u.distance_m,
        cost_fen: d.cost_fen + u.cost_fen,
        vehicles_used: d.vehicles_used + u.vehicles_used,
        jobs_served: d.jobs_served + u.jobs_served,
        unassigned: d.unassigned + u.unassigned,
    };
    let saving = Saving {
        combined: c,
        down_only: d,
        up_only: u,
        separate,
        distance_saving_bp: basis_points(separate.distance_m - c.distance_m, separate.distance_m),
        cost_saving_bp: basis_points(separate.cost_fen - c.cost_fen, separate.cost_fen),
        same_jobs_served: c.jobs_served == separate.jobs_served,
    };

    let Planned { dp, plan, eval } = combined;
    let sheets = route_sheets(places, jobs, fleet, &dp, &eval);
    let mut unplanned = dp.rejected.clone();
    for &(j, reason) in &plan.unassigned {
        unplanned.push(UnplannedJob {
            job: dp.problem.jobs()[j].id.clone(),
            code: serde_plain(reason),
            reason: reason.explain().to_string(),
        });
    }
    let mut cost_allocation = CostAllocation::default();
    let m = dp.problem.matrix();
    for r in &eval.routes {
        let v = &dp.problem.vehicles()[r.vehicle];
        let carried: Vec<Carried<'_>> = r
            .stops
            .iter()
            .map(|s| {
                let j = &jobs[dp.day_job[s.job]];
                Carried {
                    job: &j.id,
                    weight_g: j.weight_g,
                    distance_m: m.distance_m(v.start_location, j.station),
                    orders: &j.order_refs,
                }
            })
            .collect();
        allocate(&v.id, r.cost_fen, &carried, &mut cost_allocation);
    }
    let totals = Totals {
        vehicles_used: eval.vehicles_used,
        jobs_routed: c.jobs_served,
        jobs_unplanned: unplanned.len(),
        distance_m: eval.distance_m,
        working_s: eval.routes.iter().map(|r| r.working_s).sum(),
        cost_fen: eval.cost_fen,
        delivered_g: eval.routes.iter().map(|r| r.load_out.grams()).sum(),
        collected_g: eval.routes.iter().map(|r| r.load_back.grams()).sum(),
    };
    let routes = plan
        .routes
        .iter()
        .filter(|r| !r.jobs.is_empty())
        .map(|r| {
            let ids = r.jobs.iter().map(|&j| dp.problem.jobs()[j].id.clone()).collect();
            (dp.problem.vehicles()[r.vehicle].id.clone(), ids)
        })
        .collect();
    Ok(DayPlan { sheets, unplanned, totals, cost_allocation, saving, routes })
}

/// The snake-case name serde gives a reason, without pulling in a serializer.
fn serde_plain(r: crate::plan::UnassignedReason) -> String {
    let name = format!("{r:?}");
    let mut out = String::with_capacity(name.len() + 4);
    for (i, ch) in name.chars().enumerate() {
        if ch.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(ch.to_ascii_lowercase());
        } else {
            out.push(ch);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::UnassignedReason;

    #[test]
    fn basis_points_round_half_away_from_zero() {
        assert_eq!(basis_points(1, 3), 3333);
        assert_eq!(basis_points(2, 3), 6667);
        assert_eq!(basis_points(-1, 8), -1250);
        assert_eq!(basis_points(1, 20_000), 1); // 0.5 bp rounds up
        assert_eq!(basis_points(5, 0), 0);
    }

    #[test]
    fn reason_codes_match_the_serde_names() {
        assert_eq!(serde_plain(UnassignedReason::NeedsColdNoRefrigeratedVehicle), "needs_cold_no_refrigerated_vehicle");
    }
}
