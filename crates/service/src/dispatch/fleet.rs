//! The fleet: the operator adds and changes vehicles, staff read them; a generated county's trucks
//! are seeded with it.

use crate::access::Actor;
use crate::error::{Result, ServiceError};
use crate::idempotency::IdemKey;
use serde::Deserialize;
use uplink_core::people::Action;
use uplink_core::text::{self, PlaceCode};
use uplink_core::validation::{Checker, FieldError};
use uplink_core::*;
use uplink_store::dispatch::{self as repo, Vehicle};
use uplink_store::{Conn, Db};
use utoipa::ToSchema;

/// A vehicle to add, or the fields to change (absent fields keep their value).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VehicleInput {
    /// Short code, e.g. `T-07` (A–Z, 0–9, `-`).
    pub code: Option<String>,
    /// The plate people call the truck by, e.g. `云L·D1234`.
    pub plate: Option<String>,
    /// Payload in grams (a 2 t truck: 2000000).
    pub capacity_g: Option<i64>,
    /// Cargo space in cm³ (16 m³: 16000000).
    pub capacity_cm3: Option<i64>,
    pub refrigerated: Option<bool>,
    pub cost_per_km_fen: Option<i64>,
    pub cost_per_hour_fen: Option<i64>,
    /// Charged once on a day the vehicle drives (driver's day, depreciation).
    pub cost_per_day_fen: Option<i64>,
    /// Shift start and end, minutes after local midnight (07:00 is 420).
    pub shift_start_min: Option<i64>,
    pub shift_end_min: Option<i64>,
    /// The hub or township depot where it starts and ends its day.
    pub depot_hub_id: Option<String>,
    /// The driver (a person of role driver) who takes its route sheet.
    pub driver_id: Option<String>,
    pub active: Option<bool>,
}

/// Largest payload and space Uplink accepts: a 100 t, 200 m³ road train is no county truck, and a
/// typo of three zeros should not pass.
const MAX_CAPACITY_G: i64 = 100_000_000;
const MAX_CAPACITY_CM3: i64 = 200_000_000;
const MAX_COST_FEN: i64 = 10_000_000;

fn range(ck: &mut Checker, field: &str, given: Option<i64>, base: Option<i64>, min: i64, max: i64) -> Option<i64> {
    let Some(v) = given.or(base) else {
        ck.push(FieldError::new(field, "required"));
        return None;
    };
    if (min..=max).contains(&v) {
        Some(v)
    } else {
        ck.push(FieldError::new(field, "out-of-range").arg("min", min).arg("max", max));
        None
    }
}

fn id_field<T: std::str::FromStr>(ck: &mut Checker, field: &str, given: &Option<String>) -> Option<T> {
    let s = given.as_deref()?;
    match s.parse() {
        Ok(v) => Some(v),
        Err(_) => {
            ck.push(FieldError::new(field, "bad-id"));
            None
        }
    }
}

/// Checks every field (all errors at once) and that the depot and driver are of this county.
async fn build(c: &mut Conn, county: CountyId, i: &VehicleInput, base: Option<&Vehicle>) -> Result<Vehicle> {
    let mut ck = Checker::new();
    let code = match i.code.clone().or(base.map(|b| b.code.clone())) {
        Some(v) => ck.take("code", PlaceCode::parse(&v)).map(|c| c.as_str().to_string()),
        None => {
            ck.push(FieldError::new("code", "required"));
            None
        }
    };
    let plate = match i.plate.clone().or(base.map(|b| b.plate.clone())) {
        Some(v) => ck.take("plate", text::name(&v, 32)),
        None => {
            ck.push(FieldError::new("plate", "required"));
            None
        }
    };
    let capacity_g = range(&mut ck, "capacity_g", i.capacity_g, base.map(|b| b.capacity_g), 1, MAX_CAPACITY_G);
    let capacity_cm3 =
        range(&mut ck, "capacity_cm3", i.capacity_cm3, base.map(|b| b.capacity_cm3), 1, MAX_CAPACITY_CM3);
    let per_km = range(&mut ck, "cost_per_km_fen", i.cost_per_km_fen, base.map(|b| b.cost_per_km_fen), 0, MAX_COST_FEN);
    let per_hour =
        range(&mut ck, "cost_per_hour_fen", i.cost_per_hour_fen, base.map(|b| b.cost_per_hour_fen), 0, MAX_COST_FEN);
    let per_day =
        range(&mut ck, "cost_per_day_fen", i.cost_per_day_fen, base.map(|b| b.cost_per_day_fen), 0, MAX_COST_FEN);
    let start = range(&mut ck, "shift_start_min", i.shift_start_min, base.map(|b| b.shift_start_min), 0, 1439);
    let end = range(&mut ck, "shift_end_min", i.shift_end_min, base.map(|b| b.shift_end_min), 1, 1440);
    if let (Some(s), Some(e)) = (start, end)
        && e <= s
    {
        ck.push(FieldError::new("shift_end_min", "out-of-range").arg("min", s + 1).arg("max", 1440));
    }
    let depot: Option<HubId> = id_field(&mut ck, "depot_hub_id", &i.depot_hub_id).or(base.map(|b| b.depot_hub_id));
    if depot.is_none() && i.depot_hub_id.is_none() {
        ck.push(FieldError::new("depot_hub_id", "required"));
    }
    let driver: Option<PersonId> = id_field(&mut ck, "driver_id", &i.driver_id);
    if let Some(d) = depot
        && uplink_store::network::get_hub(c, county, d).await?.is_none()
    {
        ck.push(FieldError::new("depot_hub_id", "unknown-reference"));
    }
    if let Some(d) = driver
        && !repo::is_driver(c, county, d).await?
    {
        ck.push(FieldError::new("driver_id", "unknown-reference"));
    }
    ck.finish()?;
    let missing = || ServiceError::Invalid(Invalid::one(FieldError::new("", "required")));
    Ok(Vehicle {
        id: base.map(|b| b.id).unwrap_or_default(),
        county_id: county,
        code: code.ok_or_else(missing)?,
        plate: plate.ok_or_else(missing)?,
        capacity_g: capacity_g.ok_or_else(missing)?,
        capacity_cm3: capacity_cm3.ok_or_else(missing)?,
        refrigerated: i.refrigerated.or(base.map(|b| b.refrigerated)).unwrap_or(false),
        cost_per_km_fen: per_km.ok_or_else(missing)?,
        cost_per_hour_fen: per_hour.ok_or_else(missing)?,
        cost_per_day_fen: per_day.ok_or_else(missing)?,
        shift_start_min: start.ok_or_else(missing)?,
        shift_end_min: end.ok_or_else(missing)?,
        depot_hub_id: depot.ok_or_else(missing)?,
        driver_id: driver.or(base.and_then(|b| b.driver_id)),
        active: i.active.or(base.map(|b| b.active)).unwrap_or(true),
    })
}

