//! Uplink's synthetic county: a deterministic, believable mountain county of western Yunnan
//! from a seed and a size — townships along valleys, villages, stations, the hub, people, a
//! fleet and city drop points — for the demo, the tests and the benchmarks of every crate.
//!
//! ```
//! let county = uplink_sim::generate(7, &uplink_sim::CountySize::small());
//! assert_eq!(county, uplink_sim::generate(7, &uplink_sim::CountySize::small()));
//! ```

mod cities;
mod codes;
mod county;
mod fleet;
mod geography;
pub mod history;
pub mod names;
mod people;
pub mod rng;
mod stations;

pub use county::{
    CENTRE, City, County, CountySize, DropPoint, HALF_SIDE_KM, Hub, Person, Station, Township, Vehicle, Village,
    generate,
};
pub use rng::Rng;

#[cfg(test)]
mod county_tests;
