//! Migrations: numbered SQL files per backend, embedded in the binary, each applied once in its
//! own transaction and recorded in `schema_migrations`.

use crate::db::{Backend, Db};
use crate::error::StoreError;

struct Migration {
    version: i64,
    sqlite: &'static str,
    postgres: &'static str,
}

/// One migration, by version and file name, from both backends' folders.
macro_rules! migration {
    ($v:expr, $name:literal) => {
        Migration {
            version: $v,
            sqlite: include_str!(concat!("../migrations/sqlite/", $name, ".sql")),
            postgres: include_str!(concat!("../migrations/postgres/", $name, ".sql")),
        }
    };
}

/// Both backends' files for every version, side by side so they cannot drift apart in number.
/// Keep in version order.
const MIGRATIONS: &[Migration] = &[
    migration!(1, "0001_network_and_people"),
    migration!(2, "0002_catalog"),
    migration!(3, "0003_ledger"),
    migration!(4, "0004_orders"),
    migration!(5, "0005_windows"),
    migration!(6, "0006_lots"),
    migration!(7, "0007_dispatch"),
    migration!(8, "0008_claims"),
    migration!(9, "0009_notices"),
    migration!(10, "0010_dashboard"),
    migration!(11, "0011_weight_unit"),
    migration!(13, "0013_lot_photos"),
    migration!(14, "0014_dashboard_at_scale"),
];

pub async fn run(db: &Db) -> Result<(), StoreError> {
    let mut tx = db.begin().await?;
    sqlx::raw_sql(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_us BIGINT NOT NULL)",
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    for m in MIGRATIONS {
        let mut tx = db.begin().await?;
        if db.backend() == Backend::Postgres {
            // Two servers starting at once must not both apply a migration.
            sqlx::raw_sql("LOCK TABLE schema_migrations IN EXCLUSIVE MODE").execute(&mut *tx).await?;
        }
        let done: Option<i64> = sqlx::query_scalar("SELECT version FROM schema_migrations WHERE version = $1")
            .bind(m.version)
            .fetch_optional(&mut *tx)
            .await?;
        if done.is_some() {
            continue;
        }
        let sql = match db.backend() {
            Backend::Sqlite => m.sqlite,
            Backend::Postgres => m.postgres,
        };
        sqlx::raw_sql(sql)
            .execute(&mut *tx)
            .await
            .map_err(|source| StoreError::Migration { version: m.version, source })?;
        sqlx::query("INSERT INTO schema_migrations (version, applied_us) VALUES ($1, $2)")
            .bind(m.version)
            .bind(crate::now_us())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        tracing::info!(version = m.version, "applied migration");
    }
    Ok(())
}

/// The highest applied version, for `uplink migrate` to report.
pub async fn current_version(db: &Db) -> Result<i64, StoreError> {
    let mut c = db.reader().await?;
    let v: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM schema_migrations").fetch_one(&mut *c).await?;
    Ok(v.unwrap_or(0))
}