pub async fn create_vehicle(
    db: &Db,
    actor: &Actor,
    county: CountyId,
    input: VehicleInput,
    idem: Option<&IdemKey>,
) -> Result<Vehicle> {
    actor.authorize(county, Action::ManageDispatch)?;
    let mut w = crate::begin_write!(db, &county.to_string(), actor, idem);
    let v = build(&mut w.tx, county, &input, None).await?;
    repo::insert_vehicle(&mut w.tx, &v).await?;
    w.commit(&v).await?;
    Ok(v)
}

pub async fn update_vehicle(
    db: &Db,
    actor: &Actor,
    county: CountyId,
    id: VehicleId,
    input: VehicleInput,
) -> Result<Vehicle> {
    actor.authorize(county, Action::ManageDispatch)?;
    let mut w = crate::begin_write!(db, &county.to_string(), actor, None);
    let base = repo::get_vehicle(&mut w.tx, county, id).await?.ok_or(ServiceError::NotFound)?;
    let v = build(&mut w.tx, county, &input, Some(&base)).await?;
    repo::update_vehicle(&mut w.tx, &v).await?;
    w.commit(&v).await?;
    Ok(v)
}

pub async fn get_vehicle(db: &Db, actor: &Actor, county: CountyId, id: VehicleId) -> Result<Vehicle> {
    actor.authorize(county, Action::ReadFleet)?;
    let mut c = db.reader().await?;
    repo::get_vehicle(&mut c, county, id).await?.ok_or(ServiceError::NotFound)
}

pub async fn list_vehicles(db: &Db, actor: &Actor, county: CountyId) -> Result<Vec<Vehicle>> {
    actor.authorize(county, Action::ReadFleet)?;
    let mut c = db.reader().await?;
    Ok(repo::list_vehicles(&mut c, county).await?)
}

/// Adds a generated county's trucks inside the seeding transaction: depots by hub code, drivers
/// by their log-in name (`prefix` + the generated one), as `demo::seed` names them.
pub async fn seed_fleet(c: &mut Conn, county: CountyId, g: &uplink_sim::County, prefix: &str) -> Result<()> {
    let corrupt = |what: &str| {
        ServiceError::Store(uplink_store::StoreError::Corrupt(format!("generated fleet refers to a missing {what}")))
    };
    for (i, v) in g.vehicles.iter().enumerate() {
        let hub = g.hubs.get(v.depot).ok_or_else(|| corrupt("depot"))?;
        let depot = repo::hub_id_by_code(c, county, hub.code.as_str()).await?.ok_or_else(|| corrupt("depot"))?;
        let username = g.people.iter().find(|p| p.vehicle == Some(i)).and_then(|p| p.username.as_ref());
        let driver = match username {
            Some(u) => repo::driver_by_username(c, county, &format!("{prefix}{u}")).await?,
            None => None,
        };
        let x = Vehicle {
            id: VehicleId::new(),
            county_id: county,
            code: v.code.as_str().to_string(),
            plate: v.name.clone(),
            capacity_g: v.capacity_g,
            capacity_cm3: v.capacity_l * 1000,
            refrigerated: v.refrigerated,
            cost_per_km_fen: v.cost_per_km_fen,
            cost_per_hour_fen: v.cost_per_hour_fen,
            cost_per_day_fen: v.cost_per_day_fen,
            shift_start_min: v.shift_start_min,
            shift_end_min: v.shift_end_min.min(1440),
            depot_hub_id: depot,
            driver_id: driver,
            active: true,
        };
        repo::insert_vehicle(c, &x).await?;
    }
    Ok(())
}
