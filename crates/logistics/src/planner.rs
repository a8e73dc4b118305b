//! The seam between dispatch and its algorithms: a `RoutePlanner` turns a `Problem` into a `Plan`
//! within a `Budget`, reporting `Progress` as it goes (the CLI draws a progress bar from it).
//! Also the small deterministic random generator the planners share, so a given seed and
//! iteration limit always give the same plan on every machine.

use crate::plan::Plan;
use crate::problem::Problem;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// Wall-clock limit; the planner returns its best plan when it runs out.
    pub time_limit: Duration,
    /// When set, the search is driven by iterations rather than by the clock, so the plan is the
    /// same on a slow and a fast machine (tests use this).
    pub iterations: Option<u64>,
    pub seed: u64,
}

impl Budget {
    pub fn seconds(s: f64) -> Budget {
        Budget { time_limit: Duration::from_secs_f64(s.max(0.0)), iterations: None, seed: 1 }
    }

    pub fn iterations(n: u64, seed: u64) -> Budget {
        Budget { time_limit: Duration::from_secs(3600), iterations: Some(n), seed }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub iteration: u64,
    pub elapsed: Duration,
    /// Share of the budget used, in per mille (0..=1000).
    pub permille: u32,
    pub best_cost_fen: i64,
    pub best_unassigned: usize,
}

pub trait RoutePlanner {
    fn plan(&self, p: &Problem, budget: Budget, progress: &mut dyn FnMut(Progress)) -> Plan;
}

/// xoshiro256** seeded through SplitMix64: fast, small, and good enough for a local search.
#[derive(Debug, Clone)]
pub struct Rng([u64; 4]);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        let mut z = seed;
        let mut next = || {
            z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut x = z;
            x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            x ^ (x >> 31)
        };
        Rng([next(), next(), next(), next()])
    }

    pub fn next_u64(&mut self) -> u64 {
        let s = &mut self.0;
        let result = s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in 0..n (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (((self.next_u64() >> 32) * n as u64) >> 32) as usize
    }

    pub fn shuffle<T>(&mut self, xs: &mut [T]) {
        for i in (1..xs.len()).rev() {
            xs.swap(i, self.below(i + 1));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_draws() {
        let (mut a, mut b) = (Rng::new(7), Rng::new(7));
        let xs: Vec<u64> = (0..5).map(|_| a.next_u64()).collect();
        let ys: Vec<u64> = (0..5).map(|_| b.next_u64()).collect();
        assert_eq!(xs, ys);
        assert_ne!(Rng::new(8).next_u64(), xs[0]);
    }

    #[test]
    fn draws_stay_in_range_and_cover_it() {
        let mut r = Rng::new(3);
        let mut hit = [false; 7];
        for _ in 0..1000 {
            let k = r.below(7);
            hit[k] = true;
            let u = r.unit();
            assert!((0.0..1.0).contains(&u));
        }
        assert!(hit.iter().all(|&h| h));
    }
}
