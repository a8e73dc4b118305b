//! Pre-order windows: the window with its offers and drop points, the demand its orders add up
//! to, and the farmers' supply declarations with their allocation. State changes are conditional
//! on the state read, so a scheduled task and an operator racing cannot both move a window.

use crate::error::StoreError;
use crate::row;
use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;
use sqlx::any::AnyRow;
use uplink_core::window::{Fees, GradeOffer, WindowState};
use uplink_core::*;
use utoipa::ToSchema;

/// A window as stored and shown, with what its orders add up to so far.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Window {
    pub id: WindowId,
    pub county_id: CountyId,
    /// e.g. "宾川葡萄 · 8月3日采摘 · 8月5日送达昆明".
    pub title: String,
    pub product_id: ProductId,
    pub product_name: String,
    /// The county operating centre's person who sells on the window's orders.
    pub seller_id: PersonId,
    pub state: WindowState,
    pub opens_us: i64,
    pub closes_us: i64,
    /// `YYYY-MM-DD`.
    pub harvest_date: String,
    pub delivery_date: String,
    /// Below this many kg pre-ordered the window does not run and every buyer is refunded.
    pub minimum_kg: i64,
    /// The smallest lot worth collecting from one farmer.
    pub min_lot_kg: i64,
    /// Grades on offer, best first, with both prices per kg and the fees between them.
    pub offers: Vec<GradeOffer>,
    pub drop_point_ids: Vec<DropPointId>,
    /// Kg pre-ordered by orders not cancelled.
    pub ordered_kg: i64,
    pub orders: i64,
}

impl Window {
    pub fn offer(&self, grade: &str) -> Option<&GradeOffer> {
        self.offers.iter().find(|o| o.grade == grade)
    }
}

pub async fn insert_window(c: &mut AnyConnection, w: &Window, user: UserId) -> Result<(), StoreError> {
    let now = crate::now_us();
    sqlx::query(
        "INSERT INTO windows (county_id, window_id, title, product_id, seller_id, state, opens_us, closes_us, \
         harvest_date, delivery_date, minimum_kg, min_lot_kg, created_by_user, created_us, updated_us) \
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$14)",
    )
    .bind(w.county_id.to_string())
    .bind(w.id.to_string())
    .bind(&w.title)
    .bind(w.product_id.to_string())
    .bind(w.seller_id.to_string())
    .bind(w.state.as_str())
    .bind(w.opens_us)
    .bind(w.closes_us)
    .bind(&w.harvest_date)
    .bind(&w.delivery_date)
    .bind(w.minimum_kg)
    .bind(w.min_lot_kg)
    .bind(user.to_string())
    .bind(now)
    .execute(&mut *c)
    .await
    .map_err(StoreError::classify)?;
    for (i, o) in w.offers.iter().enumerate() {
        sqlx::query(
            "INSERT INTO window_offers (county_id, window_id, grade, position, buyer_price_fen, farmer_price_fen, \
             transport_fen, packing_fen, station_commission_fen, platform_fen) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)",
        )
        .bind(w.county_id.to_string())
        .bind(w.id.to_string())
        .bind(&o.grade)
        .bind(i as i64)
        .bind(o.buyer_price_fen)
        .bind(o.farmer_price_fen)
        .bind(o.fees.transport_fen)
        .bind(o.fees.packing_fen)
        .bind(o.fees.station_commission_fen)
        .bind(o.fees.platform_fen)
        .execute(&mut *c)
        .await
        .map_err(StoreError::classify)?;
    }
    for d in &w.drop_point_ids {
        sqlx::query("INSERT INTO window_drop_points (county_id, window_id, drop_point_id) VALUES ($1,$2,$3)")
            .bind(w.county_id.to_string())
            .bind(w.id.to_string())
            .bind(d.to_string())
            .execute(&mut *c)
            .await
            .map_err(StoreError::classify)?;
    }
    Ok(())
}

