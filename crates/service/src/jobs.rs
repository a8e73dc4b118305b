//! Background work that survives restarts: scheduled tasks are rows (`scheduled_tasks`), due
//! at a time, each done exactly once. A task is claimed by marking it done inside the same
//! transaction that does its work; if the work fails the claim rolls back with it, and a second
//! worker (another process, or a retry after a crash) finds it done or does it itself.

use crate::error::Result;
use crate::order_moves::{accept_and_settle, cancel_in};
use uplink_core::order::OrderState;
use uplink_store::Db;
use uplink_store::orders::{self as repo, Task};

/// Accept a delivered order the buyer did not accept within the county's window.
pub const AUTO_ACCEPT: &str = "auto_accept";
/// Pay the agent's commission once the return window has closed.
pub const RELEASE_COMMISSION: &str = "release_commission";
/// Cancel an order left unpaid past the reservation time, giving its stock back.
pub const EXPIRE_RESERVATION: &str = "expire_reservation";

/// Does every task due at `now_us`; returns how many were done. Call it periodically (the
/// server does, every few seconds); tests call it with a time in the future.
pub async fn run_due(db: &Db, now_us: i64) -> Result<usize> {
    // Claim decisions whose appeal window has closed become final, and both sides are told.
    let mut done = crate::claims::finalize_due(db, now_us).await?;
    // The dashboard's aggregate catches up with the orders changed since (issue 8); a failure
    // leaves the days dirty (read raw meanwhile) and must not hold up the tasks below.
    if let Err(e) = crate::dashboard::refresh(db, now_us).await {
        tracing::error!(error = %e, "dashboard refresh failed");
    }
    loop {
        let batch = {
            let mut c = db.reader().await?;
            repo::due_tasks(&mut c, now_us, 100).await?
        };
        if batch.is_empty() {
            return Ok(done);
        }
        let n = batch.len();
        for t in batch {
            match run_one(db, &t, now_us).await {
                Ok(true) => done += 1,
                Ok(false) => {}
                Err(e) => {
                    // Leave it due; it is tried again next round. Log and move on so one bad
                    // task does not stop the others.
                    tracing::error!(task = %t.task_id, kind = %t.kind, error = %e, "scheduled task failed");
                    mark_failed(db, &t, now_us, &e.to_string()).await?;
                }
            }
        }
        if n < 100 {
            return Ok(done);
        }
    }
}

/// A task that failed is marked done with its error, so it cannot loop forever; the failure is
/// in the log and in `outcome` for the operator.
async fn mark_failed(db: &Db, t: &Task, now_us: i64, why: &str) -> Result<()> {
    let mut tx = db.begin().await?;
    repo::claim_task(&mut tx, t, now_us, &format!("failed: {why}")).await?;
    tx.commit().await?;
    Ok(())
}

async fn run_one(db: &Db, t: &Task, now_us: i64) -> Result<bool> {
    let mut tx = db.begin().await?;
    if !repo::claim_task(&mut tx, t, now_us, "done").await? {
        return Ok(false);
    }
    // A pre-order window's task carries the window's id (issue 4).
    if crate::windows::run_task(&mut tx, t, now_us).await? {
        tx.commit().await?;
        return Ok(true);
    }
    let Some(mut o) = repo::get_order(&mut tx, t.county_id, t.order_id).await? else {
        tx.commit().await?;
        return Ok(true);
    };
    match (t.kind.as_str(), o.state) {
        (AUTO_ACCEPT, OrderState::Delivered) => {
            accept_and_settle(&mut tx, None, &mut o, Some("accepted automatically after the window"), now_us).await?
        }
        (RELEASE_COMMISSION, OrderState::Settled) => {
            if let Some(agent) = o.agent_id {
                crate::ledger::release_commission(&mut tx, o.county_id, o.id, agent).await?;
            }
        }
        (EXPIRE_RESERVATION, OrderState::Placed) => {
            cancel_in(&mut tx, None, &mut o, Some("unpaid past the reservation time"), now_us).await?
        }
        // The order moved on (paid, accepted, returned …): nothing left to do.
        _ => {}
    }
    tx.commit().await?;
    Ok(true)
}
