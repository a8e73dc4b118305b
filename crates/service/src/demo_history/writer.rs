//! The writing side of a generated history: a task of its own takes each day's rows and writes
//! them (`store::history`) while the next days are generated, so on two cores generating and
//! writing overlap. On PostgreSQL the whole year is one transaction, so its foreign keys can be
//! checked once at the end (`store::history::start`); on SQLite a week is committed at a time,
//! keeping the write-ahead log small.

use crate::error::{Result, ServiceError};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use uplink_core::CountyId;
use uplink_store::history::{self as bulk, Batch};
use uplink_store::{Backend, Db, StoreError};

/// Days written per SQLite transaction: large enough to amortise the commit and its sync.
const DAYS_PER_TRANSACTION: usize = 7;
/// Days generated ahead of the writing (each waits in memory).
const DAYS_AHEAD: usize = 2;

pub(super) struct Writer {
    days: mpsc::Sender<Batch>,
    task: Option<JoinHandle<Result<()>>>,
}

impl Writer {
    pub(super) fn start(db: &Db, county: CountyId) -> Writer {
        let (days, rx) = mpsc::channel(DAYS_AHEAD);
        Writer { days, task: Some(tokio::spawn(write_days(db.clone(), county, rx))) }
    }

    /// Hands over a day's rows; if the writing has failed, returns its error.
    pub(super) async fn day(&mut self, batch: Batch) -> Result<()> {
        if self.days.send(batch).await.is_ok() {
            return Ok(());
        }
        // The receiver is dropped only when the task ends, which it does early only on an error.
        match self.task.take() {
            Some(task) => task_done(task).await.and(Err(stopped("without an error"))),
            None => Err(stopped("before")),
        }
    }

    /// Waits until every day handed over is written and committed.
    pub(super) async fn finish(mut self) -> Result<()> {
        drop(self.days);
        match self.task.take() {
            Some(task) => task_done(task).await,
            None => Err(stopped("before")),
        }
    }
}

fn stopped(how: &str) -> ServiceError {
    ServiceError::Store(StoreError::Corrupt(format!("the history's writing stopped {how}")))
}

async fn task_done(task: JoinHandle<Result<()>>) -> Result<()> {
    match task.await {
        Ok(r) => r,
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(e) => Err(stopped(&format!("({e})"))),
    }
}

async fn write_days(db: Db, county: CountyId, mut days: mpsc::Receiver<Batch>) -> Result<()> {
    let one_transaction = db.backend() == Backend::Postgres;
    let mut tx = db.begin().await?;
    let mut load = bulk::start(&mut tx).await?;
    let mut written = 0;
    while let Some(mut batch) = days.recv().await {
        bulk::write_part(&mut tx, county, &mut batch, &mut load).await?;
        written += 1;
        if !one_transaction && written % DAYS_PER_TRANSACTION == 0 {
            tx.commit().await?;
            tx = db.begin().await?;
        }
    }
    bulk::finish(&mut tx, county, load).await?;
    tx.commit().await?;
    Ok(())
}
