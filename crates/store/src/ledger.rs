//! The ledger's tables: accounts with their running totals, and append-only transfers. Every
//! function runs on the caller's connection, so a use case posts inside its own transaction.
//!
//! Concurrency: a posting that takes money out of an account (a debit of a credit-normal account,
//! a credit of a debit-normal one) updates the totals with a conditional `UPDATE … WHERE
//! <available> - amount >= floor_fen`: the row lock makes concurrent postings queue, and the
//! condition is re-checked on the latest row, so no interleaving overdraws. The condition is
//! `core::ledger::Totals::available` spelled in SQL. Accounts are updated in key order so two
//! opposite transfers cannot deadlock.

pub mod bank;
pub mod reports;

use crate::error::StoreError;
use crate::row::{self, PageReq};
use serde::Serialize;
use sqlx::AnyConnection;
use sqlx::any::AnyRow;
use uplink_core::ledger::{AccountKey, AccountKind, Normal, Refusal, Totals, TransferCode, TransferState, check_floor};
use uplink_core::{CountyId, Fen, OrderId};
use utoipa::ToSchema;
use uuid::Uuid;

/// A refused posting, or storage failing.
#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    #[error("refused: {0}")]
    Refused(#[from] Refusal),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for LedgerError {
    fn from(e: sqlx::Error) -> Self {
        LedgerError::Store(StoreError::classify(e))
    }
}

/// An account and its totals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Account {
    #[schema(value_type = String, example = "wallet:0190c3a2-…")]
    pub account: AccountKey,
    pub kind: AccountKind,
    pub normal: Normal,
    /// Posted balance on the normal side, fen.
    #[schema(value_type = i64)]
    pub balance: Fen,
    /// Balance less what pending transfers will take out, fen.
    #[schema(value_type = i64)]
    pub available: Fen,
    #[schema(value_type = i64)]
    pub floor: Fen,
    pub totals: Totals,
}

impl Account {
    fn new(key: AccountKey, floor: Fen, totals: Totals) -> Account {
        let n = key.normal();
        Account {
            account: key,
            kind: key.kind(),
            normal: n,
            balance: Fen(totals.balance(n)),
            available: Fen(totals.available(n)),
            floor,
            totals,
        }
    }
}

/// One row of `ledger_transfers`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Transfer {
    pub id: Uuid,
    #[schema(value_type = String)]
    pub debit: AccountKey,
    #[schema(value_type = String)]
    pub credit: AccountKey,
    #[schema(value_type = i64)]
    pub amount: Fen,
    pub state: TransferState,
    pub code: TransferCode,
    /// For a posting or voiding row: the pending transfer it resolves.
    pub pending_id: Option<Uuid>,
    #[schema(value_type = Option<String>)]
    pub order_id: Option<OrderId>,
    pub reference: String,
    pub created_us: i64,
}

/// What a new transfer or hold moves, and the business event that keys it (`idem`).
#[derive(Debug, Clone)]
pub struct Posting<'a> {
    pub debit: AccountKey,
    pub credit: AccountKey,
    pub amount: Fen,
    pub code: TransferCode,
    pub order: Option<OrderId>,
    pub reference: &'a str,
    /// Unique per county and event (`settle:<order>:seller`): the same event never posts twice.
    pub idem: &'a str,
}

fn totals_from(r: &AnyRow) -> Result<Totals, StoreError> {
    Ok(Totals {
        debits_posted: row::int(r, "debits_posted")?,
        credits_posted: row::int(r, "credits_posted")?,
        debits_pending: row::int(r, "debits_pending")?,
        credits_pending: row::int(r, "credits_pending")?,
    })
}

fn account_from(r: &AnyRow) -> Result<Account, StoreError> {
    let key = row::choice(r, "account_id", AccountKey::parse)?;
    Ok(Account::new(key, Fen(row::int(r, "floor_fen")?), totals_from(r)?))
}

fn transfer_from(r: &AnyRow) -> Result<Transfer, StoreError> {
    Ok(Transfer {
        id: row::id(r, "transfer_id")?,
        debit: row::choice(r, "debit_account", AccountKey::parse)?,
        credit: row::choice(r, "credit_account", AccountKey::parse)?,
        amount: Fen(row::int(r, "amount_fen")?),
        state: row::choice(r, "state", TransferState::parse)?,
        code: row::choice(r, "code", TransferCode::parse)?,
        pending_id: row::opt_id(r, "pending_id")?,
        order_id: row::opt_id(r, "order_id")?,
        reference: row::text(r, "reference")?,
        created_us: row::int(r, "created_us")?,
    })
}

