//! SQLite's one writer connection, with group commit. SQLite allows one writer at a time, so the
//! write use cases queue for this connection, and on a durable database every COMMIT waits for
//! the write-ahead log to reach the disk. Group commit shares that wait: the connection keeps one
//! outer transaction (a *batch*) open while use cases queue, each use case runs inside its own
//! SAVEPOINT (released when it commits, rolled back to when it fails or is dropped, so one failure
//! never undoes the others), and the batch commits with one COMMIT — one sync — when no use case
//! is waiting any more, or when it holds [`MAX_BATCH`] use cases or has been open [`MAX_OPEN`].
//!
//! A use case's commit returns only after its batch's COMMIT succeeded, so nothing is acknowledged
//! before it is durable; when the COMMIT fails, every use case of the batch gets the error. While
//! a batch is open, later use cases of the same batch see the earlier ones' writes, exactly as if
//! they had committed one by one; readers on other connections see a batch only once it commits.

use futures_core::future::BoxFuture;
use sqlx::AnyConnection;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::{Mutex, OwnedMutexGuard, watch};

/// Most use cases one COMMIT acknowledges.
const MAX_BATCH: usize = 64;
/// Longest a batch stays open while use cases keep arriving: the latency group commit may add.
const MAX_OPEN: Duration = Duration::from_millis(4);
/// A use case left waiting this long for its batch commits the batch itself (the use case that
/// was to do it went away, e.g. its client hung up while it queued).
const NUDGE_AFTER: Duration = Duration::from_millis(20);
/// How long a use case waits for the connection before giving up, as a pool's acquire would.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(30);

/// Binds the arguments of a statement run together with the writer's own.
pub(crate) type Binder = Box<
    dyn for<'q> FnOnce(
            sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
        ) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>
        + Send,
>;

/// How a batch ended, for the use cases waiting on it: `None` while it is open.
type Outcome = Option<Result<(), String>>;

pub(crate) struct Writer {
    state: Arc<Mutex<State>>,
    /// Use cases waiting for the connection: while there are some, a batch stays open for them.
    queued: AtomicUsize,
}

struct State {
    /// `None` once the database is closed.
    conn: Option<AnyConnection>,
    batch: Option<Batch>,
    /// A use case ended without committing: its savepoint is rolled back before anything else.
    abandoned: bool,
    batches: u64,
    /// [`MAX_OPEN`], except in tests that need a batch to wait for them.
    max_open: Duration,
}

struct Batch {
    id: u64,
    opened: Instant,
    /// Use cases released into this batch, waiting for its COMMIT.
    members: usize,
    done: watch::Sender<Outcome>,
}

/// The connection, held by one use case between `begin` and `commit`.
pub(crate) struct Slot {
    writer: Arc<Writer>,
    guard: Option<OwnedMutexGuard<State>>,
}

/// Runs one statement that takes no arguments (boxed, so the futures that hold it stay `Send`).
fn exec<'c>(c: &'c mut AnyConnection, sql: &'static str) -> BoxFuture<'c, Result<(), sqlx::Error>> {
    Box::pin(async move { sqlx::query(sql).execute(c).await.map(|_| ()) })
}

fn closed() -> sqlx::Error {
    sqlx::Error::PoolClosed
}

impl State {
    fn conn(&mut self) -> Result<&mut AnyConnection, sqlx::Error> {
        self.conn.as_mut().ok_or_else(closed)
    }

    /// Rolls back the savepoint of a use case that ended without committing. If even that fails,
    /// the batch cannot be trusted and is rolled back whole.
    async fn undo_abandoned(&mut self) -> Result<(), sqlx::Error> {
        if !self.abandoned {
            return Ok(());
        }
        self.abandoned = false;
        let c = self.conn()?;
        let r = match exec(c, "ROLLBACK TO SAVEPOINT use_case").await {
            Ok(()) => exec(c, "RELEASE SAVEPOINT use_case").await,
            Err(e) => Err(e),
        };
        if let Err(e) = r {
            self.abort(&e.to_string()).await;
            return Err(e);
        }
        Ok(())
    }

    /// Ends the batch without committing and tells its use cases why.
    async fn abort(&mut self, why: &str) {
        if let Some(c) = self.conn.as_mut() {
            // Ignored: after some failures SQLite has already rolled back.
            let _ = exec(c, "ROLLBACK").await;
        }
        if let Some(b) = self.batch.take() {
            b.done.send_replace(Some(Err(why.to_string())));
        }
    }

