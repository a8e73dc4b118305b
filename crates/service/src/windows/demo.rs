//! The demo county's uplink (issue 4): one window open for pre-orders, and one past window that
//! ran its whole course up to the hub — pre-orders, allocation, intakes with certificates, lots
//! carried by the driver and packed onto a pallet — so a new user sees every step and can open a
//! lot's trace page from its code. It goes through the same use cases as the API, acting as the
//! county's own people.

use crate::access::Actor;
use crate::error::{Result, ServiceError};
use crate::{intake, jobs, ledger, lots};
use uplink_core::ledger::AccountKey;
use uplink_core::people::Role;
use uplink_core::records::{Membership, Person};
use uplink_core::window::{Fees, GradeOffer};
use uplink_core::*;
use uplink_store::people::{PeopleFilter, list_people};
use uplink_store::row::PageReq;
use uplink_store::{Db, now_us};

/// What the demo's uplink holds.
#[derive(Debug, Clone)]
pub struct DemoUplink {
    pub windows: usize,
    pub lots: usize,
    /// Lot codes whose trace pages (`/t/<code>`) show the whole chain.
    pub trace_codes: Vec<String>,
}

fn as_person(p: &Person) -> Actor {
    Actor {
        user_id: UserId::new(),
        username: format!("demo-{}", p.role.as_str()),
        display_name: p.name.clone(),
        is_admin: false,
        locale: None,
        memberships: vec![Membership {
            county_id: p.county_id,
            person_id: p.id,
            role: p.role,
            station_id: p.station_id,
        }],
    }
}

async fn people(db: &Db, county: CountyId, role: Role, n: i64) -> Result<Vec<Person>> {
    let mut c = db.reader().await?;
    let f = PeopleFilter { q: String::new(), roles: vec![role] };
    Ok(list_people(&mut c, county, &f, PageReq { limit: n, offset: 0 }).await?.0)
}

