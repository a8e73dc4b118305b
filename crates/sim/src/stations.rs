//! Which villages have a service station, and what each station is like: about 85 % of villages
//! have one (every village of 1,500 people or more), open roughly eight to six, a few with a
//! cold room, most with a certified scale.

use crate::codes;
use crate::county::{Station, Village};
use crate::rng::Rng;
use uplink_core::network::OpeningHours;

/// A village this large always has a station.
const ALWAYS_FROM_POPULATION: i64 = 1500;

pub fn open(rng: &mut Rng, villages: &[Village]) -> Vec<Station> {
    let target = (villages.len() * 85).div_ceil(100);
    let mut with_station: Vec<bool> = villages.iter().map(|v| v.population >= ALWAYS_FROM_POPULATION).collect();
    // The rest are chosen by chance, larger villages likelier (a station needs custom).
    let mut others: Vec<(usize, f64)> = villages
        .iter()
        .enumerate()
        .filter(|(i, _)| !with_station[*i])
        .map(|(i, v)| (i, v.population as f64 * rng.uniform(0.3, 1.7)))
        .collect();
    others.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let missing = target.saturating_sub(with_station.iter().filter(|s| **s).count());
    for (i, _) in others.into_iter().take(missing) {
        with_station[i] = true;
    }

    villages
        .iter()
        .enumerate()
        .filter(|(i, _)| with_station[*i])
        .map(|(i, v)| {
            let open_min = *rng.weighted(&[(450, 15), (480, 50), (510, 20), (540, 15)]);
            let close_min = *rng.weighted(&[(1050, 15), (1080, 40), (1110, 15), (1140, 15), (1200, 15)]);
            let cold_chance = if v.population >= 2500 { 0.35 } else { 0.1 };
            let cold_storage_kg = if rng.chance(cold_chance) { rng.range(2, 20) * 100 } else { 0 };
            let scale_chance = if cold_storage_kg > 0 { 0.9 } else { 0.6 };
            Station {
                village: i,
                code: codes::station(&v.code),
                name: format!("{}服务站", v.name),
                opening_hours: OpeningHours { open_min, close_min },
                cold_storage_kg,
                certified_scale: rng.chance(scale_chance),
            }
        })
        .collect()
}
