//! Use cases for the county network: counties (admins), townships, villages, hubs and stations
//! (operators write; every member of the county reads).
//!
//! Each record has one input shape used for both create and update: on create every required
//! field must be there; on update only the fields given change, and the result is checked as a
//! whole by the same rules.

use crate::access::Actor;
use crate::error::{Result, ServiceError};
use crate::idempotency::IdemKey;
use crate::paging::{ListQuery, Page};
use serde::Deserialize;
use uplink_core::geo::{Area, LatLon, RoadClass};
use uplink_core::network::{self as rules, HubKind, OpeningHours};
use uplink_core::people::Action;
use uplink_core::records::{County, Hub, Station, Township, Village};
use uplink_core::text::{self, NAME_MAX, PlaceCode};
use uplink_core::validation::{Checker, FieldError};
use uplink_core::*;
use uplink_store::{Db, network as repo};
use utoipa::ToSchema;

/// A required field of an input: its value, or a `required` error under its name.
pub(crate) fn required<T: Clone>(ck: &mut Checker, field: &str, given: &Option<T>, base: Option<T>) -> Option<T> {
    match given.clone().or(base) {
        Some(v) => Some(v),
        None => {
            ck.push(FieldError::new(field, "required"));
            None
        }
    }
}

pub(crate) fn name_field(
    ck: &mut Checker,
    field: &str,
    given: &Option<String>,
    base: Option<String>,
) -> Option<String> {
    let v = required(ck, field, given, base)?;
    ck.take(field, text::name(&v, NAME_MAX))
}

fn code_field(ck: &mut Checker, field: &str, given: &Option<String>, base: Option<String>) -> Option<String> {
    let v = required(ck, field, given, base)?;
    ck.take(field, PlaceCode::parse(&v)).map(|c| c.as_str().to_string())
}

fn point_field(
    ck: &mut Checker,
    field: &str,
    given: &Option<LatLon>,
    base: Option<LatLon>,
    area: &Area,
) -> Option<LatLon> {
    let p = required(ck, field, given, base)?;
    let p = ck.take(field, LatLon::parse(p.lat, p.lon))?;
    ck.take(field, area.place(p))
}

/// Every missing part was recorded by the checker, so this is only reached if a rule forgot to
/// record one; it still answers as bad input rather than panicking.
pub(crate) fn incomplete() -> ServiceError {
    ServiceError::Invalid(uplink_core::Invalid::default())
}

pub(crate) async fn county_of(db: &Db, id: CountyId) -> Result<County> {
    let mut c = db.reader().await?;
    repo::get_county(&mut c, id).await?.ok_or(ServiceError::NotFound)
}

// ---------------------------------------------------------------- counties

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CountyInput {
    /// Short code, e.g. `BCX`.
    pub code: Option<String>,
    pub name: Option<String>,
    /// IANA zone for display; default `Asia/Shanghai`.
    pub time_zone: Option<String>,
    /// The county seat.
    pub centre: Option<LatLon>,
    /// The rectangle every place of the county must lie in; default 50 km around the centre.
    pub area: Option<Area>,
}

pub async fn create_county(db: &Db, actor: &Actor, input: CountyInput, idem: Option<&IdemKey>) -> Result<County> {
    actor.require_admin()?;
    let mut ck = Checker::new();
    let code = code_field(&mut ck, "code", &input.code, None);
    let name = name_field(&mut ck, "name", &input.name, None);
    let tz = ck.take("time_zone", rules::time_zone(input.time_zone.as_deref().unwrap_or("Asia/Shanghai")));
    let centre =
        required(&mut ck, "centre", &input.centre, None).and_then(|p| ck.take("centre", LatLon::parse(p.lat, p.lon)));
    let area = match (input.area, centre) {
        (Some(a), _) => ck.take("area", Area::parse(a.south, a.west, a.north, a.east)),
        (None, Some(c)) => Some(Area::around(c, 50.0)),
        (None, None) => None,
    };
    if let (Some(a), Some(c)) = (area, centre) {
        ck.take("centre", a.place(c));
    }
    ck.finish()?;
    let (Some(code), Some(name), Some(time_zone), Some(centre), Some(area)) = (code, name, tz, centre, area) else {
        return Err(incomplete());
    };
    let county = County { id: CountyId::new(), code, name, time_zone, centre, area };
    let mut w = crate::begin_write!(db, uplink_store::idempotency::PLATFORM_SCOPE, actor, idem);
    repo::insert_county(&mut w.tx, &county).await?;
    w.commit(&county).await?;
    Ok(county)
}

pub async fn get_county(db: &Db, actor: &Actor, id: CountyId) -> Result<County> {
    actor.authorize(id, Action::ReadNetwork)?;
    county_of(db, id).await
}

