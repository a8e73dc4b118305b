//! Loads a generated county (`uplink-sim`) into an empty database, with a login for each demo
//! account and a platform admin, in one transaction: either the whole county is there or none.

use crate::auth::hash_password;
use crate::error::{Result, ServiceError};
use uplink_core::people::Role;
use uplink_core::records::{County, Hub, Person, Station, Township, Village};
use uplink_core::*;
use uplink_store::{Db, StoreError, network as places, people as repo};

/// The user name of the demo's platform admin.
pub const DEMO_ADMIN: &str = "admin";

#[derive(Debug, Clone)]
pub struct Seeded {
    pub county_id: CountyId,
    pub county_name: String,
    pub villages: usize,
    pub stations: usize,
    pub people: usize,
    /// One log-in per role, `(role name, user name)`, admin first.
    pub accounts: Vec<(String, String)>,
}

/// Whether the database holds no county yet: the demo seeds only then, so a restart keeps data.
pub async fn is_empty(db: &Db) -> Result<bool> {
    let mut c = db.reader().await?;
    Ok(places::list_counties(&mut c).await?.is_empty())
}

/// How to seed: the demo uses the defaults; tests seed several counties into one database, so
/// they prefix user names and create the platform admin once.
#[derive(Debug, Clone)]
pub struct SeedOptions {
    pub username_prefix: String,
    pub with_admin: bool,
}

impl Default for SeedOptions {
    fn default() -> Self {
        SeedOptions { username_prefix: String::new(), with_admin: true }
    }
}

/// Writes `g` with every account's password set to `password`, reporting progress as
/// `(done, total)` records.
pub async fn seed(
    db: &Db,
    g: &uplink_sim::County,
    password: &str,
    opts: &SeedOptions,
    progress: &dyn Fn(u64, u64),
) -> Result<Seeded> {
    uplink_core::people::new_password(password).map_err(|e| e.under("password"))?;
    // One hash for all demo accounts: argon2id takes tens of milliseconds on purpose, and a
    // demo county has hundreds of accounts that share one published password anyway.
    let hash = hash_password(password)?;
    let total = (g.townships.len() + g.villages.len() + g.hubs.len() + g.stations.len() + g.people.len()) as u64;
    let mut done = 0u64;
    let mut tick = |n: u64| {
        done += n;
        progress(done, total);
    };

    let mut tx = db.begin().await?;
    let county = County {
        id: CountyId::new(),
        code: g.code.to_string(),
        name: g.name.clone(),
        time_zone: g.time_zone.clone(),
        centre: g.centre,
        area: g.area,
    };
    places::insert_county(&mut tx, &county).await?;
    let admin = repo::UserRecord {
        id: UserId::new(),
        username: DEMO_ADMIN.into(),
        password_hash: hash.clone(),
        display_name: "平台管理员".into(),
        is_admin: true,
        locale: None,
    };
    let mut accounts = Vec::new();
    if opts.with_admin {
        repo::insert_user(&mut tx, &admin).await?;
        accounts.push(("admin".to_string(), DEMO_ADMIN.to_string()));
    }

    let mut townships = Vec::new();
    for t in &g.townships {
        let x = Township {
            id: TownshipId::new(),
            county_id: county.id,
            code: t.code.to_string(),
            name: t.name.clone(),
            seat: t.seat,
        };
        places::insert_township(&mut tx, &x).await?;
        townships.push(x.id);
        tick(1);
    }
    let mut villages = Vec::new();
    for v in &g.villages {
        let township_id = *townships.get(v.township).ok_or_else(|| corrupt("village township"))?;
        let x = Village {
            id: VillageId::new(),
            county_id: county.id,
            township_id,
            code: v.code.to_string(),
            name: v.name.clone(),
            location: v.location,
            population: v.population,
            households: v.households,
            road_class: v.road_class,
        };
        places::insert_village(&mut tx, &x).await?;
        villages.push(x.id);
        tick(1);
    }
    for h in &g.hubs {
        let x = Hub {
            id: HubId::new(),
            county_id: county.id,
            code: h.code.to_string(),
            name: h.name.clone(),
            kind: h.kind,
            location: h.location,
        };
        places::insert_hub(&mut tx, &x).await?;
        tick(1);
    }
    let mut stations = Vec::new();
    for s in &g.stations {
        let village_id = *villages.get(s.village).ok_or_else(|| corrupt("station village"))?;
        let x = Station {
            id: StationId::new(),
            county_id: county.id,
            village_id,
            code: s.code.to_string(),
            name: s.name.clone(),
            opening_hours: s.opening_hours.to_string(),
            cold_storage_kg: s.cold_storage_kg,
            certified_scale: s.certified_scale,
        };
        places::insert_station(&mut tx, &x).await?;
        stations.push(x.id);
        tick(1);
    }
    let mut shown = std::collections::BTreeSet::new();
    for p in &g.people {
        let user = match &p.username {
            Some(u) => {
                let u = format!("{}{u}", opts.username_prefix);
                let rec = repo::UserRecord {
                    id: UserId::new(),
                    username: u.clone(),
                    password_hash: hash.clone(),
                    display_name: p.name.clone(),
                    is_admin: false,
                    locale: None,
                };
                repo::insert_user(&mut tx, &rec).await?;
                if shown.insert(p.role) {
                    accounts.push((p.role.as_str().to_string(), u.clone()));
                }
                Some(rec.id)
            }
            None => None,
        };
        let x = Person {
            id: PersonId::new(),
            county_id: county.id,
            role: p.role,
            name: p.name.clone(),
            phone: Some(p.phone.as_str().to_string()),
            village_id: p
                .village
                .map(|i| villages.get(i).copied().ok_or_else(|| corrupt("person village")))
                .transpose()?,
            station_id: p
                .station
                .map(|i| stations.get(i).copied().ok_or_else(|| corrupt("person station")))
                .transpose()?,
            buyer_kind: p.buyer_kind,
            household_size: p.household_size,
            username: p.username.as_ref().map(|u| format!("{}{u}", opts.username_prefix)),
        };
        repo::insert_person(&mut tx, &x, user).await?;
        tick(1);
    }
    crate::dispatch::seed_fleet(&mut tx, county.id, g, &opts.username_prefix).await?;
    for d in &g.drop_points {
        let x = uplink_store::orders::DropPoint {
            id: DropPointId::new(),
            county_id: county.id,
            code: d.code.to_string(),
            name: d.name.clone(),
            city: d.city.name().to_string(),
            location: d.location,
        };
        uplink_store::orders::insert_drop_point(&mut tx, &x).await?;
    }
    crate::catalog::seed_catalog(&mut tx, county.id).await?;
    tx.commit().await?;
    // Show roles in the order of DESIGN §2.
    let order = |r: &str| Role::ALL.iter().position(|x| x.as_str() == r).map(|i| i + 1).unwrap_or(0);
    accounts.sort_by_key(|(r, _)| order(r));
    Ok(Seeded {
        county_id: county.id,
        county_name: county.name,
        villages: villages.len(),
        stations: stations.len(),
        people: g.people.len(),
        accounts,
    })
}

fn corrupt(what: &str) -> ServiceError {
    ServiceError::Store(StoreError::Corrupt(format!("generated county refers to a missing {what}")))
}
