//! A fresh, empty database for a test: a new schema on the PostgreSQL server that
//! `UPLINK_TEST_DB` names, else a new SQLite file in the temporary folder. The suites run on both
//! backends this way (see `.ci/run`).

use crate::{Db, DbUrl};

/// The URL of a fresh database; `label` names the folder (SQLite) or prefixes the schema (PostgreSQL).
/// Panics when the server cannot be reached: it is for tests.
pub async fn fresh_db_url(label: &str) -> String {
    match std::env::var("UPLINK_TEST_DB") {
        Ok(base) if base.starts_with("postgres") => {
            let schema = format!("{label}_{}", uuid::Uuid::now_v7().simple());
            let admin =
                Db::connect(&DbUrl::parse(&base).expect("UPLINK_TEST_DB")).await.expect("connect to PostgreSQL");
            let mut tx = admin.begin().await.expect("begin");
            sqlx::raw_sql(&format!("CREATE SCHEMA {schema}")).execute(&mut *tx).await.expect("create schema");
            tx.commit().await.expect("commit");
            admin.close().await;
            let sep = if base.contains('?') { '&' } else { '?' };
            format!("{base}{sep}options=-c%20search_path%3D{schema}")
        }
        _ => {
            let dir = std::env::temp_dir().join(format!("uplink-{label}"));
            std::fs::create_dir_all(&dir).expect("temp dir");
            format!("sqlite://{}", dir.join(format!("{}.db", uuid::Uuid::now_v7().simple())).display())
        }
    }
}
