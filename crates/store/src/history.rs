//! Bulk writing of a generated county's past trade (the demo's year, the dashboard benchmark's
//! millions of order lines): rows gathered in a [`Batch`] are written with multi-row INSERTs on
//! the caller's connection, inside the caller's (large) transaction. The same SQL text runs on
//! SQLite and PostgreSQL. The rows are whatever the use cases would have written; the ledger's
//! account totals arrive as sums to add ([`Batch::account`]), so the books stay balanced.

use crate::error::StoreError;
use sqlx::AnyConnection;
use std::collections::BTreeMap;
use uplink_core::CountyId;
use uplink_core::ledger::{AccountKey, Totals, TransferCode, TransferState};

/// A value of one column.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(String),
    Int(i64),
    NullText,
    NullInt,
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::Text(s.to_string())
    }
}
impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::Text(s)
    }
}
impl From<i64> for Value {
    fn from(v: i64) -> Value {
        Value::Int(v)
    }
}
impl From<Option<String>> for Value {
    fn from(s: Option<String>) -> Value {
        s.map(Value::Text).unwrap_or(Value::NullText)
    }
}
impl From<Option<i64>> for Value {
    fn from(v: Option<i64>) -> Value {
        v.map(Value::Int).unwrap_or(Value::NullInt)
    }
}

/// One table's columns; every row given for it has the same number of values, in this order.
struct Table {
    name: &'static str,
    columns: &'static [&'static str],
    /// Appended to the INSERT (the ledger's account totals add up on conflict).
    tail: &'static str,
}

const ACCOUNTS: Table = Table {
    name: "ledger_accounts",
    columns: &[
        "county_id",
        "account_id",
        "kind",
        "owner_id",
        "normal",
        "floor_fen",
        "debits_posted",
        "credits_posted",
        "debits_pending",
        "credits_pending",
        "created_us",
    ],
    tail: " ON CONFLICT (county_id, account_id) DO UPDATE SET \
           debits_posted = ledger_accounts.debits_posted + excluded.debits_posted, \
           credits_posted = ledger_accounts.credits_posted + excluded.credits_posted, \
           debits_pending = ledger_accounts.debits_pending + excluded.debits_pending, \
           credits_pending = ledger_accounts.credits_pending + excluded.credits_pending",
};

macro_rules! table {
    ($const:ident, $name:literal, [$($col:literal),* $(,)?]) => {
        const $const: Table = Table { name: $name, columns: &[$($col),*], tail: "" };
    };
}

table!(
    TRANSFERS,
    "ledger_transfers",
    [
        "county_id",
        "transfer_id",
        "debit_account",
        "credit_account",
        "amount_fen",
        "state",
        "code",
        "pending_id",
        "order_id",
        "reference",
        "idem",
        "created_us",
    ]
);
table!(
    ORDERS,
    "orders",
    [
        "county_id",
        "order_id",
        "order_no",
        "direction",
        "state",
        "buyer_id",
        "seller_id",
        "agent_id",
        "placed_by_user",
        "station_id",
        "drop_point_id",
        "pickup_code",
        "total_fen",
        "weight_g",
        "payment_method",
        "payment_reference",
        "placed_us",
        "paid_us",
        "delivered_us",
        "accepted_us",
        "return_until_us",
        "updated_us",
    ]
);
table!(
    LINES,
    "order_lines",
    [
        "county_id",
        "order_id",
        "line_no",
        "listing_id",
        "product_id",
        "product_name",
        "grade",
        "units",
        "unit_price_fen",
        "line_total_fen",
        "weight_g",
    ]
);
table!(
    EVENTS,
    "order_events",
    ["county_id", "order_id", "seq", "event", "from_state", "to_state", "actor_user", "note", "at_us",]
);
table!(TASKS, "scheduled_tasks", ["county_id", "task_id", "kind", "order_id", "due_us", "done_us", "outcome"]);
table!(
    LOTS,
    "lots",
    [
        "county_id",
        "lot_id",
        "lot_code",
        "product_id",
        "grade",
        "farmer_id",
        "origin_village_id",
        "station_id",
        "gross_g",
        "tare_g",
        "harvest_date",
        "made_g",
        "weight_g",
        "custodian_id",
        "place_kind",
        "place_code",
        "state",
        "made_us",
        "updated_us",
    ]
);
table!(
    LOT_EVENTS,
    "lot_events",
    [
        "county_id",
        "lot_id",
        "seq",
        "kind",
        "from_person",
        "to_person",
        "from_role",
        "to_role",
        "place_kind",
        "place_code",
        "weight_g",
        "loss_g",
        "order_id",
        "by_user",
        "at_us",
    ]
);
table!(
    INCIDENTS,
    "incidents",
    [
        "county_id",
        "incident_id",
        "lot_id",
        "event_seq",
        "custodian_id",
        "kind",
        "given_g",
        "taken_g",
        "loss_g",
        "allowed_g",
        "state",
        "opened_us",
    ]
);
table!(
    CLAIMS,
    "claims",
    [
        "county_id",
        "claim_id",
        "order_id",
        "buyer_id",
        "seller_id",
        "kind",
        "state",
        "claimed_fen",
        "measured_weight_g",
        "description",
        "opened_by",
        "opened_us",
        "outcome",
        "refund_fen",
        "decision_reason",
        "decided_by",
        "decided_us",
        "final_us",
    ]
);
table!(CLAIM_LINES, "claim_lines", ["county_id", "claim_id", "order_id", "line_no", "units"]);