/// The counties the user belongs to (all of them for an admin).
pub async fn list_counties(db: &Db, actor: &Actor) -> Result<Vec<County>> {
    let mut c = db.reader().await?;
    let all = repo::list_counties(&mut c).await?;
    Ok(all.into_iter().filter(|x| actor.is_member(x.id)).collect())
}

// ---------------------------------------------------------------- townships

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TownshipInput {
    pub code: Option<String>,
    pub name: Option<String>,
    pub seat: Option<LatLon>,
}

fn build_township(county: &County, i: &TownshipInput, base: Option<&Township>) -> Result<Township> {
    let mut ck = Checker::new();
    let code = code_field(&mut ck, "code", &i.code, base.map(|b| b.code.clone()));
    let name = name_field(&mut ck, "name", &i.name, base.map(|b| b.name.clone()));
    let seat = point_field(&mut ck, "seat", &i.seat, base.map(|b| b.seat), &county.area);
    ck.finish()?;
    let (Some(code), Some(name), Some(seat)) = (code, name, seat) else {
        return Err(incomplete());
    };
    Ok(Township { id: base.map(|b| b.id).unwrap_or_default(), county_id: county.id, code, name, seat })
}

pub async fn create_township(
    db: &Db,
    actor: &Actor,
    county: CountyId,
    input: TownshipInput,
    idem: Option<&IdemKey>,
) -> Result<Township> {
    actor.authorize(county, Action::ManageNetwork)?;
    let x = build_township(&county_of(db, county).await?, &input, None)?;
    let mut w = crate::begin_write!(db, &county.to_string(), actor, idem);
    repo::insert_township(&mut w.tx, &x).await?;
    w.commit(&x).await?;
    Ok(x)
}

pub async fn update_township(
    db: &Db,
    actor: &Actor,
    county: CountyId,
    id: TownshipId,
    input: TownshipInput,
) -> Result<Township> {
    actor.authorize(county, Action::ManageNetwork)?;
    let cty = county_of(db, county).await?;
    let mut w = crate::begin_write!(db, &county.to_string(), actor, None);
    let base = repo::get_township(&mut w.tx, county, id).await?.ok_or(ServiceError::NotFound)?;
    let x = build_township(&cty, &input, Some(&base))?;
    repo::update_township(&mut w.tx, &x).await?;
    w.commit(&x).await?;
    Ok(x)
}

pub async fn get_township(db: &Db, actor: &Actor, county: CountyId, id: TownshipId) -> Result<Township> {
    actor.authorize(county, Action::ReadNetwork)?;
    let mut c = db.reader().await?;
    repo::get_township(&mut c, county, id).await?.ok_or(ServiceError::NotFound)
}

pub async fn list_townships(db: &Db, actor: &Actor, county: CountyId, q: &ListQuery) -> Result<Page<Township>> {
    actor.authorize(county, Action::ReadNetwork)?;
    let (p, s) = (q.page()?, q.search()?);
    let mut c = db.reader().await?;
    let (items, total) = repo::list_townships(&mut c, county, &s, p).await?;
    Ok(Page { items, total, limit: p.limit, offset: p.offset })
}

// ---------------------------------------------------------------- villages

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VillageInput {
    #[schema(value_type = Option<String>, format = "uuid")]
    pub township_id: Option<TownshipId>,
    pub code: Option<String>,
    pub name: Option<String>,
    pub location: Option<LatLon>,
    pub population: Option<i64>,
    pub households: Option<i64>,
    /// `paved`, `gravel` or `mountain_track`.
    pub road_class: Option<String>,
}

async fn build_village(
    c: &mut uplink_store::Conn,
    county: &County,
    i: &VillageInput,
    base: Option<&Village>,
) -> Result<Village> {
    let mut ck = Checker::new();
    let township_id = required(&mut ck, "township_id", &i.township_id, base.map(|b| b.township_id));
    let code = code_field(&mut ck, "code", &i.code, base.map(|b| b.code.clone()));
    let name = name_field(&mut ck, "name", &i.name, base.map(|b| b.name.clone()));
    let location = point_field(&mut ck, "location", &i.location, base.map(|b| b.location), &county.area);
    let population = required(&mut ck, "population", &i.population, base.map(|b| b.population))
        .and_then(|n| ck.take("population", rules::population(n)));
    let households = required(&mut ck, "households", &i.households, base.map(|b| b.households));
    let households = match (households, population) {
        (Some(h), Some(p)) => ck.take("households", rules::households(h, p)),
        _ => None,
    };
    let road = required(&mut ck, "road_class", &i.road_class, base.map(|b| b.road_class.as_str().to_string()))
        .and_then(|r| ck.take("road_class", RoadClass::parse(&r)));
    if let Some(t) = township_id
        && repo::get_township(c, county.id, t).await?.is_none()
    {
        ck.push(FieldError::new("township_id", "unknown-reference"));
    }
    ck.finish()?;
    let (
        Some(township_id),
        Some(code),
        Some(name),
        Some(location),
        Some(population),
        Some(households),
        Some(road_class),
    ) = (township_id, code, name, location, population, households, road)
    else {
        return Err(incomplete());
    };
    Ok(Village {
        id: base.map(|b| b.id).unwrap_or_default(),
        county_id: county.id,
        township_id,
        code,
        name,
        location,
        population,
        households,
        road_class,
    })
}

