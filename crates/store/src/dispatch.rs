//! Dispatch's tables: the fleet, the county's imported road matrix, the day plans (a re-plan is a
//! new version of the same date) and the weights drivers record at stops. Also the reads that
//! gather a day's places and orders for the planner, so the rule of which orders ride lives in
//! one query (`day_orders`).

use crate::error::StoreError;
use crate::row;
use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;
use sqlx::any::AnyRow;
use uplink_core::*;

// ---------------------------------------------------------------- fleet

/// A vehicle of the county's fleet. Capacities in grams and cm³, costs in fen, shift in minutes
/// after local midnight; it starts and ends its day at its depot (the hub or a township depot).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Vehicle {
    pub id: VehicleId,
    pub county_id: CountyId,
    pub code: String,
    pub plate: String,
    pub capacity_g: i64,
    pub capacity_cm3: i64,
    pub refrigerated: bool,
    pub cost_per_km_fen: i64,
    pub cost_per_hour_fen: i64,
    pub cost_per_day_fen: i64,
    pub shift_start_min: i64,
    pub shift_end_min: i64,
    pub depot_hub_id: HubId,
    /// The driver who takes this vehicle's route sheet.
    pub driver_id: Option<PersonId>,
    /// Inactive vehicles (in the workshop, sold) are kept for old plans but not planned.
    pub active: bool,
}

fn vehicle_from(r: &AnyRow) -> Result<Vehicle, StoreError> {
    Ok(Vehicle {
        id: row::id(r, "vehicle_id")?,
        county_id: row::id(r, "county_id")?,
        code: row::text(r, "code")?,
        plate: row::text(r, "plate")?,
        capacity_g: row::int(r, "capacity_g")?,
        capacity_cm3: row::int(r, "capacity_cm3")?,
        refrigerated: row::flag(r, "refrigerated")?,
        cost_per_km_fen: row::int(r, "cost_per_km_fen")?,
        cost_per_hour_fen: row::int(r, "cost_per_hour_fen")?,
        cost_per_day_fen: row::int(r, "cost_per_day_fen")?,
        shift_start_min: row::int(r, "shift_start_min")?,
        shift_end_min: row::int(r, "shift_end_min")?,
        depot_hub_id: row::id(r, "depot_hub_id")?,
        driver_id: row::opt_id(r, "driver_id")?,
        active: row::flag(r, "active")?,
    })
}

pub async fn insert_vehicle(c: &mut AnyConnection, v: &Vehicle) -> Result<(), StoreError> {
    let now = crate::now_us();
    sqlx::query(
        "INSERT INTO vehicles (county_id, vehicle_id, code, plate, capacity_g, capacity_cm3, refrigerated, \
         cost_per_km_fen, cost_per_hour_fen, cost_per_day_fen, shift_start_min, shift_end_min, depot_hub_id, \
         driver_id, active, created_us, updated_us) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$16)",
    )
    .bind(v.county_id.to_string())
    .bind(v.id.to_string())
    .bind(&v.code)
    .bind(&v.plate)
    .bind(v.capacity_g)
    .bind(v.capacity_cm3)
    .bind(i64::from(v.refrigerated))
    .bind(v.cost_per_km_fen)
    .bind(v.cost_per_hour_fen)
    .bind(v.cost_per_day_fen)
    .bind(v.shift_start_min)
    .bind(v.shift_end_min)
    .bind(v.depot_hub_id.to_string())
    .bind(v.driver_id.map(|d| d.to_string()))
    .bind(i64::from(v.active))
    .bind(now)
    .execute(c)
    .await
    .map_err(StoreError::classify)?;
    Ok(())
}

pub async fn update_vehicle(c: &mut AnyConnection, v: &Vehicle) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE vehicles SET code=$3, plate=$4, capacity_g=$5, capacity_cm3=$6, refrigerated=$7, cost_per_km_fen=$8, \
         cost_per_hour_fen=$9, cost_per_day_fen=$10, shift_start_min=$11, shift_end_min=$12, depot_hub_id=$13, \
         driver_id=$14, active=$15, updated_us=$16 WHERE county_id=$1 AND vehicle_id=$2",
    )
    .bind(v.county_id.to_string())
    .bind(v.id.to_string())
    .bind(&v.code)
    .bind(&v.plate)
    .bind(v.capacity_g)
    .bind(v.capacity_cm3)
    .bind(i64::from(v.refrigerated))
    .bind(v.cost_per_km_fen)
    .bind(v.cost_per_hour_fen)
    .bind(v.cost_per_day_fen)
    .bind(v.shift_start_min)
    .bind(v.shift_end_min)
    .bind(v.depot_hub_id.to_string())
    .bind(v.driver_id.map(|d| d.to_string()))
    .bind(i64::from(v.active))
    .bind(crate::now_us())
    .execute(c)
    .await
    .map_err(StoreError::classify)?;
    Ok(())
}