/// Makes the account if it is not there yet (with floor 0), and returns it.
pub async fn get_or_create_account(
    c: &mut AnyConnection,
    county: CountyId,
    key: AccountKey,
) -> Result<Account, StoreError> {
    ensure_account(c, county, key).await?;
    get_account(c, county, key).await?.ok_or_else(|| StoreError::Corrupt(format!("account {key} vanished")))
}

async fn ensure_account(c: &mut AnyConnection, county: CountyId, key: AccountKey) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO ledger_accounts (county_id, account_id, kind, owner_id, normal, floor_fen, created_us) \
         VALUES ($1,$2,$3,$4,$5,0,$6) ON CONFLICT (county_id, account_id) DO NOTHING",
    )
    .bind(county.to_string())
    .bind(key.to_string())
    .bind(key.kind().as_str())
    .bind(key.owner().map(|o| o.to_string()))
    .bind(key.normal().as_str())
    .bind(crate::now_us())
    .execute(c)
    .await
    .map_err(StoreError::classify)?;
    Ok(())
}

pub async fn get_account(
    c: &mut AnyConnection,
    county: CountyId,
    key: AccountKey,
) -> Result<Option<Account>, StoreError> {
    let r = sqlx::query("SELECT * FROM ledger_accounts WHERE county_id = $1 AND account_id = $2")
        .bind(county.to_string())
        .bind(key.to_string())
        .fetch_optional(c)
        .await?;
    r.as_ref().map(account_from).transpose()
}

/// The account, or a zero one when it was never used: an unused account holds nothing.
pub async fn balance(c: &mut AnyConnection, county: CountyId, key: AccountKey) -> Result<Account, StoreError> {
    Ok(get_account(c, county, key).await?.unwrap_or_else(|| Account::new(key, Fen::ZERO, Totals::default())))
}

/// Sets the lowest balance a posting may leave (a seller's wallet may be allowed to go negative).
pub async fn set_floor(c: &mut AnyConnection, county: CountyId, key: AccountKey, floor: Fen) -> Result<(), StoreError> {
    ensure_account(c, county, key).await?;
    sqlx::query("UPDATE ledger_accounts SET floor_fen = $3 WHERE county_id = $1 AND account_id = $2")
        .bind(county.to_string())
        .bind(key.to_string())
        .bind(floor.0)
        .execute(c)
        .await?;
    Ok(())
}

/// Every account a person, order or station owns.
pub async fn accounts_of(c: &mut AnyConnection, county: CountyId, owner: Uuid) -> Result<Vec<Account>, StoreError> {
    let rows = sqlx::query("SELECT * FROM ledger_accounts WHERE county_id = $1 AND owner_id = $2 ORDER BY account_id")
        .bind(county.to_string())
        .bind(owner.to_string())
        .fetch_all(c)
        .await?;
    rows.iter().map(account_from).collect()
}

/// A page of the county's accounts, optionally of one kind or one owner.
pub async fn list_accounts(
    c: &mut AnyConnection,
    county: CountyId,
    kind: Option<AccountKind>,
    owner: Option<Uuid>,
    p: PageReq,
) -> Result<(Vec<Account>, i64), StoreError> {
    let filter = "FROM ledger_accounts WHERE county_id = $1 AND ($2 = '' OR kind = $2) AND ($3 = '' OR owner_id = $3)";
    let kind = kind.map(|k| k.as_str()).unwrap_or("");
    let owner = owner.map(|o| o.to_string()).unwrap_or_default();
    let total: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) {filter}"))
        .bind(county.to_string())
        .bind(kind)
        .bind(&owner)
        .fetch_one(&mut *c)
        .await?;
    let rows = sqlx::query(&format!("SELECT * {filter} ORDER BY account_id LIMIT $4 OFFSET $5"))
        .bind(county.to_string())
        .bind(kind)
        .bind(&owner)
        .bind(p.limit)
        .bind(p.offset)
        .fetch_all(&mut *c)
        .await?;
    Ok((rows.iter().map(account_from).collect::<Result<_, _>>()?, total))
}

pub async fn find_by_idem(c: &mut AnyConnection, county: CountyId, idem: &str) -> Result<Option<Transfer>, StoreError> {
    let r = sqlx::query("SELECT * FROM ledger_transfers WHERE county_id = $1 AND idem = $2")
        .bind(county.to_string())
        .bind(idem)
        .fetch_optional(c)
        .await?;
    r.as_ref().map(transfer_from).transpose()
}