    /// Commits the open batch and tells its use cases; returns the caller's own outcome.
    async fn flush(&mut self) -> Result<(), sqlx::Error> {
        self.undo_abandoned().await?;
        let Some(batch) = self.batch.take() else { return Ok(()) };
        let c = self.conn()?;
        match exec(c, "COMMIT").await {
            Ok(()) => {
                batch.done.send_replace(Some(Ok(())));
                Ok(())
            }
            Err(e) => {
                let why = e.to_string();
                self.batch = Some(batch);
                self.abort(&why).await;
                Err(batch_failed(&why))
            }
        }
    }
}

/// Counts a use case as waiting for the connection until it gets it (or gives up).
struct Queued<'a>(&'a AtomicUsize);

impl Drop for Queued<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

impl Writer {
    pub(crate) fn new(conn: AnyConnection) -> Writer {
        let state = State { conn: Some(conn), batch: None, abandoned: false, batches: 0, max_open: MAX_OPEN };
        Writer { state: Arc::new(Mutex::new(state)), queued: AtomicUsize::new(0) }
    }

    async fn lock(&self) -> Result<OwnedMutexGuard<State>, sqlx::Error> {
        tokio::time::timeout(ACQUIRE_TIMEOUT, self.state.clone().lock_owned())
            .await
            .map_err(|_| sqlx::Error::PoolTimedOut)
    }

    /// Waits for the connection and opens a batch, if none is open.
    async fn open(&self) -> Result<OwnedMutexGuard<State>, sqlx::Error> {
        let mut g = {
            self.queued.fetch_add(1, Ordering::AcqRel);
            let _queued = Queued(&self.queued);
            self.lock().await?
        };
        g.undo_abandoned().await?;
        if g.batch.is_none() {
            exec(g.conn()?, "BEGIN IMMEDIATE").await?;
            g.batches += 1;
            let id = g.batches;
            g.batch = Some(Batch { id, opened: Instant::now(), members: 0, done: watch::channel(None).0 });
        }
        Ok(g)
    }

    /// Waits for the connection and opens the use case's savepoint (and a batch, if none is open).
    pub(crate) async fn begin(self: &Arc<Self>) -> Result<Slot, sqlx::Error> {
        let mut g = self.open().await?;
        exec(g.conn()?, "SAVEPOINT use_case").await?;
        Ok(Slot { writer: self.clone(), guard: Some(g) })
    }

    /// [`Writer::begin`], running the use case's first statement (`sql`, its arguments bound by
    /// `bind`) in the same round trip to SQLite as the savepoint; returns whether it gave a row.
    /// Relies on sqlx-sqlite running every statement of one query text with `$N` arguments
    /// (deprecated upstream for later versions); the writer's tests fail if that changes.
    pub(crate) async fn begin_with_first(
        self: &Arc<Self>,
        sql: &str,
        bind: Binder,
    ) -> Result<(Slot, bool), sqlx::Error> {
        let g = self.open().await?;
        let mut slot = Slot { writer: self.clone(), guard: Some(g) };
        let text = format!("SAVEPOINT use_case; {sql}");
        // On an error the savepoint may or may not be open: dropping the slot rolls back to it,
        // and if it was never opened that rollback fails and ends the batch, which fails safe.
        // `fetch_all`: the driver's `fetch_optional` would stop at the savepoint's empty result.
        let rows = bind(sqlx::query(&text)).fetch_all(slot.conn()).await?;
        Ok((slot, !rows.is_empty()))
    }

    /// Rolls back what an abandoned use case left and, when nobody else will, ends the batch.
    async fn tidy(&self) {
        let Ok(mut g) = self.lock().await else { return };
        if g.undo_abandoned().await.is_err() || self.queued.load(Ordering::Acquire) > 0 {
            return;
        }
        match g.batch.as_ref().map(|b| b.members) {
            Some(0) => g.abort("nothing to commit").await,
            Some(_) => {
                if let Err(e) = g.flush().await {
                    tracing::error!(error = %e, "group commit failed");
                }
            }
            None => {}
        }
    }

    /// Waits until batch `id` has committed (committing it after [`NUDGE_AFTER`] if nobody did).
    async fn wait_for(&self, id: u64, mut rx: watch::Receiver<Outcome>) -> Result<(), sqlx::Error> {
        loop {
            let waited = tokio::time::timeout(NUDGE_AFTER, rx.wait_for(Option::is_some))
                .await
                .map(|r| r.map(|outcome| outcome.clone().unwrap_or(Ok(()))));
            match waited {
                Ok(Ok(outcome)) => return outcome.map_err(|why| batch_failed(&why)),
                Ok(Err(_)) => return Err(batch_failed("the batch was dropped")),
                Err(_) => {
                    let mut g = self.lock().await?;
                    if g.batch.as_ref().is_some_and(|b| b.id == id) {
                        // Our own outcome arrives through `rx` like everyone else's.
                        let _ = g.flush().await;
                    }
                }
            }
        }
    }