pub async fn get_vehicle(
    c: &mut AnyConnection,
    county: CountyId,
    id: VehicleId,
) -> Result<Option<Vehicle>, StoreError> {
    let r = sqlx::query("SELECT * FROM vehicles WHERE county_id = $1 AND vehicle_id = $2")
        .bind(county.to_string())
        .bind(id.to_string())
        .fetch_optional(c)
        .await?;
    r.as_ref().map(vehicle_from).transpose()
}

/// The whole fleet by code: a county runs tens of vehicles, not thousands.
pub async fn list_vehicles(c: &mut AnyConnection, county: CountyId) -> Result<Vec<Vehicle>, StoreError> {
    let rows = sqlx::query("SELECT * FROM vehicles WHERE county_id = $1 ORDER BY code")
        .bind(county.to_string())
        .fetch_all(c)
        .await?;
    rows.iter().map(vehicle_from).collect()
}

/// A hub of the county by its code (seeding the generated fleet refers to depots by code).
pub async fn hub_id_by_code(c: &mut AnyConnection, county: CountyId, code: &str) -> Result<Option<HubId>, StoreError> {
    let r = sqlx::query("SELECT hub_id FROM hubs WHERE county_id = $1 AND code = $2")
        .bind(county.to_string())
        .bind(code)
        .fetch_optional(c)
        .await?;
    r.as_ref().map(|r| row::id(r, "hub_id")).transpose()
}

/// The county's driver who logs in as `username`.
pub async fn driver_by_username(
    c: &mut AnyConnection,
    county: CountyId,
    username: &str,
) -> Result<Option<PersonId>, StoreError> {
    let r = sqlx::query(
        "SELECT p.person_id FROM people p JOIN users u ON u.user_id = p.user_id \
         WHERE p.county_id = $1 AND p.role = 'driver' AND u.username = $2",
    )
    .bind(county.to_string())
    .bind(username)
    .fetch_optional(c)
    .await?;
    r.as_ref().map(|r| row::id(r, "person_id")).transpose()
}

/// Whether `person` is a driver of the county (a vehicle's driver must be one).
pub async fn is_driver(c: &mut AnyConnection, county: CountyId, person: PersonId) -> Result<bool, StoreError> {
    let r = sqlx::query("SELECT 1 AS one FROM people WHERE county_id = $1 AND person_id = $2 AND role = 'driver'")
        .bind(county.to_string())
        .bind(person.to_string())
        .fetch_optional(c)
        .await?;
    Ok(r.is_some())
}

// ---------------------------------------------------------------- road matrix

/// Replaces the county's road matrix.
pub async fn save_road_matrix(
    c: &mut AnyConnection,
    county: CountyId,
    csv: &str,
    rows: i64,
    by: UserId,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO road_matrices (county_id, csv, rows_count, imported_by, imported_us) VALUES ($1,$2,$3,$4,$5) \
         ON CONFLICT (county_id) DO UPDATE SET csv = excluded.csv, rows_count = excluded.rows_count, \
         imported_by = excluded.imported_by, imported_us = excluded.imported_us",
    )
    .bind(county.to_string())
    .bind(csv)
    .bind(rows)
    .bind(by.to_string())
    .bind(crate::now_us())
    .execute(c)
    .await?;
    Ok(())
}

pub async fn road_matrix(c: &mut AnyConnection, county: CountyId) -> Result<Option<String>, StoreError> {
    let r = sqlx::query("SELECT csv FROM road_matrices WHERE county_id = $1")
        .bind(county.to_string())
        .fetch_optional(c)
        .await?;
    r.as_ref().map(|r| row::text(r, "csv")).transpose()
}

/// Drops the matrix, so plans go back to estimates. True when there was one.
pub async fn delete_road_matrix(c: &mut AnyConnection, county: CountyId) -> Result<bool, StoreError> {
    let r = sqlx::query("DELETE FROM road_matrices WHERE county_id = $1").bind(county.to_string()).execute(c).await?;
    Ok(r.rows_affected() > 0)
}