/// Rows to write together, in the order the foreign keys need.
#[derive(Debug, Default)]
pub struct Batch {
    accounts: BTreeMap<AccountKey, (Totals, i64)>,
    rows: BTreeMap<&'static str, Vec<Value>>,
}

impl Batch {
    pub fn is_empty(&self) -> bool {
        self.accounts.is_empty() && self.rows.values().all(Vec::is_empty)
    }

    /// Rows gathered for `table` (for progress and reports).
    pub fn count(&self, table: &str) -> usize {
        let cols = TABLES.iter().find(|t| t.name == table).map(|t| t.columns.len()).unwrap_or(1);
        self.rows.get(table).map(|v| v.len() / cols).unwrap_or(0)
    }

    fn push(&mut self, t: &Table, values: Vec<Value>) {
        assert_eq!(values.len(), t.columns.len(), "a row of {} has {} values", t.name, t.columns.len());
        self.rows.entry(t.name).or_default().extend(values);
    }

    /// A posted or pending transfer, and its effect on the two accounts' totals.
    #[allow(clippy::too_many_arguments)]
    pub fn transfer(
        &mut self,
        county: CountyId,
        id: &str,
        debit: AccountKey,
        credit: AccountKey,
        amount: i64,
        state: TransferState,
        code: TransferCode,
        pending: Option<(&str, TransferState)>,
        order: Option<String>,
        reference: &str,
        idem: &str,
        at_us: i64,
    ) {
        // The totals move as `ledger::transfer`/`hold`/`post_pending`/`void_pending` move them.
        let (posted, held) = match (state, pending) {
            (TransferState::Pending, _) => (0, amount),
            (TransferState::Posted, Some(_)) => (amount, -amount),
            (TransferState::Voided, _) => (0, -amount),
            (TransferState::Posted, None) => (amount, 0),
        };
        for (key, debit_side) in [(debit, true), (credit, false)] {
            let (t, first) = self.accounts.entry(key).or_insert((Totals::default(), at_us));
            *first = (*first).min(at_us);
            if debit_side {
                t.debits_posted += posted;
                t.debits_pending += held;
            } else {
                t.credits_posted += posted;
                t.credits_pending += held;
            }
        }
        self.push(
            &TRANSFERS,
            vec![
                county.to_string().into(),
                id.into(),
                debit.to_string().into(),
                credit.to_string().into(),
                amount.into(),
                state.as_str().into(),
                code.as_str().into(),
                pending.map(|(p, _)| p.to_string()).into(),
                order.into(),
                reference.into(),
                idem.into(),
                at_us.into(),
            ],
        );
    }

    pub fn order(&mut self, values: Vec<Value>) {
        self.push(&ORDERS, values);
    }
    pub fn line(&mut self, values: Vec<Value>) {
        self.push(&LINES, values);
    }
    pub fn event(&mut self, values: Vec<Value>) {
        self.push(&EVENTS, values);
    }
    pub fn task(&mut self, values: Vec<Value>) {
        self.push(&TASKS, values);
    }
    pub fn lot(&mut self, values: Vec<Value>) {
        self.push(&LOTS, values);
    }
    pub fn lot_event(&mut self, values: Vec<Value>) {
        self.push(&LOT_EVENTS, values);
    }
    pub fn incident(&mut self, values: Vec<Value>) {
        self.push(&INCIDENTS, values);
    }
    pub fn claim(&mut self, values: Vec<Value>) {
        self.push(&CLAIMS, values);
    }
    pub fn claim_line(&mut self, values: Vec<Value>) {
        self.push(&CLAIM_LINES, values);
    }
}

/// The tables in the order their rows are written (parents before children).
const TABLES: [Table; 10] = [ORDERS, LINES, EVENTS, TASKS, TRANSFERS, LOTS, LOT_EVENTS, INCIDENTS, CLAIMS, CLAIM_LINES];

