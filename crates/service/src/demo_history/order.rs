//! One generated order turned into the records its life would have left: the order and its
//! lines, each state change as an event, its scheduled tasks, its postings, and for farm products
//! the lot with its hand-offs (and incidents) and any claim.

use super::{World, id_at};
use crate::error::Result;
use uplink_core::ledger::{AccountKey, TransferCode, TransferState, split_on_acceptance};
use uplink_core::order::{Direction, OrderEvent, OrderState};
use uplink_core::trust::{ClaimKind, Outcome, refund_fen};
use uplink_core::*;
use uplink_sim::history::{HistoryOrder, Step};
use uplink_store::history::{Batch, Value};

/// Buyers top their wallet up by at least this much (fen): a few orders' worth at a time.
const TOPUP_FEN: i64 = 200_000;
const CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

/// `n` as `len` characters of the order-code alphabet, scrambled so neighbours do not look alike
/// (a bijection on 32^len, so different numbers never share a code).
pub(super) fn code(n: u64, len: u32) -> String {
    let space = 32u64.pow(len);
    let mut x = (n % space).wrapping_mul(0x9E37_79B1) % space;
    (0..len)
        .map(|_| {
            let c = CODE_ALPHABET[(x % 32) as usize] as char;
            x /= 32;
            c
        })
        .collect()
}

pub(super) fn uuid(s: &str) -> uuid::Uuid {
    s.parse().unwrap_or_default()
}

/// One order's records, as they build up.
pub(super) struct Life<'a> {
    pub(super) w: &'a mut World,
    pub(super) batch: &'a mut Batch,
    pub(super) order: String,
    pub(super) state: OrderState,
    pub(super) seq: i64,
    /// The settlement's posted parts ("seller", "fee") with the account credited, for a return.
    pub(super) parts: Vec<(&'static str, AccountKey, i64)>,
    /// The pending commission: its transfer id, the agent's account and the amount.
    pub(super) commission: Option<(String, AccountKey, i64)>,
}

impl Life<'_> {
    pub(super) fn event(&mut self, e: OrderEvent, actor: Option<String>, note: Option<&str>, at: i64) {
        let to = self.state.apply(e).expect("the generated life follows the order's table of moves");
        self.seq += 1;
        self.batch.event(vec![
            self.w.county.to_string().into(),
            self.order.clone().into(),
            self.seq.into(),
            e.as_str().into(),
            self.state.as_str().into(),
            to.as_str().into(),
            actor.into(),
            note.map(str::to_string).into(),
            at.into(),
        ]);
        self.state = to;
    }

    pub(super) fn post(
        &mut self,
        debit: AccountKey,
        credit: AccountKey,
        fen: i64,
        code: TransferCode,
        idem: &str,
        at: i64,
    ) {
        let (county, order) = (self.w.county, self.order.clone());
        self.batch.transfer(
            county,
            &id_at(at),
            debit,
            credit,
            fen,
            TransferState::Posted,
            code,
            None,
            Some(order.clone()),
            &order,
            idem,
            at,
        );
    }

    pub(super) fn task(&mut self, kind: &str, due: i64, done: Option<i64>) {
        let done = done.filter(|d| *d < self.w.end_us);
        self.batch.task(vec![
            self.w.county.to_string().into(),
            id_at(due).into(),
            kind.into(),
            self.order.clone().into(),
            due.into(),
            done.into(),
            done.map(|_| "done".to_string()).into(),
        ]);
    }
}

/// A city buyer pays `total` from their wallet at `at`, topping it up by bank first when it holds
/// too little.
pub(super) fn spend(w: &mut World, batch: &mut Batch, buyer: usize, total: i64, at: i64) {
    let left = w.spendable.entry(buyer).or_default();
    if *left < total {
        let topup = ((total - *left).max(TOPUP_FEN) + 9_999) / 10_000 * 10_000;
        *left += topup;
        w.topups += 1;
        let (k, reference) = (w.topups, format!("HIST{}", code(w.topups, 8)));
        let person = &w.people[buyer].person;
        let idem = format!("history-topup:{person}:{k}");
        let wallet = AccountKey::Wallet(PersonId(uuid(person)));
        batch.transfer(
            w.county,
            &id_at(at - 1),
            AccountKey::CountyBank,
            wallet,
            topup,
            TransferState::Posted,
            TransferCode::Topup,
            None,
            None,
            &reference,
            &idem,
            at - 1,
        );
    }
    *w.spendable.entry(buyer).or_default() -= total;
}

