//! Short ASCII codes for generated places and vehicles, derived from their position in the
//! county (township 1 → `T01`, its 7th village → `T01-V07`, that village's station →
//! `ST-T01-V07`), so people can say and type them and the same county always has the same codes.

use crate::rng::Rng;
use uplink_core::text::PlaceCode;

/// Every code built here is plain upper-case ASCII well under 24 characters.
fn code(raw: String) -> PlaceCode {
    PlaceCode::parse(&raw).unwrap_or_else(|e| panic!("generated code {raw:?} is invalid: {e}"))
}

/// `t` counts from 0: the first township is `T01`.
pub fn township(t: usize) -> PlaceCode {
    code(township_part(t))
}

fn township_part(t: usize) -> String {
    format!("T{:02}", t + 1)
}

/// The `v`-th village (from 0) of township `t`: `T01-V07`.
pub fn village(t: usize, v: usize) -> PlaceCode {
    code(format!("{}-V{:02}", township_part(t), v + 1))
}

/// The station of a village: `ST-` and the village's code.
pub fn station(village: &PlaceCode) -> PlaceCode {
    code(format!("ST-{village}"))
}

/// The county hub.
pub fn county_hub() -> PlaceCode {
    code("HUB".to_string())
}

/// A township depot: `HUB-T05`.
pub fn depot(t: usize) -> PlaceCode {
    code(format!("HUB-{}", township_part(t)))
}

/// A vehicle of the fleet: `V01`.
pub fn vehicle(i: usize) -> PlaceCode {
    code(format!("V{:02}", i + 1))
}

/// A city drop point: `DP-KM1`.
pub fn drop_point(city: &str, n: usize) -> PlaceCode {
    code(format!("DP-{city}{n}"))
}

/// Letters on Chinese plates: no I or O, which read as 1 and 0.
const PLATE_LETTERS: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";

/// A plate of Dali prefecture (云L) such as `云L·D1234`.
pub fn plate(rng: &mut Rng) -> String {
    let letter = char::from(*rng.pick(PLATE_LETTERS));
    format!("云L·{letter}{:04}", rng.range(0, 9999))
}
