//! Moving orders along their life: payment into escrow, the seller's confirmation, packing,
//! shipping, delivery, hand-over against the pickup code, acceptance with settlement, and
//! cancellation and return, which reverse exactly what happened. Each move is one transaction:
//! the state change, the ledger postings and the scheduled follow-ups land together or not at all.

use crate::access::Actor;
use crate::error::{Result, ServiceError};
use crate::idempotency::IdemKey;
use crate::ledger;
use crate::orders::{agent_station, redact, release, standings};
use serde::Deserialize;
use uplink_core::ledger::{AccountKey, split_on_acceptance};
use uplink_core::order::{Direction, Order, OrderEvent, OrderState, PickupCode};
use uplink_core::order_access::{Standing, may_move};
use uplink_core::people::Action;
use uplink_core::*;
use uplink_store::orders::{self as repo, Stamp};
use uplink_store::{Conn, Db, now_us};
use utoipa::ToSchema;

/// How the buyer pays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PaymentMethod {
    /// Cash handed to the agent at the station; it goes into the station's drawer.
    Cash,
    /// From the buyer's prepaid balance (topped up by bank transfer).
    Wallet,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PayInput {
    pub method: PaymentMethod,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveInput {
    /// Why, in a few words (kept in the order's history).
    pub note: Option<String>,
}

/// Loads the order for a move by the actor: 404 unless they may see it, 403 unless they may
/// make this move (and, when `only` is given, stand to the order in one of those ways), 409 when
/// the order's state does not allow it. In that order, so the answer never depends on state for
/// someone who may not act.
async fn load_for(
    c: &mut Conn,
    actor: &Actor,
    county: CountyId,
    id: OrderId,
    e: OrderEvent,
    only: Option<&[Standing]>,
) -> Result<(Order, Vec<Standing>, OrderState)> {
    actor.authorize(county, Action::ReadNetwork)?;
    let o = repo::get_order(c, county, id).await?.ok_or(ServiceError::NotFound)?;
    let s = standings(actor, &o);
    if !uplink_core::order_access::may_see(&s) {
        return Err(ServiceError::NotFound);
    }
    if !may_move(&s, e, o.direction) || only.is_some_and(|only| !s.iter().any(|x| only.contains(x))) {
        return Err(ServiceError::Forbidden);
    }
    let to = o.state.apply(e)?;
    Ok((o, s, to))
}

/// Applies a move, refusing it when another request moved the order first.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn step(
    c: &mut Conn,
    actor: Option<&Actor>,
    o: &mut Order,
    e: OrderEvent,
    note: Option<&str>,
    stamp: &Stamp,
    now: i64,
) -> Result<()> {
    let to = o.state.apply(e)?;
    let moved =
        repo::transition(c, o.county_id, o.id, o.state, e, to, actor.map(|a| a.user_id), note, stamp, now).await?;
    if !moved {
        // The order changed under us; report against its current state.
        let cur = repo::get_order(c, o.county_id, o.id).await?.ok_or(ServiceError::NotFound)?;
        return Err(cur
            .state
            .apply(e)
            .err()
            .map(ServiceError::from)
            .unwrap_or(ServiceError::Conflict { kind: "order-changed", field: "state".into() }));
    }
    o.state = to;
    o.allowed = to.allowed();
    stamp.apply_to(o);
    Ok(())
}

async fn reload(c: &mut Conn, county: CountyId, id: OrderId, s: &[Standing]) -> Result<Order> {
    let o = repo::get_order(c, county, id).await?.ok_or(ServiceError::NotFound)?;
    Ok(redact(o, s))
}

fn note(i: &MoveInput) -> Result<Option<String>> {
    match i.note.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        None => Ok(None),
        Some(n) => Ok(Some(uplink_core::text::name(n, uplink_core::text::NOTE_MAX).map_err(|e| e.under("note"))?)),
    }
}

/// Pays an order into escrow: cash at the station (the agent), or the buyer's wallet.
pub async fn pay(
    db: &Db,
    actor: &Actor,
    county: CountyId,
    id: OrderId,
    input: PayInput,
    idem: Option<&IdemKey>,
) -> Result<Order> {
    let mut w = crate::begin_write!(db, &county.to_string(), actor, idem);
    let c = &mut *w.tx;
    let (mut o, s, _) = load_for(c, actor, county, id, OrderEvent::Pay, None).await?;
    let source = match input.method {
        PaymentMethod::Cash => {
            // The agent of the order's station is known to work there; the agent who ordered
            // may stand at another station, whose drawer takes the cash.
            let agent_station = match o.station_id {
                Some(st) if s.contains(&Standing::StationAgent) => Some(st),
                _ => agent_station(actor, county),
            };
            match (s.iter().any(|x| matches!(x, Standing::OrderAgent | Standing::StationAgent)), agent_station) {
                (true, Some(st)) => AccountKey::StationCash(st),
                _ => return Err(ServiceError::Forbidden),
            }
        }
        PaymentMethod::Wallet => {
            if !s.contains(&Standing::Buyer) {
                return Err(ServiceError::Forbidden);
            }
            AccountKey::Wallet(o.buyer_id)
        }
    };
    let now = now_us();
    ledger::hold_escrow_from(c, county, source, o.id, Fen(o.total_fen), &format!("pay:{}", o.id)).await?;
    let method = match input.method {
        PaymentMethod::Cash => "cash",
        PaymentMethod::Wallet => "wallet",
    };
    let stamp = Stamp { paid_us: Some(now), payment_method: Some(method.into()), ..Default::default() };
    step(c, Some(actor), &mut o, OrderEvent::Pay, None, &stamp, now).await?;
    let out = redact(o, &s);
    w.commit(&out).await?;
    Ok(out)
}

