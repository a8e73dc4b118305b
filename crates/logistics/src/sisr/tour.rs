//! The solver's view of the problem and of one route, built for speed: every route keeps forward
//! and backward data (loads with prefix/suffix peaks, earliest and latest service starts) so that
//! "can job j go between stops i and i+1, and what does it add?" is answered in O(1).
//!
//! Costs here are in micro-units of 1/3 600 000 fen, so per-metre and per-second rates stay exact
//! integers: a km rate in fen/km is fen·3600 per metre, an hourly rate is fen·1000 per second.

use crate::problem::{DIMS, Load, Problem, Vehicle};
use std::ops::{Add, Sub};

pub const MICRO_PER_FEN: i64 = 3_600_000;

pub struct JobData {
    pub loc: usize,
    pub delivery: Load,
    pub pickup: Load,
    pub service: i64,
    pub earliest: i64,
    pub latest: i64,
    pub cold: bool,
    /// Latest return to the end location with this pickup on board; `i64::MAX` when unbounded.
    pub latest_back: i64,
}

pub struct VehicleData {
    pub start: usize,
    pub end: usize,
    pub cap: Load,
    pub refrigerated: bool,
    pub shift: (i64, i64),
    pub per_m: i64,
    pub per_s: i64,
    pub fixed: i64,
    /// Vehicles with equal class are interchangeable; only one empty one of a class is tried.
    pub class: usize,
}

pub struct Model {
    pub n_loc: usize,
    pub dist: Vec<i64>,
    pub dur: Vec<i64>,
    pub jobs: Vec<JobData>,
    pub vehicles: Vec<VehicleData>,
}

impl Model {
    pub fn new(p: &Problem) -> Model {
        let m = p.matrix();
        let n_loc = m.size();
        let mut dist = Vec::with_capacity(n_loc * n_loc);
        let mut dur = Vec::with_capacity(n_loc * n_loc);
        for i in 0..n_loc {
            for j in 0..n_loc {
                dist.push(m.distance_m(i, j));
                dur.push(m.duration_s(i, j));
            }
        }
        let jobs = p
            .jobs()
            .iter()
            .map(|j| JobData {
                loc: j.location,
                delivery: j.delivery,
                pickup: j.pickup,
                service: j.service_s,
                earliest: j.time_window.0,
                latest: j.time_window.1,
                cold: j.needs_cold,
                latest_back: j.latest_back.unwrap_or(i64::MAX),
            })
            .collect();
        // Two vehicles are interchangeable when everything but the name is equal.
        let mut classes: Vec<Vehicle> = Vec::new();
        let vehicles = p
            .vehicles()
            .iter()
            .map(|v| {
                let key = Vehicle { id: String::new(), ..v.clone() };
                let class = classes.iter().position(|k| *k == key).unwrap_or_else(|| {
                    classes.push(key);
                    classes.len() - 1
                });
                VehicleData {
                    start: v.start_location,
                    end: v.end_location,
                    cap: v.capacity,
                    refrigerated: v.refrigerated,
                    shift: v.shift,
                    per_m: v.cost_per_km_fen * 3600,
                    per_s: v.cost_per_hour_fen * 1000,
                    fixed: v.fixed_cost_fen * MICRO_PER_FEN,
                    class,
                }
            })
            .collect();
        Model { n_loc, dist, dur, jobs, vehicles }
    }

    #[inline]
    pub fn d(&self, a: usize, b: usize) -> i64 {
        self.dist[a * self.n_loc + b]
    }

    #[inline]
    pub fn t(&self, a: usize, b: usize) -> i64 {
        self.dur[a * self.n_loc + b]
    }
}

/// One vehicle's route with its cached forward/backward data. Node 0 is the start depot, nodes
/// 1..=n the jobs, node n+1 the end depot.
#[derive(Clone, Default)]
pub struct Tour {
    pub vehicle: usize,
    pub jobs: Vec<usize>,
    /// Load on the leg leaving node k, k in 0..=n.
    load: Vec<Load>,
    pre_max: Vec<Load>,
    suf_max: Vec<Load>,
    /// Earliest service start at node k (k = n+1: earliest arrival back), len n+2.
    earliest: Vec<i64>,
    /// Latest service start at node k that keeps the rest of the route on time, len n+2. At the
    /// end node it is the shift end or the earliest shelf-life return of a job on board.
    latest: Vec<i64>,
    /// Arrival back at the end as a function of arrival `a` at node k is `max(a + back_d[k],
    /// back_e[k])` (driving and service to the end, and the earliest possible return given the
    /// waits for windows ahead); lets a job with a shelf life be checked in O(1). Len n+2.
    back_d: Vec<i64>,
    back_e: Vec<i64>,
    /// Micro-units, fixed cost included when the tour has any job.
    pub cost: i64,
}

impl Tour {
    pub fn new(m: &Model, vehicle: usize) -> Tour {
        let mut t = Tour { vehicle, ..Tour::default() };
        t.rebuild(m);
        t
    }

    #[inline]
    fn loc(&self, m: &Model, k: usize) -> usize {
        let v = &m.vehicles[self.vehicle];
        if k == 0 {
            v.start
        } else if k > self.jobs.len() {
            v.end
        } else {
            m.jobs[self.jobs[k - 1]].loc
        }
    }

