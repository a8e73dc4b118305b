//! The county network's tables: counties, townships, villages, hubs and stations. Every tenant
//! query filters by `county_id`.

use crate::error::StoreError;
use crate::row::{self, PageReq, e6, like_pattern};
use sqlx::AnyConnection;
use sqlx::any::AnyRow;
use uplink_core::geo::{Area, RoadClass};
use uplink_core::network::HubKind;
use uplink_core::records::{County, Hub, Station, Township, Village};
use uplink_core::*;

fn county_from(r: &AnyRow) -> Result<County, StoreError> {
    Ok(County {
        id: row::id(r, "county_id")?,
        code: row::text(r, "code")?,
        name: row::text(r, "name")?,
        time_zone: row::text(r, "time_zone")?,
        centre: row::latlon(r, "centre_lat_e6", "centre_lon_e6")?,
        area: Area {
            south: row::deg(row::int(r, "south_e6")?),
            west: row::deg(row::int(r, "west_e6")?),
            north: row::deg(row::int(r, "north_e6")?),
            east: row::deg(row::int(r, "east_e6")?),
        },
    })
}

pub async fn insert_county(c: &mut AnyConnection, x: &County) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO counties (county_id, code, name, time_zone, centre_lat_e6, centre_lon_e6, \
         south_e6, west_e6, north_e6, east_e6, created_us) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)",
    )
    .bind(x.id.to_string())
    .bind(&x.code)
    .bind(&x.name)
    .bind(&x.time_zone)
    .bind(e6(x.centre.lat))
    .bind(e6(x.centre.lon))
    .bind(e6(x.area.south))
    .bind(e6(x.area.west))
    .bind(e6(x.area.north))
    .bind(e6(x.area.east))
    .bind(crate::now_us())
    .execute(c)
    .await
    .map_err(StoreError::classify)?;
    Ok(())
}

pub async fn get_county(c: &mut AnyConnection, id: CountyId) -> Result<Option<County>, StoreError> {
    let r = sqlx::query("SELECT * FROM counties WHERE county_id = $1").bind(id.to_string()).fetch_optional(c).await?;
    r.as_ref().map(county_from).transpose()
}

pub async fn list_counties(c: &mut AnyConnection) -> Result<Vec<County>, StoreError> {
    let rows = sqlx::query("SELECT * FROM counties ORDER BY code").fetch_all(c).await?;
    rows.iter().map(county_from).collect()
}

/// Runs a list query of the form `... WHERE county_id = $1 AND ($2 = '' OR ...search...)` with
/// its count, and maps the rows. `order` and paging are appended here, once.
async fn page<T>(
    c: &mut AnyConnection,
    table_sql: &str,
    search_sql: &str,
    county: CountyId,
    q: &str,
    page: PageReq,
    map: fn(&AnyRow) -> Result<T, StoreError>,
) -> Result<(Vec<T>, i64), StoreError> {
    let pat = if q.trim().is_empty() { String::new() } else { like_pattern(q) };
    let filter = format!("FROM {table_sql} WHERE county_id = $1 AND ($2 = '' OR {search_sql})");
    let total: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM (SELECT 1 {filter}) t"))
        .bind(county.to_string())
        .bind(&pat)
        .fetch_one(&mut *c)
        .await?;
    let rows = sqlx::query(&format!("SELECT * {filter} ORDER BY code LIMIT $3 OFFSET $4"))
        .bind(county.to_string())
        .bind(&pat)
        .bind(page.limit)
        .bind(page.offset)
        .fetch_all(&mut *c)
        .await?;
    Ok((rows.iter().map(map).collect::<Result<_, _>>()?, total))
}

const NAME_OR_CODE: &str = "LOWER(name) LIKE $2 ESCAPE '\\' OR LOWER(code) LIKE $2 ESCAPE '\\'";

fn township_from(r: &AnyRow) -> Result<Township, StoreError> {
    Ok(Township {
        id: row::id(r, "township_id")?,
        county_id: row::id(r, "county_id")?,
        code: row::text(r, "code")?,
        name: row::text(r, "name")?,
        seat: row::latlon(r, "lat_e6", "lon_e6")?,
    })
}

pub async fn insert_township(c: &mut AnyConnection, x: &Township) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO townships (county_id, township_id, code, name, lat_e6, lon_e6, created_us) \
         VALUES ($1,$2,$3,$4,$5,$6,$7)",
    )
    .bind(x.county_id.to_string())
    .bind(x.id.to_string())
    .bind(&x.code)
    .bind(&x.name)
    .bind(e6(x.seat.lat))
    .bind(e6(x.seat.lon))
    .bind(crate::now_us())
    .execute(c)
    .await
    .map_err(StoreError::classify)?;
    Ok(())
}

