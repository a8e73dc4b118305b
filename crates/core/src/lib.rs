//! Uplink's domain, pure: identifiers, money, weights, geography, the county network and its
//! people, and the validation rules that every edge (API, CLI, generator) applies before a value
//! may exist. No IO, no async, no database: a rule lives here once and is called from elsewhere.

pub mod catalog;
pub mod epcis;
pub mod geo;
pub mod ids;
pub mod ledger;
pub mod lot;
pub mod metrics;
pub mod money;
pub mod network;
pub mod order;
pub mod order_access;
pub mod people;
pub mod photo;
pub mod records;
pub mod settings;
pub mod text;
pub mod time;
pub mod trust;
pub mod validation;
pub mod weight;
pub mod window;

pub use geo::{LatLon, RoadClass};
pub use ids::*;
pub use money::Fen;
pub use validation::{FieldError, Invalid};
pub use weight::Grams;