/// Writes `o`'s records into the batch.
pub(super) fn write(w: &mut World, batch: &mut Batch, o: &HistoryOrder) -> Result<()> {
    let n = w.written.orders;
    w.written.orders += 1;
    w.written.lines += o.lines.len() as u64;
    let order = id_at(o.placed_us);
    let oid = OrderId(uuid(&order));
    let county = w.county;
    let lines: Vec<(i64, i64, i64)> = o
        .lines
        .iter()
        .map(|l| {
            let it = &w.items[l.offer];
            (l.units, l.units * it.price_fen, l.units * it.unit_grams)
        })
        .collect();
    let total: i64 = lines.iter().map(|l| l.1).sum();
    let weight: i64 = lines.iter().map(|l| l.2).sum();
    let down = o.direction == Direction::Downlink;
    let buyer = w.people[o.buyer].clone();
    let seller = w.people[o.seller].clone();
    let agent = o.agent.map(|a| w.people[a].clone());
    // Who acts: the agent at the station for a villager, the city buyer for themselves.
    let placer = if down { agent.as_ref().and_then(|a| a.user.clone()) } else { buyer.user.clone() };
    let station_id = w.stations[o.station].0.clone();
    let escrow = AccountKey::Escrow(oid);
    let buyer_wallet = AccountKey::Wallet(PersonId(uuid(&buyer.person)));
    let source = if down { AccountKey::StationCash(StationId(uuid(&station_id))) } else { buyer_wallet };
    let s = w.settings;
    let (operator, driver, inspector) = (w.operator.user.clone(), w.driver.user.clone(), w.inspector.user.clone());
    let returned = o.steps.iter().any(|(s, _)| *s == Step::Return);

    let mut life =
        Life { w, batch, order: order.clone(), state: OrderState::Placed, seq: 0, parts: Vec::new(), commission: None };
    let (mut paid, mut delivered, mut accepted, mut return_until) = (None, None, None, None);
    let mut lot: Option<super::order_lot::Lot> = None;
    let mut claim: Option<(String, ClaimKind, i64)> = None;
    let mut refunded = 0;
    let expiry = o.placed_us + s.reservation_ttl_us();
    life.task(crate::jobs::EXPIRE_RESERVATION, expiry, Some(expiry));
    for &(step, at) in &o.steps {
        match step {
            Step::Cancel => {
                let at = o.placed_us + s.reservation_ttl_us();
                life.event(OrderEvent::Cancel, None, Some("unpaid past the reservation time"), at);
            }
            Step::Pay => {
                if !down {
                    spend(life.w, life.batch, o.buyer, total, at);
                } else if !returned {
                    life.w.cash.push((at, o.station, total));
                }
                let code = TransferCode::payment_from(source.kind());
                life.post(source, escrow, total, code, &format!("pay:{order}"), at);
                life.event(OrderEvent::Pay, placer.clone(), None, at);
                paid = Some(at);
            }
            Step::Confirm => life.event(OrderEvent::Confirm, operator.clone(), None, at),
            Step::Intake => lot = Some(super::order_lot::intake(life.w, life.batch, o, weight, at)?),
            Step::Pack => life.event(OrderEvent::Pack, operator.clone(), None, at),
            Step::Ship => {
                if let Some(l) = lot.as_mut() {
                    l.hand_to_driver(life.w, life.batch, at);
                }
                life.event(OrderEvent::Ship, driver.clone(), None, at);
            }
            Step::AtHub => {
                if let Some(l) = lot.as_mut() {
                    l.hand_to_hub(life.w, life.batch, at);
                }
            }
            Step::Deliver => {
                if let Some(l) = lot.as_mut() {
                    l.hand_to_buyer(life.w, life.batch, o, &order, at);
                }
                life.event(OrderEvent::Deliver, driver.clone(), None, at);
                delivered = Some(at);
            }
            Step::Dispute(kind) => {
                life.event(OrderEvent::Dispute, buyer.user.clone(), None, at);
                claim = Some((id_at(at), kind, at));
            }
            Step::Decide { refund_bps } => {
                let Some((claim_id, kind, opened)) = claim.take() else { continue };
                let outcome = if refund_bps > 0 { Outcome::PartialRefund } else { Outcome::Reject };
                let refund = refund_fen(outcome, total, Some(refund_bps).filter(|b| *b > 0)).unwrap_or(0);
                if refund > 0 {
                    let idem = format!("claim:{claim_id}:0");
                    life.post(escrow, buyer_wallet, refund, TransferCode::Refund, &idem, at);
                    refunded = refund;
                }
                let decision = super::order_lot::Decision {
                    outcome,
                    refund_fen: refund,
                    by: inspector.clone(),
                    at,
                    final_us: at + s.appeal_window_us(),
                };
                super::order_lot::claim(
                    life.w,
                    life.batch,
                    o,
                    (&order, &claim_id),
                    kind,
                    (total, weight),
                    opened,
                    Some(decision),
                );
                life.event(OrderEvent::Resolve, inspector.clone(), Some(outcome.as_str()), at);
                settle(&mut life, o, total - refund, at, &mut accepted, &mut return_until, returned)?;
            }
            Step::Accept => {
                if life.state == OrderState::Delivered {
                    settle(&mut life, o, total - refunded, at, &mut accepted, &mut return_until, returned)?;
                }
            }
            Step::Return => {
                for (part, credited, fen) in std::mem::take(&mut life.parts) {
                    let idem = format!("unsettle:{order}:{part}");
                    life.post(credited, escrow, fen, TransferCode::SettlementReversal, &idem, at);
                }
                if let Some((pending, key, fen)) = life.commission.take() {
                    life.batch.transfer(
                        county,
                        &id_at(at),
                        escrow,
                        key,
                        fen,
                        TransferState::Voided,
                        TransferCode::CommissionClawback,
                        Some((&pending, TransferState::Pending)),
                        Some(order.clone()),
                        &order,
                        &format!("clawback:{order}:commission"),
                        at,
                    );
                }
                life.post(escrow, source, total, TransferCode::Refund, &format!("return:{order}"), at);
                life.event(OrderEvent::Return, placer.clone(), None, at);
            }
        }
    }
    if let Some(l) = lot {
        l.finish(life.batch);
    }
    if let Some((claim_id, kind, opened)) = claim {
        super::order_lot::claim(life.w, life.batch, o, (&order, &claim_id), kind, (total, weight), opened, None);
    }
    if let Some(d) = delivered {
        let due = d + s.acceptance_window_us();
        life.task(crate::jobs::AUTO_ACCEPT, due, Some(due));
    }
    let updated = o.steps.last().map(|x| x.1).unwrap_or(o.placed_us);
    let (drop_id, _) = o.drop_point.map(|d| life.w.drop_points[d].clone()).unzip();
    let method = paid.map(|_| if down { "cash".to_string() } else { "wallet".to_string() });
    let date = uplink_core::time::local_date(o.placed_us, &life.w.zone).replace('-', "");
    let order_no = format!("{}{}-{}", if down { 'D' } else { 'U' }, &date[2..], code(n, 6));
    let state = life.state;
    life.batch.order(vec![
        county.to_string().into(),
        order.clone().into(),
        order_no.clone().into(),
        o.direction.as_str().into(),
        state.as_str().into(),
        buyer.person.clone().into(),
        seller.person.clone().into(),
        agent.as_ref().map(|a| a.person.clone()).into(),
        placer.unwrap_or_default().into(),
        Value::from(down.then(|| station_id.clone())),
        drop_id.into(),
        format!("{:06}", (n.wrapping_mul(7_919) + 104_729) % 1_000_000).into(),
        total.into(),
        weight.into(),
        method.into(),
        format!("UP{}", code(n, 10)).into(),
        o.placed_us.into(),
        paid.into(),
        delivered.into(),
        accepted.into(),
        return_until.into(),
        updated.into(),
        Value::NullText,
    ]);
    for (i, (l, (units, line_total, grams))) in o.lines.iter().zip(lines).enumerate() {
        let it = &life.w.items[l.offer];
        life.batch.line(vec![
            county.to_string().into(),
            order.clone().into(),
            (i as i64 + 1).into(),
            it.listing.clone().into(),
            it.product.clone().into(),
            it.product_name.clone().into(),
            it.grade.clone().into(),
            units.into(),
            it.price_fen.into(),
            line_total.into(),
            grams.into(),
        ]);
    }
    // The days this order waited for the truck, confirmed or packed, for the dispatch plans.
    let confirmed = o.steps.iter().find(|(s, _)| *s == Step::Confirm).map(|x| x.1);
    if let Some(from) = confirmed {
        let until = o.steps.iter().find(|(s, _)| *s == Step::Ship).map(|x| x.1).unwrap_or(i64::MAX);
        let items: Vec<&super::Item> = o.lines.iter().map(|l| &life.w.items[l.offer]).collect();
        let seller_village = life.w.people_village.get(o.seller).copied().flatten();
        let day_order = uplink_store::dispatch::DayOrder {
            id: oid,
            order_no,
            downlink: down,
            station_id: down.then(|| StationId(uuid(&station_id))),
            seller_station_id: if down {
                None
            } else {
                seller_village.and_then(|v| life.w.village_station.get(&v)).map(|s| StationId(uuid(s)))
            },
            weight_g: weight,
            volume_cm3: o.lines.iter().zip(&items).map(|(l, it)| l.units * it.unit_cm3).sum(),
            cold: items.iter().any(|it| it.cold),
            shelf_life_days: items.iter().map(|it| it.shelf_life_days).min().unwrap_or(0),
            ready_us: paid.unwrap_or(o.placed_us),
        };
        super::plan::wait(life.w, day_order, from, until);
    }
    Ok(())
}

