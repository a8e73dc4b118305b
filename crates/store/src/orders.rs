//! Orders, their lines and history, county settings, drop points and scheduled tasks.
//! State changes are conditional on the state the use case read, so two racing moves cannot
//! both win.

use crate::error::StoreError;
use crate::row::{self, PageReq, e6};
use sqlx::AnyConnection;
use sqlx::any::AnyRow;
use uplink_core::order::{Direction, Order, OrderEvent, OrderLine, OrderState};
use uplink_core::settings::CountySettings;
use uplink_core::*;

fn line_from(r: &AnyRow) -> Result<OrderLine, StoreError> {
    line_from_with(r, "weight_g")
}

/// A line from a row whose line weight is in `weight_col` (joined with its order, whose own
/// `weight_g` takes the plain name).
fn line_from_with(r: &AnyRow, weight_col: &str) -> Result<OrderLine, StoreError> {
    Ok(OrderLine {
        line_no: row::int(r, "line_no")?,
        listing_id: row::id(r, "listing_id")?,
        product_id: row::id(r, "product_id")?,
        product_name: row::text(r, "product_name")?,
        grade: row::opt_text(r, "grade")?,
        units: row::int(r, "units")?,
        unit_price_fen: row::int(r, "unit_price_fen")?,
        line_total_fen: row::int(r, "line_total_fen")?,
        weight_g: row::int(r, weight_col)?,
    })
}

fn order_from(r: &AnyRow, lines: Vec<OrderLine>) -> Result<Order, StoreError> {
    let state = row::choice(r, "state", OrderState::parse)?;
    Ok(Order {
        id: row::id(r, "order_id")?,
        county_id: row::id(r, "county_id")?,
        order_no: row::text(r, "order_no")?,
        direction: row::choice(r, "direction", Direction::parse)?,
        state,
        buyer_id: row::id(r, "buyer_id")?,
        seller_id: row::id(r, "seller_id")?,
        agent_id: row::opt_id(r, "agent_id")?,
        station_id: row::opt_id(r, "station_id")?,
        drop_point_id: row::opt_id(r, "drop_point_id")?,
        address: row::opt_text(r, "address")?,
        pickup_code: Some(row::text(r, "pickup_code")?),
        total_fen: row::int(r, "total_fen")?,
        weight_g: row::int(r, "weight_g")?,
        payment_method: row::opt_text(r, "payment_method")?,
        payment_reference: row::text(r, "payment_reference")?,
        lines,
        placed_us: row::int(r, "placed_us")?,
        paid_us: row::opt_int(r, "paid_us")?,
        delivered_us: row::opt_int(r, "delivered_us")?,
        accepted_us: row::opt_int(r, "accepted_us")?,
        return_until_us: row::opt_int(r, "return_until_us")?,
        allowed: state.allowed(),
    })
}

/// The order and who placed it (the user id, for "my orders" of an agent).
pub async fn insert_order(c: &mut AnyConnection, o: &Order, placed_by: UserId) -> Result<(), StoreError> {
    insert_order_row(c, o, placed_by, "VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$18)")
        .await?;
    insert_lines(c, o).await
}

/// Inserts the order unless another open order at its station already uses its pickup code
/// (codes are unique per station while open) or another order has its order number or payment
/// reference (random, unique in the county): false then, and nothing is written, so the caller
/// draws them again. The check and the insert are one statement; the conflict is not an error,
/// which on PostgreSQL would end the use case's transaction.
pub async fn insert_order_with_free_code(
    c: &mut AnyConnection,
    o: &Order,
    placed_by: UserId,
) -> Result<bool, StoreError> {
    let inserted = insert_order_row(
        c,
        o,
        placed_by,
        "SELECT $1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$18 WHERE NOT EXISTS \
         (SELECT 1 FROM orders WHERE county_id = $1 AND station_id = $10 AND pickup_code = $13 \
         AND state NOT IN ('settled', 'cancelled', 'returned')) ON CONFLICT DO NOTHING",
    )
    .await?;
    if inserted {
        insert_lines(c, o).await?;
    }
    Ok(inserted)
}

