//! A year of past trade for a generated county (`uplink_sim::history`), written in bulk: the
//! demo opens a dashboard with history behind it, and the dashboard benchmark gets its millions
//! of order lines. The records are the ones the use cases would have written — orders with their
//! lines, events and scheduled tasks, the ledger postings of payment, settlement, commission,
//! claims and returns, lots weighed at every hand-off with their incidents, claims and their
//! decisions, weekly cash hand-overs and payouts — but gathered in memory and written with
//! multi-row INSERTs (`store::history`), many days per transaction. Call it once, on a county
//! seeded by [`crate::demo::seed`] from the same generated county.

mod order;
mod order_lot;
mod plan;
mod window;
mod window_order;
mod writer;

use crate::error::{Result, ServiceError};
use std::collections::{BTreeMap, HashMap};
use uplink_core::ledger::{AccountKey, TransferCode, TransferState};
use uplink_core::order::Direction;
use uplink_core::people::Role;
use uplink_core::settings::CountySettings;
use uplink_core::time::US_PER_DAY;
use uplink_core::*;
use uplink_sim::history::{History, HistorySize, Offer};
use uplink_store::catalog::CatalogFilter;
use uplink_store::history::{self as bulk, Batch};
use uplink_store::row::PageReq;
use uplink_store::{Db, StoreError};

/// What was written.
#[derive(Debug, Clone, Copy, Default)]
pub struct HistoryWritten {
    pub days: i64,
    pub orders: u64,
    pub lines: u64,
    pub transfers: u64,
    pub lots: u64,
    pub claims: u64,
    pub incidents: u64,
    /// Pre-order windows, and the orders placed in them (counted in `orders` too).
    pub windows: u64,
    pub window_orders: u64,
    /// Dispatch plans, one per day with goods waiting for the truck.
    pub plans: u64,
}

/// A person of the county, as the records name them.
#[derive(Debug, Clone)]
struct Who {
    person: String,
    user: Option<String>,
    role: Role,
}

/// What one order line offers, as the catalog has it.
#[derive(Debug, Clone)]
struct Item {
    listing: String,
    product: String,
    product_name: String,
    grade: Option<String>,
    price_fen: i64,
    unit_grams: i64,
    tolerance_bps: i64,
    unit_cm3: i64,
    cold: bool,
    shelf_life_days: i64,
    requires_certificate: bool,
}

/// Everything a day's orders are written against, and the money waiting to move weekly.
struct World {
    county: CountyId,
    seed: u64,
    county_code: String,
    zone: String,
    settings: CountySettings,
    people: Vec<Who>,
    /// Each person's village (index), if they live in one.
    people_village: Vec<Option<usize>>,
    /// (id, code) of each generated station, its agent and its village (indices).
    stations: Vec<(String, String)>,
    station_agents: Vec<Option<usize>>,
    station_villages: Vec<usize>,
    /// The station a village's sellers' pickups are collected at (the least id, as dispatch reads it).
    village_station: HashMap<usize, String>,
    villages: Vec<String>,
    drop_points: Vec<(String, String)>,
    hub_code: String,
    operator: Who,
    inspector: Who,
    driver: Who,
    driver_place: String,
    items: Vec<Item>,
    /// Lots made per (station, day), for their codes.
    lot_seq: HashMap<(usize, i64), i64>,
    /// What each buyer may still spend from their wallet (top-ups less payments).
    spendable: HashMap<usize, i64>,
    topups: u64,
    /// Cash taken at a station and not returned, waiting for the weekly hand-over: (paid, station, fen).
    cash: Vec<(i64, usize, i64)>,
    /// Sellers' proceeds whose return window has closed, waiting for the weekly payout: (from, person, fen).
    payable: Vec<(i64, usize, i64)>,
    end_us: i64,
    written: HistoryWritten,
    dispatch: plan::Dispatch,
    windows: window::Produce,
}

fn missing(what: &str) -> ServiceError {
    ServiceError::Store(StoreError::Corrupt(format!("history: the seeded county has no {what}")))
}

/// A UUIDv7 of the instant `at_us`, so records sort by when they happened.
fn id_at(at_us: i64) -> String {
    let at = at_us.max(0) as u64;
    let ts = uuid::Timestamp::from_unix(uuid::NoContext, at / 1_000_000, ((at % 1_000_000) * 1_000) as u32);
    uuid::Uuid::new_v7(ts).to_string()
}

