//! The dashboard's counts that are not orders, read from their rows by time (indexes of migration
//! 0010) within an area: intake lots and their payments, hand-off losses, claims, weight-loss
//! incidents, and the figures taken from each stored dispatch plan.

use super::{Area, ORDER_STATION, area_filter, bind_area, period_read};
use crate::error::StoreError;
use crate::row;
use sqlx::AnyConnection;
use uplink_core::{CountyId, PlanId};

/// Intake lots made in a period: payouts, farmers paid, and the price values of the farmer's
/// share (farmer's and buyer's price of the same window offer, times the net grams).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IntakeSums {
    pub payouts_fen: i64,
    pub farmers_paid: i64,
    pub farmer_price_value: i64,
    pub buyer_price_value: i64,
    pub payment_delay_us: i64,
    pub payments: i64,
}

pub async fn intake_sums(
    c: &mut AnyConnection,
    county: CountyId,
    start_us: i64,
    end_us: i64,
    area: &Area,
) -> Result<IntakeSums, StoreError> {
    let sql = format!(
        "SELECT CAST(COALESCE(SUM(l.payout_fen), 0) AS BIGINT) AS payouts, \
         COUNT(DISTINCT CASE WHEN l.payout_fen > 0 THEN l.farmer_id END) AS farmers, \
         CAST(COALESCE(SUM(CASE WHEN wo.buyer_price_fen IS NOT NULL THEN l.farmer_price_fen * l.made_g END), 0) \
         AS BIGINT) AS fv, CAST(COALESCE(SUM(wo.buyer_price_fen * l.made_g), 0) AS BIGINT) AS bv \
         FROM lots l LEFT JOIN window_offers wo ON wo.county_id = l.county_id AND wo.window_id = l.window_id \
         AND wo.grade = l.grade \
         WHERE l.county_id = $1 AND l.farmer_id IS NOT NULL AND l.made_us >= $2 AND l.made_us < $3 {}",
        area_filter("l.station_id", 4)
    );
    let q = period_read(&sql).bind(county.to_string()).bind(start_us).bind(end_us);
    let r = bind_area(q, area).fetch_one(&mut *c).await?;
    // The farmer is paid by the ledger transfer whose key names the lot (`service::intake`), made
    // only for a payout above zero (a transfer moves a positive amount): looking up only those
    // lots keeps a year of intakes from being a year of lookups among all transfers.
    let sql = format!(
        "SELECT CAST(COALESCE(SUM(t.created_us - l.made_us), 0) AS BIGINT) AS delay, COUNT(*) AS n \
         FROM lots l JOIN ledger_transfers t ON t.county_id = l.county_id AND t.idem = 'intake:' || l.lot_id \
         WHERE l.county_id = $1 AND l.farmer_id IS NOT NULL AND l.payout_fen > 0 \
         AND l.made_us >= $2 AND l.made_us < $3 {}",
        area_filter("l.station_id", 4)
    );
    let q = period_read(&sql).bind(county.to_string()).bind(start_us).bind(end_us);
    let p = bind_area(q, area).fetch_one(&mut *c).await?;
    Ok(IntakeSums {
        payouts_fen: row::int(&r, "payouts")?,
        farmers_paid: row::int(&r, "farmers")?,
        farmer_price_value: row::int(&r, "fv")?,
        buyer_price_value: row::int(&r, "bv")?,
        payment_delay_us: row::int(&p, "delay")?,
        payments: row::int(&p, "n")?,
    })
}

/// Restricts the lot `col` of a lot's event or incident to lots taken in at a station of the
/// area ($n…$n+2, as [`area_filter`]). Every such row has its lot (a foreign key), so with no
/// area the lots are not read at all: a year of hand-offs is one scan of an index (migration
/// 0014) instead of a lookup of its lot per hand-off.
fn lot_in_area(col: &str, n: usize) -> String {
    let (s, v, t) = (n, n + 1, n + 2);
    format!(
        "AND (${s} = '' AND ${v} = '' AND ${t} = '' OR {col} IN (SELECT l.lot_id FROM lots l \
         WHERE l.county_id = $1 {}))",
        area_filter("l.station_id", n)
    )
}