async fn insert_order_row(
    c: &mut AnyConnection,
    o: &Order,
    placed_by: UserId,
    values: &str,
) -> Result<bool, StoreError> {
    let sql = format!(
        "INSERT INTO orders (county_id, order_id, order_no, direction, state, buyer_id, seller_id, agent_id, \
         placed_by_user, station_id, drop_point_id, address, pickup_code, total_fen, weight_g, payment_method, \
         payment_reference, placed_us, updated_us) {values}"
    );
    let r = sqlx::query(&sql)
        .bind(o.county_id.to_string())
        .bind(o.id.to_string())
        .bind(&o.order_no)
        .bind(o.direction.as_str())
        .bind(o.state.as_str())
        .bind(o.buyer_id.to_string())
        .bind(o.seller_id.to_string())
        .bind(o.agent_id.map(|x| x.to_string()))
        .bind(placed_by.to_string())
        .bind(o.station_id.map(|x| x.to_string()))
        .bind(o.drop_point_id.map(|x| x.to_string()))
        .bind(o.address.as_deref())
        .bind(o.pickup_code.as_deref().unwrap_or(""))
        .bind(o.total_fen)
        .bind(o.weight_g)
        .bind(o.payment_method.as_deref())
        .bind(&o.payment_reference)
        .bind(o.placed_us)
        .execute(&mut *c)
        .await
        .map_err(StoreError::classify)?;
    Ok(r.rows_affected() == 1)
}

async fn insert_lines(c: &mut AnyConnection, o: &Order) -> Result<(), StoreError> {
    for l in &o.lines {
        sqlx::query(
            "INSERT INTO order_lines (county_id, order_id, line_no, listing_id, product_id, product_name, grade, units, \
             unit_price_fen, line_total_fen, weight_g) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)",
        )
        .bind(o.county_id.to_string())
        .bind(o.id.to_string())
        .bind(l.line_no)
        .bind(l.listing_id.to_string())
        .bind(l.product_id.to_string())
        .bind(&l.product_name)
        .bind(l.grade.as_deref())
        .bind(l.units)
        .bind(l.unit_price_fen)
        .bind(l.line_total_fen)
        .bind(l.weight_g)
        .execute(&mut *c)
        .await
        .map_err(StoreError::classify)?;
    }
    Ok(())
}

/// The order with its lines, in one query: a row per line.
pub async fn get_order(c: &mut AnyConnection, county: CountyId, id: OrderId) -> Result<Option<Order>, StoreError> {
    let rows = sqlx::query(
        "SELECT o.*, l.line_no, l.listing_id, l.product_id, l.product_name, l.grade, l.units, l.unit_price_fen, \
         l.line_total_fen, l.weight_g AS line_weight_g FROM orders o LEFT JOIN order_lines l \
         ON l.county_id = o.county_id AND l.order_id = o.order_id \
         WHERE o.county_id = $1 AND o.order_id = $2 ORDER BY l.line_no",
    )
    .bind(county.to_string())
    .bind(id.to_string())
    .fetch_all(&mut *c)
    .await?;
    let Some(first) = rows.first() else { return Ok(None) };
    let mut lines = Vec::with_capacity(rows.len());
    for r in &rows {
        if row::opt_int(r, "line_no")?.is_some() {
            lines.push(line_from_with(r, "line_weight_g")?);
        }
    }
    Ok(Some(order_from(first, lines)?))
}

/// The delivered order waiting at `station` under `code`, if any.
pub async fn find_by_pickup_code(
    c: &mut AnyConnection,
    county: CountyId,
    station: StationId,
    code: &str,
) -> Result<Option<OrderId>, StoreError> {
    let id: Option<String> = sqlx::query_scalar(
        "SELECT order_id FROM orders WHERE county_id = $1 AND station_id = $2 AND pickup_code = $3 AND state = 'delivered'",
    )
    .bind(county.to_string())
    .bind(station.to_string())
    .bind(code)
    .fetch_optional(c)
    .await?;
    id.map(|s| s.parse().map_err(|_| StoreError::Corrupt(format!("order id {s}")))).transpose()
}

