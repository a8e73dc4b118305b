//! Placing orders and reading them. A villager without a phone orders through the station agent
//! (who is recorded with the order); a buyer with a phone, or a city buyer, orders for
//! themselves. Stock is reserved when the order is placed, in the same transaction, by one
//! conditional update, so concurrent orders for the last units never oversell; an order left
//! unpaid gives its stock back after the county's reservation time.

use crate::access::Actor;
use crate::error::{Result, ServiceError};
use crate::idempotency::IdemKey;
use crate::paging::{ListQuery, Page};
use rand::Rng;
use serde::Deserialize;
use uplink_core::order::{Direction, Order, OrderLine, OrderState, PickupCode, total_of};
use uplink_core::order_access::{Standing, may_see};
use uplink_core::people::{Action, Role};
use uplink_core::validation::{Checker, FieldError};
use uplink_core::*;
use uplink_store::{Conn, Db, catalog, now_us, orders as repo, people as persons};
use utoipa::ToSchema;

/// Most units of one line; more is a typing slip, not an order.
pub const MAX_UNITS: i64 = 100_000;
/// Most lines in one order.
pub const MAX_LINES: usize = 50;

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LineInput {
    pub listing_id: ListingId,
    pub units: i64,
    /// Grade code, for farm products (`special`, `first` …); the base grade when absent.
    pub grade: Option<String>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlaceOrderInput {
    /// Who buys. Required when an agent orders for a villager; a buyer ordering for themselves
    /// leaves it out.
    pub buyer_id: Option<PersonId>,
    pub lines: Vec<LineInput>,
    /// Downlink: the station to pick up at (an agent's own station by default).
    pub station_id: Option<StationId>,
    /// Uplink: a city drop point…
    pub drop_point_id: Option<DropPointId>,
    /// …or a delivery address.
    pub address: Option<String>,
}

/// The person records the actor holds in the county, by role.
pub(crate) fn person_as(actor: &Actor, county: CountyId, roles: &[Role]) -> Option<PersonId> {
    actor.memberships.iter().find(|m| m.county_id == county && roles.contains(&m.role)).map(|m| m.person_id)
}

/// The station the actor works at as an agent in the county, from the memberships read with the
/// session (no query).
pub(crate) fn agent_station(actor: &Actor, county: CountyId) -> Option<StationId> {
    actor.memberships.iter().find(|m| m.county_id == county && m.role == Role::Agent).and_then(|m| m.station_id)
}

/// How the actor stands to an order: buyer, seller, agent, staff.
pub(crate) fn standings(actor: &Actor, o: &Order) -> Vec<Standing> {
    let mut s = Vec::new();
    for m in actor.memberships.iter().filter(|m| m.county_id == o.county_id) {
        if m.person_id == o.buyer_id {
            s.push(Standing::Buyer);
        }
        if m.person_id == o.seller_id {
            s.push(Standing::Seller);
        }
        if Some(m.person_id) == o.agent_id {
            s.push(Standing::OrderAgent);
        }
        if m.role == Role::Agent && o.station_id.is_some() && m.station_id == o.station_id {
            s.push(Standing::StationAgent);
        }
        s.push(Standing::Staff(m.role));
    }
    if actor.is_admin {
        s.push(Standing::Staff(Role::Operator));
    }
    s
}

pub async fn place_order(
    db: &Db,
    actor: &Actor,
    county: CountyId,
    input: PlaceOrderInput,
    idem: Option<&IdemKey>,
) -> Result<Order> {
    actor.authorize(county, Action::ReadNetwork)?;
    let agent = person_as(actor, county, &[Role::Agent]);
    let own = person_as(actor, county, &[Role::Buyer, Role::Farmer, Role::Coop]);
    let operator = actor.authorize(county, Action::ManagePeople).is_ok();
    let mut w = crate::begin_write!(db, &county.to_string(), actor, idem);
    let c = &mut *w.tx;
    let mut ck = Checker::new();

    // Who buys, and who orders for them.
    let buyer = match (input.buyer_id, own) {
        (Some(b), _) if agent.is_some() || operator => Some(b),
        (Some(b), Some(me)) if b == me => Some(b),
        (Some(_), _) => return Err(ServiceError::Forbidden),
        (None, Some(me)) => Some(me),
        (None, None) => {
            ck.push(FieldError::new("buyer_id", "required"));
            None
        }
    };
    let buyer_person = match buyer {
        Some(b) => persons::get_person(c, county, b).await?,
        None => None,
    };
    if buyer.is_some() && buyer_person.as_ref().is_none_or(|p| !p.role.is_party()) {
        ck.push(FieldError::new("buyer_id", "unknown-reference"));
    }
    let ordering_agent = if input.buyer_id.is_some() && own != input.buyer_id { agent } else { None };

    // The lines: one seller and one direction per order.
    if input.lines.is_empty() {
        ck.push(FieldError::new("lines", "required"));
    }
    if input.lines.len() > MAX_LINES {
        ck.push(FieldError::new("lines", "too-many").arg("max", MAX_LINES));
    }
    let mut lines = Vec::new();
    let mut seller: Option<PersonId> = None;
    let mut direction: Option<Direction> = None;
    for (i, l) in input.lines.iter().enumerate() {
        let f = |name: &str| format!("lines[{i}].{name}");
        if l.units <= 0 {
            ck.push(FieldError::new(f("units"), "must-be-positive").arg("actual", l.units));
            continue;
        }
        if l.units > MAX_UNITS {
            ck.push(FieldError::new(f("units"), "out-of-range").arg("min", 1).arg("max", MAX_UNITS));
            continue;
        }
        let Some(listing) = catalog::get_listing(c, county, l.listing_id).await?.filter(|x| x.active) else {
            ck.push(FieldError::new(f("listing_id"), "unknown-reference"));
            continue;
        };
        if *seller.get_or_insert(listing.seller_id) != listing.seller_id
            || *direction.get_or_insert(listing.direction) != listing.direction
        {
            ck.push(FieldError::new(f("listing_id"), "one-seller-per-order"));
            continue;
        }
        if l.units < listing.min_order_units {
            ck.push(FieldError::new(f("units"), "below-minimum-order").arg("min", listing.min_order_units));
            continue;
        }
        let price = match (&l.grade, listing.direction) {
            (None, _) => listing.price_fen.0,
            (Some(g), Direction::Uplink) => match listing.grade_prices.iter().find(|p| &p.code == g) {
                Some(p) => p.price_fen.0,
                None => {
                    ck.push(FieldError::new(f("grade"), "unknown-grade"));
                    continue;
                }
            },
            (Some(_), Direction::Downlink) => {
                ck.push(FieldError::new(f("grade"), "no-grades"));
                continue;
            }
        };
        let (Some(total), Some(weight)) =
            (l.units.checked_mul(price), l.units.checked_mul(listing.product.unit_grams.0))
        else {
            ck.push(FieldError::new(f("units"), "out-of-range").arg("min", 1).arg("max", MAX_UNITS));
            continue;
        };
        lines.push(OrderLine {
            line_no: i as i64 + 1,
            listing_id: listing.id,
            product_id: listing.product_id,
            product_name: listing.product.name.clone(),
            grade: l.grade.clone(),
            units: l.units,
            unit_price_fen: price,
            line_total_fen: total,
            weight_g: weight,
        });
    }

    // Where it goes: a station for goods going down, a drop point or address for produce going up.
    let station = input.station_id.or(match (direction, ordering_agent) {
        (Some(Direction::Downlink), Some(_)) => agent_station(actor, county),
        _ => None,
    });
    let address = input.address.as_deref().map(str::trim).filter(|a| !a.is_empty());
    match direction {
        Some(Direction::Downlink) => {
            if input.drop_point_id.is_some() || address.is_some() {
                ck.push(FieldError::new("address", "downlink-to-station-only"));
            }
            // A station taken from the agent's own record exists (a foreign key); one typed in
            // is looked up.
            match station {
                None => ck.push(FieldError::new("station_id", "required")),
                Some(s)
                    if input.station_id.is_some()
                        && uplink_store::network::get_station(c, county, s).await?.is_none() =>
                {
                    ck.push(FieldError::new("station_id", "unknown-reference"))
                }
                _ => {}
            }
        }
        Some(Direction::Uplink) => {
            if input.station_id.is_some() {
                ck.push(FieldError::new("station_id", "uplink-to-city-only"));
            }
            match (input.drop_point_id, address) {
                (None, None) => ck.push(FieldError::new("drop_point_id", "required")),
                (Some(d), _) if repo::get_drop_point(c, county, d).await?.is_none() => {
                    ck.push(FieldError::new("drop_point_id", "unknown-reference"))
                }
                _ => {}
            }
            if let Some(a) = address {
                ck.take("address", uplink_core::text::name(a, uplink_core::text::NOTE_MAX));
            }
        }
        None => {}
    }
    ck.finish()?;
    let (Some(buyer), Some(seller), Some(direction)) = (buyer, seller, direction) else {
        return Err(crate::network::incomplete());
    };
    let pairs: Vec<(i64, i64)> = lines.iter().map(|l| (l.units, l.unit_price_fen)).collect();
    let total_fen =
        total_of(&pairs).ok_or_else(|| FieldError::new("lines", "out-of-range").arg("min", 1).arg("max", MAX_UNITS))?;
    let weight_g = lines.iter().map(|l| l.weight_g).sum();

    // Reserve every line's units; any shortfall refuses the whole order (the transaction rolls
    // back the lines already reserved).
    for l in &lines {
        if !reserve(c, county, direction, l.listing_id, l.units).await? {
            return Err(ServiceError::Conflict {
                kind: "out-of-stock",
                field: format!("lines[{}].units", l.line_no - 1),
            });
        }
    }

    let now = now_us();
    let station_for_code = if direction == Direction::Downlink { station } else { None };
    let mut order = Order {
        id: OrderId::new(),
        county_id: county,
        order_no: order_no(direction, now),
        direction,
        state: OrderState::Placed,
        buyer_id: buyer,
        seller_id: seller,
        agent_id: ordering_agent,
        station_id: station_for_code,
        drop_point_id: input.drop_point_id,
        address: address.map(str::to_string),
        pickup_code: Some(new_pickup_code()),
        total_fen,
        weight_g,
        payment_method: None,
        payment_reference: payment_reference(),
        lines,
        placed_us: now,
        paid_us: None,
        delivered_us: None,
        accepted_us: None,
        return_until_us: None,
        allowed: OrderState::Placed.allowed(),
    };
    // A pickup code another open order at the station uses, or an order number or payment
    // reference another order has, is drawn again.
    let mut tries = 0;
    while !repo::insert_order_with_free_code(c, &order, actor.user_id).await? {
        tries += 1;
        if tries == 20 {
            return Err(ServiceError::Conflict { kind: "pickup-codes-exhausted", field: "station_id".into() });
        }
        order.pickup_code = Some(new_pickup_code());
        order.order_no = order_no(order.direction, now);
        order.payment_reference = payment_reference();
    }
    let default_ttl = uplink_core::settings::CountySettings::default().reservation_ttl_us();
    repo::schedule_reservation_expiry(c, county, order.id, crate::jobs::EXPIRE_RESERVATION, now, default_ttl).await?;
    w.commit(&order).await?;
    Ok(order)
}

/// Takes units from the hub's stock (downlink) or the farmer's offered harvest (uplink).
pub(crate) async fn reserve(
    c: &mut Conn,
    county: CountyId,
    d: Direction,
    listing: ListingId,
    units: i64,
) -> Result<bool> {
    Ok(match d {
        Direction::Downlink => catalog::reserve_stock(c, county, listing, units).await?,
        Direction::Uplink => catalog::reserve_offered(c, county, listing, units).await?,
    })
}

/// Gives reserved units back.
pub(crate) async fn release(
    c: &mut Conn,
    county: CountyId,
    d: Direction,
    listing: ListingId,
    units: i64,
) -> Result<()> {
    match d {
        Direction::Downlink => catalog::release_stock(c, county, listing, units).await?,
        Direction::Uplink => catalog::release_offered(c, county, listing, units).await?,
    };
    Ok(())
}

/// A random six-digit pickup code (the order's insert checks no open order at the station uses it).
fn new_pickup_code() -> String {
    PickupCode::from_random(rand::rng().random_range(0..1_000_000)).as_str().to_string()
}

const CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

fn random_code(n: usize) -> String {
    let mut r = rand::rng();
    (0..n).map(|_| CODE_ALPHABET[r.random_range(0..CODE_ALPHABET.len())] as char).collect()
}

/// `D261128-7KQ2MX`: direction, the UTC+8 date, and six characters nobody confuses on a phone.
fn order_no(d: Direction, now: i64) -> String {
    let date = uplink_core::time::local_date(now, "Asia/Shanghai").replace('-', "");
    let letter = if d == Direction::Downlink { 'D' } else { 'U' };
    format!("{letter}{}-{}", &date[2..], random_code(6))
}

/// The reference a bank transfer quotes: `UP` and ten unambiguous characters.
pub fn payment_reference() -> String {
    format!("UP{}", random_code(10))
}

/// The order, to those who stand in some relation to it; the pickup code only to the buyer and
/// the agent who ordered for them.
pub async fn get_order(db: &Db, actor: &Actor, county: CountyId, id: OrderId) -> Result<Order> {
    actor.authorize(county, Action::ReadNetwork)?;
    let mut c = db.reader().await?;
    let o = repo::get_order(&mut c, county, id).await?.ok_or(ServiceError::NotFound)?;
    let s = standings(actor, &o);
    if !may_see(&s) {
        return Err(ServiceError::NotFound);
    }
    Ok(redact(o, &s))
}

pub(crate) fn redact(mut o: Order, s: &[Standing]) -> Order {
    if !s.iter().any(|x| matches!(x, Standing::Buyer | Standing::OrderAgent)) {
        o.pickup_code = None;
    }
    o
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrderQuery {
    /// Only orders in this state.
    pub state: Option<String>,
    /// downlink or uplink.
    pub direction: Option<String>,
    /// Staff only: the orders of one station.
    pub station_id: Option<StationId>,
}

/// The orders the caller deals with: a buyer their purchases, a seller their sales, an agent the
/// orders of their station, staff every order of the county.
pub async fn list_orders(
    db: &Db,
    actor: &Actor,
    county: CountyId,
    q: &ListQuery,
    oq: &OrderQuery,
) -> Result<Page<Order>> {
    actor.authorize(county, Action::ReadNetwork)?;
    let p = q.page()?;
    let mut c = db.reader().await?;
    let mut f = repo::OrderFilter {
        state: oq.state.as_deref().map(OrderState::parse).transpose().map_err(|e| e.under("state"))?,
        direction: oq.direction.as_deref().map(Direction::parse).transpose().map_err(|e| e.under("direction"))?,
        ..Default::default()
    };
    let roles = actor.roles_in(county);
    let staff = actor.is_admin
        || roles.iter().any(|r| matches!(r, Role::Operator | Role::Auditor | Role::Driver | Role::Inspector));
    if staff {
        f.station = oq.station_id;
    } else if person_as(actor, county, &[Role::Agent]).is_some() {
        f.station = agent_station(actor, county);
    } else if let Some(me) = person_as(actor, county, &[Role::Supplier, Role::Buyer, Role::Farmer, Role::Coop]) {
        // Farmers and co-ops both buy (farm inputs) and sell (produce): they see both.
        f.party = Some(me);
    }
    let (items, total) = repo::list_orders(&mut c, county, &f, p).await?;
    let mut out = Vec::with_capacity(items.len());
    for o in items {
        let s = standings(actor, &o);
        out.push(redact(o, &s));
    }
    Ok(Page { items: out, total, limit: p.limit, offset: p.offset })
}

pub async fn history(db: &Db, actor: &Actor, county: CountyId, id: OrderId) -> Result<Vec<repo::OrderEventRecord>> {
    get_order(db, actor, county, id).await?;
    let mut c = db.reader().await?;
    Ok(repo::history(&mut c, county, id).await?)
}