    pub(crate) async fn close(&self) {
        let mut g = self.state.clone().lock_owned().await;
        let _ = g.undo_abandoned().await;
        if g.batch.as_ref().is_some_and(|b| b.members > 0) {
            let _ = g.flush().await;
        } else if g.batch.is_some() {
            g.abort("the database is closing").await;
        }
        if let Some(c) = g.conn.take() {
            let _ = sqlx::Connection::close(c).await;
        }
    }
}

fn batch_failed(why: &str) -> sqlx::Error {
    sqlx::Error::Io(std::io::Error::other(format!("the group commit failed: {why}")))
}

impl Slot {
    pub(crate) fn conn_ref(&self) -> &AnyConnection {
        match self.guard.as_ref().and_then(|g| g.conn.as_ref()) {
            Some(c) => c,
            None => unreachable!("a use case's connection is held until it commits"),
        }
    }

    pub(crate) fn conn(&mut self) -> &mut AnyConnection {
        match self.guard.as_mut().and_then(|g| g.conn.as_mut()) {
            Some(c) => c,
            // `begin` only hands out a slot over an open connection, and only `commit` takes it.
            None => unreachable!("a use case's connection is held until it commits"),
        }
    }

    /// Releases the use case's savepoint into the batch and returns once the batch is durable.
    pub(crate) async fn commit(self) -> Result<(), sqlx::Error> {
        self.commit_with_last("", Box::new(|q| q)).await
    }

