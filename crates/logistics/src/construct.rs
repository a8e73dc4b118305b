//! The simple planner: cheapest insertion, then local search (relocate, exchange, 2-opt) until no
//! move improves. It is the fallback when the main planner is not wanted and the oracle the tests
//! compare against, so it favours obviously-right over fast: every candidate route is evaluated by
//! simulating it from scratch, with no cached data shared with the main planner.

use crate::plan::{Plan, Route, UnassignedReason, split_servable};
use crate::planner::{Budget, Progress, RoutePlanner};
use crate::problem::{Load, Problem};
use std::ops::{Add, Sub};
use std::time::Instant;

#[derive(Debug, Clone, Copy, Default)]
pub struct ConstructPlanner;

/// Cost of driving `jobs` in order with vehicle `v`, or `None` if a rule is broken. The cost is
/// in fen plus one millionth per metre, so ties in fen still prefer shorter routes.
fn route_cost(p: &Problem, v: usize, jobs: &[usize]) -> Option<i64> {
    if jobs.is_empty() {
        return Some(0);
    }
    let veh = &p.vehicles()[v];
    let m = p.matrix();
    let mut load = jobs.iter().fold(Load::ZERO, |a, &j| a.add(p.jobs()[j].delivery));
    if !load.fits(veh.capacity) {
        return None;
    }
    let (mut at, mut now, mut dist, mut work) = (veh.start_location, veh.shift.0, 0, 0);
    for &j in jobs {
        let job = &p.jobs()[j];
        if job.needs_cold && !veh.refrigerated {
            return None;
        }
        let arrive = now + m.duration_s(at, job.location);
        if arrive > job.time_window.1 {
            return None;
        }
        now = arrive.max(job.time_window.0) + job.service_s;
        dist += m.distance_m(at, job.location);
        work += m.duration_s(at, job.location) + job.service_s;
        load = load.sub(job.delivery).add(job.pickup);
        if !load.fits(veh.capacity) {
            return None;
        }
        at = job.location;
    }
    let back = now + m.duration_s(at, veh.end_location);
    if back > veh.shift.1 || jobs.iter().any(|&j| p.jobs()[j].latest_back.is_some_and(|l| back > l)) {
        return None;
    }
    dist += m.distance_m(at, veh.end_location);
    work += m.duration_s(at, veh.end_location);
    Some(veh.route_cost_fen(dist, work) * 1_000_000 + dist)
}

struct Routes<'a> {
    p: &'a Problem,
    jobs: Vec<Vec<usize>>,
    cost: Vec<i64>,
}

impl Routes<'_> {
    fn total(&self) -> i64 {
        self.cost.iter().sum()
    }

    /// Cheapest feasible (added cost, vehicle, position) for `j`.
    fn cheapest_insertion(&self, j: usize) -> Option<(i64, usize, usize)> {
        let mut best: Option<(i64, usize, usize)> = None;
        let mut trial = Vec::new();
        for v in 0..self.jobs.len() {
            for pos in 0..=self.jobs[v].len() {
                trial.clone_from(&self.jobs[v]);
                trial.insert(pos, j);
                if let Some(c) = route_cost(self.p, v, &trial) {
                    let delta = c - self.cost[v];
                    if best.is_none_or(|b| delta < b.0) {
                        best = Some((delta, v, pos));
                    }
                }
            }
        }
        best
    }

    fn set(&mut self, v: usize, jobs: Vec<usize>, cost: i64) {
        self.jobs[v] = jobs;
        self.cost[v] = cost;
    }

    /// First improving relocate: a job moved anywhere else (same or other route).
    fn relocate(&mut self) -> bool {
        for a in 0..self.jobs.len() {
            for i in 0..self.jobs[a].len() {
                let mut from = self.jobs[a].clone();
                let j = from.remove(i);
                let Some(from_cost) = route_cost(self.p, a, &from) else { continue };
                for b in 0..self.jobs.len() {
                    let base = if a == b { from.clone() } else { self.jobs[b].clone() };
                    for pos in 0..=base.len() {
                        let mut to = base.clone();
                        to.insert(pos, j);
                        let Some(to_cost) = route_cost(self.p, b, &to) else { continue };
                        let after = if a == b { to_cost } else { from_cost + to_cost };
                        let before = if a == b { self.cost[a] } else { self.cost[a] + self.cost[b] };
                        if after < before {
                            if a == b {
                                self.set(a, to, to_cost);
                            } else {
                                self.set(a, from, from_cost);
                                self.set(b, to, to_cost);
                            }
                            return true;
                        }
                    }
                }
            }
        }
        false
    }

    /// First improving exchange of two jobs in different routes.
    fn exchange(&mut self) -> bool {
        for a in 0..self.jobs.len() {
            for b in a + 1..self.jobs.len() {
                for i in 0..self.jobs[a].len() {
                    for k in 0..self.jobs[b].len() {
                        let (mut ra, mut rb) = (self.jobs[a].clone(), self.jobs[b].clone());
                        std::mem::swap(&mut ra[i], &mut rb[k]);
                        let (Some(ca), Some(cb)) = (route_cost(self.p, a, &ra), route_cost(self.p, b, &rb)) else {
                            continue;
                        };
                        if ca + cb < self.cost[a] + self.cost[b] {
                            self.set(a, ra, ca);
                            self.set(b, rb, cb);
                            return true;
                        }
                    }
                }
            }
        }
        false
    }

    /// First improving trade of a routed job for one left out, anywhere in its route: serves as
    /// many jobs for less (the greedy start may have taken a far job that a near one can replace).
    fn trade_in(&mut self, left: &mut [usize]) -> bool {
        for u in left.iter_mut() {
            for v in 0..self.jobs.len() {
                for i in 0..self.jobs[v].len() {
                    let mut without = self.jobs[v].clone();
                    let out = without.remove(i);
                    for pos in 0..=without.len() {
                        let mut r = without.clone();
                        r.insert(pos, *u);
                        if let Some(c) = route_cost(self.p, v, &r)
                            && c < self.cost[v]
                        {
                            self.set(v, r, c);
                            *u = out;
                            return true;
                        }
                    }
                }
            }
        }
        false
    }

    /// First improving reversal of a stretch of one route.
    fn two_opt(&mut self) -> bool {
        for v in 0..self.jobs.len() {
            let n = self.jobs[v].len();
            for i in 0..n {
                for k in i + 1..n {
                    let mut r = self.jobs[v].clone();
                    r[i..=k].reverse();
                    if let Some(c) = route_cost(self.p, v, &r)
                        && c < self.cost[v]
                    {
                        self.set(v, r, c);
                        return true;
                    }
                }
            }
        }
        false
    }
}

