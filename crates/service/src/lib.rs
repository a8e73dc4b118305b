//! Uplink's use cases: one function per command or query, used by the web layer and the CLI
//! alike. Each checks who may do it (role and county), validates its input with the rules in
//! `uplink-core`, and runs as one transaction; retryable writes take an idempotency key.

pub mod access;
pub mod auth;
pub mod catalog;
pub mod claims;
pub mod dashboard;
pub mod demo;
pub mod demo_activity;
pub mod demo_history;
pub mod dispatch;
mod error;
pub mod export;
pub mod farmer;
pub mod idempotency;
pub mod intake;
pub mod jobs;
pub mod ledger;
pub mod lot_photos;
pub mod lots;
pub mod network;
pub mod notices;
pub mod order_moves;
pub mod orders;
pub mod paging;
pub mod people;
pub mod settings;
pub mod tracking;
pub mod trust;
mod trust_incidents;
pub mod windows;

pub use access::Actor;
pub use error::ServiceError;
pub use idempotency::IdemKey;
pub use uplink_store::{Db, DbUrl};
