//! The dashboard's reads and its order aggregate (`dashboard_order_days`, migration 0010): the
//! aggregate by day and by station, the same sums straight from the raw orders (for dirty days,
//! today and the rebuild), the dirty marks the triggers leave, and the counts of the other figures
//! (lots, hand-offs, claims, incidents, plans) read from their rows by time.

use crate::error::StoreError;
use crate::row;
use sqlx::AnyConnection;
use sqlx::any::AnyRow;
use uplink_core::CountyId;

mod counts;
pub use counts::*;

/// An order's station as the dashboard counts it (`core::metrics`): its own station, else the
/// seller's station, else the first station of the seller's village, else none ('').
pub(crate) const ORDER_STATION: &str = "COALESCE(o.station_id, \
     (SELECT p.station_id FROM people p WHERE p.county_id = o.county_id AND p.person_id = o.seller_id), \
     (SELECT MIN(s.station_id) FROM people p JOIN stations s ON s.county_id = p.county_id \
      AND s.village_id = p.village_id WHERE p.county_id = o.county_id AND p.person_id = o.seller_id), '')";

/// Which orders count, by day (local, from the county's UTC offset `$2`), direction and station.
fn raw_grouped() -> String {
    format!(
        "SELECT x.day, x.direction, x.station_id, COUNT(*) AS orders, CAST(SUM(x.total_fen) AS BIGINT) AS gmv_fen, \
         CAST(SUM(x.weight_g) AS BIGINT) AS weight_g FROM (SELECT (o.placed_us + $2) / {US_PER_DAY} AS day, \
         o.direction, {ORDER_STATION} AS station_id, o.total_fen, o.weight_g FROM orders o \
         WHERE o.county_id = $1 AND o.placed_us >= $3 AND o.placed_us < $4 AND o.state <> 'cancelled') x \
         GROUP BY x.day, x.direction, x.station_id",
        US_PER_DAY = uplink_core::time::US_PER_DAY
    )
}

/// Restricts the station `col` to an area: a station ($n), a village's stations ($n+1) or a
/// township's ($n+2); '' leaves each open.
pub(crate) fn area_filter(col: &str, n: usize) -> String {
    let (s, v, t) = (n, n + 1, n + 2);
    format!(
        "AND (${s} = '' OR {col} = ${s}) \
         AND (${v} = '' OR {col} IN (SELECT st.station_id FROM stations st WHERE st.county_id = $1 \
              AND st.village_id = ${v})) \
         AND (${t} = '' OR {col} IN (SELECT st.station_id FROM stations st JOIN villages vi \
              ON vi.county_id = st.county_id AND vi.village_id = st.village_id WHERE st.county_id = $1 \
              AND vi.township_id = ${t}))"
    )
}

/// A drill-down: ids as text, '' where open.
#[derive(Debug, Clone, Default)]
pub struct Area {
    pub township: String,
    pub village: String,
    pub station: String,
}

/// Counted orders of one direction under a key (a day, or a station).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderSums {
    pub day: i64,
    pub station_id: String,
    pub direction: String,
    pub orders: i64,
    pub gmv_fen: i64,
    pub weight_g: i64,
}

fn sums_from(r: &AnyRow, day: bool, station: bool) -> Result<OrderSums, StoreError> {
    Ok(OrderSums {
        day: if day { row::int(r, "day")? } else { 0 },
        station_id: if station { row::text(r, "station_id")? } else { String::new() },
        direction: row::text(r, "direction")?,
        orders: row::int(r, "orders")?,
        gmv_fen: row::int(r, "gmv_fen")?,
        weight_g: row::int(r, "weight_g")?,
    })
}

/// A read over a period (and an area), planned for its own values on every run. PostgreSQL
/// plans a prepared statement generically after five runs, and a generic plan cannot drop the
/// area filters nobody asked for (`$4 = '' OR …`) nor size the period: at two million order
/// lines that made these reads 3–10 times slower than a plan for the values at hand.
pub(crate) fn period_read(sql: &str) -> sqlx::query::Query<'_, sqlx::Any, sqlx::any::AnyArguments<'_>> {
    sqlx::query(sql).persistent(false)
}

pub(crate) fn bind_area<'q>(
    q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    a: &Area,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    q.bind(a.station.clone()).bind(a.village.clone()).bind(a.township.clone())
}

/// The aggregate of days `from..=to` in an area, by day and direction.
pub async fn agg_by_day(
    c: &mut AnyConnection,
    county: CountyId,
    from: i64,
    to: i64,
    area: &Area,
) -> Result<Vec<OrderSums>, StoreError> {
    let sql = format!(
        "SELECT day, direction, CAST(SUM(orders) AS BIGINT) AS orders, CAST(SUM(gmv_fen) AS BIGINT) AS gmv_fen, \
         CAST(SUM(weight_g) AS BIGINT) AS weight_g FROM dashboard_order_days \
         WHERE county_id = $1 AND day >= $2 AND day <= $3 {} GROUP BY day, direction",
        area_filter("station_id", 4)
    );
    let q = period_read(&sql).bind(county.to_string()).bind(from).bind(to);
    let rows = bind_area(q, area).fetch_all(c).await?;
    rows.iter().map(|r| sums_from(r, true, false)).collect()
}

/// The aggregate of days `from..=to` in an area, by station and direction.
pub async fn agg_by_station(
    c: &mut AnyConnection,
    county: CountyId,
    from: i64,
    to: i64,
    area: &Area,
) -> Result<Vec<OrderSums>, StoreError> {
    let sql = format!(
        "SELECT station_id, direction, CAST(SUM(orders) AS BIGINT) AS orders, \
         CAST(SUM(gmv_fen) AS BIGINT) AS gmv_fen, CAST(SUM(weight_g) AS BIGINT) AS weight_g \
         FROM dashboard_order_days WHERE county_id = $1 AND day >= $2 AND day <= $3 {} \
         GROUP BY station_id, direction",
        area_filter("station_id", 4)
    );
    let q = period_read(&sql).bind(county.to_string()).bind(from).bind(to);
    let rows = bind_area(q, area).fetch_all(c).await?;
    rows.iter().map(|r| sums_from(r, false, true)).collect()
}

