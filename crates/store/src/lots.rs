//! Lots, their history (intake, hand-offs, merges, splits, fills), weight-loss incidents, and
//! the fills of window orders. A lot's custody and weight change only through a conditional
//! UPDATE on the custodian and weight read, so two hand-offs of one lot cannot both win.

use crate::error::StoreError;
use crate::row;
use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;
use sqlx::any::AnyRow;
use uplink_core::*;
use utoipa::ToSchema;

/// A lot as stored and shown to staff.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Lot {
    pub id: LotId,
    pub county_id: CountyId,
    /// `COUNTY-SITE-YYYYMMDD-SEQ`, printed on the label.
    pub code: String,
    pub window_id: Option<WindowId>,
    pub product_id: ProductId,
    pub product_name: String,
    pub grade: String,
    pub farmer_id: Option<PersonId>,
    pub origin_village_id: Option<VillageId>,
    pub origin_village_name: Option<String>,
    pub station_id: Option<StationId>,
    pub gross_g: Option<i64>,
    pub tare_g: Option<i64>,
    /// Why the grade is lower than the farmer hoped, when it is.
    pub grade_reason: Option<String>,
    /// The farmer's compliance certificate (承诺达标合格证) number.
    pub certificate_no: Option<String>,
    pub harvest_date: Option<String>,
    pub farmer_price_fen: Option<i64>,
    pub payout_fen: Option<i64>,
    /// Net weight when the lot was made.
    pub made_g: i64,
    /// What the lot holds now.
    pub weight_g: i64,
    pub custodian_id: PersonId,
    /// station, vehicle, hub or drop_point.
    pub place_kind: String,
    pub place_code: String,
    /// active, merged or used.
    pub state: String,
    pub made_us: i64,
}

fn lot_from(r: &AnyRow) -> Result<Lot, StoreError> {
    Ok(Lot {
        id: row::id(r, "lot_id")?,
        county_id: row::id(r, "county_id")?,
        code: row::text(r, "lot_code")?,
        window_id: row::opt_id(r, "window_id")?,
        product_id: row::id(r, "product_id")?,
        product_name: row::text(r, "product_name")?,
        grade: row::text(r, "grade")?,
        farmer_id: row::opt_id(r, "farmer_id")?,
        origin_village_id: row::opt_id(r, "origin_village_id")?,
        origin_village_name: row::opt_text(r, "village_name")?,
        station_id: row::opt_id(r, "station_id")?,
        gross_g: row::opt_int(r, "gross_g")?,
        tare_g: row::opt_int(r, "tare_g")?,
        grade_reason: row::opt_text(r, "grade_reason")?,
        certificate_no: row::opt_text(r, "certificate_no")?,
        harvest_date: row::opt_text(r, "harvest_date")?,
        farmer_price_fen: row::opt_int(r, "farmer_price_fen")?,
        payout_fen: row::opt_int(r, "payout_fen")?,
        made_g: row::int(r, "made_g")?,
        weight_g: row::int(r, "weight_g")?,
        custodian_id: row::id(r, "custodian_id")?,
        place_kind: row::text(r, "place_kind")?,
        place_code: row::text(r, "place_code")?,
        state: row::text(r, "state")?,
        made_us: row::int(r, "made_us")?,
    })
}

pub async fn insert_lot(c: &mut AnyConnection, l: &Lot) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO lots (county_id, lot_id, lot_code, window_id, product_id, grade, farmer_id, origin_village_id, \
         station_id, gross_g, tare_g, grade_reason, certificate_no, harvest_date, farmer_price_fen, payout_fen, made_g, \
         weight_g, custodian_id, place_kind, place_code, state, made_us, updated_us) \
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$23)",
    )
    .bind(l.county_id.to_string())
    .bind(l.id.to_string())
    .bind(&l.code)
    .bind(l.window_id.map(|x| x.to_string()))
    .bind(l.product_id.to_string())
    .bind(&l.grade)
    .bind(l.farmer_id.map(|x| x.to_string()))
    .bind(l.origin_village_id.map(|x| x.to_string()))
    .bind(l.station_id.map(|x| x.to_string()))
    .bind(l.gross_g)
    .bind(l.tare_g)
    .bind(l.grade_reason.as_deref())
    .bind(l.certificate_no.as_deref())
    .bind(l.harvest_date.as_deref())
    .bind(l.farmer_price_fen)
    .bind(l.payout_fen)
    .bind(l.made_g)
    .bind(l.weight_g)
    .bind(l.custodian_id.to_string())
    .bind(&l.place_kind)
    .bind(&l.place_code)
    .bind(&l.state)
    .bind(l.made_us)
    .execute(c)
    .await
    .map_err(StoreError::classify)?;
    Ok(())
}