/// The transfers of an order, oldest first.
pub async fn transfers_of_order(
    c: &mut AnyConnection,
    county: CountyId,
    order: OrderId,
) -> Result<Vec<Transfer>, StoreError> {
    let rows = sqlx::query(
        "SELECT * FROM ledger_transfers WHERE county_id = $1 AND order_id = $2 ORDER BY created_us, transfer_id",
    )
    .bind(county.to_string())
    .bind(order.to_string())
    .fetch_all(c)
    .await?;
    rows.iter().map(transfer_from).collect()
}

/// Moves money now.
pub async fn transfer(c: &mut AnyConnection, county: CountyId, p: &Posting<'_>) -> Result<Transfer, LedgerError> {
    create(c, county, p, TransferState::Posted).await
}

/// Reserves money: it stops being available on the side it leaves, and moves when posted.
pub async fn hold(c: &mut AnyConnection, county: CountyId, p: &Posting<'_>) -> Result<Transfer, LedgerError> {
    create(c, county, p, TransferState::Pending).await
}

/// Posts a pending transfer: the reserved money moves.
pub async fn post_pending(
    c: &mut AnyConnection,
    county: CountyId,
    pending: Uuid,
    code: TransferCode,
    idem: &str,
) -> Result<Transfer, LedgerError> {
    resolve(c, county, pending, TransferState::Posted, code, idem).await
}

/// Voids a pending transfer: the reserved money is available again where it was.
pub async fn void_pending(
    c: &mut AnyConnection,
    county: CountyId,
    pending: Uuid,
    code: TransferCode,
    idem: &str,
) -> Result<Transfer, LedgerError> {
    resolve(c, county, pending, TransferState::Voided, code, idem).await
}

/// The first transfer of this event when it is the same movement; else the key was misused.
fn replay(
    first: Transfer,
    debit: AccountKey,
    credit: AccountKey,
    amount: Fen,
    state: TransferState,
    idem: &str,
) -> Result<Transfer, LedgerError> {
    if first.debit == debit && first.credit == credit && first.amount == amount && first.state == state {
        Ok(first)
    } else {
        Err(Refusal::KeyReused(idem.to_string()).into())
    }
}

async fn create(
    c: &mut AnyConnection,
    county: CountyId,
    p: &Posting<'_>,
    state: TransferState,
) -> Result<Transfer, LedgerError> {
    if p.amount.0 <= 0 {
        return Err(Refusal::NotPositive.into());
    }
    if p.debit == p.credit {
        return Err(Refusal::SameAccount.into());
    }
    let (posted, pending) = match state {
        TransferState::Pending => (0, p.amount.0),
        _ => (p.amount.0, 0),
    };
    let moves = [
        Move { key: p.debit, debit: true, posted, pending, checked: true },
        Move { key: p.credit, debit: false, posted, pending, checked: true },
    ];
    match apply(c, county, moves, p.amount).await {
        Ok(()) => {}
        // Posted before, when there was money for it: the first posting is the answer.
        Err(LedgerError::Refused(r)) => {
            return match find_by_idem(c, county, p.idem).await? {
                Some(first) => replay(first, p.debit, p.credit, p.amount, state, p.idem),
                None => Err(r.into()),
            };
        }
        Err(e) => return Err(e),
    }
    let t = Transfer {
        id: Uuid::now_v7(),
        debit: p.debit,
        credit: p.credit,
        amount: p.amount,
        state,
        code: p.code,
        pending_id: None,
        order_id: p.order,
        reference: p.reference.to_string(),
        created_us: crate::now_us(),
    };
    record(c, county, t, p.idem, moves).await
}

