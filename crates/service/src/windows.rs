//! Pre-order windows (issue 4, DESIGN §4 uplink): the operator opens a window for a harvest,
//! city buyers pre-order into it paying from their wallet into escrow, farmers (or the agent for
//! them) declare supply, and when the window closes its demand is allocated to the farmers by
//! `core::window::allocation` — or, below the minimum, every buyer is refunded in full. Opening
//! and closing are scheduled tasks, so they happen once even across restarts. At the hub each
//! order is filled from a lot by actual weight ([`fill_order`]), and on acceptance its escrow is
//! split by `core::window::split_charge` ([`settle_window_order`]).

pub mod demo;
mod fill;

pub use fill::*;

use crate::access::Actor;
use crate::error::{Result, ServiceError};
use crate::idempotency::IdemKey;
use crate::ledger;
use crate::orders::person_as;
use serde::{Deserialize, Serialize};
use uplink_core::ledger::AccountKey;
use uplink_core::order::{Direction, Order, OrderEvent, OrderLine, OrderState, PickupCode};
use uplink_core::people::{Action, Role};
use uplink_core::text::{self, NAME_MAX};
use uplink_core::validation::{Checker, FieldError};
use uplink_core::window::{self, GradeOffer, WindowState, allocation};
use uplink_core::*;
use uplink_store::orders::{self as orders_repo, Stamp, Task};
use uplink_store::windows::{self as repo, Supply, Window};
use uplink_store::{Conn, Db, now_us};
use utoipa::{IntoParams, ToSchema};

/// Open a draft window when its opening time comes.
pub const WINDOW_OPEN: &str = "window_open";
/// Close an open window at its closing time: allocate, or refund everyone below the minimum.
pub const WINDOW_CLOSE: &str = "window_close";

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WindowInput {
    pub title: String,
    pub product_id: ProductId,
    pub offers: Vec<GradeOffer>,
    /// UTC microseconds; a time already past opens the window at once.
    pub opens_us: i64,
    pub closes_us: i64,
    /// `YYYY-MM-DD`.
    pub harvest_date: String,
    pub delivery_date: String,
    /// Below this many kg pre-ordered the window does not run.
    pub minimum_kg: i64,
    /// The smallest lot worth collecting from one farmer (default 5 kg).
    pub min_lot_kg: Option<i64>,
    pub drop_point_ids: Vec<DropPointId>,
}

fn bounded(v: i64, min: i64, max: i64) -> std::result::Result<i64, FieldError> {
    if (min..=max).contains(&v) {
        Ok(v)
    } else {
        Err(FieldError::new("", "out-of-range").arg("min", min).arg("max", max))
    }
}

/// The operator opens a window for a harvest.
pub async fn create_window(
    db: &Db,
    actor: &Actor,
    county: CountyId,
    input: WindowInput,
    idem: Option<&IdemKey>,
) -> Result<Window> {
    actor.authorize(county, Action::ManageCatalog)?;
    let mut w = crate::begin_write!(db, &county.to_string(), actor, idem);
    let c = &mut *w.tx;
    let mut ck = Checker::new();
    let title = ck.take("title", text::name(&input.title, NAME_MAX * 2));
    let harvest = ck.take("harvest_date", time::parse_date(&input.harvest_date));
    let delivery = ck.take("delivery_date", time::parse_date(&input.delivery_date));
    if let (Some(h), Some(d)) = (harvest, delivery)
        && d < h
    {
        ck.push(FieldError::new("delivery_date", "before-harvest"));
    }
    if input.closes_us <= input.opens_us {
        ck.push(FieldError::new("closes_us", "before-opening"));
    }
    ck.take("minimum_kg", bounded(input.minimum_kg, 0, 10_000_000));
    let min_lot = ck.take("min_lot_kg", bounded(input.min_lot_kg.unwrap_or(5), 1, 1_000)).unwrap_or(5);
    if input.drop_point_ids.is_empty() {
        ck.push(FieldError::new("drop_point_ids", "required"));
    }
    let product = uplink_store::catalog::get_product(c, county, input.product_id).await?;
    match &product {
        Some(p) if p.direction == Direction::Uplink => {
            let codes: Vec<&str> = p.grades.iter().map(|g| g.code.as_str()).collect();
            if let Err(e) = window::check_offers(&input.offers, &codes) {
                e.0.into_iter().for_each(|f| ck.push(f));
            }
        }
        _ => ck.push(FieldError::new("product_id", "unknown-reference")),
    }
    for (i, d) in input.drop_point_ids.iter().enumerate() {
        if orders_repo::get_drop_point(c, county, *d).await?.is_none() {
            ck.push(FieldError::new(format!("drop_point_ids[{i}]"), "unknown-reference"));
        }
    }
    ck.finish()?;
    let seller = match person_as(actor, county, &[Role::Operator]) {
        Some(p) => p,
        None => repo::county_operator(c, county).await?.ok_or(ServiceError::Forbidden)?,
    };
    let now = now_us();
    let state = if input.opens_us <= now { WindowState::Open } else { WindowState::Draft };
    let mut drops = input.drop_point_ids.clone();
    drops.sort();
    drops.dedup();
    let win = Window {
        id: WindowId::new(),
        county_id: county,
        title: title.unwrap_or_default(),
        product_id: input.product_id,
        product_name: product.map(|p| p.name).unwrap_or_default(),
        seller_id: seller,
        state,
        opens_us: input.opens_us,
        closes_us: input.closes_us,
        harvest_date: input.harvest_date.trim().to_string(),
        delivery_date: input.delivery_date.trim().to_string(),
        minimum_kg: input.minimum_kg,
        min_lot_kg: min_lot,
        offers: input.offers,
        drop_point_ids: drops,
        ordered_kg: 0,
        orders: 0,
    };
    repo::insert_window(c, &win, actor.user_id).await?;
    let task_key = OrderId(win.id.0);
    if state == WindowState::Draft {
        orders_repo::schedule(c, county, task_key, WINDOW_OPEN, win.opens_us).await?;
    }
    orders_repo::schedule(c, county, task_key, WINDOW_CLOSE, win.closes_us).await?;
    w.commit(&win).await?;
    Ok(win)
}

