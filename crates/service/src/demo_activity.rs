//! A few days of trade in the demo county, made through the same use cases a user would call:
//! assisted orders paid in cash at stations, city buyers' uplink orders paid from wallets,
//! parcels in every state of their life, and claims open and decided, so that a new user sees
//! a working station, a working claims queue and trust scores that differ from one seller to
//! the next; the notices of every step come with them. After the pre-order demo, the hub grades
//! intakes again, so the fraud signals show an agent whose grades the hub does not confirm.
//! Deterministic for a given county (it follows the seeded order of records).

use crate::access::Actor;
use crate::error::{Result, ServiceError};
use crate::lots;
use crate::order_moves::{self, HandoverInput, MoveInput, PayInput, PaymentMethod};
use crate::orders::{LineInput, PlaceOrderInput, place_order};
use crate::people::{PersonInput, create_person};
use uplink_core::ledger::AccountKey;
use uplink_core::order::{Direction, OrderEvent};
use uplink_core::people::Role;
use uplink_core::window::WindowState;
use uplink_core::*;
use uplink_store::catalog::CatalogFilter;
use uplink_store::row::PageReq;
use uplink_store::{Db, people as persons};

#[derive(Debug, Clone, Default)]
pub struct ActivitySeeded {
    pub orders: usize,
    pub claims: usize,
}

async fn actor(db: &Db, username: &str) -> Result<Actor> {
    let mut c = db.reader().await?;
    let u = persons::user_by_name(&mut c, username).await?.ok_or(ServiceError::NotFound)?;
    let v = persons::user_view(&mut c, u.id).await?.ok_or(ServiceError::NotFound)?;
    Ok(crate::auth::actor_of(v))
}

/// The logins of a role in the county, in the seeded order.
async fn logins(db: &Db, county: CountyId, role: Role) -> Result<Vec<String>> {
    let mut c = db.reader().await?;
    let f = persons::PeopleFilter { q: String::new(), roles: vec![role] };
    let (people, _) = persons::list_people(&mut c, county, &f, PageReq { limit: 200, offset: 0 }).await?;
    let mut names: Vec<String> = people.into_iter().filter_map(|p| p.username).collect();
    names.sort();
    Ok(names)
}

async fn listings(db: &Db, county: CountyId, d: Direction) -> Result<Vec<uplink_core::catalog::Listing>> {
    let mut c = db.reader().await?;
    let f = CatalogFilter { direction: Some(d), ..Default::default() };
    Ok(uplink_store::catalog::search_listings(&mut c, county, &f, PageReq { limit: 200, offset: 0 }).await?.0)
}

fn moved() -> MoveInput {
    MoveInput::default()
}