/// Grams lost at hand-offs in a period, by where the taker weighed (`station`, `vehicle`, `hub`),
/// for lots taken in at a station of the area.
pub async fn losses(
    c: &mut AnyConnection,
    county: CountyId,
    start_us: i64,
    end_us: i64,
    area: &Area,
) -> Result<Vec<(String, i64)>, StoreError> {
    let sql = format!(
        "SELECT e.place_kind, CAST(SUM(e.loss_g) AS BIGINT) AS loss_g FROM lot_events e \
         WHERE e.county_id = $1 AND e.kind = 'handoff' AND e.at_us >= $2 AND e.at_us < $3 {} \
         GROUP BY e.place_kind",
        lot_in_area("e.lot_id", 4)
    );
    let q = period_read(&sql).bind(county.to_string()).bind(start_us).bind(end_us);
    let rows = bind_area(q, area).fetch_all(c).await?;
    rows.iter().map(|r| Ok((row::text(r, "place_kind")?, row::int(r, "loss_g")?))).collect()
}

/// Claims on orders of the area: opened in a period (all, and of kind `short_weight`), and the
/// decisions made in it by outcome.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClaimSums {
    pub opened: i64,
    pub short_weight: i64,
    pub decided: Vec<(String, i64)>,
}

pub async fn claim_sums(
    c: &mut AnyConnection,
    county: CountyId,
    start_us: i64,
    end_us: i64,
    area: &Area,
) -> Result<ClaimSums, StoreError> {
    // Every claim has its order (a foreign key); the order is read only to place it in an area.
    let in_area = format!(
        "AND ($4 = '' AND $5 = '' AND $6 = '' OR EXISTS (SELECT 1 FROM orders o \
         WHERE o.county_id = cl.county_id AND o.order_id = cl.order_id {}))",
        area_filter(&format!("({ORDER_STATION})"), 4)
    );
    let sql = format!(
        "SELECT COUNT(*) AS opened, COUNT(CASE WHEN cl.kind = 'short_weight' THEN 1 END) AS short_weight \
         FROM claims cl WHERE cl.county_id = $1 AND cl.opened_us >= $2 AND cl.opened_us < $3 {in_area}"
    );
    let q = period_read(&sql).bind(county.to_string()).bind(start_us).bind(end_us);
    let r = bind_area(q, area).fetch_one(&mut *c).await?;
    let sql = format!(
        "SELECT cl.outcome, COUNT(*) AS n FROM claims cl \
         WHERE cl.county_id = $1 AND cl.outcome IS NOT NULL AND cl.decided_us >= $2 AND cl.decided_us < $3 {in_area} \
         GROUP BY cl.outcome"
    );
    let q = period_read(&sql).bind(county.to_string()).bind(start_us).bind(end_us);
    let rows = bind_area(q, area).fetch_all(c).await?;
    let decided =
        rows.iter().map(|r| Ok((row::text(r, "outcome")?, row::int(r, "n")?))).collect::<Result<_, StoreError>>()?;
    Ok(ClaimSums { opened: row::int(&r, "opened")?, short_weight: row::int(&r, "short_weight")?, decided })
}

/// Weight-loss incidents opened in a period on lots taken in at a station of the area.
pub async fn weight_incidents(
    c: &mut AnyConnection,
    county: CountyId,
    start_us: i64,
    end_us: i64,
    area: &Area,
) -> Result<i64, StoreError> {
    let sql = format!(
        "SELECT COUNT(*) AS n FROM incidents i \
         WHERE i.county_id = $1 AND i.kind = 'weight_loss' AND i.opened_us >= $2 AND i.opened_us < $3 {}",
        lot_in_area("i.lot_id", 4)
    );
    let q = period_read(&sql).bind(county.to_string()).bind(start_us).bind(end_us);
    row::int(&bind_area(q, area).fetch_one(c).await?, "n")
}

/// What the dashboard takes from one dispatch plan.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PlanFigures {
    pub cost_down_fen: i64,
    pub carried_down_g: i64,
    pub cost_up_fen: i64,
    pub carried_up_g: i64,
    pub distance_m: i64,
    pub load_down_permille_sum: i64,
    pub load_up_permille_sum: i64,
    pub routes: i64,
    pub saving_fen: i64,
}