// ---------------------------------------------------------------- the day's places and orders

/// A hub or depot as the planner needs it.
#[derive(Debug, Clone)]
pub struct DepotRow {
    pub id: HubId,
    pub code: String,
    pub location: LatLon,
}

pub async fn depots(c: &mut AnyConnection, county: CountyId) -> Result<Vec<DepotRow>, StoreError> {
    let rows = sqlx::query("SELECT hub_id, code, lat_e6, lon_e6 FROM hubs WHERE county_id = $1 ORDER BY code")
        .bind(county.to_string())
        .fetch_all(c)
        .await?;
    rows.iter()
        .map(|r| {
            Ok(DepotRow {
                id: row::id(r, "hub_id")?,
                code: row::text(r, "code")?,
                location: row::latlon(r, "lat_e6", "lon_e6")?,
            })
        })
        .collect()
}

/// A station with where it stands and how it is reached.
#[derive(Debug, Clone)]
pub struct StationRow {
    pub id: StationId,
    pub code: String,
    pub location: LatLon,
    pub road: RoadClass,
    pub open_min: i64,
    pub close_min: i64,
}

pub async fn stations(c: &mut AnyConnection, county: CountyId) -> Result<Vec<StationRow>, StoreError> {
    let rows = sqlx::query(
        "SELECT s.station_id, s.code, s.open_min, s.close_min, v.lat_e6, v.lon_e6, v.road_class \
         FROM stations s JOIN villages v ON v.county_id = s.county_id AND v.village_id = s.village_id \
         WHERE s.county_id = $1 ORDER BY s.code",
    )
    .bind(county.to_string())
    .fetch_all(c)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(StationRow {
                id: row::id(r, "station_id")?,
                code: row::text(r, "code")?,
                location: row::latlon(r, "lat_e6", "lon_e6")?,
                road: row::choice(r, "road_class", RoadClass::parse)?,
                open_min: row::int(r, "open_min")?,
                close_min: row::int(r, "close_min")?,
            })
        })
        .collect()
}

/// An order waiting for the truck, with what the planner needs to know about its goods.
#[derive(Debug, Clone)]
pub struct DayOrder {
    pub id: OrderId,
    pub order_no: String,
    pub downlink: bool,
    /// Downlink: the station it goes to.
    pub station_id: Option<StationId>,
    /// Uplink: the station of the seller's village, where the truck collects it.
    pub seller_station_id: Option<StationId>,
    pub weight_g: i64,
    pub volume_cm3: i64,
    /// Some line is not ambient (chilled or frozen): it rides a refrigerated vehicle.
    pub cold: bool,
    /// The shortest shelf life among its products.
    pub shelf_life_days: i64,
    /// When the goods became ready: paid (and so confirmed) or, failing that, placed.
    pub ready_us: i64,
}

/// Orders the trucks carry: confirmed or packed, in either direction. Volume is the lines' units
/// times their product's unit volume; cold is any line whose product is not ambient.
pub async fn day_orders(c: &mut AnyConnection, county: CountyId) -> Result<Vec<DayOrder>, StoreError> {
    let rows = sqlx::query(
        "SELECT o.order_id, o.order_no, o.direction, o.station_id, o.weight_g, \
         COALESCE(o.paid_us, o.placed_us) AS ready_us, \
         (SELECT MIN(s.station_id) FROM people sp JOIN stations s \
            ON s.county_id = sp.county_id AND s.village_id = sp.village_id \
          WHERE sp.county_id = o.county_id AND sp.person_id = o.seller_id) AS seller_station_id, \
         CAST(SUM(l.units * p.unit_cm3) AS BIGINT) AS volume_cm3, \
         CAST(MAX(CASE WHEN p.storage_class <> 'ambient' THEN 1 ELSE 0 END) AS BIGINT) AS cold, \
         CAST(MIN(p.shelf_life_days) AS BIGINT) AS shelf_life_days \
         FROM orders o \
         JOIN order_lines l ON l.county_id = o.county_id AND l.order_id = o.order_id \
         JOIN products p ON p.county_id = l.county_id AND p.product_id = l.product_id \
         WHERE o.county_id = $1 AND o.state IN ('confirmed', 'packed') \
         GROUP BY o.county_id, o.order_id, o.order_no, o.direction, o.station_id, o.weight_g, o.paid_us, \
           o.placed_us, o.seller_id \
         ORDER BY o.order_no",
    )
    .bind(county.to_string())
    .fetch_all(c)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(DayOrder {
                id: row::id(r, "order_id")?,
                order_no: row::text(r, "order_no")?,
                downlink: row::text(r, "direction")? == "downlink",
                station_id: row::opt_id(r, "station_id")?,
                seller_station_id: row::opt_id(r, "seller_station_id")?,
                weight_g: row::int(r, "weight_g")?,
                volume_cm3: row::int(r, "volume_cm3")?,
                cold: row::int(r, "cold")? != 0,
                shelf_life_days: row::int(r, "shelf_life_days")?,
                ready_us: row::int(r, "ready_us")?,
            })
        })
        .collect()
}