/// Writes `size` of history ending before `end_us` for county `county`, seeded from `g`;
/// `progress(done, total)` counts days.
pub async fn seed_history(
    db: &Db,
    county: CountyId,
    g: &uplink_sim::County,
    size: HistorySize,
    end_us: i64,
    progress: &dyn Fn(u64, u64),
) -> Result<HistoryWritten> {
    let (mut world, offers) = load(db, county, g, end_us).await?;
    let history = History::new(g, &offers, size, end_us);
    let days = history.days();
    let total = (days.end - days.start) as u64;
    let mut batch = Batch::default();
    let mut writer = writer::Writer::start(db, county);
    for (i, day) in days.clone().enumerate() {
        plan::plan(&mut world, &mut batch, day)?;
        if (day - days.start) % 7 == 0 {
            window::week(&mut world, &mut batch, &history, g, day)?;
        }
        for o in history.day(day).orders {
            order::write(&mut world, &mut batch, &o)?;
        }
        if (day - days.start) % 7 == 6 {
            settle_up(&mut world, &mut batch, day);
        }
        world.written.transfers += batch.count("ledger_transfers") as u64;
        writer.day(std::mem::take(&mut batch)).await?;
        progress(i as u64 + 1, total);
    }
    writer.finish().await?;
    world.written.days = total as i64;
    world.written.plans = world.dispatch.plans;
    Ok(world.written)
}

/// Once a week, at six in the evening: each station's agent hands the cash of orders that can no
/// longer come back to the county, and sellers are paid what their closed return windows freed.
fn settle_up(w: &mut World, batch: &mut Batch, day: i64) {
    let offset = uplink_core::time::utc_offset_min(&w.zone) * 60 * 1_000_000;
    let at = (day * US_PER_DAY - offset + 18 * 3_600_000_000).min(w.end_us - 1);
    let mut cash: BTreeMap<usize, i64> = BTreeMap::new();
    w.cash.retain(|&(paid, station, fen)| {
        let due = paid < at;
        if due {
            *cash.entry(station).or_default() += fen;
        }
        !due
    });
    let date = uplink_core::time::local_date(at, &w.zone);
    for (station, fen) in cash {
        let (id, _) = &w.stations[station];
        let key = AccountKey::StationCash(StationId(id.parse().unwrap_or_default()));
        let idem = format!("history-handover:{id}:{date}");
        batch.transfer(
            w.county,
            &id_at(at),
            AccountKey::CountyBank,
            key,
            fen,
            TransferState::Posted,
            TransferCode::CashHandover,
            None,
            None,
            id,
            &idem,
            at,
        );
    }
    let mut due: BTreeMap<usize, i64> = BTreeMap::new();
    w.payable.retain(|&(from, person, fen)| {
        let ready = from < at;
        if ready {
            *due.entry(person).or_default() += fen;
        }
        !ready
    });
    // Payouts a minute after the hand-overs, so the bank's statement never dips below zero.
    let at = (at + 60_000_000).min(w.end_us - 1);
    for (person, fen) in due {
        let id = w.people[person].person.clone();
        let key = AccountKey::Wallet(PersonId(id.parse().unwrap_or_default()));
        let idem = format!("history-payout:{id}:{date}");
        batch.transfer(
            w.county,
            &id_at(at),
            key,
            AccountKey::CountyBank,
            fen,
            TransferState::Posted,
            TransferCode::Payout,
            None,
            None,
            &id,
            &idem,
            at,
        );
    }
}