/// Runs the demo's trade. Call it once, after [`crate::demo::seed`].
pub async fn seed_activity(db: &Db, county: CountyId) -> Result<ActivitySeeded> {
    let mut out = ActivitySeeded::default();
    let operator = actor(db, logins(db, county, Role::Operator).await?.first().ok_or(ServiceError::NotFound)?).await?;
    let inspector =
        actor(db, logins(db, county, Role::Inspector).await?.first().ok_or(ServiceError::NotFound)?).await?;
    let driver = actor(db, logins(db, county, Role::Driver).await?.first().ok_or(ServiceError::NotFound)?).await?;
    let agents = logins(db, county, Role::Agent).await?;
    let buyers = logins(db, county, Role::Buyer).await?;
    let down = listings(db, county, Direction::Downlink).await?;
    let up = listings(db, county, Direction::Uplink).await?;
    if down.is_empty() || up.is_empty() {
        return Ok(out);
    }

    // Villagers order at their stations through the agent, and pay cash.
    for (i, agent_name) in agents.iter().take(8).enumerate() {
        let agent = actor(db, agent_name).await?;
        let me = crate::orders::person_as(&agent, county, &[Role::Agent]).ok_or(ServiceError::NotFound)?;
        let village = {
            let mut c = db.reader().await?;
            let p = persons::get_person(&mut c, county, me).await?.ok_or(ServiceError::NotFound)?;
            match p.station_id {
                Some(s) => uplink_store::network::get_station(&mut c, county, s).await?.map(|s| s.village_id),
                None => None,
            }
        };
        for k in 0..3 {
            let n = i * 3 + k;
            let villager = create_person(
                db,
                &agent,
                county,
                PersonInput {
                    role: Some("buyer".into()),
                    name: Some(format!("{}村民{}", ["杨", "李", "字", "段", "张", "赵"][n % 6], n + 1)),
                    phone: Some(format!("100{:08}", 50_000_000 + n)),
                    village_id: village,
                    buyer_kind: Some("consumer".into()),
                    ..Default::default()
                },
                None,
            )
            .await?;
            let listing = &down[n % down.len()];
            let o = place_order(
                db,
                &agent,
                county,
                PlaceOrderInput {
                    buyer_id: Some(villager.id),
                    lines: vec![LineInput { listing_id: listing.id, units: 1 + (n % 2) as i64, grade: None }],
                    station_id: None,
                    drop_point_id: None,
                    address: None,
                },
                None,
            )
            .await?;
            out.orders += 1;
            order_moves::pay(db, &agent, county, o.id, PayInput { method: PaymentMethod::Cash }, None).await?;
            order_moves::advance(db, &operator, county, o.id, OrderEvent::Confirm, moved(), None).await?;
            order_moves::advance(db, &operator, county, o.id, OrderEvent::Pack, moved(), None).await?;
            if n % 4 == 3 {
                continue; // packed at the hub, for tomorrow's truck
            }
            order_moves::advance(db, &driver, county, o.id, OrderEvent::Ship, moved(), None).await?;
            order_moves::advance(db, &driver, county, o.id, OrderEvent::Deliver, moved(), None).await?;
            if n % 3 == 0 {
                continue; // waiting at the station for the villager
            }
            let (Some(station), Some(code)) = (o.station_id, o.pickup_code.clone()) else { continue };
            order_moves::handover(db, &agent, county, station, HandoverInput { pickup_code: code }, None).await?;
        }
    }

    // City buyers top up by bank transfer and buy farm products; some claim.
    let drop_points = {
        let mut c = db.reader().await?;
        uplink_store::orders::list_drop_points(&mut c, county).await?
    };
    for (j, buyer_name) in buyers.iter().take(12).enumerate() {
        let buyer = actor(db, buyer_name).await?;
        let me = crate::orders::person_as(&buyer, county, &[Role::Buyer]).ok_or(ServiceError::NotFound)?;
        let mut tx = db.begin().await?;
        crate::ledger::topup_wallet(
            &mut tx,
            county,
            me,
            AccountKey::CountyBank,
            Fen(500_000),
            &format!("DEMO{j:04}"),
            &format!("demo-topup:{j}"),
        )
        .await?;
        tx.commit().await?;
        let listing = &up[j % up.len()];
        let grade = listing.grade_prices.get(j % listing.grade_prices.len().max(1)).map(|g| g.code.clone());
        let o = place_order(
            db,
            &buyer,
            county,
            PlaceOrderInput {
                buyer_id: None,
                lines: vec![LineInput { listing_id: listing.id, units: listing.min_order_units.max(10), grade }],
                station_id: None,
                drop_point_id: drop_points.get(j % drop_points.len().max(1)).map(|d| d.id),
                address: None,
            },
            None,
        )
        .await?;
        out.orders += 1;
        order_moves::pay(db, &buyer, county, o.id, PayInput { method: PaymentMethod::Wallet }, None).await?;
        order_moves::advance(db, &operator, county, o.id, OrderEvent::Confirm, moved(), None).await?;
        order_moves::advance(db, &operator, county, o.id, OrderEvent::Pack, moved(), None).await?;
        order_moves::advance(db, &driver, county, o.id, OrderEvent::Ship, moved(), None).await?;
        order_moves::advance(db, &driver, county, o.id, OrderEvent::Deliver, moved(), None).await?;
        match j % 3 {
            1 => {
                order_moves::accept(db, &buyer, county, o.id, moved(), None).await?;
            }
            k => {
                let claim = crate::claims::open(
                    db,
                    &buyer,
                    county,
                    o.id,
                    crate::claims::ClaimInput {
                        kind: if k == 0 { "quality_below_grade".into() } else { "short_weight".into() },
                        lines: vec![crate::claims::ClaimLineInput { line_no: 1, units: o.lines[0].units }],
                        measured_weight_g: (k == 2).then_some(o.weight_g * 96 / 100),
                        description: if k == 0 {
                            "部分果实软烂，低于所购等级".into()
                        } else {
                            "到货复秤少了约 4%".into()
                        },
                    },
                    None,
                )
                .await?;
                out.claims += 1;
                if k == 0 {
                    crate::claims::decide(
                        db,
                        &inspector,
                        county,
                        &claim.id,
                        crate::claims::DecisionInput {
                            outcome: "partial_refund".into(),
                            refund_bps: Some(1000 + 500 * (j as i64 % 4)),
                            reason: "抽检确认部分不达等级".into(),
                        },
                        None,
                    )
                    .await?;
                }
            }
        }
    }
    // Farm products sold and confirmed, waiting to be collected on tomorrow's return legs.
    for (j, buyer_name) in buyers.iter().take(12).enumerate().take(6) {
        let buyer = actor(db, buyer_name).await?;
        let listing = &up[(j + 3) % up.len()];
        let o = place_order(
            db,
            &buyer,
            county,
            PlaceOrderInput {
                buyer_id: None,
                lines: vec![LineInput { listing_id: listing.id, units: listing.min_order_units.max(20), grade: None }],
                station_id: None,
                drop_point_id: drop_points.get(j % drop_points.len().max(1)).map(|d| d.id),
                address: None,
            },
            None,
        )
        .await?;
        out.orders += 1;
        order_moves::pay(db, &buyer, county, o.id, PayInput { method: PaymentMethod::Wallet }, None).await?;
        order_moves::advance(db, &operator, county, o.id, OrderEvent::Confirm, moved(), None).await?;
    }
    Ok(out)
}