/// Who may see which orders in a list.
#[derive(Debug, Clone, Default)]
pub struct OrderFilter {
    /// Orders this person buys or sells.
    pub party: Option<PersonId>,
    pub agent: Option<PersonId>,
    pub station: Option<StationId>,
    pub state: Option<OrderState>,
    pub direction: Option<Direction>,
}

pub async fn list_orders(
    c: &mut AnyConnection,
    county: CountyId,
    f: &OrderFilter,
    p: PageReq,
) -> Result<(Vec<Order>, i64), StoreError> {
    // Each filter is a bound parameter; '' means "any".
    let filter = "FROM orders WHERE county_id = $1 AND ($2 = '' OR buyer_id = $2 OR seller_id = $2) \
                  AND ($3 = '' OR agent_id = $3) AND ($4 = '' OR station_id = $4) AND ($5 = '' OR state = $5) \
                  AND ($6 = '' OR direction = $6)";
    let s = |x: Option<String>| x.unwrap_or_default();
    let args = [
        s(f.party.map(|x| x.to_string())),
        s(f.agent.map(|x| x.to_string())),
        s(f.station.map(|x| x.to_string())),
        s(f.state.map(|x| x.as_str().to_string())),
        s(f.direction.map(|x| x.as_str().to_string())),
    ];
    let count_sql = format!("SELECT COUNT(*) {filter}");
    let mut q = sqlx::query_scalar::<_, i64>(&count_sql).bind(county.to_string());
    for a in &args {
        q = q.bind(a.clone());
    }
    let total = q.fetch_one(&mut *c).await?;
    let sql = format!("SELECT * {filter} ORDER BY placed_us DESC, order_id LIMIT $7 OFFSET $8");
    let mut q = sqlx::query(&sql).bind(county.to_string());
    for a in &args {
        q = q.bind(a.clone());
    }
    let rows = q.bind(p.limit).bind(p.offset).fetch_all(&mut *c).await?;
    // The page's lines in one query rather than one per order.
    let ids: Vec<String> = rows.iter().map(|r| row::text(r, "order_id")).collect::<Result<_, _>>()?;
    let mut lines: std::collections::HashMap<String, Vec<OrderLine>> = std::collections::HashMap::new();
    if !ids.is_empty() {
        let marks: Vec<String> = (2..ids.len() + 2).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT * FROM order_lines WHERE county_id = $1 AND order_id IN ({}) ORDER BY order_id, line_no",
            marks.join(",")
        );
        let mut q = sqlx::query(&sql).bind(county.to_string());
        for id in &ids {
            q = q.bind(id.clone());
        }
        for r in q.fetch_all(&mut *c).await? {
            lines.entry(row::text(&r, "order_id")?).or_default().push(line_from(&r)?);
        }
    }
    let mut out = Vec::with_capacity(rows.len());
    for (r, id) in rows.iter().zip(&ids) {
        out.push(order_from(r, lines.remove(id).unwrap_or_default())?);
    }
    Ok((out, total))
}

/// Times and payment details a move sets; `None` leaves a column as it is.
#[derive(Debug, Clone, Default)]
pub struct Stamp {
    pub paid_us: Option<i64>,
    pub delivered_us: Option<i64>,
    pub accepted_us: Option<i64>,
    pub return_until_us: Option<i64>,
    pub payment_method: Option<String>,
}

impl Stamp {
    /// What [`transition`] writes, applied to the order in hand, so a move need not read the
    /// order back.
    pub fn apply_to(&self, o: &mut Order) {
        o.paid_us = self.paid_us.or(o.paid_us);
        o.delivered_us = self.delivered_us.or(o.delivered_us);
        o.accepted_us = self.accepted_us.or(o.accepted_us);
        o.return_until_us = self.return_until_us.or(o.return_until_us);
        if let Some(m) = &self.payment_method {
            o.payment_method = Some(m.clone());
        }
    }
}