fn offer_from(r: &AnyRow) -> Result<GradeOffer, StoreError> {
    Ok(GradeOffer {
        grade: row::text(r, "grade")?,
        buyer_price_fen: row::int(r, "buyer_price_fen")?,
        farmer_price_fen: row::int(r, "farmer_price_fen")?,
        fees: Fees {
            transport_fen: row::int(r, "transport_fen")?,
            packing_fen: row::int(r, "packing_fen")?,
            station_commission_fen: row::int(r, "station_commission_fen")?,
            platform_fen: row::int(r, "platform_fen")?,
        },
    })
}

async fn complete(c: &mut AnyConnection, r: &AnyRow) -> Result<Window, StoreError> {
    let county: CountyId = row::id(r, "county_id")?;
    let id: WindowId = row::id(r, "window_id")?;
    let offers = sqlx::query("SELECT * FROM window_offers WHERE county_id = $1 AND window_id = $2 ORDER BY position")
        .bind(county.to_string())
        .bind(id.to_string())
        .fetch_all(&mut *c)
        .await?
        .iter()
        .map(offer_from)
        .collect::<Result<Vec<_>, _>>()?;
    let drop_point_ids = sqlx::query(
        "SELECT drop_point_id FROM window_drop_points WHERE county_id = $1 AND window_id = $2 ORDER BY drop_point_id",
    )
    .bind(county.to_string())
    .bind(id.to_string())
    .fetch_all(&mut *c)
    .await?
    .iter()
    .map(|r| row::id(r, "drop_point_id"))
    .collect::<Result<Vec<_>, _>>()?;
    let demand = demand_by_grade(c, county, id).await?;
    Ok(Window {
        id,
        county_id: county,
        title: row::text(r, "title")?,
        product_id: row::id(r, "product_id")?,
        product_name: row::text(r, "product_name")?,
        seller_id: row::id(r, "seller_id")?,
        state: row::choice(r, "state", WindowState::parse)?,
        opens_us: row::int(r, "opens_us")?,
        closes_us: row::int(r, "closes_us")?,
        harvest_date: row::text(r, "harvest_date")?,
        delivery_date: row::text(r, "delivery_date")?,
        minimum_kg: row::int(r, "minimum_kg")?,
        min_lot_kg: row::int(r, "min_lot_kg")?,
        offers,
        drop_point_ids,
        ordered_kg: demand.iter().map(|d| d.1).sum(),
        orders: count_orders(c, county, id).await?,
    })
}

const SELECT: &str = "SELECT w.*, p.name AS product_name FROM windows w \
     JOIN products p ON p.county_id = w.county_id AND p.product_id = w.product_id";

pub async fn get_window(c: &mut AnyConnection, county: CountyId, id: WindowId) -> Result<Option<Window>, StoreError> {
    let r = sqlx::query(&format!("{SELECT} WHERE w.county_id = $1 AND w.window_id = $2"))
        .bind(county.to_string())
        .bind(id.to_string())
        .fetch_optional(&mut *c)
        .await?;
    match r {
        Some(r) => Ok(Some(complete(c, &r).await?)),
        None => Ok(None),
    }
}

/// The county's windows, newest first, optionally in one state.
pub async fn list_windows(
    c: &mut AnyConnection,
    county: CountyId,
    state: Option<WindowState>,
) -> Result<Vec<Window>, StoreError> {
    let rows = sqlx::query(&format!(
        "{SELECT} WHERE w.county_id = $1 AND ($2 = '' OR w.state = $2) ORDER BY w.opens_us DESC, w.window_id LIMIT 200"
    ))
    .bind(county.to_string())
    .bind(state.map(|s| s.as_str()).unwrap_or(""))
    .fetch_all(&mut *c)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        out.push(complete(c, r).await?);
    }
    Ok(out)
}