async fn resolve(
    c: &mut AnyConnection,
    county: CountyId,
    pending: Uuid,
    state: TransferState,
    code: TransferCode,
    idem: &str,
) -> Result<Transfer, LedgerError> {
    let r =
        sqlx::query("SELECT * FROM ledger_transfers WHERE county_id = $1 AND transfer_id = $2 AND state = 'pending'")
            .bind(county.to_string())
            .bind(pending.to_string())
            .fetch_optional(&mut *c)
            .await?;
    let p = r.as_ref().map(transfer_from).transpose()?.ok_or(Refusal::NoSuchPending)?;
    if let Some(first) = find_by_idem(c, county, idem).await? {
        return replay(first, p.debit, p.credit, p.amount, state, idem);
    }
    let done: Option<String> =
        sqlx::query_scalar("SELECT transfer_id FROM ledger_transfers WHERE county_id = $1 AND pending_id = $2")
            .bind(county.to_string())
            .bind(pending.to_string())
            .fetch_optional(&mut *c)
            .await?;
    if done.is_some() {
        return Err(Refusal::AlreadyResolved.into());
    }
    // The reservation ends either way; only a posting moves the money. The amount was floor-
    // checked when it was reserved, so no check now.
    let a = p.amount.0;
    let posted = if state == TransferState::Posted { a } else { 0 };
    let moves = [
        Move { key: p.debit, debit: true, posted, pending: -a, checked: false },
        Move { key: p.credit, debit: false, posted, pending: -a, checked: false },
    ];
    apply(c, county, moves, p.amount).await?;
    let t = Transfer {
        id: Uuid::now_v7(),
        state,
        code,
        pending_id: Some(pending),
        reference: p.reference.clone(),
        created_us: crate::now_us(),
        ..p
    };
    record(c, county, t, idem, moves).await
}

/// Inserts the transfer whose moves were just applied. When its event was posted already (the
/// unique key on `idem` refuses the row), the moves are taken back and the first posting answers.
/// Trying the insert first, and looking the event up only when it is refused, saves a query on
/// every posting.
async fn record(
    c: &mut AnyConnection,
    county: CountyId,
    t: Transfer,
    idem: &str,
    moves: [Move; 2],
) -> Result<Transfer, LedgerError> {
    if insert(c, county, &t, idem).await? {
        return Ok(t);
    }
    undo(c, county, &moves, t.amount).await?;
    let first =
        find_by_idem(c, county, idem).await?.ok_or_else(|| StoreError::Corrupt(format!("transfer {idem} vanished")))?;
    replay(first, t.debit, t.credit, t.amount, t.state, idem)
}

/// One side of a transfer applied to one account's totals.
#[derive(Clone, Copy)]
struct Move {
    key: AccountKey,
    debit: bool,
    posted: i64,
    pending: i64,
    /// Whether this side must respect the account's floor (when it takes money out).
    checked: bool,
}

async fn apply(c: &mut AnyConnection, county: CountyId, mut moves: [Move; 2], amount: Fen) -> Result<(), LedgerError> {
    moves.sort_by_key(|m| m.key.to_string());
    if moves.iter().all(|m| guard(m).is_none()) {
        // Neither side can be refused: both accounts in one statement.
        return upsert_both(c, county, &moves).await;
    }
    for (i, m) in moves.iter().enumerate() {
        if !update(c, county, m, amount).await? {
            // The first side may already be applied: take it back, so that a caller who goes on
            // after a refusal (instead of rolling back) still finds the books as they were.
            undo(c, county, &moves[..i], amount).await?;
            let a = balance(c, county, m.key).await?;
            return Err(match check_floor(m.key, &a.totals, a.floor, amount) {
                Err(r) => r,
                // Refused by the database yet fine on re-reading: report the numbers anyway.
                Ok(()) => Refusal::BelowFloor { account: m.key, available: a.available, amount, floor: a.floor },
            }
            .into());
        }
    }
    Ok(())
}

/// Takes applied moves back.
async fn undo(c: &mut AnyConnection, county: CountyId, done: &[Move], amount: Fen) -> Result<(), LedgerError> {
    for m in done {
        let back = Move { posted: -m.posted, pending: -m.pending, checked: false, ..*m };
        update(c, county, &back, amount).await?;
    }
    Ok(())
}

/// The floor guard of a side that takes money out (`available - amount >= floor`, as
/// Totals::available computes it for each normal side); `None` for a side that cannot be refused.
fn guard(m: &Move) -> Option<&'static str> {
    let reduces = uplink_core::ledger::reduces(m.key.normal(), m.debit);
    match (m.checked && reduces, m.key.normal()) {
        (false, _) => None,
        (true, Normal::Credit) => Some("credits_posted - debits_posted - debits_pending - $5 >= floor_fen"),
        (true, Normal::Debit) => Some("debits_posted - credits_posted - credits_pending - $5 >= floor_fen"),
    }
}

/// An account row inserted where it exists already adds its totals to the existing ones.
pub(crate) const ADD_TOTALS_ON_CONFLICT: &str = " ON CONFLICT (county_id, account_id) DO UPDATE SET \
    debits_posted = ledger_accounts.debits_posted + excluded.debits_posted, \
    debits_pending = ledger_accounts.debits_pending + excluded.debits_pending, \
    credits_posted = ledger_accounts.credits_posted + excluded.credits_posted, \
    credits_pending = ledger_accounts.credits_pending + excluded.credits_pending";