pub async fn update_township(c: &mut AnyConnection, x: &Township) -> Result<(), StoreError> {
    sqlx::query("UPDATE townships SET code=$3, name=$4, lat_e6=$5, lon_e6=$6 WHERE county_id=$1 AND township_id=$2")
        .bind(x.county_id.to_string())
        .bind(x.id.to_string())
        .bind(&x.code)
        .bind(&x.name)
        .bind(e6(x.seat.lat))
        .bind(e6(x.seat.lon))
        .execute(c)
        .await
        .map_err(StoreError::classify)?;
    Ok(())
}

pub async fn get_township(
    c: &mut AnyConnection,
    county: CountyId,
    id: TownshipId,
) -> Result<Option<Township>, StoreError> {
    let r = sqlx::query("SELECT * FROM townships WHERE county_id = $1 AND township_id = $2")
        .bind(county.to_string())
        .bind(id.to_string())
        .fetch_optional(c)
        .await?;
    r.as_ref().map(township_from).transpose()
}

pub async fn list_townships(
    c: &mut AnyConnection,
    county: CountyId,
    q: &str,
    p: PageReq,
) -> Result<(Vec<Township>, i64), StoreError> {
    page(c, "townships", NAME_OR_CODE, county, q, p, township_from).await
}

fn village_from(r: &AnyRow) -> Result<Village, StoreError> {
    Ok(Village {
        id: row::id(r, "village_id")?,
        county_id: row::id(r, "county_id")?,
        township_id: row::id(r, "township_id")?,
        code: row::text(r, "code")?,
        name: row::text(r, "name")?,
        location: row::latlon(r, "lat_e6", "lon_e6")?,
        population: row::int(r, "population")?,
        households: row::int(r, "households")?,
        road_class: row::choice(r, "road_class", RoadClass::parse)?,
    })
}

pub async fn insert_village(c: &mut AnyConnection, x: &Village) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO villages (county_id, village_id, township_id, code, name, lat_e6, lon_e6, population, \
         households, road_class, created_us) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)",
    )
    .bind(x.county_id.to_string())
    .bind(x.id.to_string())
    .bind(x.township_id.to_string())
    .bind(&x.code)
    .bind(&x.name)
    .bind(e6(x.location.lat))
    .bind(e6(x.location.lon))
    .bind(x.population)
    .bind(x.households)
    .bind(x.road_class.as_str())
    .bind(crate::now_us())
    .execute(c)
    .await
    .map_err(StoreError::classify)?;
    Ok(())
}

pub async fn update_village(c: &mut AnyConnection, x: &Village) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE villages SET township_id=$3, code=$4, name=$5, lat_e6=$6, lon_e6=$7, population=$8, \
         households=$9, road_class=$10 WHERE county_id=$1 AND village_id=$2",
    )
    .bind(x.county_id.to_string())
    .bind(x.id.to_string())
    .bind(x.township_id.to_string())
    .bind(&x.code)
    .bind(&x.name)
    .bind(e6(x.location.lat))
    .bind(e6(x.location.lon))
    .bind(x.population)
    .bind(x.households)
    .bind(x.road_class.as_str())
    .execute(c)
    .await
    .map_err(StoreError::classify)?;
    Ok(())
}

pub async fn get_village(
    c: &mut AnyConnection,
    county: CountyId,
    id: VillageId,
) -> Result<Option<Village>, StoreError> {
    let r = sqlx::query("SELECT * FROM villages WHERE county_id = $1 AND village_id = $2")
        .bind(county.to_string())
        .bind(id.to_string())
        .fetch_optional(c)
        .await?;
    r.as_ref().map(village_from).transpose()
}

pub async fn list_villages(
    c: &mut AnyConnection,
    county: CountyId,
    q: &str,
    p: PageReq,
) -> Result<(Vec<Village>, i64), StoreError> {
    page(c, "villages", NAME_OR_CODE, county, q, p, village_from).await
}

fn hub_from(r: &AnyRow) -> Result<Hub, StoreError> {
    Ok(Hub {
        id: row::id(r, "hub_id")?,
        county_id: row::id(r, "county_id")?,
        code: row::text(r, "code")?,
        name: row::text(r, "name")?,
        kind: row::choice(r, "kind", HubKind::parse)?,
        location: row::latlon(r, "lat_e6", "lon_e6")?,
    })
}

pub async fn insert_hub(c: &mut AnyConnection, x: &Hub) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO hubs (county_id, hub_id, code, name, kind, lat_e6, lon_e6, created_us) \
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8)",
    )
    .bind(x.county_id.to_string())
    .bind(x.id.to_string())
    .bind(&x.code)
    .bind(&x.name)
    .bind(x.kind.as_str())
    .bind(e6(x.location.lat))
    .bind(e6(x.location.lon))
    .bind(crate::now_us())
    .execute(c)
    .await
    .map_err(StoreError::classify)?;
    Ok(())
}