const SELECT: &str = "SELECT l.*, p.name AS product_name, v.name AS village_name FROM lots l \
     JOIN products p ON p.county_id = l.county_id AND p.product_id = l.product_id \
     LEFT JOIN villages v ON v.county_id = l.county_id AND v.village_id = l.origin_village_id";

pub async fn get_lot(c: &mut AnyConnection, county: CountyId, id: LotId) -> Result<Option<Lot>, StoreError> {
    let r = sqlx::query(&format!("{SELECT} WHERE l.county_id = $1 AND l.lot_id = $2"))
        .bind(county.to_string())
        .bind(id.to_string())
        .fetch_optional(c)
        .await?;
    r.as_ref().map(lot_from).transpose()
}

/// A lot by its printed code, in any county: the public trace page has only the code. Codes
/// start with the county's code, which is unique, so at most one lot answers.
pub async fn find_by_code(c: &mut AnyConnection, code: &str) -> Result<Option<Lot>, StoreError> {
    let r = sqlx::query(&format!("{SELECT} WHERE l.lot_code = $1")).bind(code).fetch_optional(c).await?;
    r.as_ref().map(lot_from).transpose()
}

#[derive(Debug, Clone, Default)]
pub struct LotFilter {
    pub window: Option<WindowId>,
    pub custodian: Option<PersonId>,
}

pub async fn list_lots(c: &mut AnyConnection, county: CountyId, f: &LotFilter) -> Result<Vec<Lot>, StoreError> {
    let rows = sqlx::query(&format!(
        "{SELECT} WHERE l.county_id = $1 AND ($2 = '' OR l.window_id = $2) AND ($3 = '' OR l.custodian_id = $3) \
         ORDER BY l.made_us, l.lot_code LIMIT 500"
    ))
    .bind(county.to_string())
    .bind(f.window.map(|w| w.to_string()).unwrap_or_default())
    .bind(f.custodian.map(|p| p.to_string()).unwrap_or_default())
    .fetch_all(c)
    .await?;
    rows.iter().map(lot_from).collect()
}

/// The lots a farmer delivered at intake (the ones their payout was made for), newest first.
pub async fn intake_lots_of_farmer(
    c: &mut AnyConnection,
    county: CountyId,
    farmer: PersonId,
    limit: i64,
) -> Result<Vec<Lot>, StoreError> {
    let rows = sqlx::query(&format!(
        "{SELECT} WHERE l.county_id = $1 AND l.farmer_id = $2 AND l.payout_fen IS NOT NULL \
         ORDER BY l.made_us DESC, l.lot_code LIMIT $3"
    ))
    .bind(county.to_string())
    .bind(farmer.to_string())
    .bind(limit)
    .fetch_all(c)
    .await?;
    rows.iter().map(lot_from).collect()
}

/// How many lots `prefix` (`COUNTY-SITE-YYYYMMDD-`) has; the next one is numbered one more.
pub async fn count_with_prefix(c: &mut AnyConnection, county: CountyId, prefix: &str) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM lots WHERE county_id = $1 AND lot_code LIKE $2")
        .bind(county.to_string())
        .bind(format!("{prefix}%"))
        .fetch_one(c)
        .await?)
}