// ---------------------------------------------------------------- plans

/// A stored plan's figures; `report` is the whole plan as JSON text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanRow {
    pub id: PlanId,
    pub county_id: CountyId,
    pub date: String,
    pub version: i64,
    pub created_by: Option<UserId>,
    pub created_us: i64,
    pub time_limit_s: i64,
    /// `estimate` or `matrix`.
    pub road_source: String,
    pub vehicles_used: i64,
    pub jobs_routed: i64,
    pub jobs_unplanned: i64,
    pub distance_m: i64,
    pub cost_fen: i64,
    pub distance_saving_bp: i64,
    pub cost_saving_bp: i64,
    pub report: String,
}

fn plan_from(r: &AnyRow, with_report: bool) -> Result<PlanRow, StoreError> {
    Ok(PlanRow {
        id: row::id(r, "plan_id")?,
        county_id: row::id(r, "county_id")?,
        date: row::text(r, "plan_date")?,
        version: row::int(r, "version")?,
        created_by: row::opt_id(r, "created_by")?,
        created_us: row::int(r, "created_us")?,
        time_limit_s: row::int(r, "time_limit_s")?,
        road_source: row::text(r, "road_source")?,
        vehicles_used: row::int(r, "vehicles_used")?,
        jobs_routed: row::int(r, "jobs_routed")?,
        jobs_unplanned: row::int(r, "jobs_unplanned")?,
        distance_m: row::int(r, "distance_m")?,
        cost_fen: row::int(r, "cost_fen")?,
        distance_saving_bp: row::int(r, "distance_saving_bp")?,
        cost_saving_bp: row::int(r, "cost_saving_bp")?,
        report: if with_report { row::text(r, "report")? } else { String::new() },
    })
}

/// The next version number of the county's plan for `date` (1 for the first). Two planners racing
/// for one number meet the unique constraint; the loser's write fails as a duplicate.
pub async fn next_plan_version(c: &mut AnyConnection, county: CountyId, date: &str) -> Result<i64, StoreError> {
    let v: Option<i64> = sqlx::query_scalar(
        "SELECT CAST(MAX(version) AS BIGINT) FROM dispatch_plans WHERE county_id = $1 AND plan_date = $2",
    )
    .bind(county.to_string())
    .bind(date)
    .fetch_one(c)
    .await?;
    Ok(v.unwrap_or(0) + 1)
}

/// The latest plan version of each date the county has plans for.
pub async fn plan_versions(
    c: &mut AnyConnection,
    county: CountyId,
) -> Result<std::collections::HashMap<String, i64>, StoreError> {
    let rows = sqlx::query(
        "SELECT plan_date, CAST(MAX(version) AS BIGINT) AS version FROM dispatch_plans WHERE county_id = $1 \
         GROUP BY plan_date",
    )
    .bind(county.to_string())
    .fetch_all(c)
    .await?;
    rows.iter().map(|r| Ok((row::text(r, "plan_date")?, row::int(r, "version")?))).collect()
}

pub async fn insert_plan(c: &mut AnyConnection, p: &PlanRow) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO dispatch_plans (county_id, plan_id, plan_date, version, created_by, created_us, time_limit_s, \
         road_source, vehicles_used, jobs_routed, jobs_unplanned, distance_m, cost_fen, distance_saving_bp, \
         cost_saving_bp, report) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16)",
    )
    .bind(p.county_id.to_string())
    .bind(p.id.to_string())
    .bind(&p.date)
    .bind(p.version)
    .bind(p.created_by.map(|u| u.to_string()))
    .bind(p.created_us)
    .bind(p.time_limit_s)
    .bind(&p.road_source)
    .bind(p.vehicles_used)
    .bind(p.jobs_routed)
    .bind(p.jobs_unplanned)
    .bind(p.distance_m)
    .bind(p.cost_fen)
    .bind(p.distance_saving_bp)
    .bind(p.cost_saving_bp)
    .bind(&p.report)
    .execute(c)
    .await
    .map_err(StoreError::classify)?;
    Ok(())
}