/// The hub grades the pre-order demo's intakes again (call it after
/// [`crate::windows::demo::seed_demo`], whose past window is allocated): of six lots the first
/// agent took in as the best grade, the hub finds three a grade lower, which raises the
/// "graded above the hub" signal for review; the five lots of the second agent hold their grade.
/// Returns how many lots the hub graded.
pub async fn seed_hub_grading(db: &Db, county: CountyId) -> Result<usize> {
    let first = |v: Vec<String>| v.into_iter().next().ok_or(ServiceError::NotFound);
    let operator = actor(db, &first(logins(db, county, Role::Operator).await?)?).await?;
    let driver = actor(db, &first(logins(db, county, Role::Driver).await?)?).await?;
    let hub = crate::orders::person_as(&operator, county, &[Role::Operator]).ok_or(ServiceError::NotFound)?;
    let carrier = crate::orders::person_as(&driver, county, &[Role::Driver]).ok_or(ServiceError::NotFound)?;
    let (window, grades, farmer) = {
        let mut c = db.reader().await?;
        let allocated = uplink_store::windows::list_windows(&mut c, county, Some(WindowState::Allocated)).await?;
        let Some(w) = allocated.into_iter().find(|w| w.offers.len() >= 2) else { return Ok(0) };
        let grades: Vec<String> = w.offers.iter().map(|o| o.grade.clone()).collect();
        let f = persons::PeopleFilter { q: String::new(), roles: vec![Role::Farmer] };
        let (farmers, _) = persons::list_people(&mut c, county, &f, PageReq { limit: 1, offset: 0 }).await?;
        (w, grades, farmers.into_iter().next().ok_or(ServiceError::NotFound)?)
    };
    let mut agents = Vec::new();
    for name in logins(db, county, Role::Agent).await? {
        let a = actor(db, &name).await?;
        if let Some(me) = crate::orders::person_as(&a, county, &[Role::Agent]) {
            let mut c = db.reader().await?;
            if persons::get_person(&mut c, county, me).await?.is_some_and(|p| p.station_id.is_some()) {
                agents.push(a);
            }
        }
        if agents.len() == 2 {
            break;
        }
    }
    let mut graded = 0;
    for (k, (agent, n)) in agents.iter().zip([6, 5]).enumerate() {
        for i in 0..n {
            let input = crate::intake::IntakeInput {
                window_id: window.id,
                farmer_id: farmer.id,
                station_id: None,
                grade: grades[0].clone(),
                gross_g: 12_600,
                tare_g: 600,
                grade_reason: None,
                certificate_no: Some(format!("HG-DEMO-{k}{i:02}")),
            };
            let r = crate::intake::record_intake(db, agent, county, input, None).await?;
            let to_driver = lots::HandoffInput { to_person_id: carrier, weight_g: 12_000, hub_id: None, grade: None };
            lots::handoff(db, agent, county, r.lot.id, to_driver, None).await?;
            // The first agent's lots: every other one is found a grade lower at the hub.
            let found = if k == 0 && i % 2 == 1 { &grades[1] } else { &grades[0] };
            let to_hub =
                lots::HandoffInput { to_person_id: hub, weight_g: 11_980, hub_id: None, grade: Some(found.clone()) };
            lots::handoff(db, &driver, county, r.lot.id, to_hub, None).await?;
            graded += 1;
        }
    }
    Ok(graded)
}