/// Moves an order from `from` to `to`, recording the event. False when the order was no longer
/// in `from` (another request moved it first).
#[allow(clippy::too_many_arguments)]
pub async fn transition(
    c: &mut AnyConnection,
    county: CountyId,
    id: OrderId,
    from: OrderState,
    event: OrderEvent,
    to: OrderState,
    actor: Option<UserId>,
    note: Option<&str>,
    stamp: &Stamp,
    now_us: i64,
) -> Result<bool, StoreError> {
    let r = sqlx::query(
        "UPDATE orders SET state = $4, updated_us = $5, paid_us = COALESCE($6, paid_us), \
         delivered_us = COALESCE($7, delivered_us), accepted_us = COALESCE($8, accepted_us), \
         return_until_us = COALESCE($9, return_until_us), payment_method = COALESCE($10, payment_method) \
         WHERE county_id = $1 AND order_id = $2 AND state = $3",
    )
    .bind(county.to_string())
    .bind(id.to_string())
    .bind(from.as_str())
    .bind(to.as_str())
    .bind(now_us)
    .bind(stamp.paid_us)
    .bind(stamp.delivered_us)
    .bind(stamp.accepted_us)
    .bind(stamp.return_until_us)
    .bind(stamp.payment_method.as_deref())
    .execute(&mut *c)
    .await?;
    if r.rows_affected() != 1 {
        return Ok(false);
    }
    sqlx::query(
        "INSERT INTO order_events (county_id, order_id, seq, event, from_state, to_state, actor_user, note, at_us) \
         VALUES ($1, $2, (SELECT COALESCE(MAX(seq), 0) + 1 FROM order_events WHERE county_id = $1 AND order_id = $2), \
         $3, $4, $5, $6, $7, $8)",
    )
    .bind(county.to_string())
    .bind(id.to_string())
    .bind(event.as_str())
    .bind(from.as_str())
    .bind(to.as_str())
    .bind(actor.map(|u| u.to_string()))
    .bind(note)
    .bind(now_us)
    .execute(&mut *c)
    .await?;
    Ok(true)
}

/// One step of an order's history.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct OrderEventRecord {
    pub seq: i64,
    pub event: String,
    pub from_state: String,
    pub to_state: String,
    pub note: Option<String>,
    pub at_us: i64,
}

pub async fn history(
    c: &mut AnyConnection,
    county: CountyId,
    id: OrderId,
) -> Result<Vec<OrderEventRecord>, StoreError> {
    let rows = sqlx::query("SELECT * FROM order_events WHERE county_id = $1 AND order_id = $2 ORDER BY seq")
        .bind(county.to_string())
        .bind(id.to_string())
        .fetch_all(c)
        .await?;
    rows.iter()
        .map(|r| {
            Ok(OrderEventRecord {
                seq: row::int(r, "seq")?,
                event: row::text(r, "event")?,
                from_state: row::text(r, "from_state")?,
                to_state: row::text(r, "to_state")?,
                note: row::opt_text(r, "note")?,
                at_us: row::int(r, "at_us")?,
            })
        })
        .collect()
}

// ---------------------------------------------------------------- settings

pub async fn settings(c: &mut AnyConnection, county: CountyId) -> Result<CountySettings, StoreError> {
    let r = sqlx::query("SELECT * FROM county_settings WHERE county_id = $1")
        .bind(county.to_string())
        .fetch_optional(c)
        .await?;
    let Some(r) = r else { return Ok(CountySettings::default()) };
    Ok(CountySettings {
        platform_fee_bps: row::int(&r, "platform_fee_bps")?,
        agent_commission_bps: row::int(&r, "agent_commission_bps")?,
        acceptance_window_hours: row::int(&r, "acceptance_window_us")? / 3_600_000_000,
        return_window_days: row::int(&r, "return_window_us")? / 86_400_000_000,
        reservation_ttl_minutes: row::int(&r, "reservation_ttl_us")? / 60_000_000,
        claim_window_days: row::int(&r, "claim_window_us")? / 86_400_000_000,
        appeal_window_days: row::int(&r, "appeal_window_us")? / 86_400_000_000,
        seller_debt_limit_fen: row::int(&r, "seller_debt_limit_fen")?,
        trust_threshold: row::int(&r, "trust_threshold")?,
        weight_unit: uplink_core::weight::WeightUnit::parse(&row::text(&r, "weight_unit")?)
            .map_err(|_| StoreError::Corrupt("county_settings.weight_unit is not a unit".into()))?,
    })
}

