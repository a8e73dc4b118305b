//! Uplink's persistence: one [`Db`] over SQLite (embedded, the default) and PostgreSQL
//! (production), picked once from the URL scheme. Every query is one SQL text with `$N`
//! placeholders that both backends run; migrations live in `migrations/{sqlite,postgres}` with
//! the same version numbers. Repositories take a connection, so a use case can run many of them
//! inside one transaction.

pub mod catalog;
pub mod claims;
pub mod dashboard;
mod db;
pub mod dispatch;
mod error;
pub mod history;
pub mod idempotency;
pub mod ledger;
pub mod lot_photos;
pub mod lots;
mod migrate;
pub mod network;
pub mod notices;
pub mod orders;
pub mod people;
pub mod row;
pub mod scratch;
pub mod sessions;
pub mod trust;
pub mod windows;
mod writer;

pub use db::{Backend, Db, DbUrl, SqliteSync, Tx};
pub use error::StoreError;
pub use migrate::current_version as schema_version;
pub use sqlx::AnyConnection as Conn;

/// Now, in UTC microseconds: the one clock every stored time is read from.
pub fn now_us() -> i64 {
    let d = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    i64::try_from(d.as_micros()).unwrap_or(i64::MAX)
}