/// The latest version of each day's plan for dates `from..=to` (`YYYY-MM-DD`), with its figures
/// as stored with the plan, else (a plan stored without them) its report to compute them from.
pub async fn latest_plans(
    c: &mut AnyConnection,
    county: CountyId,
    from: &str,
    to: &str,
) -> Result<Vec<(PlanId, String, Result<PlanFigures, String>)>, StoreError> {
    let rows = sqlx::query(
        "SELECT p.plan_id, p.plan_date, f.plan_id AS done, f.cost_down_fen, f.carried_down_g, f.cost_up_fen, \
         f.carried_up_g, f.distance_m, f.load_down_permille_sum, f.load_up_permille_sum, f.routes, f.saving_fen, \
         CASE WHEN f.plan_id IS NULL THEN p.report END AS report \
         FROM dispatch_plans p LEFT JOIN dashboard_plans f ON f.county_id = p.county_id AND f.plan_id = p.plan_id \
         WHERE p.county_id = $1 AND p.plan_date >= $2 AND p.plan_date <= $3 AND p.version = \
         (SELECT MAX(q.version) FROM dispatch_plans q WHERE q.county_id = p.county_id AND q.plan_date = p.plan_date) \
         ORDER BY p.plan_date",
    )
    .bind(county.to_string())
    .bind(from)
    .bind(to)
    .fetch_all(c)
    .await?;
    rows.iter()
        .map(|r| {
            let figures = if row::opt_text(r, "done")?.is_some() {
                Ok(PlanFigures {
                    cost_down_fen: row::int(r, "cost_down_fen")?,
                    carried_down_g: row::int(r, "carried_down_g")?,
                    cost_up_fen: row::int(r, "cost_up_fen")?,
                    carried_up_g: row::int(r, "carried_up_g")?,
                    distance_m: row::int(r, "distance_m")?,
                    load_down_permille_sum: row::int(r, "load_down_permille_sum")?,
                    load_up_permille_sum: row::int(r, "load_up_permille_sum")?,
                    routes: row::int(r, "routes")?,
                    saving_fen: row::int(r, "saving_fen")?,
                })
            } else {
                Err(row::text(r, "report")?)
            };
            Ok((row::id(r, "plan_id")?, row::text(r, "plan_date")?, figures))
        })
        .collect()
}

/// Keeps a plan's figures, in the transaction that stores the plan (once; a second writer's row
/// is the same and is ignored).
pub async fn save_plan_figures(
    c: &mut AnyConnection,
    county: CountyId,
    plan: PlanId,
    date: &str,
    f: &PlanFigures,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO dashboard_plans (county_id, plan_id, plan_date, cost_down_fen, carried_down_g, cost_up_fen, \
         carried_up_g, distance_m, load_down_permille_sum, load_up_permille_sum, routes, saving_fen) \
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12) ON CONFLICT (county_id, plan_id) DO NOTHING",
    )
    .bind(county.to_string())
    .bind(plan.to_string())
    .bind(date)
    .bind(f.cost_down_fen)
    .bind(f.carried_down_g)
    .bind(f.cost_up_fen)
    .bind(f.carried_up_g)
    .bind(f.distance_m)
    .bind(f.load_down_permille_sum)
    .bind(f.load_up_permille_sum)
    .bind(f.routes)
    .bind(f.saving_fen)
    .execute(c)
    .await?;
    Ok(())
}

/// The county's stations with their village and township, for drill-down and station tables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StationPlace {
    pub station_id: String,
    pub code: String,
    pub name: String,
    pub village_id: String,
    pub village: String,
    pub township_id: String,
    pub township: String,
}

pub async fn station_places(c: &mut AnyConnection, county: CountyId) -> Result<Vec<StationPlace>, StoreError> {
    let rows = sqlx::query(
        "SELECT s.station_id, s.code, s.name, v.village_id, v.name AS village, t.township_id, t.name AS township \
         FROM stations s JOIN villages v ON v.county_id = s.county_id AND v.village_id = s.village_id \
         JOIN townships t ON t.county_id = v.county_id AND t.township_id = v.township_id \
         WHERE s.county_id = $1 ORDER BY s.code",
    )
    .bind(county.to_string())
    .fetch_all(c)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(StationPlace {
                station_id: row::text(r, "station_id")?,
                code: row::text(r, "code")?,
                name: row::text(r, "name")?,
                village_id: row::text(r, "village_id")?,
                village: row::text(r, "village")?,
                township_id: row::text(r, "township_id")?,
                township: row::text(r, "township")?,
            })
        })
        .collect()
}
