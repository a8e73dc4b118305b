//! Cost per kg: each route's cost split over the jobs it serves, and each job's share over the
//! orders and lots it carries, in whole fen that add up exactly.
//!
//! **The rule.** A route's cost (fixed day cost included) is split over its jobs in proportion to
//! *weight × road distance from the route's depot to the job's place* (tonne-km of the one-way
//! leg), and a job's share over its order refs in proportion to their weights. Every split uses
//! the largest remainder method: each part gets the floor of its exact share, and the fen left
//! over go one each to the parts with the largest fractional remainders (ties: the earlier part),
//! so the parts always sum to exactly the whole. If every key of a split is zero (all jobs at the
//! depot, or weightless), the split is equal.
//!
//! **Why tonne-km rather than plain weight.** The truck's cost is driven by how far it carries
//! how much: a sack from the far end of the valley keeps the truck on the road much longer than a
//! sack from the village next to the hub. Splitting by plain weight would make the near villages
//! pay for the far ones; tonne-km charges each kilo for the road it uses, which is also what a
//! commercial carrier would charge. Down and up jobs are treated alike: a backhaul pickup shares
//! the trip that the deliveries would have paid for alone, which is exactly where its low cost
//! per kg comes from.
//!
//! **Worked example.** A route costs 10 001 fen and serves: A, 200 kg at 10 km (key 2 000);
//! B, 300 kg at 20 km (key 6 000); C, 100 kg at 20 km (key 2 000). Exact shares 2 000.2,
//! 6 000.6 and 2 000.2; floors 2 000 + 6 000 + 2 000 = 10 000, one fen left, which goes to B
//! (largest remainder .6): A 2 000, B 6 001, C 2 000. B carries orders B1 (100 kg) and B2
//! (200 kg): 2 000.33 and 4 000.67, floors 2 000 + 4 000, the fen left goes to B2: 2 000 and
//! 4 001. Cost per kg is then shown as a rounded figure (B1: 2 000 fen / 100 kg = 20 fen/kg);
//! it is for reading only, the fen amounts are what add up.

use serde::{Deserialize, Serialize};

/// One routed job's share of its route's cost.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobCost {
    pub job: String,
    pub vehicle: String,
    pub weight_g: i64,
    /// Road distance from the route's depot to the job's place: the allocation key's distance.
    pub distance_m: i64,
    pub cost_fen: i64,
    /// `cost_fen` per kg, rounded half up; 0 for a weightless job.
    pub fen_per_kg: i64,
}

/// One order or lot's share of its job's cost.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderCost {
    pub order: String,
    pub job: String,
    pub weight_g: i64,
    pub cost_fen: i64,
    pub fen_per_kg: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CostAllocation {
    pub jobs: Vec<JobCost>,
    pub orders: Vec<OrderCost>,
}

/// Splits `total` (≥ 0) in proportion to `keys` (≥ 0) into whole parts summing to `total`,
/// by the largest remainder method; equal split when every key is zero.
pub fn split_largest_remainder(total: i64, keys: &[i128]) -> Vec<i64> {
    if keys.is_empty() {
        return Vec::new();
    }
    let ones;
    let keys = if keys.iter().all(|&k| k == 0) {
        ones = vec![1i128; keys.len()];
        &ones[..]
    } else {
        keys
    };
    let sum: i128 = keys.iter().sum();
    let t = total as i128;
    let mut parts: Vec<i64> = keys.iter().map(|&k| (t * k / sum) as i64).collect();
    let mut order: Vec<usize> = (0..keys.len()).collect();
    // Stable sort: equal remainders keep their order, so the earlier part wins a tie.
    order.sort_by_key(|&i| std::cmp::Reverse(t * keys[i] % sum));
    let left = total - parts.iter().sum::<i64>();
    for &i in order.iter().take(left as usize) {
        parts[i] += 1;
    }
    parts
}

/// Fen per kg for display, rounded half up.
pub fn fen_per_kg(cost_fen: i64, weight_g: i64) -> i64 {
    if weight_g <= 0 { 0 } else { (cost_fen * 1000 * 2 + weight_g).div_euclid(2 * weight_g) }
}

/// One job on a route, as the allocation needs it.
pub struct Carried<'a> {
    pub job: &'a str,
    pub weight_g: i64,
    pub distance_m: i64,
    pub orders: &'a [super::OrderRef],
}

/// Allocates one route's cost over its jobs and their orders (see the module docs).
pub fn allocate(vehicle: &str, route_cost_fen: i64, carried: &[Carried<'_>], out: &mut CostAllocation) {
    let keys: Vec<i128> = carried.iter().map(|c| c.weight_g as i128 * c.distance_m as i128).collect();
    let shares = split_largest_remainder(route_cost_fen, &keys);
    for (c, &cost_fen) in carried.iter().zip(&shares) {
        out.jobs.push(JobCost {
            job: c.job.to_string(),
            vehicle: vehicle.to_string(),
            weight_g: c.weight_g,
            distance_m: c.distance_m,
            cost_fen,
            fen_per_kg: fen_per_kg(cost_fen, c.weight_g),
        });
        let keys: Vec<i128> = c.orders.iter().map(|o| o.weight_g as i128).collect();
        for (o, cost_fen) in c.orders.iter().zip(split_largest_remainder(cost_fen, &keys)) {
            out.orders.push(OrderCost {
                order: o.id.clone(),
                job: c.job.to_string(),
                weight_g: o.weight_g,
                cost_fen,
                fen_per_kg: fen_per_kg(cost_fen, o.weight_g),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dispatch::OrderRef;

    #[test]
    fn the_worked_example_of_the_module_docs() {
        assert_eq!(split_largest_remainder(10_001, &[2_000, 6_000, 2_000]), vec![2_000, 6_001, 2_000]);
        let b = [OrderRef { id: "B1".into(), weight_g: 100_000 }, OrderRef { id: "B2".into(), weight_g: 200_000 }];
        let carried = [Carried { job: "B", weight_g: 300_000, distance_m: 20_000, orders: &b }];
        let mut out = CostAllocation::default();
        allocate("truck", 6_001, &carried, &mut out);
        assert_eq!(out.orders.iter().map(|o| o.cost_fen).collect::<Vec<_>>(), vec![2_000, 4_001]);
        assert_eq!(out.orders[0].fen_per_kg, 20);
    }

    #[test]
    fn parts_always_sum_to_the_whole() {
        for total in [0, 1, 2, 7, 999, 123_457] {
            for keys in [vec![1, 1, 1], vec![0, 5, 0, 3], vec![0, 0], vec![7], vec![3, 3, 3, 3, 3, 3, 3]] {
                let parts = split_largest_remainder(total, &keys);
                assert_eq!(parts.iter().sum::<i64>(), total, "{total} {keys:?}");
                assert!(parts.iter().all(|&p| p >= 0));
            }
        }
        // Ties go to the earlier part; zero keys get nothing unless all are zero.
        assert_eq!(split_largest_remainder(2, &[1, 1, 1]), vec![1, 1, 0]);
        assert_eq!(split_largest_remainder(5, &[0, 1]), vec![0, 5]);
        assert_eq!(split_largest_remainder(5, &[0, 0]), vec![3, 2]);
    }
}