pub async fn get_plan(c: &mut AnyConnection, county: CountyId, id: PlanId) -> Result<Option<PlanRow>, StoreError> {
    let r = sqlx::query("SELECT * FROM dispatch_plans WHERE county_id = $1 AND plan_id = $2")
        .bind(county.to_string())
        .bind(id.to_string())
        .fetch_optional(c)
        .await?;
    r.as_ref().map(|r| plan_from(r, true)).transpose()
}

/// Every version of the county's plans for `date`, newest first, without their reports.
pub async fn list_plans(c: &mut AnyConnection, county: CountyId, date: &str) -> Result<Vec<PlanRow>, StoreError> {
    let rows = sqlx::query(
        "SELECT county_id, plan_id, plan_date, version, created_by, created_us, time_limit_s, road_source, \
         vehicles_used, jobs_routed, jobs_unplanned, distance_m, cost_fen, distance_saving_bp, cost_saving_bp \
         FROM dispatch_plans WHERE county_id = $1 AND plan_date = $2 ORDER BY version DESC",
    )
    .bind(county.to_string())
    .bind(date)
    .fetch_all(c)
    .await?;
    rows.iter().map(|r| plan_from(r, false)).collect()
}

// ---------------------------------------------------------------- stop records

/// A weight a driver recorded at a stop: what was dropped or collected for one order or lot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct StopRecord {
    pub id: StopRecordId,
    pub plan_id: PlanId,
    pub vehicle: String,
    /// The stop's number on the route sheet, from 1.
    pub stop: i64,
    pub place: String,
    /// `drop` or `collect`.
    pub handoff: String,
    /// The order number (or, with issue 4, the lot code).
    #[serde(rename = "ref")]
    pub reference: String,
    pub expected_weight_g: i64,
    pub weight_g: i64,
    pub recorded_by: UserId,
    pub recorded_us: i64,
}

pub async fn insert_stop_record(c: &mut AnyConnection, county: CountyId, s: &StopRecord) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO dispatch_stops (county_id, record_id, plan_id, vehicle_code, stop_no, place_code, handoff, ref, \
         expected_weight_g, weight_g, recorded_by, recorded_us) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)",
    )
    .bind(county.to_string())
    .bind(s.id.to_string())
    .bind(s.plan_id.to_string())
    .bind(&s.vehicle)
    .bind(s.stop)
    .bind(&s.place)
    .bind(&s.handoff)
    .bind(&s.reference)
    .bind(s.expected_weight_g)
    .bind(s.weight_g)
    .bind(s.recorded_by.to_string())
    .bind(s.recorded_us)
    .execute(c)
    .await
    .map_err(StoreError::classify)?;
    Ok(())
}

/// The records of one plan (one vehicle's when given), in the order they were made.
pub async fn stop_records(
    c: &mut AnyConnection,
    county: CountyId,
    plan: PlanId,
    vehicle: Option<&str>,
) -> Result<Vec<StopRecord>, StoreError> {
    let rows = sqlx::query(
        "SELECT * FROM dispatch_stops WHERE county_id = $1 AND plan_id = $2 AND ($3 = '' OR vehicle_code = $3) \
         ORDER BY recorded_us, record_id",
    )
    .bind(county.to_string())
    .bind(plan.to_string())
    .bind(vehicle.unwrap_or(""))
    .fetch_all(c)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(StopRecord {
                id: row::id(r, "record_id")?,
                plan_id: row::id(r, "plan_id")?,
                vehicle: row::text(r, "vehicle_code")?,
                stop: row::int(r, "stop_no")?,
                place: row::text(r, "place_code")?,
                handoff: row::text(r, "handoff")?,
                reference: row::text(r, "ref")?,
                expected_weight_g: row::int(r, "expected_weight_g")?,
                weight_g: row::int(r, "weight_g")?,
                recorded_by: row::id(r, "recorded_by")?,
                recorded_us: row::int(r, "recorded_us")?,
            })
        })
        .collect()
}
