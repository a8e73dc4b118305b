//! What the ledger shows: an account's statement with the balance after each line, and the
//! county's trial balance, whose credits and debits must be equal.

use crate::error::StoreError;
use crate::row::{self, PageReq};
use serde::Serialize;
use sqlx::AnyConnection;
use uplink_core::ledger::{AccountKey, AccountKind, Normal, TransferCode, TransferState};
use uplink_core::{CountyId, Fen, OrderId};
use utoipa::ToSchema;
use uuid::Uuid;

/// One transfer as the account holder sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct StatementLine {
    pub transfer_id: Uuid,
    pub at_us: i64,
    pub code: TransferCode,
    pub state: TransferState,
    /// The other account of the transfer.
    #[schema(value_type = String)]
    pub counterparty: AccountKey,
    /// Signed on the account's normal side: positive when it grows the balance.
    #[schema(value_type = i64)]
    pub amount: Fen,
    /// The posted balance after this line (pending and voided lines do not change it).
    #[schema(value_type = i64)]
    pub balance_after: Fen,
    #[schema(value_type = Option<String>)]
    pub order_id: Option<OrderId>,
    pub reference: String,
    pub pending_id: Option<Uuid>,
}

/// A page of an account's statement, newest first.
pub async fn statement(
    c: &mut AnyConnection,
    county: CountyId,
    key: AccountKey,
    p: PageReq,
) -> Result<(Vec<StatementLine>, i64), StoreError> {
    let filter = "FROM ledger_transfers WHERE county_id = $1 AND (debit_account = $2 OR credit_account = $2)";
    let total: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) {filter}"))
        .bind(county.to_string())
        .bind(key.to_string())
        .fetch_one(&mut *c)
        .await?;
    // The running sum is taken over the whole history before the page is cut, so each line's
    // balance is right whatever the page. credit − debit; flipped below for debit-normal accounts.
    let sql = format!(
        "SELECT * FROM (SELECT transfer_id, debit_account, credit_account, amount_fen, state, code, pending_id, \
         order_id, reference, created_us, CAST(SUM(CASE WHEN state = 'posted' THEN \
         (CASE WHEN credit_account = $2 THEN amount_fen ELSE -amount_fen END) ELSE 0 END) \
         OVER (ORDER BY created_us, transfer_id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS BIGINT) AS running \
         {filter}) s ORDER BY created_us DESC, transfer_id DESC LIMIT $3 OFFSET $4"
    );
    let rows = sqlx::query(&sql)
        .bind(county.to_string())
        .bind(key.to_string())
        .bind(p.limit)
        .bind(p.offset)
        .fetch_all(&mut *c)
        .await?;
    let sign = match key.normal() {
        Normal::Credit => 1,
        Normal::Debit => -1,
    };
    let lines = rows
        .iter()
        .map(|r| {
            let debit: AccountKey = row::choice(r, "debit_account", AccountKey::parse)?;
            let credit: AccountKey = row::choice(r, "credit_account", AccountKey::parse)?;
            let amount = row::int(r, "amount_fen")?;
            let (counterparty, signed) = if credit == key { (debit, amount) } else { (credit, -amount) };
            Ok(StatementLine {
                transfer_id: row::id(r, "transfer_id")?,
                at_us: row::int(r, "created_us")?,
                code: row::choice(r, "code", TransferCode::parse)?,
                state: row::choice(r, "state", TransferState::parse)?,
                counterparty,
                amount: Fen(sign * signed),
                balance_after: Fen(sign * row::int(r, "running")?),
                order_id: row::opt_id(r, "order_id")?,
                reference: row::text(r, "reference")?,
                pending_id: row::opt_id(r, "pending_id")?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok((lines, total))
}

/// The totals of one kind of account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct TrialRow {
    pub kind: AccountKind,
    pub normal: Normal,
    pub accounts: i64,
    pub debits_posted: i64,
    pub credits_posted: i64,
    pub debits_pending: i64,
    pub credits_pending: i64,
    /// The kind's posted balance on its normal side.
    pub balance: i64,
}

/// Every kind of account with its totals; debits and credits must be equal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct TrialBalance {
    pub rows: Vec<TrialRow>,
    pub total_debits: i64,
    pub total_credits: i64,
    /// Σ (credits − debits), posted: zero in a sound ledger.
    pub difference: i64,
    /// Σ (credits − debits), pending: zero too.
    pub pending_difference: i64,
    pub balanced: bool,
}

pub async fn trial_balance(c: &mut AnyConnection, county: CountyId) -> Result<TrialBalance, StoreError> {
    let rows = sqlx::query(
        "SELECT kind, COUNT(*) AS accounts, CAST(SUM(debits_posted) AS BIGINT) AS dp, \
         CAST(SUM(credits_posted) AS BIGINT) AS cp, CAST(SUM(debits_pending) AS BIGINT) AS dq, \
         CAST(SUM(credits_pending) AS BIGINT) AS cq FROM ledger_accounts WHERE county_id = $1 \
         GROUP BY kind ORDER BY kind",
    )
    .bind(county.to_string())
    .fetch_all(c)
    .await?;
    let rows = rows
        .iter()
        .map(|r| {
            let kind = row::choice(r, "kind", AccountKind::parse)?;
            let (dp, cp) = (row::int(r, "dp")?, row::int(r, "cp")?);
            let balance = match kind.normal() {
                Normal::Credit => cp - dp,
                Normal::Debit => dp - cp,
            };
            Ok(TrialRow {
                kind,
                normal: kind.normal(),
                accounts: row::int(r, "accounts")?,
                debits_posted: dp,
                credits_posted: cp,
                debits_pending: row::int(r, "dq")?,
                credits_pending: row::int(r, "cq")?,
                balance,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    let total_debits = rows.iter().map(|r| r.debits_posted).sum::<i64>();
    let total_credits = rows.iter().map(|r| r.credits_posted).sum::<i64>();
    let pending_difference = rows.iter().map(|r| r.credits_pending - r.debits_pending).sum::<i64>();
    let difference = total_credits - total_debits;
    Ok(TrialBalance {
        rows,
        total_debits,
        total_credits,
        difference,
        pending_difference,
        balanced: difference == 0 && pending_difference == 0,
    })
}
