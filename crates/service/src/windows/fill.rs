//! Filling a window's orders at the hub by actual weight, and settling them on acceptance: the
//! buyer pays for the weight delivered (`core::window::charge_for_delivery`), the rest of the
//! escrow is refunded at once, and on acceptance the charge is split by
//! `core::window::split_charge` into the farmers' share and the named fees.

use super::step;
use crate::access::Actor;
use crate::error::{Result, ServiceError};
use crate::idempotency::IdemKey;
use crate::ledger;
use serde::{Deserialize, Serialize};
use uplink_core::ledger::{AccountKey, TransferCode};
use uplink_core::lot::handoff_weight;
use uplink_core::order::{Order, OrderEvent, OrderState};
use uplink_core::people::Action;
use uplink_core::validation::FieldError;
use uplink_core::window::{self, WindowState};
use uplink_core::*;
use uplink_store::lots::{self as lots_repo, Fill, LotEvent};
use uplink_store::orders::{self as orders_repo, Stamp};
use uplink_store::windows as repo;
use uplink_store::{Conn, Db, now_us};
use utoipa::ToSchema;

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FillInput {
    /// The lot (of the order's grade) the goods come from; the hub must hold it.
    pub lot_id: LotId,
    /// The weight handed to the buyer, grams.
    pub weight_g: i64,
}

/// What a fill did.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct FillResult {
    pub order: Order,
    pub fill: Fill,
}

/// The hub fills a window order from a lot by actual weight and delivers it at the drop point:
/// the buyer is charged for the weight delivered and the rest of the escrow is refunded at once.
pub async fn fill_order(
    db: &Db,
    actor: &Actor,
    county: CountyId,
    id: WindowId,
    order: OrderId,
    input: FillInput,
    idem: Option<&IdemKey>,
) -> Result<FillResult> {
    actor.authorize(county, Action::ManageCatalog)?;
    let weight = handoff_weight(input.weight_g).map_err(|e| e.under("weight_g"))?;
    let mut w = crate::begin_write!(db, &county.to_string(), actor, idem);
    let c = &mut *w.tx;
    let win = repo::get_window(c, county, id).await?.ok_or(ServiceError::NotFound)?;
    let mut o = orders_repo::get_order(c, county, order).await?.ok_or(ServiceError::NotFound)?;
    if repo::window_of_order(c, county, order).await? != Some(id) {
        return Err(ServiceError::NotFound);
    }
    let lot = lots_repo::get_lot(c, county, input.lot_id)
        .await?
        .ok_or_else(|| FieldError::new("lot_id", "unknown-reference"))?;
    let line = o.lines.first().cloned().ok_or(ServiceError::NotFound)?;
    let grade = line.grade.clone().unwrap_or_default();
    if lot.grade != grade || lot.product_id != win.product_id {
        return Err(FieldError::new("lot_id", "wrong-grade").arg("grade", &grade).into());
    }
    if !win.state.takes_intake() {
        return Err(ServiceError::Conflict { kind: "window-not-allocated", field: "window".into() });
    }
    if o.state != OrderState::Paid {
        return Err(o
            .state
            .apply(OrderEvent::Confirm)
            .err()
            .map(ServiceError::from)
            .unwrap_or(ServiceError::Conflict { kind: "order-changed", field: "state".into() }));
    }
    let hub = crate::lots::holder(c, actor, county).await?;
    if lot.custodian_id != hub || lot.state != "active" {
        return Err(ServiceError::Conflict { kind: "lot-not-held", field: "lot_id".into() });
    }
    if weight.0 > lot.weight_g {
        return Err(FieldError::new("weight_g", "more-than-held")
            .arg("held", lot.weight_g)
            .arg("requested", weight.0)
            .into());
    }
    let product = uplink_store::catalog::get_product(c, county, win.product_id).await?.ok_or(ServiceError::NotFound)?;
    let offer = win.offer(&grade).ok_or(ServiceError::NotFound)?;
    let charge = window::charge_for_delivery(
        offer.buyer_price_fen,
        Grams(line.weight_g),
        Fen(o.total_fen),
        weight,
        product.tolerance_bps,
    )?;
    let now = now_us();
    let left = lot.weight_g - weight.0;
    let place = lot.place_kind.clone();
    let code = lot.place_code.clone();
    if !lots_repo::move_lot(
        c,
        county,
        lot.id,
        hub,
        lot.weight_g,
        hub,
        (&place, &code),
        left,
        if left == 0 { "used" } else { "active" },
    )
    .await?
    {
        return Err(ServiceError::Conflict { kind: "lot-not-held", field: "lot_id".into() });
    }
    let drop = o.drop_point_id.and_then(|d| win.drop_point_ids.iter().find(|x| **x == d).copied());
    let drop_code = match drop {
        Some(d) => orders_repo::get_drop_point(c, county, d).await?.map(|d| d.code).unwrap_or_default(),
        None => String::new(),
    };
    let ev = LotEvent {
        seq: 0,
        kind: "fill".into(),
        from_person: Some(hub),
        to_person: Some(o.buyer_id),
        from_role: Some("operator".into()),
        to_role: Some("buyer".into()),
        place_kind: "drop_point".into(),
        place_code: drop_code,
        weight_g: weight.0,
        loss_g: 0,
        other_lot_id: None,
        order_id: Some(o.id),
        at_us: now,
    };
    lots_repo::add_event(c, county, lot.id, &ev, Some(actor.user_id)).await?;
    let fill = Fill {
        order_id: o.id,
        lot_id: lot.id,
        weight_g: weight.0,
        charged_fen: charge.charged_fen.0,
        refund_fen: charge.refund_fen.0,
        at_us: now,
    };
    lots_repo::insert_fill(c, county, &fill).await?;
    if charge.refund_fen.0 > 0 {
        ledger::refund(
            c,
            county,
            o.id,
            AccountKey::Wallet(o.buyer_id),
            charge.refund_fen,
            &format!("fill-refund:{}", o.id),
        )
        .await?;
    }
    let user = Some(actor.user_id);
    for e in [OrderEvent::Confirm, OrderEvent::Pack, OrderEvent::Ship] {
        step(c, user, &mut o, e, None, &Stamp::default(), now).await?;
    }
    let note = format!("filled {} from lot {}", weight, lot.code);
    step(
        c,
        user,
        &mut o,
        OrderEvent::Deliver,
        Some(&note),
        &Stamp { delivered_us: Some(now), ..Default::default() },
        now,
    )
    .await?;
    let settings = orders_repo::settings(c, county).await?;
    orders_repo::schedule(c, county, o.id, crate::jobs::AUTO_ACCEPT, now + settings.acceptance_window_us()).await?;
    if all_orders_past(c, county, id, OrderState::Delivered).await? {
        repo::set_state(c, county, id, WindowState::Allocated, WindowState::Filled).await?;
    }
    let order = orders_repo::get_order(c, county, o.id).await?.ok_or(ServiceError::NotFound)?;
    let out = FillResult { order, fill };
    w.commit(&out).await?;
    Ok(out)
}