/// Moves a window from `from` to `to`; false when it was no longer in `from`.
pub async fn set_state(
    c: &mut AnyConnection,
    county: CountyId,
    id: WindowId,
    from: WindowState,
    to: WindowState,
) -> Result<bool, StoreError> {
    let r = sqlx::query(
        "UPDATE windows SET state = $4, updated_us = $5 WHERE county_id = $1 AND window_id = $2 AND state = $3",
    )
    .bind(county.to_string())
    .bind(id.to_string())
    .bind(from.as_str())
    .bind(to.as_str())
    .bind(crate::now_us())
    .execute(c)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Kg pre-ordered per grade by the window's orders that are not cancelled.
pub async fn demand_by_grade(
    c: &mut AnyConnection,
    county: CountyId,
    id: WindowId,
) -> Result<Vec<(String, i64)>, StoreError> {
    let rows = sqlx::query(
        "SELECT l.grade, CAST(SUM(l.units) AS BIGINT) AS kg FROM orders o \
         JOIN order_lines l ON l.county_id = o.county_id AND l.order_id = o.order_id \
         WHERE o.county_id = $1 AND o.window_id = $2 AND o.state <> 'cancelled' GROUP BY l.grade ORDER BY l.grade",
    )
    .bind(county.to_string())
    .bind(id.to_string())
    .fetch_all(c)
    .await?;
    rows.iter().map(|r| Ok((row::opt_text(r, "grade")?.unwrap_or_default(), row::int(r, "kg")?))).collect()
}

async fn count_orders(c: &mut AnyConnection, county: CountyId, id: WindowId) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM orders WHERE county_id = $1 AND window_id = $2 AND state <> 'cancelled'",
    )
    .bind(county.to_string())
    .bind(id.to_string())
    .fetch_one(c)
    .await?)
}

/// The window's orders (any state), oldest first.
pub async fn window_orders(c: &mut AnyConnection, county: CountyId, id: WindowId) -> Result<Vec<OrderId>, StoreError> {
    let rows =
        sqlx::query("SELECT order_id FROM orders WHERE county_id = $1 AND window_id = $2 ORDER BY placed_us, order_id")
            .bind(county.to_string())
            .bind(id.to_string())
            .fetch_all(c)
            .await?;
    rows.iter().map(|r| row::id(r, "order_id")).collect()
}

/// The window an order was placed in, if any.
pub async fn window_of_order(
    c: &mut AnyConnection,
    county: CountyId,
    order: OrderId,
) -> Result<Option<WindowId>, StoreError> {
    let r = sqlx::query("SELECT window_id FROM orders WHERE county_id = $1 AND order_id = $2")
        .bind(county.to_string())
        .bind(order.to_string())
        .fetch_optional(c)
        .await?;
    match r {
        Some(r) => row::opt_id(&r, "window_id"),
        None => Ok(None),
    }
}

pub async fn set_order_window(
    c: &mut AnyConnection,
    county: CountyId,
    order: OrderId,
    window: WindowId,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE orders SET window_id = $3 WHERE county_id = $1 AND order_id = $2")
        .bind(county.to_string())
        .bind(order.to_string())
        .bind(window.to_string())
        .execute(c)
        .await?;
    Ok(())
}

// ---------------------------------------------------------------- supply

/// A farmer's declared supply for a window, and what was allocated of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Supply {
    pub id: SupplyId,
    pub window_id: WindowId,
    pub farmer_id: PersonId,
    pub farmer_name: String,
    pub village_name: Option<String>,
    /// The station the farmer delivers to.
    pub station_id: StationId,
    pub station_name: String,
    pub grade: String,
    pub kg: i64,
    /// `YYYY-MM-DD`: the day the farmer can bring it.
    pub ready_date: String,
    /// Kg the farmer is to bring, once the window is allocated.
    pub allocated_kg: Option<i64>,
}