/// Bound values per statement. sqlx finds each `$N` of a SQLite statement by its name among
/// all of them, so binding costs grow with the square of this: 30 000 values made the writing
/// 30 times slower than this size, which already gets most of the saving of multi-row INSERTs.
const MAX_VALUES: usize = 1_200;
/// Rows per statement at most.
const MAX_ROWS: usize = 200;

/// Writes the batch on the caller's connection (inside the caller's transaction) and empties it.
pub async fn write(c: &mut AnyConnection, county: CountyId, batch: &mut Batch) -> Result<(), StoreError> {
    let accounts = std::mem::take(&mut batch.accounts);
    let mut values = Vec::with_capacity(accounts.len() * ACCOUNTS.columns.len());
    for (key, (t, first)) in accounts {
        values.extend([
            Value::from(county.to_string()),
            key.to_string().into(),
            key.kind().as_str().into(),
            key.owner().map(|o| o.to_string()).into(),
            key.normal().as_str().into(),
            0.into(),
            t.debits_posted.into(),
            t.credits_posted.into(),
            t.debits_pending.into(),
            t.credits_pending.into(),
            first.into(),
        ]);
    }
    insert(c, &ACCOUNTS, &values).await?;
    for t in &TABLES {
        if let Some(v) = batch.rows.remove(t.name) {
            insert(c, t, &v).await?;
        }
    }
    Ok(())
}

/// `INSERT INTO t (…) VALUES ($1,…),(…)…` for `rows` rows of `t`.
fn statement(t: &Table, rows: usize) -> String {
    let n = t.columns.len();
    let mut sql = format!("INSERT INTO {} ({}) VALUES ", t.name, t.columns.join(", "));
    for r in 0..rows {
        if r > 0 {
            sql.push(',');
        }
        sql.push('(');
        for k in 0..n {
            if k > 0 {
                sql.push(',');
            }
            sql.push('$');
            sql.push_str(&(r * n + k + 1).to_string());
        }
        sql.push(')');
    }
    sql.push_str(t.tail);
    sql
}

async fn insert(c: &mut AnyConnection, t: &Table, values: &[Value]) -> Result<(), StoreError> {
    let n = t.columns.len();
    let per = (MAX_VALUES / n).min(MAX_ROWS);
    let full = statement(t, per);
    for chunk in values.chunks(per * n) {
        let rows = chunk.len() / n;
        let partial;
        let sql = if rows == per {
            &full
        } else {
            partial = statement(t, rows);
            &partial
        };
        let mut q = sqlx::query(sql);
        for v in chunk {
            q = match v {
                Value::Text(s) => q.bind(s.as_str()),
                Value::Int(i) => q.bind(*i),
                Value::NullText => q.bind(None::<String>),
                Value::NullInt => q.bind(None::<i64>),
            };
        }
        q.execute(&mut *c).await.map_err(StoreError::classify)?;
    }
    Ok(())
}

/// Ids of a county's records by the codes and phone numbers a generated county names them by.
#[derive(Debug, Default)]
pub struct Directory {
    /// phone → (person id, user id)
    pub people: std::collections::HashMap<String, (String, Option<String>)>,
    pub stations: std::collections::HashMap<String, String>,
    pub villages: std::collections::HashMap<String, String>,
    pub hubs: std::collections::HashMap<String, String>,
    pub drop_points: std::collections::HashMap<String, String>,
}

pub async fn directory(c: &mut AnyConnection, county: CountyId) -> Result<Directory, StoreError> {
    use sqlx::Row;
    let mut d = Directory::default();
    let rows = sqlx::query("SELECT phone, person_id, user_id FROM people WHERE county_id = $1 AND phone IS NOT NULL")
        .bind(county.to_string())
        .fetch_all(&mut *c)
        .await?;
    for r in rows {
        d.people.insert(r.try_get("phone")?, (r.try_get("person_id")?, r.try_get("user_id")?));
    }
    for (sql, map) in [
        ("SELECT code, station_id AS id FROM stations WHERE county_id = $1", &mut d.stations),
        ("SELECT code, village_id AS id FROM villages WHERE county_id = $1", &mut d.villages),
        ("SELECT code, hub_id AS id FROM hubs WHERE county_id = $1", &mut d.hubs),
        ("SELECT code, drop_point_id AS id FROM drop_points WHERE county_id = $1", &mut d.drop_points),
    ] {
        for r in sqlx::query(sql).bind(county.to_string()).fetch_all(&mut *c).await? {
            map.insert(r.try_get("code")?, r.try_get("id")?);
        }
    }
    Ok(d)
}

/// The county's order lines, for a benchmark's report.
pub async fn count_lines(c: &mut AnyConnection, county: CountyId) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM order_lines WHERE county_id = $1")
        .bind(county.to_string())
        .fetch_one(c)
        .await?)
}
