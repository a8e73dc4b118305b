//! Allocating a closed window's demand to the farmers who declared supply, per grade. The rule,
//! written down so any farmer can check it:
//!
//! 1. A declaration below the minimum lot (e.g. 5 kg) is not collected: a truck does not stop
//!    for it.
//! 2. If the remaining declarations add up to no more than the demand, every one is taken whole.
//! 3. Otherwise each farmer gets the demand × their share of the declared supply, in whole kg,
//!    rounded down; the kg left over go one each to the largest remainders, ties to the lower
//!    declaration id (the earlier declaration, ids being time-ordered).
//! 4. If a farmer's allocation is then below the minimum lot, the smallest such allocation
//!    (ties: the later declaration) is dropped and step 2 runs again without it, as long as the
//!    others can still cover the demand; when they cannot, the small lot stays.
//!
//! So the allocation adds up to the demand or to the collectable supply, whichever is less;
//! no farmer gets more than they declared; and the same inputs, in any order, give the same
//! allocation.

/// Allocates `demand_kg` among `declared` (`(id, kg)`), with `min_lot_kg` the smallest lot
/// worth collecting. Returns each declaration's kg, in the order given.
pub fn allocate<K: Ord + Copy>(demand_kg: i64, declared: &[(K, i64)], min_lot_kg: i64) -> Vec<i64> {
    let demand = demand_kg.max(0);
    // Work in id order so the input's order cannot change the outcome.
    let mut order: Vec<usize> = (0..declared.len()).collect();
    order.sort_by_key(|&i| declared[i].0);
    let mut eligible: Vec<usize> =
        order.into_iter().filter(|&i| declared[i].1 > 0 && declared[i].1 >= min_lot_kg).collect();
    let mut out = vec![0i64; declared.len()];
    loop {
        out.iter_mut().for_each(|x| *x = 0);
        let supply: i64 = eligible.iter().map(|&i| declared[i].1).sum();
        if supply <= demand {
            for &i in &eligible {
                out[i] = declared[i].1;
            }
            return out;
        }
        let mut remainders = Vec::with_capacity(eligible.len());
        let mut given = 0i64;
        for &i in &eligible {
            let exact = i128::from(demand) * i128::from(declared[i].1);
            let share = (exact / i128::from(supply)) as i64;
            out[i] = share;
            given += share;
            remainders.push((exact % i128::from(supply), i));
        }
        // Largest remainder first; equal remainders to the earlier declaration.
        remainders.sort_by(|a, b| b.0.cmp(&a.0).then(declared[a.1].0.cmp(&declared[b.1].0)));
        for &(_, i) in remainders.iter().take((demand - given) as usize) {
            out[i] += 1;
        }
        let smallest = eligible
            .iter()
            .copied()
            .filter(|&i| out[i] < min_lot_kg)
            .min_by(|&a, &b| out[a].cmp(&out[b]).then(declared[b].0.cmp(&declared[a].0)));
        match smallest {
            Some(j) if supply - declared[j].1 >= demand => eligible.retain(|&i| i != j),
            _ => return out,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn proportional_with_largest_remainders() {
        // 100 kg demanded of 60 + 60 + 30 = 150 kg declared: 40 / 40 / 20.
        assert_eq!(allocate(100, &[(1, 60), (2, 60), (3, 30)], 5), vec![40, 40, 20]);
        // 10 kg of 3 × 10: 3.33 each, the spare kg to the earliest.
        assert_eq!(allocate(10, &[(3, 10), (1, 10), (2, 10)], 1), vec![3, 4, 3]);
    }

    #[test]
    fn short_supply_is_taken_whole_and_tiny_lots_are_not_collected() {
        assert_eq!(allocate(500, &[(1, 60), (2, 4), (3, 30)], 5), vec![60, 0, 30]);
    }

    #[test]
    fn an_allocation_below_the_minimum_lot_is_dropped_when_the_others_cover_it() {
        // 7 kg of 10 + 10: 4 + 3 are both below 5 kg, so the later declaration is dropped.
        assert_eq!(allocate(7, &[(1, 10), (2, 10)], 5), vec![7, 0]);
        // 12 kg of 10 + 6: 8 + 4, but without the 6 kg only 10 kg remain: the small lot stays.
        assert_eq!(allocate(12, &[(1, 10), (2, 6)], 5), vec![8, 4]);
    }

    proptest! {
        #[test]
        fn fair_bounded_and_deterministic(demand in 0i64..2_000, kgs in proptest::collection::vec(0i64..300, 0..20),
                                          min in 1i64..10, rot in 0usize..20) {
            let declared: Vec<(u32, i64)> = kgs.iter().enumerate().map(|(i, k)| (i as u32, *k)).collect();
            let a = allocate(demand, &declared, min);
            let collectable: i64 = declared.iter().filter(|d| d.1 >= min).map(|d| d.1).sum();
            prop_assert_eq!(a.iter().sum::<i64>(), demand.min(collectable));
            for (x, d) in a.iter().zip(&declared) {
                prop_assert!(*x >= 0 && *x <= d.1);
                if d.1 < min { prop_assert_eq!(*x, 0); }
            }
            // The same declarations in another order get the same kg each.
            let mut shuffled = declared.clone();
            if !shuffled.is_empty() { let n = rot % shuffled.len(); shuffled.rotate_left(n); }
            let b = allocate(demand, &shuffled, min);
            for (i, d) in shuffled.iter().enumerate() {
                prop_assert_eq!(b[i], a[d.0 as usize]);
            }
        }
    }
}
