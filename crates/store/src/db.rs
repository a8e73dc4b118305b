//! The database handle: URL parsing (with the password hidden from logs), connecting with the
//! right settings for each backend, and transactions.

use crate::error::StoreError;
use crate::writer::{Binder, Slot, Writer};
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{Any, AnyConnection, AnyPool, ConnectOptions, Connection};
use std::fmt;
use std::ops::{Deref, DerefMut};
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A database URL that has been checked: a known scheme, and for SQLite a folder that exists.
/// `Debug` and `Display` hide the password so the URL can be logged.
#[derive(Clone, PartialEq, Eq)]
pub struct DbUrl {
    url: String,
    backend: Backend,
}

impl DbUrl {
    pub fn parse(raw: &str) -> Result<DbUrl, StoreError> {
        let url = raw.trim().to_string();
        if let Some(rest) = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")) {
            let path = rest.split('?').next().unwrap_or("");
            if path.is_empty() {
                return Err(StoreError::Config(
                    "the SQLite URL names no file; use sqlite://uplink.db (a file path after the scheme)".into(),
                ));
            }
            if path != ":memory:" {
                let parent = Path::new(path).parent().filter(|p| !p.as_os_str().is_empty());
                if let Some(dir) = parent
                    && !dir.is_dir()
                {
                    return Err(StoreError::Config(format!(
                        "the folder {} for the SQLite database does not exist; create it first or choose another path",
                        dir.display()
                    )));
                }
            }
            return Ok(DbUrl { url, backend: Backend::Sqlite });
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(DbUrl { url, backend: Backend::Postgres });
        }
        let scheme = url.split(':').next().unwrap_or("");
        Err(StoreError::Config(format!(
            "unknown database scheme '{scheme}': use sqlite://FILE or postgres://USER@HOST/DB"
        )))
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn as_str(&self) -> &str {
        &self.url
    }

    /// The URL with any password replaced by `***`.
    pub fn redacted(&self) -> String {
        let Some((scheme, rest)) = self.url.split_once("://") else { return self.url.clone() };
        match rest.split_once('@') {
            Some((cred, host)) if cred.contains(':') => {
                let user = cred.split(':').next().unwrap_or("");
                format!("{scheme}://{user}:***@{host}")
            }
            _ => self.url.clone(),
        }
    }
}

impl fmt::Debug for DbUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DbUrl({})", self.redacted())
    }
}

impl fmt::Display for DbUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

/// Set on every SQLite connection. Durable by default: WAL with synchronous=FULL syncs the log at
/// every commit, so an acknowledged write survives a crash of the process and of the machine.
const SQLITE_PRAGMAS: [&str; 3] = ["PRAGMA journal_mode=WAL", "PRAGMA busy_timeout=10000", "PRAGMA foreign_keys=ON"];

/// How SQLite syncs its write-ahead log at a commit. `Full` is the product and the only choice of
/// `Db::open`; `Normal` (a machine crash may lose the last commits, a process crash loses
/// nothing) exists so `uplink bench load` can measure what durability costs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SqliteSync {
    #[default]
    Full,
    Normal,
}

async fn set_pragmas(c: &mut AnyConnection, sync: SqliteSync) -> Result<(), sqlx::Error> {
    for p in SQLITE_PRAGMAS {
        sqlx::query(p).execute(&mut *c).await?;
    }
    let s = match sync {
        SqliteSync::Full => "PRAGMA synchronous=FULL",
        SqliteSync::Normal => "PRAGMA synchronous=NORMAL",
    };
    sqlx::query(s).execute(&mut *c).await?;
    Ok(())
}

fn sqlite_pragmas(
    sync: SqliteSync,
) -> impl Fn(
    &mut sqlx::AnyConnection,
    sqlx::pool::PoolConnectionMetadata,
) -> futures_core::future::BoxFuture<'_, Result<(), sqlx::Error>>
+ Send
+ Sync
+ 'static {
    move |c, _| Box::pin(set_pragmas(c, sync))
}

/// One handle over either backend. On SQLite, writes go through a single connection with group
/// commit (SQLite allows one writer; queueing in-process beats retrying on `SQLITE_BUSY`; see
/// [`crate::writer`]) and reads through a pool; on PostgreSQL both are the same pool, and the
/// server groups commits itself.
#[derive(Clone)]
pub struct Db {
    read: AnyPool,
    pub(crate) write: Writes,
    backend: Backend,
}

#[derive(Clone)]
pub(crate) enum Writes {
    Pool(AnyPool),
    Batched(Arc<Writer>),
}

/// The write transaction of one use case, over either backend; it derefs to the connection the
/// repositories take. Dropped without `commit`, it rolls back (on SQLite, to its savepoint).
pub struct Tx(TxOn);