impl RoutePlanner for ConstructPlanner {
    fn plan(&self, p: &Problem, budget: Budget, progress: &mut dyn FnMut(Progress)) -> Plan {
        let started = Instant::now();
        let (mut servable, mut unassigned) = split_servable(p);
        let nv = p.vehicles().len();
        let mut r = Routes { p, jobs: vec![Vec::new(); nv], cost: vec![0; nv] };
        // Far and heavy jobs first: they are the hardest to fit once routes fill up.
        let hub = p.vehicles().first().map_or(0, |v| v.start_location);
        servable.sort_by_key(|&j| {
            let job = &p.jobs()[j];
            std::cmp::Reverse((p.matrix().distance_m(hub, job.location), job.delivery.0, job.pickup.0))
        });
        let mut left = Vec::new();
        for j in servable {
            match r.cheapest_insertion(j) {
                Some((_, v, pos)) => {
                    r.jobs[v].insert(pos, j);
                    r.cost[v] = route_cost(p, v, &r.jobs[v]).unwrap_or(i64::MAX / 4);
                }
                None => left.push(j),
            }
        }
        let max_passes = budget.iterations.unwrap_or(u64::MAX);
        let mut pass = 0;
        let report = |pass: u64, r: &Routes, done: bool, progress: &mut dyn FnMut(Progress)| {
            let frac = started.elapsed().as_secs_f64() / budget.time_limit.as_secs_f64().max(1e-9);
            progress(Progress {
                iteration: pass,
                elapsed: started.elapsed(),
                permille: if done { 1000 } else { (frac * 1000.0).min(999.0) as u32 },
                best_cost_fen: r.total() / 1_000_000,
                best_unassigned: 0,
            })
        };
        while pass < max_passes && started.elapsed() < budget.time_limit {
            let improved = r.relocate() || r.exchange() || r.two_opt() || r.trade_in(&mut left);
            if improved {
                // A shorter route may now have room for a job that did not fit before.
                left.retain(|&j| match r.cheapest_insertion(j) {
                    Some((_, v, pos)) => {
                        r.jobs[v].insert(pos, j);
                        r.cost[v] = route_cost(p, v, &r.jobs[v]).unwrap_or(i64::MAX / 4);
                        false
                    }
                    None => true,
                });
            }
            pass += 1;
            report(pass, &r, false, progress);
            if !improved {
                break;
            }
        }
        report(pass, &r, true, progress);
        unassigned.extend(left.into_iter().map(|j| (j, UnassignedReason::NoCapacityLeftWithinBudget)));
        unassigned.sort_unstable_by_key(|u| u.0);
        let routes = r
            .jobs
            .into_iter()
            .enumerate()
            .filter(|(_, j)| !j.is_empty())
            .map(|(vehicle, jobs)| Route { vehicle, jobs })
            .collect();
        Plan { routes, unassigned }
    }
}