pub async fn create_village(
    db: &Db,
    actor: &Actor,
    county: CountyId,
    input: VillageInput,
    idem: Option<&IdemKey>,
) -> Result<Village> {
    actor.authorize(county, Action::ManageNetwork)?;
    let cty = county_of(db, county).await?;
    let mut w = crate::begin_write!(db, &county.to_string(), actor, idem);
    let x = build_village(&mut w.tx, &cty, &input, None).await?;
    repo::insert_village(&mut w.tx, &x).await?;
    w.commit(&x).await?;
    Ok(x)
}

pub async fn update_village(
    db: &Db,
    actor: &Actor,
    county: CountyId,
    id: VillageId,
    input: VillageInput,
) -> Result<Village> {
    actor.authorize(county, Action::ManageNetwork)?;
    let cty = county_of(db, county).await?;
    let mut w = crate::begin_write!(db, &county.to_string(), actor, None);
    let base = repo::get_village(&mut w.tx, county, id).await?.ok_or(ServiceError::NotFound)?;
    let x = build_village(&mut w.tx, &cty, &input, Some(&base)).await?;
    repo::update_village(&mut w.tx, &x).await?;
    w.commit(&x).await?;
    Ok(x)
}

pub async fn get_village(db: &Db, actor: &Actor, county: CountyId, id: VillageId) -> Result<Village> {
    actor.authorize(county, Action::ReadNetwork)?;
    let mut c = db.reader().await?;
    repo::get_village(&mut c, county, id).await?.ok_or(ServiceError::NotFound)
}

pub async fn list_villages(db: &Db, actor: &Actor, county: CountyId, q: &ListQuery) -> Result<Page<Village>> {
    actor.authorize(county, Action::ReadNetwork)?;
    let (p, s) = (q.page()?, q.search()?);
    let mut c = db.reader().await?;
    let (items, total) = repo::list_villages(&mut c, county, &s, p).await?;
    Ok(Page { items, total, limit: p.limit, offset: p.offset })
}

// ---------------------------------------------------------------- hubs

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HubInput {
    pub code: Option<String>,
    pub name: Option<String>,
    /// `county_hub` or `township_depot`.
    pub kind: Option<String>,
    pub location: Option<LatLon>,
}

fn build_hub(county: &County, i: &HubInput, base: Option<&Hub>) -> Result<Hub> {
    let mut ck = Checker::new();
    let code = code_field(&mut ck, "code", &i.code, base.map(|b| b.code.clone()));
    let name = name_field(&mut ck, "name", &i.name, base.map(|b| b.name.clone()));
    let kind = required(&mut ck, "kind", &i.kind, base.map(|b| b.kind.as_str().to_string()))
        .and_then(|k| ck.take("kind", HubKind::parse(&k)));
    let location = point_field(&mut ck, "location", &i.location, base.map(|b| b.location), &county.area);
    ck.finish()?;
    let (Some(code), Some(name), Some(kind), Some(location)) = (code, name, kind, location) else {
        return Err(incomplete());
    };
    Ok(Hub { id: base.map(|b| b.id).unwrap_or_default(), county_id: county.id, code, name, kind, location })
}

pub async fn create_hub(
    db: &Db,
    actor: &Actor,
    county: CountyId,
    input: HubInput,
    idem: Option<&IdemKey>,
) -> Result<Hub> {
    actor.authorize(county, Action::ManageNetwork)?;
    let x = build_hub(&county_of(db, county).await?, &input, None)?;
    let mut w = crate::begin_write!(db, &county.to_string(), actor, idem);
    repo::insert_hub(&mut w.tx, &x).await?;
    w.commit(&x).await?;
    Ok(x)
}

pub async fn update_hub(db: &Db, actor: &Actor, county: CountyId, id: HubId, input: HubInput) -> Result<Hub> {
    actor.authorize(county, Action::ManageNetwork)?;
    let cty = county_of(db, county).await?;
    let mut w = crate::begin_write!(db, &county.to_string(), actor, None);
    let base = repo::get_hub(&mut w.tx, county, id).await?.ok_or(ServiceError::NotFound)?;
    let x = build_hub(&cty, &input, Some(&base))?;
    repo::update_hub(&mut w.tx, &x).await?;
    w.commit(&x).await?;
    Ok(x)
}