/// The aggregate rows of one day, every station.
pub async fn agg_of_day(c: &mut AnyConnection, county: CountyId, day: i64) -> Result<Vec<OrderSums>, StoreError> {
    let rows = sqlx::query(
        "SELECT day, direction, station_id, orders, gmv_fen, weight_g FROM dashboard_order_days \
         WHERE county_id = $1 AND day = $2",
    )
    .bind(county.to_string())
    .bind(day)
    .fetch_all(c)
    .await?;
    rows.iter().map(|r| sums_from(r, true, true)).collect()
}

/// The same sums from the raw orders placed in `[start_us, end_us)`, by day, direction and station.
pub async fn raw_sums(
    c: &mut AnyConnection,
    county: CountyId,
    offset_us: i64,
    start_us: i64,
    end_us: i64,
) -> Result<Vec<OrderSums>, StoreError> {
    let rows = period_read(&raw_grouped())
        .bind(county.to_string())
        .bind(offset_us)
        .bind(start_us)
        .bind(end_us)
        .fetch_all(c)
        .await?;
    rows.iter().map(|r| sums_from(r, true, true)).collect()
}

/// Recomputes the aggregate of days `from..=to` (local day numbers, `offset_us` the county's UTC
/// offset) from the raw orders, in the caller's transaction.
pub async fn recompute_days(
    c: &mut AnyConnection,
    county: CountyId,
    offset_us: i64,
    from: i64,
    to: i64,
) -> Result<u64, StoreError> {
    let day_us = uplink_core::time::US_PER_DAY;
    sqlx::query("DELETE FROM dashboard_order_days WHERE county_id = $1 AND day >= $2 AND day <= $3")
        .bind(county.to_string())
        .bind(from)
        .bind(to)
        .execute(&mut *c)
        .await?;
    let sql = format!(
        "INSERT INTO dashboard_order_days (county_id, day, direction, station_id, orders, gmv_fen, weight_g) \
         SELECT $1, g.day, g.direction, g.station_id, g.orders, g.gmv_fen, g.weight_g FROM ({}) g",
        raw_grouped()
    );
    let r = sqlx::query(&sql)
        .bind(county.to_string())
        .bind(offset_us)
        .bind(from * day_us - offset_us)
        .bind((to + 1) * day_us - offset_us)
        .execute(&mut *c)
        .await?;
    Ok(r.rows_affected())
}

/// Refreshes the query planner's statistics of the aggregate, after it was rebuilt from scratch.
pub async fn analyze(c: &mut AnyConnection) -> Result<(), StoreError> {
    sqlx::query("ANALYZE dashboard_order_days").execute(c).await?;
    Ok(())
}

/// Empties a county's aggregate and its dirty marks (before a rebuild from scratch).
pub async fn clear_county(c: &mut AnyConnection, county: CountyId) -> Result<(), StoreError> {
    for sql in
        ["DELETE FROM dashboard_order_days WHERE county_id = $1", "DELETE FROM dashboard_dirty WHERE county_id = $1"]
    {
        sqlx::query(sql).bind(county.to_string()).execute(&mut *c).await?;
    }
    Ok(())
}

/// The first and last time an order was placed in the county, if any.
pub async fn order_span(c: &mut AnyConnection, county: CountyId) -> Result<Option<(i64, i64)>, StoreError> {
    let r = sqlx::query(
        "SELECT CAST(MIN(placed_us) AS BIGINT) AS lo, CAST(MAX(placed_us) AS BIGINT) AS hi FROM orders \
         WHERE county_id = $1",
    )
    .bind(county.to_string())
    .fetch_one(c)
    .await?;
    Ok(row::opt_int(&r, "lo")?.zip(row::opt_int(&r, "hi")?))
}

/// A dirty mark: a quarter hour (or -1, the whole county) and its generation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mark {
    pub slot: i64,
    pub generation: i64,
}

/// The quarter hours of which a slot counts.
pub const SLOT_US: i64 = 900_000_000;
/// The slot that marks a whole county.
pub const WHOLE_COUNTY: i64 = -1;

pub async fn marks(c: &mut AnyConnection, county: CountyId) -> Result<Vec<Mark>, StoreError> {
    let rows = sqlx::query("SELECT slot, gen FROM dashboard_dirty WHERE county_id = $1 ORDER BY slot")
        .bind(county.to_string())
        .fetch_all(c)
        .await?;
    rows.iter().map(|r| Ok(Mark { slot: row::int(r, "slot")?, generation: row::int(r, "gen")? })).collect()
}

/// Counties with dirty marks.
pub async fn dirty_counties(c: &mut AnyConnection) -> Result<Vec<CountyId>, StoreError> {
    let rows: Vec<String> = sqlx::query_scalar("SELECT DISTINCT county_id FROM dashboard_dirty").fetch_all(c).await?;
    rows.iter().map(|s| s.parse().map_err(|_| StoreError::Corrupt(format!("county id {s}")))).collect()
}

/// Removes a mark if it is still the generation read; a write since then keeps it dirty.
pub async fn clear_mark(c: &mut AnyConnection, county: CountyId, m: Mark) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM dashboard_dirty WHERE county_id = $1 AND slot = $2 AND gen = $3")
        .bind(county.to_string())
        .bind(m.slot)
        .bind(m.generation)
        .execute(c)
        .await?;
    Ok(())
}