/// The seeded county's records by the generated county's indices, and the offers of its catalog.
async fn load(db: &Db, county: CountyId, g: &uplink_sim::County, end_us: i64) -> Result<(World, Vec<Offer>)> {
    let mut c = db.reader().await?;
    let dir = bulk::directory(&mut c, county).await?;
    let rec = uplink_store::network::get_county(&mut c, county).await?.ok_or(ServiceError::NotFound)?;
    let settings = uplink_store::orders::settings(&mut c, county).await?;
    let people: Vec<Who> = g
        .people
        .iter()
        .map(|p| {
            let (person, user) = dir.people.get(p.phone.as_str()).cloned().ok_or_else(|| missing("person"))?;
            Ok(Who { person, user, role: p.role })
        })
        .collect::<Result<_>>()?;
    let code_of = |map: &HashMap<String, String>, code: &str, what: &str| -> Result<String> {
        map.get(code).cloned().ok_or_else(|| missing(what))
    };
    let stations = g
        .stations
        .iter()
        .map(|s| Ok((code_of(&dir.stations, s.code.as_str(), "station")?, s.code.to_string())))
        .collect::<Result<Vec<_>>>()?;
    let villages =
        g.villages.iter().map(|v| code_of(&dir.villages, v.code.as_str(), "village")).collect::<Result<Vec<_>>>()?;
    let drop_points = g
        .drop_points
        .iter()
        .map(|d| Ok((code_of(&dir.drop_points, d.code.as_str(), "drop point")?, d.code.to_string())))
        .collect::<Result<Vec<_>>>()?;
    let first = |role: Role| -> Result<Who> {
        people.iter().find(|p| p.role == role && p.user.is_some()).cloned().ok_or_else(|| missing(role.as_str()))
    };
    let (operator, inspector, driver) = (first(Role::Operator)?, first(Role::Inspector)?, first(Role::Driver)?);
    // A driver's place is their vehicle, named as the lots' hand-offs name it.
    let driver_place = driver.person.replace('-', "")[24..].to_uppercase();
    let by_person: HashMap<&str, usize> = people.iter().enumerate().map(|(i, p)| (p.person.as_str(), i)).collect();
    let f = CatalogFilter { include_inactive: true, ..Default::default() };
    let (listings, _) =
        uplink_store::catalog::search_listings(&mut c, county, &f, PageReq { limit: 100_000, offset: 0 }).await?;
    let mut items = Vec::new();
    let mut offers = Vec::new();
    for l in &listings {
        let Some(&seller) = by_person.get(l.seller_id.to_string().as_str()) else { continue };
        let item = |grade: Option<String>, price: i64| Item {
            listing: l.id.to_string(),
            product: l.product_id.to_string(),
            product_name: l.product.name.clone(),
            grade,
            price_fen: price,
            unit_grams: l.product.unit_grams.0,
            tolerance_bps: l.product.tolerance_bps,
            unit_cm3: l.product.unit_cm3,
            cold: l.product.storage_class != uplink_core::catalog::StorageClass::Ambient,
            shelf_life_days: l.product.shelf_life_days,
            requires_certificate: l.product.requires_certificate,
        };
        let harvest_day = l.harvest_date.as_deref().and_then(|d| uplink_core::time::parse_date(d).ok()).map(|d| {
            let (y, _, _) = uplink_core::time::civil_from_days(d);
            d - uplink_core::time::days_from_civil(y, 1, 1) + 1
        });
        let offer = Offer {
            direction: l.direction,
            seller,
            min_units: l.min_order_units,
            harvest_day,
            keeps: l.product.shelf_life_days >= 90,
        };
        match l.direction {
            Direction::Downlink => {
                items.push(item(None, l.price_fen.0));
                offers.push(offer);
            }
            Direction::Uplink => {
                for gp in &l.grade_prices {
                    items.push(item(Some(gp.code.clone()), gp.price_fen.0));
                    offers.push(offer.clone());
                }
            }
        }
    }
    let mut village_station: HashMap<usize, String> = HashMap::new();
    for (s, st) in g.stations.iter().enumerate() {
        let id = &stations[s].0;
        let e = village_station.entry(st.village).or_insert_with(|| id.clone());
        if id < e {
            *e = id.clone();
        }
    }
    let dispatch = plan::Dispatch {
        depots: uplink_store::dispatch::depots(&mut c, county).await?,
        stations: uplink_store::dispatch::stations(&mut c, county).await?,
        vehicles: uplink_store::dispatch::list_vehicles(&mut c, county).await?,
        matrix: uplink_store::dispatch::road_matrix(&mut c, county).await?,
        versions: uplink_store::dispatch::plan_versions(&mut c, county).await?,
        waiting: Vec::new(),
        plans: 0,
    };
    let windows = window::Produce::new(g, &items, &offers, &stations);
    let world = World {
        county,
        seed: g.seed,
        county_code: rec.code.clone(),
        zone: rec.time_zone.clone(),
        settings,
        people,
        people_village: g.people.iter().map(|p| p.village).collect(),
        stations,
        station_agents: (0..g.stations.len())
            .map(|s| g.people.iter().position(|p| p.role == Role::Agent && p.station == Some(s)))
            .collect(),
        station_villages: g.stations.iter().map(|s| s.village).collect(),
        village_station,
        villages,
        drop_points,
        hub_code: g.hubs.first().map(|h| h.code.to_string()).ok_or_else(|| missing("hub"))?,
        operator,
        inspector,
        driver,
        driver_place,
        items,
        lot_seq: HashMap::new(),
        spendable: HashMap::new(),
        topups: 0,
        cash: Vec::new(),
        payable: Vec::new(),
        end_us,
        written: HistoryWritten::default(),
        dispatch,
        windows,
    };
    Ok((world, offers))
}