/// Moves the lot to a new custodian, place, weight and state, if it is still held by `holder`
/// with `weight_g`; false when someone else moved it first.
#[allow(clippy::too_many_arguments)]
pub async fn move_lot(
    c: &mut AnyConnection,
    county: CountyId,
    id: LotId,
    holder: PersonId,
    weight_g: i64,
    to: PersonId,
    place: (&str, &str),
    new_weight_g: i64,
    state: &str,
) -> Result<bool, StoreError> {
    let r = sqlx::query(
        "UPDATE lots SET custodian_id = $5, place_kind = $6, place_code = $7, weight_g = $8, state = $9, updated_us = $10 \
         WHERE county_id = $1 AND lot_id = $2 AND custodian_id = $3 AND weight_g = $4 AND state = 'active'",
    )
    .bind(county.to_string())
    .bind(id.to_string())
    .bind(holder.to_string())
    .bind(weight_g)
    .bind(to.to_string())
    .bind(place.0)
    .bind(place.1)
    .bind(new_weight_g)
    .bind(state)
    .bind(crate::now_us())
    .execute(c)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// One step of a lot's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct LotEvent {
    pub seq: i64,
    /// intake, handoff, merged_into, merged_from, split_into, split_from or fill.
    pub kind: String,
    pub from_person: Option<PersonId>,
    pub to_person: Option<PersonId>,
    /// The roles of giver and taker (shown on the public trace instead of names).
    pub from_role: Option<String>,
    pub to_role: Option<String>,
    pub place_kind: String,
    pub place_code: String,
    /// The weight measured at this step (for merges and splits: the weight that moved).
    pub weight_g: i64,
    /// Weight lost over the leg that ends here.
    pub loss_g: i64,
    pub other_lot_id: Option<LotId>,
    pub order_id: Option<OrderId>,
    pub at_us: i64,
}

pub async fn add_event(
    c: &mut AnyConnection,
    county: CountyId,
    lot: LotId,
    e: &LotEvent,
    by: Option<UserId>,
) -> Result<i64, StoreError> {
    let seq: i64 = sqlx::query_scalar(
        "SELECT CAST(COALESCE(MAX(seq), 0) + 1 AS BIGINT) FROM lot_events WHERE county_id = $1 AND lot_id = $2",
    )
    .bind(county.to_string())
    .bind(lot.to_string())
    .fetch_one(&mut *c)
    .await?;
    sqlx::query(
        "INSERT INTO lot_events (county_id, lot_id, seq, kind, from_person, to_person, from_role, to_role, place_kind, \
         place_code, weight_g, loss_g, other_lot_id, order_id, by_user, at_us) \
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16)",
    )
    .bind(county.to_string())
    .bind(lot.to_string())
    .bind(seq)
    .bind(&e.kind)
    .bind(e.from_person.map(|x| x.to_string()))
    .bind(e.to_person.map(|x| x.to_string()))
    .bind(e.from_role.as_deref())
    .bind(e.to_role.as_deref())
    .bind(&e.place_kind)
    .bind(&e.place_code)
    .bind(e.weight_g)
    .bind(e.loss_g)
    .bind(e.other_lot_id.map(|x| x.to_string()))
    .bind(e.order_id.map(|x| x.to_string()))
    .bind(by.map(|x| x.to_string()))
    .bind(e.at_us)
    .execute(c)
    .await?;
    Ok(seq)
}

pub async fn events_of(c: &mut AnyConnection, county: CountyId, lot: LotId) -> Result<Vec<LotEvent>, StoreError> {
    let rows = sqlx::query("SELECT * FROM lot_events WHERE county_id = $1 AND lot_id = $2 ORDER BY seq")
        .bind(county.to_string())
        .bind(lot.to_string())
        .fetch_all(c)
        .await?;
    rows.iter()
        .map(|r| {
            Ok(LotEvent {
                seq: row::int(r, "seq")?,
                kind: row::text(r, "kind")?,
                from_person: row::opt_id(r, "from_person")?,
                to_person: row::opt_id(r, "to_person")?,
                from_role: row::opt_text(r, "from_role")?,
                to_role: row::opt_text(r, "to_role")?,
                place_kind: row::text(r, "place_kind")?,
                place_code: row::text(r, "place_code")?,
                weight_g: row::int(r, "weight_g")?,
                loss_g: row::int(r, "loss_g")?,
                other_lot_id: row::opt_id(r, "other_lot_id")?,
                order_id: row::opt_id(r, "order_id")?,
                at_us: row::int(r, "at_us")?,
            })
        })
        .collect()
}

// ---------------------------------------------------------------- incidents

