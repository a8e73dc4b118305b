//! The generator's own random numbers: xoshiro256** seeded through SplitMix64, written here so
//! that a seed names the same county forever, whatever crate versions or platform build it.
//!
//! Only integer operations and IEEE-exact float arithmetic (+ − × ÷) happen here, so the
//! numbers are bit-for-bit the same on every machine.

/// A seeded stream of random numbers. Not for anything secret.
#[derive(Debug, Clone)]
pub struct Rng {
    s: [u64; 4],
}

/// One step of SplitMix64: a good mixer of one 64-bit word, used to expand seeds.
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Rng {
    pub fn new(seed: u64) -> Rng {
        let mut sm = seed;
        let s = [splitmix64(&mut sm), splitmix64(&mut sm), splitmix64(&mut sm), splitmix64(&mut sm)];
        Rng { s }
    }

    /// An independent stream for one part of the county (`"geography"`, `"people"` …), so that
    /// drawing one more number in one part never moves what another part generates.
    pub fn for_part(seed: u64, part: &str) -> Rng {
        // FNV-1a over the part's name: stable, and good enough to tell a handful of names apart.
        let mut h: u64 = 0xCBF2_9CE4_8422_2325;
        for b in part.bytes() {
            h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01B3);
        }
        let mut sm = h;
        Rng::new(seed ^ splitmix64(&mut sm))
    }

    pub fn next_u64(&mut self) -> u64 {
        let result = self.s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        result
    }

    /// A whole number in `0..n`, without modulo bias (Lemire's method). `n` must be > 0.
    pub fn below(&mut self, n: u64) -> u64 {
        assert!(n > 0, "below(0) has no values");
        let threshold = n.wrapping_neg() % n;
        loop {
            let m = u128::from(self.next_u64()) * u128::from(n);
            if (m as u64) >= threshold {
                return (m >> 64) as u64;
            }
        }
    }

    /// A whole number in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        assert!(lo <= hi, "empty range {lo}..={hi}");
        let span = hi.abs_diff(lo);
        if span == u64::MAX {
            return self.next_u64() as i64;
        }
        lo.wrapping_add(self.below(span + 1) as i64)
    }

    /// A float in `[0, 1)`, from the top 53 bits.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// A float in `[lo, hi)`.
    pub fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Roughly normal: the sum of twelve uniforms (Irwin–Hall), so never beyond 6 sd. Uses no
    /// `ln` or `cos`, whose last bits differ between platforms' maths libraries.
    pub fn normalish(&mut self, mean: f64, sd: f64) -> f64 {
        let sum: f64 = (0..12).map(|_| self.unit()).sum();
        mean + sd * (sum - 6.0)
    }

    /// One item, all equally likely. `items` must not be empty.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// One item, in proportion to its weight. The weights must not all be zero.
    pub fn weighted<'a, T>(&mut self, items: &'a [(T, u32)]) -> &'a T {
        let total: u64 = items.iter().map(|(_, w)| u64::from(*w)).sum();
        let mut left = self.below(total);
        for (item, w) in items {
            let w = u64::from(*w);
            if left < w {
                return item;
            }
            left -= w;
        }
        unreachable!("a draw below the total weight falls on some item")
    }

    /// Fisher–Yates, in place.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i as u64 + 1) as usize;
            items.swap(i, j);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seed_names_the_same_numbers_forever() {
        // Reference values of xoshiro256** seeded by SplitMix64(0); if these change, every
        // generated county changes with them.
        let mut r = Rng::new(0);
        let first: Vec<u64> = (0..3).map(|_| r.next_u64()).collect();
        assert_eq!(first, vec![0x99EC5F36CB75F2B4, 0xBF6E1F784956452A, 0x1A5F849D4933E6E0]);
    }

    #[test]
    fn parts_of_one_seed_draw_different_streams() {
        let a = Rng::for_part(7, "geography").next_u64();
        let b = Rng::for_part(7, "people").next_u64();
        assert_ne!(a, b);
        assert_eq!(a, Rng::for_part(7, "geography").next_u64());
    }

    #[test]
    fn draws_stay_in_their_ranges_and_cover_them() {
        let mut r = Rng::new(42);
        let mut seen = [false; 5];
        for _ in 0..1000 {
            let v = r.range(-2, 2);
            assert!((-2..=2).contains(&v));
            seen[(v + 2) as usize] = true;
            let u = r.unit();
            assert!((0.0..1.0).contains(&u));
            let n = r.normalish(10.0, 1.0);
            assert!((4.0..=16.0).contains(&n));
        }
        assert!(seen.iter().all(|s| *s));
    }

    #[test]
    fn weighted_picks_follow_their_weights() {
        let mut r = Rng::new(1);
        let items = [("often", 9), ("rarely", 1), ("never", 0)];
        let mut often = 0;
        for _ in 0..10_000 {
            match *r.weighted(&items) {
                "often" => often += 1,
                "never" => panic!("a zero weight was picked"),
                _ => {}
            }
        }
        assert!((8_700..9_300).contains(&often), "{often}");
    }

    #[test]
    fn shuffle_keeps_every_item() {
        let mut r = Rng::new(3);
        let mut v: Vec<u32> = (0..50).collect();
        r.shuffle(&mut v);
        assert_ne!(v, (0..50).collect::<Vec<_>>());
        v.sort();
        assert_eq!(v, (0..50).collect::<Vec<_>>());
    }
}