pub async fn save_settings(c: &mut AnyConnection, county: CountyId, s: &CountySettings) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO county_settings (county_id, platform_fee_bps, agent_commission_bps, acceptance_window_us, \
         return_window_us, reservation_ttl_us, updated_us, claim_window_us, appeal_window_us, seller_debt_limit_fen, \
         trust_threshold, weight_unit) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12) \
         ON CONFLICT (county_id) DO UPDATE SET platform_fee_bps = excluded.platform_fee_bps, \
         agent_commission_bps = excluded.agent_commission_bps, acceptance_window_us = excluded.acceptance_window_us, \
         return_window_us = excluded.return_window_us, reservation_ttl_us = excluded.reservation_ttl_us, \
         updated_us = excluded.updated_us, claim_window_us = excluded.claim_window_us, \
         appeal_window_us = excluded.appeal_window_us, seller_debt_limit_fen = excluded.seller_debt_limit_fen, \
         trust_threshold = excluded.trust_threshold, weight_unit = excluded.weight_unit",
    )
    .bind(county.to_string())
    .bind(s.platform_fee_bps)
    .bind(s.agent_commission_bps)
    .bind(s.acceptance_window_us())
    .bind(s.return_window_us())
    .bind(s.reservation_ttl_us())
    .bind(crate::now_us())
    .bind(s.claim_window_us())
    .bind(s.appeal_window_us())
    .bind(s.seller_debt_limit_fen)
    .bind(s.trust_threshold)
    .bind(s.weight_unit.as_str())
    .execute(c)
    .await?;
    Ok(())
}

// ---------------------------------------------------------------- drop points

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct DropPoint {
    pub id: DropPointId,
    pub county_id: CountyId,
    pub code: String,
    pub name: String,
    pub city: String,
    pub location: LatLon,
}

pub async fn insert_drop_point(c: &mut AnyConnection, d: &DropPoint) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO drop_points (county_id, drop_point_id, code, name, city, lat_e6, lon_e6, created_us) \
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8)",
    )
    .bind(d.county_id.to_string())
    .bind(d.id.to_string())
    .bind(&d.code)
    .bind(&d.name)
    .bind(&d.city)
    .bind(e6(d.location.lat))
    .bind(e6(d.location.lon))
    .bind(crate::now_us())
    .execute(c)
    .await
    .map_err(StoreError::classify)?;
    Ok(())
}

fn drop_point_from(r: &AnyRow) -> Result<DropPoint, StoreError> {
    Ok(DropPoint {
        id: row::id(r, "drop_point_id")?,
        county_id: row::id(r, "county_id")?,
        code: row::text(r, "code")?,
        name: row::text(r, "name")?,
        city: row::text(r, "city")?,
        location: row::latlon(r, "lat_e6", "lon_e6")?,
    })
}

pub async fn get_drop_point(
    c: &mut AnyConnection,
    county: CountyId,
    id: DropPointId,
) -> Result<Option<DropPoint>, StoreError> {
    let r = sqlx::query("SELECT * FROM drop_points WHERE county_id = $1 AND drop_point_id = $2")
        .bind(county.to_string())
        .bind(id.to_string())
        .fetch_optional(c)
        .await?;
    r.as_ref().map(drop_point_from).transpose()
}

pub async fn list_drop_points(c: &mut AnyConnection, county: CountyId) -> Result<Vec<DropPoint>, StoreError> {
    let rows = sqlx::query("SELECT * FROM drop_points WHERE county_id = $1 ORDER BY code")
        .bind(county.to_string())
        .fetch_all(c)
        .await?;
    rows.iter().map(drop_point_from).collect()
}