enum TxOn {
    Pool(sqlx::Transaction<'static, Any>),
    Batched(Slot),
}

impl Tx {
    /// Commits; returns once the write is durable (on SQLite, once its batch has committed).
    pub async fn commit(self) -> Result<(), StoreError> {
        match self.0 {
            TxOn::Pool(t) => Ok(t.commit().await?),
            TxOn::Batched(s) => Ok(s.commit().await?),
        }
    }
}

impl Tx {
    /// Runs the use case's last statement (`sql`, arguments bound by `bind`) and commits; on
    /// SQLite both go to the writer in one round trip.
    pub(crate) async fn commit_with_last(self, sql: &str, bind: Binder) -> Result<(), StoreError> {
        match self.0 {
            TxOn::Pool(mut t) => {
                bind(sqlx::query(sql)).execute(&mut *t).await?;
                Ok(t.commit().await?)
            }
            TxOn::Batched(s) => Ok(s.commit_with_last(sql, bind).await?),
        }
    }
}

impl Deref for Tx {
    type Target = AnyConnection;
    fn deref(&self) -> &AnyConnection {
        match &self.0 {
            TxOn::Pool(t) => t,
            TxOn::Batched(s) => s.conn_ref(),
        }
    }
}

impl DerefMut for Tx {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        match &mut self.0 {
            TxOn::Pool(t) => t,
            TxOn::Batched(s) => s.conn(),
        }
    }
}

impl Db {
    /// Connects and brings the schema up to date.
    pub async fn open(url: &DbUrl) -> Result<Db, StoreError> {
        let db = Db::connect(url).await?;
        crate::migrate::run(&db).await?;
        Ok(db)
    }

    /// Connects without migrating.
    pub async fn connect(url: &DbUrl) -> Result<Db, StoreError> {
        Db::connect_with(url, SqliteSync::Full).await
    }

    /// Connects and migrates with a chosen SQLite sync mode; for the load benchmark only.
    pub async fn open_for_benchmark(url: &DbUrl, sync: SqliteSync) -> Result<Db, StoreError> {
        let db = Db::connect_with(url, sync).await?;
        crate::migrate::run(&db).await?;
        Ok(db)
    }

    async fn connect_with(url: &DbUrl, sync: SqliteSync) -> Result<Db, StoreError> {
        sqlx::any::install_default_drivers();
        match url.backend {
            Backend::Sqlite => {
                let raw = url.as_str();
                let with_mode = if raw.contains('?') { raw.to_string() } else { format!("{raw}?mode=rwc") };
                let opts = AnyConnectOptions::from_str(&with_mode)?.disable_statement_logging();
                // Create the file and switch it to WAL before readers open it.
                let mut conn = AnyConnection::connect_with(&opts).await?;
                set_pragmas(&mut conn, sync).await?;
                let write = Writes::Batched(Arc::new(Writer::new(conn)));
                let read = AnyPoolOptions::new()
                    .max_connections(4)
                    .after_connect(sqlite_pragmas(sync))
                    .connect_with(opts)
                    .await?;
                Ok(Db { read, write, backend: Backend::Sqlite })
            }
            Backend::Postgres => {
                let opts = AnyConnectOptions::from_str(url.as_str())?.disable_statement_logging();
                let pool = AnyPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(30))
                    .connect_with(opts)
                    .await?;
                Ok(Db { read: pool.clone(), write: Writes::Pool(pool), backend: Backend::Postgres })
            }
        }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// A transaction for a use case that writes.
    pub async fn begin(&self) -> Result<Tx, StoreError> {
        Ok(Tx(match &self.write {
            Writes::Pool(p) => TxOn::Pool(p.begin().await?),
            Writes::Batched(w) => TxOn::Batched(w.begin().await?),
        }))
    }

    /// A transaction whose first statement is `sql` (arguments bound by `bind`); returns whether
    /// that statement gave a row. On SQLite it goes to the writer in one round trip with the
    /// savepoint that opens the use case.
    pub(crate) async fn begin_with_first(&self, sql: &str, bind: Binder) -> Result<(Tx, bool), StoreError> {
        match &self.write {
            Writes::Pool(p) => {
                let mut t = p.begin().await?;
                let row = bind(sqlx::query(sql)).fetch_optional(&mut *t).await?;
                Ok((Tx(TxOn::Pool(t)), row.is_some()))
            }
            Writes::Batched(w) => {
                let (slot, row) = w.begin_with_first(sql, bind).await?;
                Ok((Tx(TxOn::Batched(slot)), row))
            }
        }
    }

    /// A pooled connection for reads.
    pub async fn reader(&self) -> Result<sqlx::pool::PoolConnection<Any>, StoreError> {
        Ok(self.read.acquire().await?)
    }

    /// Whether the database answers; for `/readyz`.
    pub async fn ping(&self) -> Result<(), StoreError> {
        let mut c = self.read.acquire().await?;
        c.ping().await?;
        Ok(())
    }

    pub async fn close(&self) {
        self.read.close().await;
        match &self.write {
            Writes::Pool(p) => p.close().await,
            Writes::Batched(w) => w.close().await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_checked_and_passwords_hidden() {
        assert_eq!(DbUrl::parse("sqlite://uplink.db").unwrap().backend(), Backend::Sqlite);
        let pg = DbUrl::parse("postgres://app:s3cret@db.example:5432/uplink").unwrap();
        assert_eq!(pg.backend(), Backend::Postgres);
        assert!(!format!("{pg:?}").contains("s3cret"));
        assert!(!pg.to_string().contains("s3cret"));
        let e = DbUrl::parse("mysql://x").unwrap_err().to_string();
        assert!(e.contains("unknown database scheme 'mysql'"), "{e}");
        let e = DbUrl::parse("sqlite:///no/such/folder/uplink.db").unwrap_err().to_string();
        assert!(e.contains("does not exist"), "{e}");
    }
}