/// A loss beyond tolerance on one leg, against the person who held the lot over it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Incident {
    pub id: IncidentId,
    pub lot_id: LotId,
    pub lot_code: String,
    /// The lot event that measured the loss.
    pub event_seq: i64,
    pub custodian_id: PersonId,
    /// weight_loss.
    pub kind: String,
    pub given_g: i64,
    pub taken_g: i64,
    pub loss_g: i64,
    pub allowed_g: i64,
    /// open (issue 6 decides them).
    pub state: String,
    pub opened_us: i64,
}

pub async fn insert_incident(c: &mut AnyConnection, county: CountyId, i: &Incident) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO incidents (county_id, incident_id, lot_id, event_seq, custodian_id, kind, given_g, taken_g, loss_g, \
         allowed_g, state, opened_us) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)",
    )
    .bind(county.to_string())
    .bind(i.id.to_string())
    .bind(i.lot_id.to_string())
    .bind(i.event_seq)
    .bind(i.custodian_id.to_string())
    .bind(&i.kind)
    .bind(i.given_g)
    .bind(i.taken_g)
    .bind(i.loss_g)
    .bind(i.allowed_g)
    .bind(&i.state)
    .bind(i.opened_us)
    .execute(c)
    .await
    .map_err(StoreError::classify)?;
    Ok(())
}

/// The county's incidents, newest first, optionally of one custodian.
pub async fn list_incidents(
    c: &mut AnyConnection,
    county: CountyId,
    custodian: Option<PersonId>,
) -> Result<Vec<Incident>, StoreError> {
    let rows = sqlx::query(
        "SELECT i.*, l.lot_code FROM incidents i JOIN lots l ON l.county_id = i.county_id AND l.lot_id = i.lot_id \
         WHERE i.county_id = $1 AND ($2 = '' OR i.custodian_id = $2) ORDER BY i.opened_us DESC, i.incident_id LIMIT 500",
    )
    .bind(county.to_string())
    .bind(custodian.map(|p| p.to_string()).unwrap_or_default())
    .fetch_all(c)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Incident {
                id: row::id(r, "incident_id")?,
                lot_id: row::id(r, "lot_id")?,
                lot_code: row::text(r, "lot_code")?,
                event_seq: row::int(r, "event_seq")?,
                custodian_id: row::id(r, "custodian_id")?,
                kind: row::text(r, "kind")?,
                given_g: row::int(r, "given_g")?,
                taken_g: row::int(r, "taken_g")?,
                loss_g: row::int(r, "loss_g")?,
                allowed_g: row::int(r, "allowed_g")?,
                state: row::text(r, "state")?,
                opened_us: row::int(r, "opened_us")?,
            })
        })
        .collect()
}

// ---------------------------------------------------------------- fills

/// A window order filled from a lot: the weight delivered and what it cost the buyer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Fill {
    pub order_id: OrderId,
    pub lot_id: LotId,
    pub weight_g: i64,
    pub charged_fen: i64,
    pub refund_fen: i64,
    pub at_us: i64,
}

pub async fn insert_fill(c: &mut AnyConnection, county: CountyId, f: &Fill) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO window_fills (county_id, order_id, lot_id, weight_g, charged_fen, refund_fen, at_us) \
         VALUES ($1,$2,$3,$4,$5,$6,$7)",
    )
    .bind(county.to_string())
    .bind(f.order_id.to_string())
    .bind(f.lot_id.to_string())
    .bind(f.weight_g)
    .bind(f.charged_fen)
    .bind(f.refund_fen)
    .bind(f.at_us)
    .execute(c)
    .await
    .map_err(StoreError::classify)?;
    Ok(())
}

pub async fn fill_of(c: &mut AnyConnection, county: CountyId, order: OrderId) -> Result<Option<Fill>, StoreError> {
    let r = sqlx::query("SELECT * FROM window_fills WHERE county_id = $1 AND order_id = $2")
        .bind(county.to_string())
        .bind(order.to_string())
        .fetch_optional(c)
        .await?;
    r.map(|r| {
        Ok(Fill {
            order_id: row::id(&r, "order_id")?,
            lot_id: row::id(&r, "lot_id")?,
            weight_g: row::int(&r, "weight_g")?,
            charged_fen: row::int(&r, "charged_fen")?,
            refund_fen: row::int(&r, "refund_fen")?,
            at_us: row::int(&r, "at_us")?,
        })
    })
    .transpose()
}