// ---------------------------------------------------------------- scheduled tasks

#[derive(Debug, Clone)]
pub struct Task {
    pub county_id: CountyId,
    pub task_id: String,
    pub kind: String,
    pub order_id: OrderId,
    pub due_us: i64,
}

/// Schedules the release of an unpaid order's stock, due the county's reservation time after
/// `from_us` (`default_ttl_us` for a county without settings): the setting is read inside the
/// insert, so this is one statement. One task of a kind per order (a repeat is ignored).
pub async fn schedule_reservation_expiry(
    c: &mut AnyConnection,
    county: CountyId,
    order: OrderId,
    kind: &str,
    from_us: i64,
    default_ttl_us: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO scheduled_tasks (county_id, task_id, kind, order_id, due_us) VALUES ($1,$2,$3,$4, \
         $5 + COALESCE((SELECT reservation_ttl_us FROM county_settings WHERE county_id = $1), $6)) \
         ON CONFLICT (county_id, order_id, kind) DO NOTHING",
    )
    .bind(county.to_string())
    .bind(uuid::Uuid::now_v7().to_string())
    .bind(kind)
    .bind(order.to_string())
    .bind(from_us)
    .bind(default_ttl_us)
    .execute(c)
    .await?;
    Ok(())
}

/// Schedules `kind` for an order; one task of a kind per order (a repeat is ignored).
pub async fn schedule(
    c: &mut AnyConnection,
    county: CountyId,
    order: OrderId,
    kind: &str,
    due_us: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO scheduled_tasks (county_id, task_id, kind, order_id, due_us) VALUES ($1,$2,$3,$4,$5) \
         ON CONFLICT (county_id, order_id, kind) DO NOTHING",
    )
    .bind(county.to_string())
    .bind(uuid::Uuid::now_v7().to_string())
    .bind(kind)
    .bind(order.to_string())
    .bind(due_us)
    .execute(c)
    .await?;
    Ok(())
}

pub async fn due_tasks(c: &mut AnyConnection, now_us: i64, limit: i64) -> Result<Vec<Task>, StoreError> {
    let rows =
        sqlx::query("SELECT * FROM scheduled_tasks WHERE done_us IS NULL AND due_us <= $1 ORDER BY due_us LIMIT $2")
            .bind(now_us)
            .bind(limit)
            .fetch_all(c)
            .await?;
    rows.iter()
        .map(|r| {
            Ok(Task {
                county_id: row::id(r, "county_id")?,
                task_id: row::text(r, "task_id")?,
                kind: row::text(r, "kind")?,
                order_id: row::id(r, "order_id")?,
                due_us: row::int(r, "due_us")?,
            })
        })
        .collect()
}

/// Whether the task of `kind` for an order has been done (e.g. the commission was released, so
/// the return window is over whatever the clock says).
pub async fn task_done(
    c: &mut AnyConnection,
    county: CountyId,
    order: OrderId,
    kind: &str,
) -> Result<bool, StoreError> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM scheduled_tasks WHERE county_id = $1 AND order_id = $2 AND kind = $3 AND done_us IS NOT NULL",
    )
    .bind(county.to_string())
    .bind(order.to_string())
    .bind(kind)
    .fetch_one(c)
    .await?;
    Ok(n > 0)
}

/// Claims a task for this transaction: true for the one transaction that gets it. On PostgreSQL
/// a concurrent claimant waits for the first to commit and then finds it done.
pub async fn claim_task(c: &mut AnyConnection, t: &Task, now_us: i64, outcome: &str) -> Result<bool, StoreError> {
    let r = sqlx::query(
        "UPDATE scheduled_tasks SET done_us = $3, outcome = $4 WHERE county_id = $1 AND task_id = $2 AND done_us IS NULL",
    )
    .bind(t.county_id.to_string())
    .bind(&t.task_id)
    .bind(now_us)
    .bind(outcome)
    .execute(c)
    .await?;
    Ok(r.rows_affected() == 1)
}