/// Confirm (seller), pack (hub or seller), ship (hub or driver), deliver (driver or station).
pub async fn advance(
    db: &Db,
    actor: &Actor,
    county: CountyId,
    id: OrderId,
    event: OrderEvent,
    input: MoveInput,
    idem: Option<&IdemKey>,
) -> Result<Order> {
    if !matches!(event, OrderEvent::Confirm | OrderEvent::Pack | OrderEvent::Ship | OrderEvent::Deliver) {
        return Err(ServiceError::NotFound);
    }
    let note = note(&input)?;
    let mut w = crate::begin_write!(db, &county.to_string(), actor, idem);
    let c = &mut *w.tx;
    let (mut o, s, _) = load_for(c, actor, county, id, event, None).await?;
    let now = now_us();
    let mut stamp = Stamp::default();
    if event == OrderEvent::Deliver {
        stamp.delivered_us = Some(now);
        let settings = repo::settings(c, county).await?;
        repo::schedule(c, county, o.id, crate::jobs::AUTO_ACCEPT, now + settings.acceptance_window_us()).await?;
    }
    step(c, Some(actor), &mut o, event, note.as_deref(), &stamp, now).await?;
    let out = reload(c, county, id, &s).await?;
    w.commit(&out).await?;
    Ok(out)
}

/// Acceptance and settlement, in the caller's transaction: the buyer (or the window) accepts;
/// escrow splits into the seller's proceeds, the platform fee, and the agent's commission,
/// which stays pending until the return window closes.
pub(crate) async fn accept_and_settle(
    c: &mut Conn,
    actor: Option<&Actor>,
    o: &mut Order,
    note: Option<&str>,
    now: i64,
) -> Result<()> {
    let total = o.total_fen;
    accept_and_settle_amount(c, actor, o, note, now, total).await
}

/// Acceptance that settles `amount`: the total, or what is left after a claim's refund.
pub(crate) async fn accept_and_settle_amount(
    c: &mut Conn,
    actor: Option<&Actor>,
    o: &mut Order,
    note: Option<&str>,
    now: i64,
    amount: i64,
) -> Result<()> {
    let settings = repo::settings(c, o.county_id).await?;
    let commission_bps = if o.agent_id.is_some() { settings.agent_commission_bps } else { 0 };
    let split =
        split_on_acceptance(Fen(amount), settings.platform_fee_bps, commission_bps).map_err(|e| e.under("total"))?;
    let return_until = now + settings.return_window_us();
    step(c, actor, o, OrderEvent::Accept, note, &Stamp { accepted_us: Some(now), ..Default::default() }, now).await?;
    // A pre-order window's order splits by its window's fees instead (issue 4).
    let window_order = crate::windows::settle_window_order(c, o).await?;
    if !window_order {
        ledger::settle_order(c, o.county_id, o.id, o.seller_id, o.agent_id, &split).await?;
    }
    step(
        c,
        actor,
        o,
        OrderEvent::Settle,
        None,
        &Stamp { return_until_us: Some(return_until), ..Default::default() },
        now,
    )
    .await?;
    if window_order {
        crate::windows::after_settlement(c, o).await?;
    }
    repo::schedule(c, o.county_id, o.id, crate::jobs::RELEASE_COMMISSION, return_until).await?;
    Ok(())
}