/// Acceptance and settlement as `order_moves::accept_and_settle_amount` posts them.
fn settle(
    life: &mut Life,
    o: &HistoryOrder,
    amount: i64,
    at: i64,
    accepted: &mut Option<i64>,
    return_until: &mut Option<i64>,
    returned: bool,
) -> Result<()> {
    let s = life.w.settings;
    let agent = o.agent.map(|a| life.w.people[a].clone());
    let actor = match &agent {
        Some(a) => a.user.clone(),
        None => life.w.people[o.buyer].user.clone(),
    };
    let bps = if agent.is_some() { s.agent_commission_bps } else { 0 };
    let split = split_on_acceptance(Fen(amount), s.platform_fee_bps, bps).map_err(|e| e.under("total"))?;
    let until = at + s.return_window_us();
    life.event(OrderEvent::Accept, actor.clone(), None, at);
    let order = life.order.clone();
    let escrow = AccountKey::Escrow(OrderId(uuid(&order)));
    let seller_key = AccountKey::Wallet(PersonId(uuid(&life.w.people[o.seller].person)));
    let fee = if agent.is_some() { split.platform_fee.0 } else { split.platform_fee.0 + split.commission.0 };
    if split.seller.0 > 0 {
        life.post(
            escrow,
            seller_key,
            split.seller.0,
            TransferCode::EscrowReleaseSeller,
            &format!("settle:{order}:seller"),
            at,
        );
        life.parts.push(("seller", seller_key, split.seller.0));
        if !returned {
            life.w.payable.push((until, o.seller, split.seller.0));
        }
    }
    if fee > 0 {
        life.post(
            escrow,
            AccountKey::PlatformRevenue,
            fee,
            TransferCode::PlatformFee,
            &format!("settle:{order}:fee"),
            at,
        );
        life.parts.push(("fee", AccountKey::PlatformRevenue, fee));
    }
    if let Some(a) = &agent
        && split.commission.0 > 0
    {
        let key = AccountKey::Commission(PersonId(uuid(&a.person)));
        let pending = format!("settle:{order}:commission");
        let county = life.w.county;
        let pid = id_at(at);
        life.batch.transfer(
            county,
            &pid,
            escrow,
            key,
            split.commission.0,
            TransferState::Pending,
            TransferCode::Commission,
            None,
            Some(order.clone()),
            &order,
            &pending,
            at,
        );
        life.commission = Some((pid.clone(), key, split.commission.0));
        if !returned && until < life.w.end_us {
            life.batch.transfer(
                county,
                &id_at(until),
                escrow,
                key,
                split.commission.0,
                TransferState::Posted,
                TransferCode::CommissionRelease,
                Some((&pid, TransferState::Pending)),
                Some(order.clone()),
                &order,
                &format!("release:{order}:commission"),
                until,
            );
        }
    }
    life.event(OrderEvent::Settle, actor, None, at);
    life.task(crate::jobs::RELEASE_COMMISSION, until, Some(until));
    *accepted = Some(at);
    *return_until = Some(until);
    Ok(())
}