pub async fn insert_supply(c: &mut AnyConnection, county: CountyId, s: &Supply) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO window_supply (county_id, supply_id, window_id, farmer_id, station_id, grade, kg, ready_date, \
         created_us) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)",
    )
    .bind(county.to_string())
    .bind(s.id.to_string())
    .bind(s.window_id.to_string())
    .bind(s.farmer_id.to_string())
    .bind(s.station_id.to_string())
    .bind(&s.grade)
    .bind(s.kg)
    .bind(&s.ready_date)
    .bind(crate::now_us())
    .execute(c)
    .await
    .map_err(StoreError::classify)?;
    Ok(())
}

const SUPPLY_SELECT: &str = "SELECT s.*, p.name AS farmer_name, v.name AS village_name, st.name AS station_name \
     FROM window_supply s \
     JOIN people p ON p.county_id = s.county_id AND p.person_id = s.farmer_id \
     JOIN stations st ON st.county_id = s.county_id AND st.station_id = s.station_id \
     LEFT JOIN villages v ON v.county_id = p.county_id AND v.village_id = p.village_id";

fn supply_from(r: &AnyRow) -> Result<Supply, StoreError> {
    Ok(Supply {
        id: row::id(r, "supply_id")?,
        window_id: row::id(r, "window_id")?,
        farmer_id: row::id(r, "farmer_id")?,
        farmer_name: row::text(r, "farmer_name")?,
        village_name: row::opt_text(r, "village_name")?,
        station_id: row::id(r, "station_id")?,
        station_name: row::text(r, "station_name")?,
        grade: row::text(r, "grade")?,
        kg: row::int(r, "kg")?,
        ready_date: row::text(r, "ready_date")?,
        allocated_kg: row::opt_int(r, "allocated_kg")?,
    })
}

/// The window's declarations, by station then farmer.
pub async fn list_supply(c: &mut AnyConnection, county: CountyId, window: WindowId) -> Result<Vec<Supply>, StoreError> {
    let rows = sqlx::query(&format!(
        "{SUPPLY_SELECT} WHERE s.county_id = $1 AND s.window_id = $2 ORDER BY st.name, p.name, s.supply_id"
    ))
    .bind(county.to_string())
    .bind(window.to_string())
    .fetch_all(c)
    .await?;
    rows.iter().map(supply_from).collect()
}

/// One farmer's declarations in the windows still before their fill (open, closed or
/// allocated), by harvest date: what they are to bring, where and by when.
pub async fn supply_of_farmer(
    c: &mut AnyConnection,
    county: CountyId,
    farmer: PersonId,
) -> Result<Vec<Supply>, StoreError> {
    let rows = sqlx::query(&format!(
        "{SUPPLY_SELECT} JOIN windows w ON w.county_id = s.county_id AND w.window_id = s.window_id \
         WHERE s.county_id = $1 AND s.farmer_id = $2 AND w.state IN ('open', 'closed', 'allocated') \
         ORDER BY w.harvest_date, s.ready_date, s.supply_id LIMIT 200"
    ))
    .bind(county.to_string())
    .bind(farmer.to_string())
    .fetch_all(c)
    .await?;
    rows.iter().map(supply_from).collect()
}

pub async fn set_allocated(
    c: &mut AnyConnection,
    county: CountyId,
    supply: SupplyId,
    kg: i64,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE window_supply SET allocated_kg = $3 WHERE county_id = $1 AND supply_id = $2")
        .bind(county.to_string())
        .bind(supply.to_string())
        .bind(kg)
        .execute(c)
        .await?;
    Ok(())
}

/// The county's first operator person: the operating centre that sells on a window's orders and
/// takes lots in at the hub when the caller is a platform admin with no person of their own.
pub async fn county_operator(c: &mut AnyConnection, county: CountyId) -> Result<Option<PersonId>, StoreError> {
    let r = sqlx::query(
        "SELECT person_id FROM people WHERE county_id = $1 AND role = 'operator' ORDER BY person_id LIMIT 1",
    )
    .bind(county.to_string())
    .fetch_optional(c)
    .await?;
    r.as_ref().map(|r| row::id(r, "person_id")).transpose()
}
