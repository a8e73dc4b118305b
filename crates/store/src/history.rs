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
    tail: crate::ledger::ADD_TOTALS_ON_CONFLICT,
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
        "window_id",
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
        "window_id",
        "grade_reason",
        "certificate_no",
        "farmer_price_fen",
        "payout_fen",
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
table!(
    WINDOWS,
    "windows",
    [
        "county_id",
        "window_id",
        "title",
        "product_id",
        "seller_id",
        "state",
        "opens_us",
        "closes_us",
        "harvest_date",
        "delivery_date",
        "minimum_kg",
        "min_lot_kg",
        "created_by_user",
        "created_us",
        "updated_us",
    ]
);
table!(
    WINDOW_OFFERS,
    "window_offers",
    [
        "county_id",
        "window_id",
        "grade",
        "position",
        "buyer_price_fen",
        "farmer_price_fen",
        "transport_fen",
        "packing_fen",
        "station_commission_fen",
        "platform_fen",
    ]
);
table!(WINDOW_DROP_POINTS, "window_drop_points", ["county_id", "window_id", "drop_point_id"]);
table!(
    WINDOW_SUPPLY,
    "window_supply",
    [
        "county_id",
        "supply_id",
        "window_id",
        "farmer_id",
        "station_id",
        "grade",
        "kg",
        "ready_date",
        "allocated_kg",
        "created_us"
    ]
);
table!(
    WINDOW_FILLS,
    "window_fills",
    ["county_id", "order_id", "lot_id", "weight_g", "charged_fen", "refund_fen", "at_us"]
);
table!(
    PLANS,
    "dispatch_plans",
    [
        "county_id",
        "plan_id",
        "plan_date",
        "version",
        "created_by",
        "created_us",
        "time_limit_s",
        "road_source",
        "vehicles_used",
        "jobs_routed",
        "jobs_unplanned",
        "distance_m",
        "cost_fen",
        "distance_saving_bp",
        "cost_saving_bp",
        "report",
    ]
);
table!(
    PLAN_FIGURES,
    "dashboard_plans",
    [
        "county_id",
        "plan_id",
        "plan_date",
        "cost_down_fen",
        "carried_down_g",
        "cost_up_fen",
        "carried_up_g",
        "distance_m",
        "load_down_permille_sum",
        "load_up_permille_sum",
        "routes",
        "saving_fen",
    ]
);

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
    pub fn window(&mut self, values: Vec<Value>) {
        self.push(&WINDOWS, values);
    }
    pub fn window_offer(&mut self, values: Vec<Value>) {
        self.push(&WINDOW_OFFERS, values);
    }
    pub fn window_drop_point(&mut self, values: Vec<Value>) {
        self.push(&WINDOW_DROP_POINTS, values);
    }
    pub fn window_supply(&mut self, values: Vec<Value>) {
        self.push(&WINDOW_SUPPLY, values);
    }
    pub fn window_fill(&mut self, values: Vec<Value>) {
        self.push(&WINDOW_FILLS, values);
    }
    /// A dispatch plan (`store::dispatch::insert_plan`'s columns).
    pub fn plan(&mut self, values: Vec<Value>) {
        self.push(&PLANS, values);
    }
    /// The dashboard's figures of a plan (`store::dashboard::save_plan_figures`'s columns).
    pub fn plan_figures(&mut self, values: Vec<Value>) {
        self.push(&PLAN_FIGURES, values);
    }
}

/// The tables in the order their rows are written (parents before children).
const TABLES: [Table; 17] = [
    WINDOWS,
    WINDOW_OFFERS,
    WINDOW_DROP_POINTS,
    WINDOW_SUPPLY,
    ORDERS,
    LINES,
    EVENTS,
    TASKS,
    TRANSFERS,
    LOTS,
    LOT_EVENTS,
    INCIDENTS,
    CLAIMS,
    CLAIM_LINES,
    WINDOW_FILLS,
    PLANS,
    PLAN_FIGURES,
];

mod write;
pub use write::{BulkLoad, finish, start, write, write_part};

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

/// The whole database's size in bytes (SQLite: its file, without the write-ahead log), for a
/// benchmark's report.
pub async fn database_bytes(c: &mut AnyConnection) -> Result<i64, StoreError> {
    let sql = if c.backend_name().eq_ignore_ascii_case("postgresql") {
        "SELECT pg_database_size(current_database())"
    } else {
        "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()"
    };
    Ok(sqlx::query_scalar(sql).fetch_one(c).await?)
}

/// The county's order lines, for a benchmark's report.
pub async fn count_lines(c: &mut AnyConnection, county: CountyId) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM order_lines WHERE county_id = $1")
        .bind(county.to_string())
        .fetch_one(c)
        .await?)
}