/// The buyer accepts goods received at a drop point (or a station).
pub async fn accept(
    db: &Db,
    actor: &Actor,
    county: CountyId,
    id: OrderId,
    input: MoveInput,
    idem: Option<&IdemKey>,
) -> Result<Order> {
    let note = note(&input)?;
    let mut w = crate::begin_write!(db, &county.to_string(), actor, idem);
    let c = &mut *w.tx;
    // Agents accept through the hand-over, which checks the pickup code; here only the buyer.
    let (mut o, s, _) = load_for(c, actor, county, id, OrderEvent::Accept, Some(&[Standing::Buyer])).await?;
    accept_and_settle(c, Some(actor), &mut o, note.as_deref(), now_us()).await?;
    let out = reload(c, county, id, &s).await?;
    w.commit(&out).await?;
    Ok(out)
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HandoverInput {
    /// The six digits the villager shows.
    pub pickup_code: String,
}

/// The agent hands a parcel over at their station against its pickup code; that is the
/// villager's acceptance. A code of another station finds nothing here.
pub async fn handover(
    db: &Db,
    actor: &Actor,
    county: CountyId,
    station: StationId,
    input: HandoverInput,
    idem: Option<&IdemKey>,
) -> Result<Order> {
    let code = PickupCode::parse(&input.pickup_code).map_err(|e| e.under("pickup_code"))?;
    let mut w = crate::begin_write!(db, &county.to_string(), actor, idem);
    let c = &mut *w.tx;
    actor.authorize(county, Action::ReadNetwork)?;
    if agent_station(actor, county) != Some(station) {
        return Err(ServiceError::Forbidden);
    }
    let id = repo::find_by_pickup_code(c, county, station, code.as_str())
        .await?
        .ok_or_else(|| ServiceError::Conflict { kind: "no-parcel-with-code", field: "pickup_code".into() })?;
    let (mut o, s, _) = load_for(c, actor, county, id, OrderEvent::Accept, None).await?;
    accept_and_settle(c, Some(actor), &mut o, Some("pickup code"), now_us()).await?;
    let out = reload(c, county, id, &s).await?;
    w.commit(&out).await?;
    Ok(out)
}

/// Where a refund goes: back where the money came from.
pub(crate) fn refund_target(o: &Order) -> Result<AccountKey> {
    match (o.payment_method.as_deref(), o.station_id) {
        (Some("cash"), Some(st)) => Ok(AccountKey::StationCash(st)),
        (Some("wallet"), _) => Ok(AccountKey::Wallet(o.buyer_id)),
        _ => Ok(AccountKey::Wallet(o.buyer_id)),
    }
}

/// Cancels before packing: escrow (if paid) goes back where it came from; stock is released.
pub(crate) async fn cancel_in(
    c: &mut Conn,
    actor: Option<&Actor>,
    o: &mut Order,
    note: Option<&str>,
    now: i64,
) -> Result<()> {
    if o.state.is_paid() {
        ledger::refund(c, o.county_id, o.id, refund_target(o)?, Fen(o.total_fen), &format!("cancel:{}", o.id)).await?;
    }
    for l in &o.lines {
        release(c, o.county_id, o.direction, l.listing_id, l.units).await?;
    }
    step(c, actor, o, OrderEvent::Cancel, note, &Stamp::default(), now).await
}

pub async fn cancel(
    db: &Db,
    actor: &Actor,
    county: CountyId,
    id: OrderId,
    input: MoveInput,
    idem: Option<&IdemKey>,
) -> Result<Order> {
    let note = note(&input)?;
    let mut w = crate::begin_write!(db, &county.to_string(), actor, idem);
    let c = &mut *w.tx;
    let (mut o, s, _) = load_for(c, actor, county, id, OrderEvent::Cancel, None).await?;
    cancel_in(c, Some(actor), &mut o, note.as_deref(), now_us()).await?;
    let out = reload(c, county, id, &s).await?;
    w.commit(&out).await?;
    Ok(out)
}

/// A return within the window reverses the settlement exactly: the seller's proceeds and the
/// platform fee go back, the agent's pending commission is clawed back, the buyer is refunded in
/// full, and the goods go back into stock.
pub async fn return_order(
    db: &Db,
    actor: &Actor,
    county: CountyId,
    id: OrderId,
    input: MoveInput,
    idem: Option<&IdemKey>,
) -> Result<Order> {
    let note = note(&input)?;
    let mut w = crate::begin_write!(db, &county.to_string(), actor, idem);
    let c = &mut *w.tx;
    let (mut o, s, _) = load_for(c, actor, county, id, OrderEvent::Return, None).await?;
    let now = now_us();
    // The window is over when its time has passed or when its closing work (the commission's
    // release) has been done, whichever comes first.
    if o.return_until_us.is_some_and(|t| now > t)
        || repo::task_done(c, county, o.id, crate::jobs::RELEASE_COMMISSION).await?
    {
        return Err(ServiceError::Conflict { kind: "return-window-closed", field: "order".into() });
    }
    ledger::reverse_settlement(c, county, o.id, o.seller_id, o.agent_id).await?;
    ledger::refund(c, county, o.id, refund_target(&o)?, Fen(o.total_fen), &format!("return:{}", o.id)).await?;
    // Returned goods go back on the shelf at the hub; returned produce is not resold as offered
    // harvest (it is past its best), so only downlink stock comes back.
    if o.direction == Direction::Downlink {
        for l in &o.lines {
            release(c, county, o.direction, l.listing_id, l.units).await?;
        }
    }
    step(c, Some(actor), &mut o, OrderEvent::Return, note.as_deref(), &Stamp::default(), now).await?;
    let out = reload(c, county, id, &s).await?;
    w.commit(&out).await?;
    Ok(out)
}
