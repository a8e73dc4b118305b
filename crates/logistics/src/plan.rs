//! A dispatch plan: which vehicle drives which jobs in which order, and every job that could not be
//! planned with the reason why. A job is never silently dropped: the operator must see it.

use crate::problem::{Job, Problem, Vehicle};
use serde::{Deserialize, Serialize};

/// One vehicle's trip: from its start location through `jobs` (indices into `Problem::jobs`) in
/// order, to its end location.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Route {
    pub vehicle: usize,
    pub jobs: Vec<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnassignedReason {
    /// The fleet is empty.
    NoVehicleAvailable,
    /// Its delivery or pickup alone exceeds the capacity of every vehicle.
    HeavierThanAnyVehicle,
    /// It must travel cold and the fleet has no refrigerated vehicle.
    NeedsColdNoRefrigeratedVehicle,
    /// No vehicle can reach it within its time window and still get home within its shift (and,
    /// for produce with a shelf life, before its latest return).
    TimeWindowUnreachable,
    /// Each requirement can be met by some vehicle, but no single vehicle meets them all
    /// (for instance the refrigerated truck is too small).
    NoSuitableVehicle,
    /// It could be served alone, but the planner found no room for it in the fleet's routes
    /// within its time budget.
    NoCapacityLeftWithinBudget,
}

impl UnassignedReason {
    /// What the operator can do about it, in plain words.
    pub fn explain(self) -> &'static str {
        match self {
            Self::NoVehicleAvailable => "no vehicle in the fleet: add one",
            Self::HeavierThanAnyVehicle => "heavier or bulkier than any vehicle: split the job",
            Self::NeedsColdNoRefrigeratedVehicle => "needs cold transport: add a refrigerated vehicle",
            Self::TimeWindowUnreachable => "no vehicle can reach it in its time window and shift",
            Self::NoSuitableVehicle => "no single vehicle meets all its needs (cold, size, hours)",
            Self::NoCapacityLeftWithinBudget => "no room left in the fleet: add a vehicle or a shift",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Plan {
    pub routes: Vec<Route>,
    pub unassigned: Vec<(usize, UnassignedReason)>,
}

/// Why `job` cannot be served even alone on an otherwise empty vehicle, or `None` when some
/// vehicle could serve it. Planners call this first so impossible jobs carry a precise reason
/// rather than the generic "no room".
pub fn why_unservable(p: &Problem, job: usize) -> Option<UnassignedReason> {
    let j = &p.jobs()[job];
    let vs = p.vehicles();
    if vs.iter().any(|v| serves_alone(p, v, j)) {
        return None;
    }
    let big_enough = |v: &Vehicle| j.delivery.fits(v.capacity) && j.pickup.fits(v.capacity);
    Some(if vs.is_empty() {
        UnassignedReason::NoVehicleAvailable
    } else if !vs.iter().any(big_enough) {
        UnassignedReason::HeavierThanAnyVehicle
    } else if j.needs_cold && !vs.iter().any(|v| v.refrigerated) {
        UnassignedReason::NeedsColdNoRefrigeratedVehicle
    } else if !vs.iter().any(|v| reaches_in_time(p, v, j)) {
        UnassignedReason::TimeWindowUnreachable
    } else {
        UnassignedReason::NoSuitableVehicle
    })
}

fn serves_alone(p: &Problem, v: &Vehicle, j: &Job) -> bool {
    (!j.needs_cold || v.refrigerated)
        && j.delivery.fits(v.capacity)
        && j.pickup.fits(v.capacity)
        && reaches_in_time(p, v, j)
}

fn reaches_in_time(p: &Problem, v: &Vehicle, j: &Job) -> bool {
    let m = p.matrix();
    let start = (v.shift.0 + m.duration_s(v.start_location, j.location)).max(j.time_window.0);
    let back = start + j.service_s + m.duration_s(j.location, v.end_location);
    start <= j.time_window.1 && back <= v.shift.1 && j.latest_back.is_none_or(|l| back <= l)
}

/// Jobs split into those some vehicle can serve and those no vehicle can, with reasons.
pub fn split_servable(p: &Problem) -> (Vec<usize>, Vec<(usize, UnassignedReason)>) {
    let mut ok = Vec::new();
    let mut impossible = Vec::new();
    for j in 0..p.jobs().len() {
        match why_unservable(p, j) {
            None => ok.push(j),
            Some(r) => impossible.push((j, r)),
        }
    }
    (ok, impossible)
}
