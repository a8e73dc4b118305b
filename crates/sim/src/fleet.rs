//! The county's trucks: small vans and 4.2 m box trucks that fit mountain roads, a few larger
//! trucks for the valley runs, and about one in four refrigerated for fruit and meat. Costs are
//! what a county logistics company pays (fuel and wear per km, the driver per hour, the truck
//! per day), in fen.

use crate::codes;
use crate::county::Vehicle;
use crate::rng::Rng;
use std::collections::HashSet;

/// A kind of truck body and what it costs to run.
struct Body {
    capacity_kg: i64,
    capacity_l: i64,
    per_km_fen: i64,
    per_hour_fen: i64,
    per_day_fen: i64,
}

/// 微型厢式货车: fits every track.
const VAN: Body =
    Body { capacity_kg: 1_000, capacity_l: 4_500, per_km_fen: 90, per_hour_fen: 2_500, per_day_fen: 12_000 };
/// 4.2 m 轻型厢式货车: the workhorse of county delivery.
const LIGHT_TRUCK: Body =
    Body { capacity_kg: 2_000, capacity_l: 16_000, per_km_fen: 130, per_hour_fen: 3_000, per_day_fen: 20_000 };
/// 6.8 m 中型货车: valley runs and transfers between hubs.
const MEDIUM_TRUCK: Body =
    Body { capacity_kg: 5_000, capacity_l: 38_000, per_km_fen: 200, per_hour_fen: 3_500, per_day_fen: 35_000 };
/// 4.2 m 冷藏车: cold chain for fruit, vegetables and meat.
const REEFER: Body =
    Body { capacity_kg: 1_500, capacity_l: 12_000, per_km_fen: 170, per_hour_fen: 3_000, per_day_fen: 30_000 };

/// `n` vehicles; one waits at each township depot (hubs `1..`), the rest at the county hub.
pub fn vehicles(rng: &mut Rng, n: usize, hubs: usize) -> Vec<Vehicle> {
    let mut cold = vec![false; n];
    for c in cold.iter_mut().take((n + 2) / 4) {
        *c = true;
    }
    rng.shuffle(&mut cold);
    let depots = if n > hubs { hubs - 1 } else { 0 };
    let mut plates = HashSet::new();
    (0..n)
        .map(|i| {
            let body =
                if cold[i] { &REEFER } else { *rng.weighted(&[(&VAN, 30), (&LIGHT_TRUCK, 50), (&MEDIUM_TRUCK, 20)]) };
            let name = loop {
                let p = codes::plate(rng);
                if plates.insert(p.clone()) {
                    break p;
                }
            };
            // Older trucks burn more: ±15 % on the running cost.
            let per_km = body.per_km_fen * rng.range(85, 115) / 100;
            let shift_start_min = *rng.pick(&[420, 450, 480]);
            Vehicle {
                code: codes::vehicle(i),
                name,
                capacity_g: body.capacity_kg * 1000,
                capacity_l: body.capacity_l,
                refrigerated: cold[i],
                cost_per_km_fen: per_km,
                cost_per_hour_fen: body.per_hour_fen,
                cost_per_day_fen: body.per_day_fen,
                shift_start_min,
                shift_end_min: shift_start_min + rng.range(600, 660),
                depot: if i >= n - depots { i - (n - depots) + 1 } else { 0 },
            }
        })
        .collect()
}