/// Applies two sides that cannot be refused in one statement, making either account on first
/// use. The rows go in the order given (sorted by account), as the one-by-one updates lock them.
async fn upsert_both(c: &mut AnyConnection, county: CountyId, moves: &[Move; 2]) -> Result<(), LedgerError> {
    static SQL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        format!(
            "INSERT INTO ledger_accounts (county_id, account_id, debits_posted, debits_pending, credits_posted, \
             credits_pending, kind, owner_id, normal, floor_fen, created_us) \
             VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,0,$18), ($1,$10,$11,$12,$13,$14,$15,$16,$17,0,$18)\
             {ADD_TOTALS_ON_CONFLICT}"
        )
    });
    let mut q = sqlx::query(&SQL).bind(county.to_string());
    for m in moves {
        let (debits, credits) = if m.debit { ((m.posted, m.pending), (0, 0)) } else { ((0, 0), (m.posted, m.pending)) };
        q = q
            .bind(m.key.to_string())
            .bind(debits.0)
            .bind(debits.1)
            .bind(credits.0)
            .bind(credits.1)
            .bind(m.key.kind().as_str())
            .bind(m.key.owner().map(|o| o.to_string()))
            .bind(m.key.normal().as_str());
    }
    let r = q.bind(crate::now_us()).execute(&mut *c).await.map_err(StoreError::classify)?;
    if r.rows_affected() != 2 {
        return Err(StoreError::Corrupt(format!("a transfer touched {} accounts, not 2", r.rows_affected())).into());
    }
    Ok(())
}

/// Applies one side; false when the floor guard refused it. A side that takes money out runs a
/// guarded UPDATE (an account not made yet holds nothing, so it is refused); any other side
/// makes the account on first use in the same statement.
async fn update(c: &mut AnyConnection, county: CountyId, m: &Move, amount: Fen) -> Result<bool, LedgerError> {
    let (posted_col, pending_col) =
        if m.debit { ("debits_posted", "debits_pending") } else { ("credits_posted", "credits_pending") };
    let guard = guard(m);
    let sql = match guard {
        Some(guard) => format!(
            "UPDATE ledger_accounts SET {posted_col} = {posted_col} + $3, {pending_col} = {pending_col} + $4 \
             WHERE county_id = $1 AND account_id = $2 AND {guard}"
        ),
        None => format!(
            "INSERT INTO ledger_accounts (county_id, account_id, {posted_col}, {pending_col}, kind, owner_id, normal, \
             floor_fen, created_us) VALUES ($1,$2,$3,$4,$5,$6,$7,0,$8) ON CONFLICT (county_id, account_id) DO UPDATE \
             SET {posted_col} = ledger_accounts.{posted_col} + excluded.{posted_col}, \
             {pending_col} = ledger_accounts.{pending_col} + excluded.{pending_col}"
        ),
    };
    let q = sqlx::query(&sql).bind(county.to_string()).bind(m.key.to_string()).bind(m.posted).bind(m.pending);
    let q = match guard {
        Some(_) => q.bind(amount.0),
        None => q
            .bind(m.key.kind().as_str())
            .bind(m.key.owner().map(|o| o.to_string()))
            .bind(m.key.normal().as_str())
            .bind(crate::now_us()),
    };
    Ok(q.execute(&mut *c).await.map_err(StoreError::classify)?.rows_affected() == 1)
}

/// Inserts a transfer; false when its event (`idem`) was posted already.
async fn insert(c: &mut AnyConnection, county: CountyId, t: &Transfer, idem: &str) -> Result<bool, StoreError> {
    let r = sqlx::query(
        "INSERT INTO ledger_transfers (county_id, transfer_id, debit_account, credit_account, amount_fen, state, \
         code, pending_id, order_id, reference, idem, created_us) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12) \
         ON CONFLICT (county_id, idem) DO NOTHING",
    )
    .bind(county.to_string())
    .bind(t.id.to_string())
    .bind(t.debit.to_string())
    .bind(t.credit.to_string())
    .bind(t.amount.0)
    .bind(t.state.as_str())
    .bind(t.code.as_str())
    .bind(t.pending_id.map(|p| p.to_string()))
    .bind(t.order_id.map(|o| o.to_string()))
    .bind(&t.reference)
    .bind(idem)
    .bind(t.created_us)
    .execute(c)
    .await
    .map_err(StoreError::classify)?;
    Ok(r.rows_affected() == 1)
}