    /// Recomputes every cache after the job list changed: O(n).
    pub fn rebuild(&mut self, m: &Model) {
        let n = self.jobs.len();
        let v = &m.vehicles[self.vehicle];
        self.load.clear();
        self.earliest.clear();
        let out = self.jobs.iter().fold(Load::ZERO, |a, &j| a.add(m.jobs[j].delivery));
        self.load.push(out);
        self.earliest.push(v.shift.0);
        let (mut dist, mut work) = (0, 0);
        let (mut at, mut now) = (v.start, v.shift.0);
        for &j in &self.jobs {
            let jd = &m.jobs[j];
            let last = self.load[self.load.len() - 1];
            self.load.push(last.sub(jd.delivery).add(jd.pickup));
            dist += m.d(at, jd.loc);
            work += m.t(at, jd.loc) + jd.service;
            let start = (now + m.t(at, jd.loc)).max(jd.earliest);
            self.earliest.push(start);
            now = start + jd.service;
            at = jd.loc;
        }
        dist += m.d(at, v.end);
        work += m.t(at, v.end);
        self.earliest.push(now + m.t(at, v.end));
        self.cost = if n == 0 { 0 } else { v.fixed + dist * v.per_m + work * v.per_s };

        self.pre_max.clear();
        let mut peak = Load([i64::MIN; DIMS]);
        for &l in &self.load {
            peak = peak.max(l);
            self.pre_max.push(peak);
        }
        self.suf_max.clear();
        self.suf_max.resize(n + 1, Load::ZERO);
        let mut peak = Load([i64::MIN; DIMS]);
        for k in (0..=n).rev() {
            peak = peak.max(self.load[k]);
            self.suf_max[k] = peak;
        }
        self.latest.clear();
        self.latest.resize(n + 2, 0);
        self.latest[n + 1] = self.jobs.iter().fold(v.shift.1, |l, &j| l.min(m.jobs[j].latest_back));
        for k in (1..=n).rev() {
            let jd = &m.jobs[self.jobs[k - 1]];
            let next = self.loc(m, k + 1);
            self.latest[k] = jd.latest.min(self.latest[k + 1] - m.t(jd.loc, next) - jd.service);
        }
        self.back_d.clear();
        self.back_d.resize(n + 2, 0);
        self.back_e.clear();
        self.back_e.resize(n + 2, i64::MIN);
        for k in (1..=n).rev() {
            let jd = &m.jobs[self.jobs[k - 1]];
            self.back_d[k] = jd.service + m.t(jd.loc, self.loc(m, k + 1)) + self.back_d[k + 1];
            self.back_e[k] = (jd.earliest + self.back_d[k]).max(self.back_e[k + 1]);
        }
        self.latest[0] = self.latest.get(1).map_or(v.shift.1, |&l| l - m.t(v.start, self.loc(m, 1)));
    }

    /// The route is on time and within capacity. Every insertion is checked before it is made;
    /// removals are not, so the search checks a whole result before accepting it.
    pub fn is_feasible(&self, m: &Model) -> bool {
        let v = &m.vehicles[self.vehicle];
        let n = self.jobs.len();
        self.load.iter().all(|l| l.fits(v.cap))
            && (1..=n).all(|k| self.earliest[k] <= m.jobs[self.jobs[k - 1]].latest)
            && self.earliest[n + 1] <= self.latest[n + 1]
    }

    /// Quick necessary test before scanning positions: the job can ride this vehicle at all.
    #[inline]
    pub fn may_hold(&self, m: &Model, job: usize) -> bool {
        let v = &m.vehicles[self.vehicle];
        let jd = &m.jobs[job];
        let n = self.jobs.len();
        (!jd.cold || v.refrigerated)
            && self.load[0].add(jd.delivery).fits(v.cap)
            && self.load[n].add(jd.pickup).fits(v.cap)
    }

    /// Added cost of putting `job` right after node `pos` (0 = the start depot), or `None` if the
    /// route would break capacity or time. With simultaneous pickup and delivery, the delivery
    /// rides every leg before the stop and the pickup every leg after it, hence the prefix peak
    /// plus delivery and the suffix peak plus pickup.
    #[inline]
    pub fn insertion_cost(&self, m: &Model, job: usize, pos: usize) -> Option<i64> {
        let v = &m.vehicles[self.vehicle];
        let jd = &m.jobs[job];
        if !self.pre_max[pos].add(jd.delivery).fits(v.cap) || !self.suf_max[pos].add(jd.pickup).fits(v.cap) {
            return None;
        }
        let prev = self.loc(m, pos);
        let next = self.loc(m, pos + 1);
        let prev_service = if pos == 0 { 0 } else { m.jobs[self.jobs[pos - 1]].service };
        let start = (self.earliest[pos] + prev_service + m.t(prev, jd.loc)).max(jd.earliest);
        let at_next = start + jd.service + m.t(jd.loc, next);
        if start > jd.latest || at_next > self.latest[pos + 1] {
            return None;
        }
        if jd.latest_back != i64::MAX && (at_next + self.back_d[pos + 1]).max(self.back_e[pos + 1]) > jd.latest_back {
            return None;
        }
        let dd = m.d(prev, jd.loc) + m.d(jd.loc, next) - m.d(prev, next);
        let dt = m.t(prev, jd.loc) + m.t(jd.loc, next) - m.t(prev, next) + jd.service;
        let fixed = if self.jobs.is_empty() { v.fixed } else { 0 };
        Some(fixed + dd * v.per_m + dt * v.per_s)
    }
}
