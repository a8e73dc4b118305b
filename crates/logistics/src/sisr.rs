//! The main planner: Slack Induction by String Removals (Christiaens & Vanden Berghe, 2020).
//! Each iteration cuts a few strings of consecutive stops out of routes that lie near each other
//! (so the freed slack is in one area), greedily reinserts the removed jobs with "blinks" (random
//! skipped positions, which keep the greedy step from repeating itself), and accepts the result
//! by simulated annealing with a temperature that cools exponentially over the budget.
//!
//! Objective: route costs (distance, working time, fixed cost per used vehicle) plus a large
//! penalty per unassigned job, so serving a job always beats leaving it out.

mod tour;

use crate::plan::{Plan, Route, UnassignedReason, split_servable};
use crate::planner::{Budget, Progress, Rng, RoutePlanner};
use crate::problem::Problem;
use std::time::Instant;
use tour::{MICRO_PER_FEN, Model, Tour};

/// The paper's parameters; the defaults are its published values except the temperatures, which
/// are scaled to the instance (see `temperatures`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SisrParams {
    /// Average number of jobs removed per ruin (c̄).
    pub avg_removed: f64,
    /// Longest string removed from one route (L_max).
    pub max_string: f64,
    /// Probability of the split-string variant, which keeps a middle part of the string.
    pub split_rate: f64,
    /// Stop probability when growing the kept part of a split string (β).
    pub split_depth: f64,
    /// Probability of skipping an insertion position (γ).
    pub blink_rate: f64,
    /// Start and final temperatures as a fraction of the mean cost of a leg between neighbours.
    pub t_start: f64,
    pub t_end: f64,
}