pub async fn seed_demo(db: &Db, county: CountyId) -> Result<DemoUplink> {
    let operator = people(db, county, Role::Operator, 1).await?.pop().ok_or(ServiceError::NotFound)?;
    let driver = people(db, county, Role::Driver, 1).await?.pop().ok_or(ServiceError::NotFound)?;
    let agents: Vec<Person> =
        people(db, county, Role::Agent, 50).await?.into_iter().filter(|a| a.station_id.is_some()).take(2).collect();
    let farmers = people(db, county, Role::Farmer, 4).await?;
    let buyers = people(db, county, Role::Buyer, 6).await?;
    let op = as_person(&operator);
    let (product, grade_codes, drop) = {
        let mut c = db.reader().await?;
        let f =
            uplink_store::catalog::CatalogFilter { direction: Some(order::Direction::Uplink), ..Default::default() };
        let (products, _) =
            uplink_store::catalog::list_products(&mut c, county, &f, PageReq { limit: 50, offset: 0 }).await?;
        let p = products.into_iter().find(|p| p.grades.len() >= 2).ok_or(ServiceError::NotFound)?;
        let drops = uplink_store::orders::list_drop_points(&mut c, county).await?;
        let codes: Vec<String> = p.grades.iter().map(|g| g.code.clone()).collect();
        (p, codes, drops.first().map(|d| d.id).ok_or(ServiceError::NotFound)?)
    };
    let offers: Vec<GradeOffer> = grade_codes
        .iter()
        .take(2)
        .enumerate()
        .map(|(i, g)| {
            let farmer = 1_200 - 200 * i as i64;
            let fees = Fees { transport_fen: 300, packing_fen: 120, station_commission_fen: 80, platform_fen: 100 };
            GradeOffer { grade: g.clone(), buyer_price_fen: farmer + fees.total(), farmer_price_fen: farmer, fees }
        })
        .collect();
    let now = now_us();
    let day = time::US_PER_DAY;
    let window = |title: &str, opens: i64, closes: i64, harvest: i64| super::WindowInput {
        title: format!("{}{title}", product.name),
        product_id: product.id,
        offers: offers.clone(),
        opens_us: opens,
        closes_us: closes,
        harvest_date: time::local_date(harvest, "Asia/Shanghai"),
        delivery_date: time::local_date(harvest + 2 * day, "Asia/Shanghai"),
        minimum_kg: 20,
        min_lot_kg: Some(5),
        drop_point_ids: vec![drop],
    };
    super::create_window(db, &op, county, window(" · 本周预售", now - day, now + 5 * day, now + 7 * day), None).await?;
    let past =
        super::create_window(db, &op, county, window(" · 上周", now - 9 * day, now - 60_000_000, now), None).await?;
    // City buyers top their wallets up by bank and pre-order 10 kg each.
    for (i, b) in buyers.iter().enumerate() {
        let mut tx = db.begin().await?;
        let key = format!("demo-topup:{}", b.id);
        ledger::topup_wallet(&mut tx, county, b.id, AccountKey::CountyBank, Fen(50_000), "demo", &key).await?;
        tx.commit().await?;
        let input = super::PreorderInput { grade: offers[i % offers.len()].grade.clone(), kg: 10, drop_point_id: drop };
        super::preorder(db, &as_person(b), county, past.id, input, None).await?;
    }
    // Farmers declare supply at the agents' stations; then the window's closing work allocates.
    for (i, f) in farmers.iter().enumerate() {
        let Some(agent) = agents.get(i % agents.len().max(1)) else { break };
        let input = super::SupplyInput {
            farmer_id: Some(f.id),
            station_id: agent.station_id.ok_or(ServiceError::NotFound)?,
            grade: offers[i % offers.len()].grade.clone(),
            kg: 40,
            ready_date: past.harvest_date.clone(),
        };
        super::declare_supply(db, &as_person(agent), county, past.id, input, None).await?;
    }
    jobs::run_due(db, now).await?;
    let supply = {
        let mut c = db.reader().await?;
        uplink_store::windows::list_supply(&mut c, county, past.id).await?
    };
    let mut codes = Vec::new();
    let mut at_hub = Vec::new();
    for (i, s) in supply.iter().filter(|s| s.allocated_kg.unwrap_or(0) > 0).enumerate() {
        let Some(agent) = agents.iter().find(|a| a.station_id == Some(s.station_id)) else { continue };
        let net = s.allocated_kg.unwrap_or(0) * 1000 + 150;
        let input = intake::IntakeInput {
            window_id: past.id,
            farmer_id: s.farmer_id,
            station_id: None,
            grade: s.grade.clone(),
            gross_g: net + 700,
            tare_g: 700,
            grade_reason: (s.grade != offers[0].grade).then(|| "果粒略小 / smaller berries".to_string()),
            certificate_no: Some(format!("HG-{}-{:04}", past.harvest_date.replace('-', ""), i + 1)),
        };
        let r = intake::record_intake(db, &as_person(agent), county, input, None).await?;
        let to_driver = lots::HandoffInput { to_person_id: driver.id, weight_g: net, hub_id: None, grade: None };
        lots::handoff(db, &as_person(agent), county, r.lot.id, to_driver, None).await?;
        let to_hub = lots::HandoffInput { to_person_id: operator.id, weight_g: net - 80, hub_id: None, grade: None };
        lots::handoff(db, &as_person(&driver), county, r.lot.id, to_hub, None).await?;
        codes.push(r.lot.code.clone());
        at_hub.push((r.lot.id, s.grade.clone()));
    }
    let n_lots = at_hub.len();
    for g in offers.iter().map(|o| &o.grade) {
        let ids: Vec<LotId> = at_hub.iter().filter(|(_, lg)| lg == g).map(|(id, _)| *id).collect();
        if ids.len() >= 2 {
            lots::merge(db, &op, county, lots::MergeInput { lot_ids: ids }, None).await?;
        }
    }
    Ok(DemoUplink { windows: 2, lots: n_lots, trace_codes: codes })
}