    /// [`Slot::commit`], running the use case's last statement (`sql`, empty for none) in the
    /// same round trip to SQLite as the release of its savepoint. When either fails, the
    /// savepoint is still open (SQLite stops at the first failing statement) and is rolled back.
    pub(crate) async fn commit_with_last(mut self, sql: &str, bind: Binder) -> Result<(), sqlx::Error> {
        let writer = self.writer.clone();
        let Some(mut g) = self.guard.take() else { return Err(closed()) };
        let released = if sql.is_empty() {
            exec(g.conn()?, "RELEASE SAVEPOINT use_case").await
        } else {
            let text = format!("{sql}; RELEASE SAVEPOINT use_case");
            bind(sqlx::query(&text)).execute(g.conn()?).await.map(|_| ())
        };
        if let Err(e) = released {
            g.abandoned = true;
            self.guard = Some(g);
            return Err(e);
        }
        let Some(batch) = g.batch.as_mut() else { return Err(batch_failed("no batch open")) };
        batch.members += 1;
        let (id, rx) = (batch.id, batch.done.subscribe());
        let full = batch.members >= MAX_BATCH || batch.opened.elapsed() >= g.max_open;
        if full || writer.queued.load(Ordering::Acquire) == 0 {
            return g.flush().await;
        }
        drop(g);
        writer.wait_for(id, rx).await
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let Some(mut g) = self.guard.take() else { return };
        g.abandoned = true;
        drop(g);
        if let Ok(rt) = tokio::runtime::Handle::try_current() {
            let writer = self.writer.clone();
            rt.spawn(async move { writer.tidy().await });
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{Db, DbUrl, StoreError};
    use std::time::Duration;

    async fn fresh() -> Db {
        let dir = std::env::temp_dir().join("uplink-tests");
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join(format!("writer-{}.db", uuid::Uuid::now_v7().simple()));
        let db = Db::connect(&DbUrl::parse(&format!("sqlite://{}", file.display())).unwrap()).await.unwrap();
        let mut tx = db.begin().await.unwrap();
        sqlx::raw_sql(
            "CREATE TABLE parent (id INTEGER PRIMARY KEY); \
             CREATE TABLE child (id INTEGER PRIMARY KEY, \
                 parent INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED); \
             INSERT INTO parent (id) VALUES (1);",
        )
        .execute(&mut *tx)
        .await
        .unwrap();
        tx.commit().await.unwrap();
        // Debug builds are slow: let the tests' batches stay open for them.
        batched(&db).state.lock().await.max_open = Duration::from_secs(60);
        db
    }

    async fn children(db: &Db) -> Vec<i64> {
        let mut c = db.reader().await.unwrap();
        sqlx::query_scalar("SELECT id FROM child ORDER BY id").fetch_all(&mut *c).await.unwrap()
    }

    async fn add_child(db: &Db, id: i64, parent: i64) -> Result<(), StoreError> {
        let mut tx = db.begin().await?;
        sqlx::query("INSERT INTO child (id, parent) VALUES ($1, $2)").bind(id).bind(parent).execute(&mut *tx).await?;
        tx.commit().await
    }

    fn batched(db: &Db) -> &std::sync::Arc<super::Writer> {
        match &db.write {
            crate::db::Writes::Batched(w) => w,
            crate::db::Writes::Pool(_) => unreachable!("SQLite writes are batched"),
        }
    }

    /// Waits until `n` use cases queue for the connection (behind one that holds it).
    async fn wait_queued(db: &Db, n: usize) {
        let w = batched(db);
        while w.queued.load(std::sync::atomic::Ordering::Acquire) < n {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn one_commit_acknowledges_a_batch_and_a_failed_use_case_undoes_only_itself() {
        let db = fresh().await;
        let before = batched(&db).state.lock().await.batches;
        let mut first = db.begin().await.unwrap();
        sqlx::query("INSERT INTO child (id, parent) VALUES (1, 1)").execute(&mut *first).await.unwrap();
        let ok = tokio::spawn({
            let db = db.clone();
            async move { add_child(&db, 2, 1).await }
        });
        let failing = tokio::spawn({
            let db = db.clone();
            async move {
                let mut tx = db.begin().await.unwrap();
                sqlx::query("INSERT INTO child (id, parent) VALUES (3, 1)").execute(&mut *tx).await.unwrap();
                // A duplicate key: the use case fails and drops its transaction.
                sqlx::query("INSERT INTO child (id, parent) VALUES (1, 1)").execute(&mut *tx).await.map(|_| ())
            }
        });
        let last = tokio::spawn({
            let db = db.clone();
            async move { add_child(&db, 4, 1).await }
        });
        wait_queued(&db, 3).await;
        first.commit().await.unwrap();
        ok.await.unwrap().unwrap();
        assert!(failing.await.unwrap().is_err(), "the duplicate key is refused");
        last.await.unwrap().unwrap();
        // Every acknowledged use case is visible to readers, the failed one left nothing, and one
        // COMMIT acknowledged them all.
        assert_eq!(children(&db).await, vec![1, 2, 4]);
        assert_eq!(batched(&db).state.lock().await.batches, before + 1);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_first_and_a_last_statement_share_the_writers_round_trips() {
        let db = fresh().await;
        let insert = "INSERT INTO child (id, parent) VALUES ($1, 1) ON CONFLICT (id) DO NOTHING RETURNING id";
        let (tx, row) = db.begin_with_first(insert, Box::new(|q| q.bind(1_i64))).await.unwrap();
        assert!(row, "the first statement's row comes back");
        tx.commit_with_last("INSERT INTO child (id, parent) VALUES ($1, 1)", Box::new(|q| q.bind(2_i64)))
            .await
            .unwrap();
        assert_eq!(children(&db).await, vec![1, 2]);
        // A first statement that gives no row.
        let (tx, row) = db.begin_with_first(insert, Box::new(|q| q.bind(1_i64))).await.unwrap();
        assert!(!row, "a conflict returns nothing");
        drop(tx);
        // A last statement that fails undoes the whole use case, and only it.
        let mut other = db.begin().await.unwrap();
        sqlx::query("INSERT INTO child (id, parent) VALUES (3, 1)").execute(&mut *other).await.unwrap();
        other.commit().await.unwrap();
        let (tx, _) = db.begin_with_first(insert, Box::new(|q| q.bind(4_i64))).await.unwrap();
        let e = tx.commit_with_last("INSERT INTO child (id, parent) VALUES ($1, 1)", Box::new(|q| q.bind(1_i64))).await;
        assert!(e.is_err(), "the duplicate key is refused");
        add_child(&db, 5, 1).await.unwrap();
        assert_eq!(children(&db).await, vec![1, 2, 3, 5]);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_failed_commit_fails_every_use_case_of_its_batch() {
        let db = fresh().await;
        let mut first = db.begin().await.unwrap();
        // Violates a deferred foreign key: accepted now, refused by the batch's COMMIT.
        sqlx::query("INSERT INTO child (id, parent) VALUES (1, 99)").execute(&mut *first).await.unwrap();
        let others: Vec<_> = [2, 3]
            .into_iter()
            .map(|id| {
                let db = db.clone();
                tokio::spawn(async move { add_child(&db, id, 1).await })
            })
            .collect();
        wait_queued(&db, 2).await;
        let e = first.commit().await.unwrap_err().to_string();
        assert!(e.contains("group commit failed"), "{e}");
        for o in others {
            let e = o.await.unwrap().unwrap_err().to_string();
            assert!(e.contains("group commit failed"), "{e}");
        }
        assert!(children(&db).await.is_empty(), "nothing of the failed batch was kept");
        // The writer goes on with a new batch.
        add_child(&db, 5, 1).await.unwrap();
        assert_eq!(children(&db).await, vec![5]);
    }
}