/// Whether every order of the window not cancelled is at least at `state` on the way.
async fn all_orders_past(c: &mut Conn, county: CountyId, id: WindowId, state: OrderState) -> Result<bool> {
    let rank = |s: OrderState| match s {
        OrderState::Placed | OrderState::Paid | OrderState::Confirmed | OrderState::Packed | OrderState::InTransit => 0,
        OrderState::Delivered | OrderState::Disputed => 1,
        OrderState::Accepted => 2,
        OrderState::Settled | OrderState::Returned => 3,
        OrderState::Cancelled => 4,
    };
    for oid in repo::window_orders(c, county, id).await? {
        if let Some(o) = orders_repo::get_order(c, county, oid).await?
            && rank(o.state) < rank(state)
        {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Settles an accepted window order in the caller's transaction (called by the order code's
/// acceptance): its escrow, which holds exactly the charge after the fill's refund, is split by
/// `core::window::split_charge` into the farmers' share (back to the window's advance, which paid
/// them at intake) and the named fees (the county's revenue). False for an order of no window.
pub(crate) async fn settle_window_order(c: &mut Conn, o: &Order) -> Result<bool> {
    let county = o.county_id;
    let Some(id) = repo::window_of_order(c, county, o.id).await? else { return Ok(false) };
    let win = repo::get_window(c, county, id).await?.ok_or(ServiceError::NotFound)?;
    let fill = lots_repo::fill_of(c, county, o.id)
        .await?
        .ok_or(ServiceError::Conflict { kind: "not-filled", field: "order".into() })?;
    let grade = o.lines.first().and_then(|l| l.grade.clone()).unwrap_or_default();
    let offer = win.offer(&grade).ok_or(ServiceError::NotFound)?;
    let ordered = o.lines.first().map(|l| l.weight_g).unwrap_or(0);
    let charge = window::Charge {
        billed_g: Grams(fill.weight_g.min(ordered)),
        charged_fen: Fen(fill.charged_fen),
        refund_fen: Fen(fill.refund_fen),
    };
    let split = window::split_charge(offer, &charge);
    let reference = o.id.to_string();
    let mut parts = vec![("farmer", AccountKey::WindowAdvance(id), split.farmer, TransferCode::WindowRecovery)];
    for (name, fee) in split.fees() {
        parts.push((name, AccountKey::PlatformRevenue, fee, TransferCode::PlatformFee));
    }
    // A claim decided before acceptance refunded part of the escrow: the shortfall comes off the
    // farmers' recovery first (the window paid them at intake; the county bears the loss), then
    // off the fees, so what is posted is exactly what the escrow still holds.
    let held = uplink_store::ledger::balance(c, county, AccountKey::Escrow(o.id)).await?.available.0;
    let mut shortfall = parts.iter().map(|p| p.2.0).sum::<i64>() - held;
    for part in parts.iter_mut() {
        if shortfall <= 0 {
            break;
        }
        let cut = shortfall.min(part.2.0);
        part.2 = Fen(part.2.0 - cut);
        shortfall -= cut;
    }
    for (name, to, amount, code) in parts {
        if amount.0 <= 0 {
            continue;
        }
        let key = format!("wsettle:{}:{name}", o.id);
        let p = uplink_store::ledger::Posting {
            debit: AccountKey::Escrow(o.id),
            credit: to,
            amount,
            code,
            order: Some(o.id),
            reference: &reference,
            idem: &key,
        };
        ledger::post(c, county, &p).await?;
    }
    Ok(true)
}

/// After a window order settled: the window is settled when all its orders are.
pub(crate) async fn after_settlement(c: &mut Conn, o: &Order) -> Result<()> {
    if let Some(id) = repo::window_of_order(c, o.county_id, o.id).await?
        && all_orders_past(c, o.county_id, id, OrderState::Settled).await?
    {
        repo::set_state(c, o.county_id, id, WindowState::Allocated, WindowState::Filled).await?;
        repo::set_state(c, o.county_id, id, WindowState::Filled, WindowState::Settled).await?;
    }
    Ok(())
}