pub async fn update_hub(c: &mut AnyConnection, x: &Hub) -> Result<(), StoreError> {
    sqlx::query("UPDATE hubs SET code=$3, name=$4, kind=$5, lat_e6=$6, lon_e6=$7 WHERE county_id=$1 AND hub_id=$2")
        .bind(x.county_id.to_string())
        .bind(x.id.to_string())
        .bind(&x.code)
        .bind(&x.name)
        .bind(x.kind.as_str())
        .bind(e6(x.location.lat))
        .bind(e6(x.location.lon))
        .execute(c)
        .await
        .map_err(StoreError::classify)?;
    Ok(())
}

pub async fn get_hub(c: &mut AnyConnection, county: CountyId, id: HubId) -> Result<Option<Hub>, StoreError> {
    let r = sqlx::query("SELECT * FROM hubs WHERE county_id = $1 AND hub_id = $2")
        .bind(county.to_string())
        .bind(id.to_string())
        .fetch_optional(c)
        .await?;
    r.as_ref().map(hub_from).transpose()
}

pub async fn list_hubs(
    c: &mut AnyConnection,
    county: CountyId,
    q: &str,
    p: PageReq,
) -> Result<(Vec<Hub>, i64), StoreError> {
    page(c, "hubs", NAME_OR_CODE, county, q, p, hub_from).await
}

fn station_from(r: &AnyRow) -> Result<Station, StoreError> {
    let hours =
        uplink_core::network::OpeningHours { open_min: row::int(r, "open_min")?, close_min: row::int(r, "close_min")? };
    Ok(Station {
        id: row::id(r, "station_id")?,
        county_id: row::id(r, "county_id")?,
        village_id: row::id(r, "village_id")?,
        code: row::text(r, "code")?,
        name: row::text(r, "name")?,
        opening_hours: hours.to_string(),
        cold_storage_kg: row::int(r, "cold_storage_kg")?,
        certified_scale: row::flag(r, "certified_scale")?,
    })
}

fn hours_of(x: &Station) -> Result<uplink_core::network::OpeningHours, StoreError> {
    uplink_core::network::OpeningHours::parse(&x.opening_hours)
        .map_err(|_| StoreError::Corrupt(format!("opening hours {}", x.opening_hours)))
}

pub async fn insert_station(c: &mut AnyConnection, x: &Station) -> Result<(), StoreError> {
    let h = hours_of(x)?;
    sqlx::query(
        "INSERT INTO stations (county_id, station_id, village_id, code, name, open_min, close_min, \
         cold_storage_kg, certified_scale, created_us) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)",
    )
    .bind(x.county_id.to_string())
    .bind(x.id.to_string())
    .bind(x.village_id.to_string())
    .bind(&x.code)
    .bind(&x.name)
    .bind(h.open_min)
    .bind(h.close_min)
    .bind(x.cold_storage_kg)
    .bind(i64::from(x.certified_scale))
    .bind(crate::now_us())
    .execute(c)
    .await
    .map_err(StoreError::classify)?;
    Ok(())
}

pub async fn update_station(c: &mut AnyConnection, x: &Station) -> Result<(), StoreError> {
    let h = hours_of(x)?;
    sqlx::query(
        "UPDATE stations SET village_id=$3, code=$4, name=$5, open_min=$6, close_min=$7, cold_storage_kg=$8, \
         certified_scale=$9 WHERE county_id=$1 AND station_id=$2",
    )
    .bind(x.county_id.to_string())
    .bind(x.id.to_string())
    .bind(x.village_id.to_string())
    .bind(&x.code)
    .bind(&x.name)
    .bind(h.open_min)
    .bind(h.close_min)
    .bind(x.cold_storage_kg)
    .bind(i64::from(x.certified_scale))
    .execute(c)
    .await
    .map_err(StoreError::classify)?;
    Ok(())
}

pub async fn get_station(
    c: &mut AnyConnection,
    county: CountyId,
    id: StationId,
) -> Result<Option<Station>, StoreError> {
    let r = sqlx::query("SELECT * FROM stations WHERE county_id = $1 AND station_id = $2")
        .bind(county.to_string())
        .bind(id.to_string())
        .fetch_optional(c)
        .await?;
    r.as_ref().map(station_from).transpose()
}

pub async fn list_stations(
    c: &mut AnyConnection,
    county: CountyId,
    q: &str,
    p: PageReq,
) -> Result<(Vec<Station>, i64), StoreError> {
    page(c, "stations", NAME_OR_CODE, county, q, p, station_from).await
}