#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WindowQuery {
    /// draft, open, closed, allocated, failed, filled or settled.
    pub state: Option<String>,
}

/// Windows are public within the county: buyers browse them to pre-order.
pub async fn list_windows(db: &Db, actor: &Actor, county: CountyId, q: &WindowQuery) -> Result<Vec<Window>> {
    actor.authorize(county, Action::ReadCatalog)?;
    let state = q.state.as_deref().map(WindowState::parse).transpose().map_err(|e| e.under("state"))?;
    let mut c = db.reader().await?;
    Ok(repo::list_windows(&mut c, county, state).await?)
}

pub async fn get_window(db: &Db, actor: &Actor, county: CountyId, id: WindowId) -> Result<Window> {
    actor.authorize(county, Action::ReadCatalog)?;
    let mut c = db.reader().await?;
    repo::get_window(&mut c, county, id).await?.ok_or(ServiceError::NotFound)
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PreorderInput {
    pub grade: String,
    /// Whole kg.
    pub kg: i64,
    pub drop_point_id: DropPointId,
}

/// A city buyer pre-orders in an open window, paying from their wallet into the order's escrow.
pub async fn preorder(
    db: &Db,
    actor: &Actor,
    county: CountyId,
    id: WindowId,
    input: PreorderInput,
    idem: Option<&IdemKey>,
) -> Result<Order> {
    actor.authorize(county, Action::ReadCatalog)?;
    let buyer = person_as(actor, county, &[Role::Buyer]).ok_or(ServiceError::Forbidden)?;
    let mut w = crate::begin_write!(db, &county.to_string(), actor, idem);
    let c = &mut *w.tx;
    let mut ck = Checker::new();
    let kg = ck.take("kg", bounded(input.kg, 1, 10_000));
    let win = repo::get_window(c, county, id).await?.ok_or(ServiceError::NotFound)?;
    let offer = win.offer(&input.grade).cloned();
    if offer.is_none() {
        ck.push(FieldError::new("grade", "unknown-grade"));
    }
    if !win.drop_point_ids.contains(&input.drop_point_id) {
        ck.push(FieldError::new("drop_point_id", "unknown-reference"));
    }
    ck.finish()?;
    let (Some(kg), Some(offer)) = (kg, offer) else { return Err(ServiceError::NotFound) };
    if !win.state.takes_orders() {
        return Err(ServiceError::Conflict { kind: "window-not-open", field: "window".into() });
    }
    let total = offer.buyer_price_fen.checked_mul(kg).ok_or_else(|| FieldError::new("kg", "out-of-range"))?;
    let now = now_us();
    let date = time::local_date(now, "Asia/Shanghai").replace('-', "");
    let order_id = OrderId::new();
    let mut o = Order {
        id: order_id,
        county_id: county,
        order_no: format!("W{}-{}", &date[2..], &order_id.0.simple().to_string()[26..]).to_uppercase(),
        direction: Direction::Uplink,
        state: OrderState::Placed,
        buyer_id: buyer,
        seller_id: win.seller_id,
        agent_id: None,
        station_id: None,
        drop_point_id: Some(input.drop_point_id),
        address: None,
        pickup_code: Some(PickupCode::from_random(rand::random::<u32>()).as_str().to_string()),
        total_fen: total,
        weight_g: kg * 1000,
        payment_method: None,
        payment_reference: crate::orders::payment_reference(),
        lines: vec![OrderLine {
            line_no: 1,
            // A window order's line names the window as its offer: there is no listing.
            listing_id: ListingId(win.id.0),
            product_id: win.product_id,
            product_name: win.product_name.clone(),
            grade: Some(offer.grade.clone()),
            units: kg,
            unit_price_fen: offer.buyer_price_fen,
            line_total_fen: total,
            weight_g: kg * 1000,
        }],
        placed_us: now,
        paid_us: None,
        delivered_us: None,
        accepted_us: None,
        return_until_us: None,
        allowed: vec![],
    };
    orders_repo::insert_order(c, &o, actor.user_id).await?;
    repo::set_order_window(c, county, o.id, win.id).await?;
    ledger::hold_escrow_from(c, county, AccountKey::Wallet(buyer), o.id, Fen(total), &format!("pay:{}", o.id)).await?;
    let stamp = Stamp { paid_us: Some(now), payment_method: Some("wallet".into()), ..Default::default() };
    step(c, Some(actor.user_id), &mut o, OrderEvent::Pay, Some("pre-order"), &stamp, now).await?;
    let out = orders_repo::get_order(c, county, o.id).await?.ok_or(ServiceError::NotFound)?;
    w.commit(&out).await?;
    Ok(out)
}

/// One move of a window order through the order state machine, conditional on its state.
pub(crate) async fn step(
    c: &mut Conn,
    user: Option<UserId>,
    o: &mut Order,
    e: OrderEvent,
    note: Option<&str>,
    stamp: &Stamp,
    now: i64,
) -> Result<()> {
    let to = o.state.apply(e)?;
    if !orders_repo::transition(c, o.county_id, o.id, o.state, e, to, user, note, stamp, now).await? {
        return Err(ServiceError::Conflict { kind: "order-changed", field: "state".into() });
    }
    o.state = to;
    Ok(())
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SupplyInput {
    /// The farmer or co-op; farmers and co-ops declare for themselves and may leave it out.
    pub farmer_id: Option<PersonId>,
    pub station_id: StationId,
    pub grade: String,
    /// Whole kg the farmer can bring.
    pub kg: i64,
    /// `YYYY-MM-DD`.
    pub ready_date: String,
}

/// A farmer declares what they can bring (or the agent, or the operator, declares it for them).
pub async fn declare_supply(
    db: &Db,
    actor: &Actor,
    county: CountyId,
    id: WindowId,
    input: SupplyInput,
    idem: Option<&IdemKey>,
) -> Result<Supply> {
    actor.authorize(county, Action::ListForSale)?;
    let own = person_as(actor, county, &[Role::Farmer, Role::Coop]);
    let on_behalf = actor.is_admin || person_as(actor, county, &[Role::Operator, Role::Agent]).is_some();
    let mut w = crate::begin_write!(db, &county.to_string(), actor, idem);
    let c = &mut *w.tx;
    let mut ck = Checker::new();
    let kg = ck.take("kg", bounded(input.kg, 1, 1_000_000));
    ck.take("ready_date", time::parse_date(&input.ready_date));
    let farmer = match (input.farmer_id, own) {
        (Some(f), _) if on_behalf || Some(f) == own => Some(f),
        (Some(_), _) => return Err(ServiceError::Forbidden),
        (None, Some(me)) => Some(me),
        (None, None) => {
            ck.push(FieldError::new("farmer_id", "required"));
            None
        }
    };
    if let Some(f) = farmer {
        let p = uplink_store::people::get_person(c, county, f).await?;
        if !p.is_some_and(|p| matches!(p.role, Role::Farmer | Role::Coop)) {
            ck.push(FieldError::new("farmer_id", "unknown-reference"));
        }
    }
    if uplink_store::network::get_station(c, county, input.station_id).await?.is_none() {
        ck.push(FieldError::new("station_id", "unknown-reference"));
    }
    let win = repo::get_window(c, county, id).await?.ok_or(ServiceError::NotFound)?;
    if win.offer(&input.grade).is_none() {
        ck.push(FieldError::new("grade", "unknown-grade"));
    }
    ck.finish()?;
    if !win.state.takes_supply() {
        return Err(ServiceError::Conflict { kind: "window-allocated", field: "window".into() });
    }
    let s = Supply {
        id: SupplyId::new(),
        window_id: id,
        farmer_id: farmer.ok_or(ServiceError::NotFound)?,
        farmer_name: String::new(),
        village_name: None,
        station_id: input.station_id,
        station_name: String::new(),
        grade: input.grade,
        kg: kg.unwrap_or(0),
        ready_date: input.ready_date.trim().to_string(),
        allocated_kg: None,
    };
    repo::insert_supply(c, county, &s).await?;
    let out =
        repo::list_supply(c, county, id).await?.into_iter().find(|x| x.id == s.id).ok_or(ServiceError::NotFound)?;
    w.commit(&out).await?;
    Ok(out)
}

/// One station's harvest list: who brings what, how much, which day.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct HarvestList {
    pub station_id: StationId,
    pub station_name: String,
    pub harvest_date: String,
    pub total_kg: i64,
    pub rows: Vec<Supply>,
}

/// The harvest lists of an allocated window, one per station (staff only: it names farmers).
pub async fn harvest_lists(db: &Db, actor: &Actor, county: CountyId, id: WindowId) -> Result<Vec<HarvestList>> {
    actor.authorize(county, Action::ReadPeople)?;
    let mut c = db.reader().await?;
    let win = repo::get_window(&mut c, county, id).await?.ok_or(ServiceError::NotFound)?;
    let mut lists: Vec<HarvestList> = Vec::new();
    for s in repo::list_supply(&mut c, county, id).await? {
        if s.allocated_kg.unwrap_or(0) <= 0 {
            continue;
        }
        match lists.iter_mut().find(|l| l.station_id == s.station_id) {
            Some(l) => {
                l.total_kg += s.allocated_kg.unwrap_or(0);
                l.rows.push(s);
            }
            None => lists.push(HarvestList {
                station_id: s.station_id,
                station_name: s.station_name.clone(),
                harvest_date: win.harvest_date.clone(),
                total_kg: s.allocated_kg.unwrap_or(0),
                rows: vec![s],
            }),
        }
    }
    Ok(lists)
}

/// The window's declarations with their allocations (staff only).
pub async fn list_supply(db: &Db, actor: &Actor, county: CountyId, id: WindowId) -> Result<Vec<Supply>> {
    actor.authorize(county, Action::ReadPeople)?;
    let mut c = db.reader().await?;
    repo::get_window(&mut c, county, id).await?.ok_or(ServiceError::NotFound)?;
    Ok(repo::list_supply(&mut c, county, id).await?)
}

/// Runs a window task in the transaction that claimed it; false when the kind is not a
/// window's (the caller handles it).
pub async fn run_task(c: &mut Conn, t: &Task, now: i64) -> Result<bool> {
    let id = WindowId(t.order_id.0);
    match t.kind.as_str() {
        WINDOW_OPEN => {
            repo::set_state(c, t.county_id, id, WindowState::Draft, WindowState::Open).await?;
        }
        WINDOW_CLOSE => close(c, t.county_id, id, now).await?,
        _ => return Ok(false),
    }
    Ok(true)
}

/// Closes an open window: below the minimum every order is cancelled and refunded in full;
/// otherwise each grade's demand is allocated to the declared supply.
async fn close(c: &mut Conn, county: CountyId, id: WindowId, now: i64) -> Result<()> {
    // A window still in draft at its closing time never opened: it closes (and fails) too.
    repo::set_state(c, county, id, WindowState::Draft, WindowState::Open).await?;
    if !repo::set_state(c, county, id, WindowState::Open, WindowState::Closed).await? {
        return Ok(());
    }
    let win = repo::get_window(c, county, id).await?.ok_or(ServiceError::NotFound)?;
    if win.ordered_kg < win.minimum_kg || win.ordered_kg == 0 {
        for oid in repo::window_orders(c, county, id).await? {
            let Some(mut o) = orders_repo::get_order(c, county, oid).await? else { continue };
            if o.state == OrderState::Cancelled {
                continue;
            }
            if o.state.is_paid() {
                ledger::refund(
                    c,
                    county,
                    o.id,
                    AccountKey::Wallet(o.buyer_id),
                    Fen(o.total_fen),
                    &format!("cancel:{}", o.id),
                )
                .await?;
            }
            step(c, None, &mut o, OrderEvent::Cancel, Some("window below its minimum"), &Stamp::default(), now).await?;
        }
        repo::set_state(c, county, id, WindowState::Closed, WindowState::Failed).await?;
        return Ok(());
    }
    let supply = repo::list_supply(c, county, id).await?;
    let demand = repo::demand_by_grade(c, county, id).await?;
    for (grade, kg_wanted) in &demand {
        let of_grade: Vec<&Supply> = supply.iter().filter(|s| &s.grade == grade).collect();
        let declared: Vec<(SupplyId, i64)> = of_grade.iter().map(|s| (s.id, s.kg)).collect();
        let kg = allocation::allocate(*kg_wanted, &declared, win.min_lot_kg);
        for (s, k) in of_grade.iter().zip(kg) {
            repo::set_allocated(c, county, s.id, k).await?;
        }
    }
    // A declaration of a grade nobody ordered is allocated nothing.
    for s in supply.iter().filter(|s| !demand.iter().any(|(g, _)| g == &s.grade)) {
        repo::set_allocated(c, county, s.id, 0).await?;
    }
    repo::set_state(c, county, id, WindowState::Closed, WindowState::Allocated).await?;
    Ok(())
}