pub async fn get_hub(db: &Db, actor: &Actor, county: CountyId, id: HubId) -> Result<Hub> {
    actor.authorize(county, Action::ReadNetwork)?;
    let mut c = db.reader().await?;
    repo::get_hub(&mut c, county, id).await?.ok_or(ServiceError::NotFound)
}

pub async fn list_hubs(db: &Db, actor: &Actor, county: CountyId, q: &ListQuery) -> Result<Page<Hub>> {
    actor.authorize(county, Action::ReadNetwork)?;
    let (p, s) = (q.page()?, q.search()?);
    let mut c = db.reader().await?;
    let (items, total) = repo::list_hubs(&mut c, county, &s, p).await?;
    Ok(Page { items, total, limit: p.limit, offset: p.offset })
}

// ---------------------------------------------------------------- stations

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StationInput {
    #[schema(value_type = Option<String>, format = "uuid")]
    pub village_id: Option<VillageId>,
    pub code: Option<String>,
    pub name: Option<String>,
    /// `"08:00-18:00"`, local time.
    pub opening_hours: Option<String>,
    /// Cold storage in kg; 0 when the station has none.
    pub cold_storage_kg: Option<i64>,
    /// Whether the station's scale is certified (计量检定).
    pub certified_scale: Option<bool>,
}

async fn build_station(
    c: &mut uplink_store::Conn,
    county: CountyId,
    i: &StationInput,
    base: Option<&Station>,
) -> Result<Station> {
    let mut ck = Checker::new();
    let village_id = required(&mut ck, "village_id", &i.village_id, base.map(|b| b.village_id));
    let code = code_field(&mut ck, "code", &i.code, base.map(|b| b.code.clone()));
    let name = name_field(&mut ck, "name", &i.name, base.map(|b| b.name.clone()));
    let hours = required(&mut ck, "opening_hours", &i.opening_hours, base.map(|b| b.opening_hours.clone()))
        .and_then(|h| ck.take("opening_hours", OpeningHours::parse(&h)));
    let cold = i.cold_storage_kg.or(base.map(|b| b.cold_storage_kg)).unwrap_or(0);
    let cold = ck.take("cold_storage_kg", rules::cold_storage_kg(cold));
    let scale = i.certified_scale.or(base.map(|b| b.certified_scale)).unwrap_or(false);
    if let Some(v) = village_id
        && repo::get_village(c, county, v).await?.is_none()
    {
        ck.push(FieldError::new("village_id", "unknown-reference"));
    }
    ck.finish()?;
    let (Some(village_id), Some(code), Some(name), Some(hours), Some(cold)) = (village_id, code, name, hours, cold)
    else {
        return Err(incomplete());
    };
    Ok(Station {
        id: base.map(|b| b.id).unwrap_or_default(),
        county_id: county,
        village_id,
        code,
        name,
        opening_hours: hours.to_string(),
        cold_storage_kg: cold,
        certified_scale: scale,
    })
}

pub async fn create_station(
    db: &Db,
    actor: &Actor,
    county: CountyId,
    input: StationInput,
    idem: Option<&IdemKey>,
) -> Result<Station> {
    actor.authorize(county, Action::ManageNetwork)?;
    let mut w = crate::begin_write!(db, &county.to_string(), actor, idem);
    let x = build_station(&mut w.tx, county, &input, None).await?;
    repo::insert_station(&mut w.tx, &x).await?;
    w.commit(&x).await?;
    Ok(x)
}

pub async fn update_station(
    db: &Db,
    actor: &Actor,
    county: CountyId,
    id: StationId,
    input: StationInput,
) -> Result<Station> {
    actor.authorize(county, Action::ManageNetwork)?;
    let mut w = crate::begin_write!(db, &county.to_string(), actor, None);
    let base = repo::get_station(&mut w.tx, county, id).await?.ok_or(ServiceError::NotFound)?;
    let x = build_station(&mut w.tx, county, &input, Some(&base)).await?;
    repo::update_station(&mut w.tx, &x).await?;
    w.commit(&x).await?;
    Ok(x)
}

pub async fn get_station(db: &Db, actor: &Actor, county: CountyId, id: StationId) -> Result<Station> {
    actor.authorize(county, Action::ReadNetwork)?;
    let mut c = db.reader().await?;
    repo::get_station(&mut c, county, id).await?.ok_or(ServiceError::NotFound)
}

pub async fn list_stations(db: &Db, actor: &Actor, county: CountyId, q: &ListQuery) -> Result<Page<Station>> {
    actor.authorize(county, Action::ReadNetwork)?;
    let (p, s) = (q.page()?, q.search()?);
    let mut c = db.reader().await?;
    let (items, total) = repo::list_stations(&mut c, county, &s, p).await?;
    Ok(Page { items, total, limit: p.limit, offset: p.offset })
}