impl Default for SisrParams {
    fn default() -> Self {
        SisrParams {
            avg_removed: 10.0,
            max_string: 10.0,
            split_rate: 0.5,
            split_depth: 0.01,
            blink_rate: 0.01,
            t_start: 1.0,
            t_end: 0.01,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct SisrPlanner {
    pub params: SisrParams,
}

const NONE: u32 = u32::MAX;

/// A solution being searched: tours for every vehicle, and the jobs not in any of them.
#[derive(Clone)]
struct State {
    tours: Vec<Tour>,
    unassigned: Vec<usize>,
    route_of: Vec<u32>,
}

impl State {
    fn objective(&self, penalty: i64) -> i64 {
        self.tours.iter().map(|t| t.cost).sum::<i64>() + penalty * self.unassigned.len() as i64
    }
}

struct Search<'a> {
    m: &'a Model,
    p: SisrParams,
    rng: Rng,
    /// For each job, the other servable jobs from nearest to farthest.
    adjacency: Vec<Vec<usize>>,
    servable: Vec<usize>,
    /// Distance from the first vehicle's start, for the "far first"/"near first" orders.
    depot_dist: Vec<i64>,
    /// Tours changed in this iteration, with their job lists before, for undo.
    saved: Vec<(usize, Vec<usize>)>,
    saved_unassigned: Vec<usize>,
    touched: Vec<bool>,
}

impl RoutePlanner for SisrPlanner {
    fn plan(&self, p: &Problem, budget: Budget, progress: &mut dyn FnMut(Progress)) -> Plan {
        let started = Instant::now();
        let (servable, impossible) = split_servable(p);
        let m = Model::new(p);
        if servable.is_empty() || m.vehicles.is_empty() {
            progress(Progress {
                iteration: 0,
                elapsed: started.elapsed(),
                permille: 1000,
                best_cost_fen: 0,
                best_unassigned: servable.len(),
            });
            return finish(State { tours: vec![], unassigned: servable, route_of: vec![] }, impossible);
        }
        let mut s = Search::new(&m, self.params, budget.seed, servable.clone());
        let penalty = s.penalty();
        let (t0, tf) = s.temperatures();

        let mut cur = State {
            tours: (0..m.vehicles.len()).map(|v| Tour::new(&m, v)).collect(),
            unassigned: servable,
            route_of: vec![NONE; m.jobs.len()],
        };
        s.recreate(&mut cur);
        s.commit();
        let mut cur_obj = cur.objective(penalty);
        let mut best = cur.clone();
        let mut best_obj = cur_obj;
        let report = |it: u64, frac: f64, st: &State, progress: &mut dyn FnMut(Progress)| {
            progress(Progress {
                iteration: it,
                elapsed: started.elapsed(),
                permille: (frac * 1000.0).clamp(0.0, 1000.0) as u32,
                best_cost_fen: st.tours.iter().map(|t| t.cost).sum::<i64>() / MICRO_PER_FEN,
                best_unassigned: st.unassigned.len(),
            })
        };
        let limit = budget.time_limit.as_secs_f64();
        let mut it: u64 = 0;
        let mut frac;
        loop {
            frac = match budget.iterations {
                Some(n) => it as f64 / n.max(1) as f64,
                None => started.elapsed().as_secs_f64() / limit.max(1e-9),
            };
            if frac >= 1.0 || (budget.iterations.is_some() && started.elapsed() >= budget.time_limit) {
                break;
            }
            let temp = t0 * (tf / t0).powf(frac);
            s.begin(&cur);
            s.ruin(&mut cur);
            s.recreate(&mut cur);
            let obj = cur.objective(penalty);
            let tolerance = temp * s.rng.unit().max(1e-300).ln();
            // Accept if better than the current cost plus a random tolerance shrinking with T,
            // and feasible (the random draw comes first, so the sequence does not depend on it).
            if (obj as f64) < cur_obj as f64 - tolerance && s.touched_feasible(&cur) {
                s.commit();
                cur_obj = obj;
                if obj < best_obj {
                    debug_assert!(cur.tours.iter().all(|t| t.is_feasible(&m)));
                    best = cur.clone();
                    best_obj = obj;
                    report(it, frac, &best, progress);
                }
            } else {
                s.undo(&mut cur);
            }
            it += 1;
            if it.is_multiple_of(4096) {
                report(it, frac, &best, progress);
            }
        }
        report(it, frac, &best, progress);
        finish(best, impossible)
    }
}

fn finish(best: State, impossible: Vec<(usize, UnassignedReason)>) -> Plan {
    let routes = best
        .tours
        .into_iter()
        .filter(|t| !t.jobs.is_empty())
        .map(|t| Route { vehicle: t.vehicle, jobs: t.jobs })
        .collect();
    let mut unassigned = impossible;
    unassigned.extend(best.unassigned.into_iter().map(|j| (j, UnassignedReason::NoCapacityLeftWithinBudget)));
    unassigned.sort_unstable_by_key(|u| u.0);
    Plan { routes, unassigned }
}

impl<'a> Search<'a> {
    fn new(m: &'a Model, p: SisrParams, seed: u64, servable: Vec<usize>) -> Search<'a> {
        let n = m.jobs.len();
        let mut adjacency = vec![Vec::new(); n];
        for &a in &servable {
            let la = m.jobs[a].loc;
            let mut others: Vec<usize> = servable.clone();
            others.sort_by_key(|&b| (m.d(la, m.jobs[b].loc) + m.d(m.jobs[b].loc, la), b != a, b));
            adjacency[a] = others;
        }
        let depot = m.vehicles[0].start;
        let depot_dist = m.jobs.iter().map(|j| m.d(depot, j.loc) + m.d(j.loc, depot)).collect();
        Search {
            m,
            p,
            rng: Rng::new(seed),
            adjacency,
            servable,
            depot_dist,
            saved: Vec::new(),
            saved_unassigned: Vec::new(),
            touched: vec![false; m.vehicles.len()],
        }
    }

    /// Larger than any saving a route change could bring, so a job is never traded for cost.
    fn penalty(&self) -> i64 {
        let m = self.m;
        let arc = m.vehicles.iter().map(|v| {
            let worst = m.dist.iter().max().copied().unwrap_or(0) * v.per_m
                + m.dur.iter().max().copied().unwrap_or(0) * v.per_s;
            v.fixed + 2 * worst
        });
        let service = m.jobs.iter().map(|j| j.service).max().unwrap_or(0);
        let per_s = m.vehicles.iter().map(|v| v.per_s).max().unwrap_or(0);
        10 * (arc.max().unwrap_or(0) + service * per_s) + MICRO_PER_FEN
    }

    /// Temperatures relative to the mean cost of a leg from a job to its nearest neighbours, so
    /// the same parameters fit a 100-unit grid and a county in metres.
    fn temperatures(&self) -> (f64, f64) {
        let m = self.m;
        let v = &m.vehicles[0];
        let mut sum = 0f64;
        let mut count = 0f64;
        for &a in &self.servable {
            for &b in self.adjacency[a].iter().skip(1).take(10) {
                let (la, lb) = (m.jobs[a].loc, m.jobs[b].loc);
                sum += (m.d(la, lb) * v.per_m + m.t(la, lb) * v.per_s) as f64;
                count += 1.0;
            }
        }
        let mean = if count > 0.0 { sum / count } else { 1.0 }.max(1.0);
        (self.p.t_start * mean, (self.p.t_end * mean).max(1e-6))
    }

    fn touch(&mut self, st: &State, t: usize) {
        if !self.touched[t] {
            self.touched[t] = true;
            self.saved.push((t, st.tours[t].jobs.clone()));
        }
    }

    /// The tours changed in this iteration are feasible (the others were when it began).
    /// Insertions are checked as they are made, removals are not: they assume a shorter route is
    /// never later, which travel times need not obey (a road model's detours).
    fn touched_feasible(&self, st: &State) -> bool {
        self.saved.iter().all(|&(t, _)| st.tours[t].is_feasible(self.m))
    }

    fn commit(&mut self) {
        for (t, _) in self.saved.drain(..) {
            self.touched[t] = false;
        }
    }

    fn begin(&mut self, st: &State) {
        self.saved_unassigned.clone_from(&st.unassigned);
    }

    /// Puts back the touched tours and the unassigned list as they were at `begin`.
    fn undo(&mut self, st: &mut State) {
        for &(t, _) in &self.saved {
            for &j in &st.tours[t].jobs {
                st.route_of[j] = NONE;
            }
        }
        for (t, jobs) in self.saved.drain(..) {
            self.touched[t] = false;
            for &j in &jobs {
                st.route_of[j] = t as u32;
            }
            st.tours[t].jobs = jobs;
            st.tours[t].rebuild(self.m);
        }
        st.unassigned.clone_from(&self.saved_unassigned);
    }

    /// Adjacent string removal: strings from up to k_s routes near a random seed job.
    fn ruin(&mut self, st: &mut State) {
        let used: Vec<usize> = (0..st.tours.len()).filter(|&t| !st.tours[t].jobs.is_empty()).collect();
        if used.is_empty() {
            return;
        }
        let avg_len = used.iter().map(|&t| st.tours[t].jobs.len()).sum::<usize>() as f64 / used.len() as f64;
        let ls_max = self.p.max_string.min(avg_len);
        let ks_max = 4.0 * self.p.avg_removed / (1.0 + ls_max) - 1.0;
        let ks = (self.rng.unit() * ks_max + 1.0).floor().max(1.0) as usize;
        let seed = self.servable[self.rng.below(self.servable.len())];
        let mut ruined: Vec<usize> = Vec::with_capacity(ks);
        let mut k = 0;
        while k < self.adjacency[seed].len() && ruined.len() < ks {
            let c = self.adjacency[seed][k];
            k += 1;
            let t = st.route_of[c];
            if t == NONE || ruined.contains(&(t as usize)) {
                continue;
            }
            let t = t as usize;
            let len = st.tours[t].jobs.len();
            let lt_max = (len as f64).min(ls_max);
            let lt = ((self.rng.unit() * lt_max + 1.0).floor() as usize).clamp(1, len);
            self.touch(st, t);
            let pos = st.tours[t].jobs.iter().position(|&j| j == c).unwrap_or(0);
            if lt == len || self.rng.unit() >= self.p.split_rate {
                self.remove_string(st, t, pos, lt, 0);
            } else {
                let mut keep = 1;
                while lt + keep < len && self.rng.unit() >= self.p.split_depth {
                    keep += 1;
                }
                self.remove_string(st, t, pos, lt + keep, keep);
            }
            st.tours[t].rebuild(self.m);
            ruined.push(t);
        }
    }

    /// Removes a window of `span` stops containing position `pos`, except `keep` consecutive
    /// stops inside it (the split-string variant).
    fn remove_string(&mut self, st: &mut State, t: usize, pos: usize, span: usize, keep: usize) {
        let len = st.tours[t].jobs.len();
        let lo = pos.saturating_sub(span - 1);
        let hi = pos.min(len - span);
        let first = lo + self.rng.below(hi - lo + 1);
        let keep_at = if keep > 0 { first + self.rng.below(span - keep + 1) } else { usize::MAX };
        let jobs = std::mem::take(&mut st.tours[t].jobs);
        let mut kept = Vec::with_capacity(len);
        for (i, j) in jobs.into_iter().enumerate() {
            let inside = i >= first && i < first + span;
            let preserved = i >= keep_at && i < keep_at + keep;
            if inside && !preserved {
                st.route_of[j] = NONE;
                st.unassigned.push(j);
            } else {
                kept.push(j);
            }
        }
        st.tours[t].jobs = kept;
    }

    /// Greedy insertion with blinks, in one of the paper's orders.
    fn recreate(&mut self, st: &mut State) {
        let mut todo = std::mem::take(&mut st.unassigned);
        let m = self.m;
        match self.rng.below(13) {
            0..=3 => self.rng.shuffle(&mut todo),
            4..=7 => todo.sort_by_key(|&j| {
                let jd = &m.jobs[j];
                std::cmp::Reverse((jd.delivery.0[0] + jd.pickup.0[0], jd.delivery.0[1] + jd.pickup.0[1]))
            }),
            8..=9 => todo.sort_by_key(|&j| std::cmp::Reverse(self.depot_dist[j])),
            10 => todo.sort_by_key(|&j| self.depot_dist[j]),
            _ => todo.sort_by_key(|&j| m.jobs[j].latest - m.jobs[j].earliest),
        }
        let mut seen_class = vec![false; m.vehicles.len()];
        for j in todo {
            let mut best: Option<(i64, usize, usize)> = None;
            seen_class.iter_mut().for_each(|s| *s = false);
            for (t, tour) in st.tours.iter().enumerate() {
                if tour.jobs.is_empty() {
                    let class = m.vehicles[tour.vehicle].class;
                    if seen_class[class] {
                        continue;
                    }
                    seen_class[class] = true;
                }
                if !tour.may_hold(m, j) {
                    continue;
                }
                for pos in 0..=tour.jobs.len() {
                    if self.rng.unit() < self.p.blink_rate {
                        continue;
                    }
                    if let Some(c) = tour.insertion_cost(m, j, pos)
                        && best.is_none_or(|(bc, _, _)| c < bc)
                    {
                        best = Some((c, t, pos));
                    }
                }
            }
            match best {
                Some((_, t, pos)) => {
                    self.touch(st, t);
                    st.tours[t].jobs.insert(pos, j);
                    st.tours[t].rebuild(m);
                    st.route_of[j] = t as u32;
                }
                None => st.unassigned.push(j),
            }
        }
    }
}
