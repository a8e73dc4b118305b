//! A pre-order of the history's windows, as `windows::preorder`, `windows::fill_order` and the
//! acceptance of a window order (`windows::settle_window_order`) record it: the order and its one
//! line naming the window, its events and tasks, and its postings.

use super::order::{Life, code, spend, uuid};
use super::order_lot::Lot;
use super::{Who, World, id_at};
use uplink_core::ledger::{AccountKey, TransferCode};
use uplink_core::order::{OrderEvent, OrderState};
use uplink_core::window::{Charge, GradeOffer, split_charge};
use uplink_core::*;
use uplink_store::history::{Batch, Value};

/// What a pre-order needs from its window: its id, the product, the grade and its price per kg.
pub(super) struct Offered<'a> {
    pub window: &'a str,
    pub product: &'a str,
    pub product_name: &'a str,
    pub offer: &'a GradeOffer,
}

/// One window order's records as they build up, written by [`OrderRecord::finish`].
pub(super) struct OrderRecord {
    order: String,
    n: u64,
    buyer: usize,
    drop_point: usize,
    window: String,
    product: String,
    product_name: String,
    grade: String,
    kg: i64,
    price_fen: i64,
    total: i64,
    placed: i64,
    state: OrderState,
    seq: i64,
    delivered: Option<i64>,
    accepted: Option<i64>,
    return_until: Option<i64>,
    updated: i64,
}

impl OrderRecord {
    /// Runs `f` on the order's life (its events and postings), keeping its state.
    fn life<T>(&mut self, w: &mut World, batch: &mut Batch, f: impl FnOnce(&mut Life) -> T) -> T {
        let mut life = Life {
            w,
            batch,
            order: self.order.clone(),
            state: self.state,
            seq: self.seq,
            parts: vec![],
            commission: None,
        };
        let out = f(&mut life);
        (self.state, self.seq) = (life.state, life.seq);
        out
    }

    /// A city buyer pre-orders `kg` at `at`, paying from their wallet into the order's escrow.
    pub(super) fn preorder(
        w: &mut World,
        batch: &mut Batch,
        (buyer, drop_point, kg): (usize, usize, i64),
        of: &Offered,
        at: i64,
    ) -> OrderRecord {
        let n = w.written.orders;
        w.written.orders += 1;
        w.written.lines += 1;
        w.written.window_orders += 1;
        let total = of.offer.buyer_price_fen * kg;
        let mut rec = OrderRecord {
            order: id_at(at),
            n,
            buyer,
            drop_point,
            window: of.window.to_string(),
            product: of.product.to_string(),
            product_name: of.product_name.to_string(),
            grade: of.offer.grade.clone(),
            kg,
            price_fen: of.offer.buyer_price_fen,
            total,
            placed: at,
            state: OrderState::Placed,
            seq: 0,
            delivered: None,
            accepted: None,
            return_until: None,
            updated: at,
        };
        spend(w, batch, buyer, total, at);
        let (wallet, escrow) = rec.accounts(w);
        let user = w.people[buyer].user.clone();
        let order = rec.order.clone();
        rec.life(w, batch, |l| {
            l.post(wallet, escrow, total, TransferCode::PaymentWallet, &format!("pay:{order}"), at);
            l.event(OrderEvent::Pay, user, Some("pre-order"), at);
        });
        rec
    }

    pub(super) fn total(&self) -> i64 {
        self.total
    }

    fn accounts(&self, w: &World) -> (AccountKey, AccountKey) {
        let wallet = AccountKey::Wallet(PersonId(uuid(&w.people[self.buyer].person)));
        (wallet, AccountKey::Escrow(OrderId(uuid(&self.order))))
    }

    /// The hub fills the order from `lot` by actual weight and delivers it at the drop point; the
    /// escrow beyond the charge goes back to the buyer at once.
    pub(super) fn fill(
        &mut self,
        w: &mut World,
        batch: &mut Batch,
        lot: &mut Lot,
        (weight, charge): (i64, Charge),
        at: i64,
        hub: &Who,
    ) {
        let buyer = w.people[self.buyer].clone();
        let drop_code = w.drop_points[self.drop_point].1.clone();
        lot.seq += 1;
        batch.lot_event(vec![
            w.county.to_string().into(),
            lot.id.clone().into(),
            lot.seq.into(),
            "fill".into(),
            hub.person.clone().into(),
            buyer.person.clone().into(),
            "operator".into(),
            "buyer".into(),
            "drop_point".into(),
            drop_code.into(),
            weight.into(),
            0.into(),
            self.order.clone().into(),
            hub.user.clone().into(),
            at.into(),
        ]);
        lot.weight_g -= weight;
        lot.updated_us = at;
        batch.window_fill(vec![
            w.county.to_string().into(),
            self.order.clone().into(),
            lot.id.clone().into(),
            weight.into(),
            charge.charged_fen.0.into(),
            charge.refund_fen.0.into(),
            at.into(),
        ]);
        let (wallet, escrow) = self.accounts(w);
        let refund = charge.refund_fen.0;
        if refund > 0 {
            *w.spendable.entry(self.buyer).or_default() += refund;
        }
        let code = match &lot.row[2] {
            Value::Text(c) => c.clone(),
            _ => String::new(),
        };
        let note = format!("filled {} from lot {code}", Grams(weight));
        let order = self.order.clone();
        let user = hub.user.clone();
        self.life(w, batch, |l| {
            if refund > 0 {
                l.post(escrow, wallet, refund, TransferCode::Refund, &format!("fill-refund:{order}"), at);
            }
            for e in [OrderEvent::Confirm, OrderEvent::Pack, OrderEvent::Ship] {
                l.event(e, user.clone(), None, at);
            }
            l.event(OrderEvent::Deliver, user.clone(), Some(&note), at);
            let due = at + l.w.settings.acceptance_window_us();
            l.task(crate::jobs::AUTO_ACCEPT, due, Some(due));
        });
        self.delivered = Some(at);
        self.updated = at;
    }

    /// The buyer accepts; the escrow, which holds the charge, splits into the farmers' share (back
    /// to the window's advance) and the named fees.
    pub(super) fn settle(&mut self, w: &mut World, batch: &mut Batch, offer: &GradeOffer, charge: &Charge, at: i64) {
        let split = split_charge(offer, charge);
        let (_, escrow) = self.accounts(w);
        let advance = AccountKey::WindowAdvance(WindowId(uuid(&self.window)));
        let mut parts = vec![("farmer", advance, split.farmer.0, TransferCode::WindowRecovery)];
        for (name, fee) in split.fees() {
            parts.push((name, AccountKey::PlatformRevenue, fee.0, TransferCode::PlatformFee));
        }
        let user = w.people[self.buyer].user.clone();
        let order = self.order.clone();
        let until = at + w.settings.return_window_us();
        self.life(w, batch, |l| {
            l.event(OrderEvent::Accept, user.clone(), None, at);
            for (name, to, amount, code) in parts {
                if amount > 0 {
                    l.post(escrow, to, amount, code, &format!("wsettle:{order}:{name}"), at);
                }
            }
            l.event(OrderEvent::Settle, user, None, at);
            l.task(crate::jobs::RELEASE_COMMISSION, until, Some(until));
        });
        self.accepted = Some(at);
        self.return_until = Some(until);
        self.updated = at;
    }

    pub(super) fn settled(&self) -> bool {
        self.state == OrderState::Settled
    }

    pub(super) fn delivered(&self) -> bool {
        self.delivered.is_some()
    }

    /// The order and its line, as they stand at the history's end.
    pub(super) fn finish(self, w: &World, batch: &mut Batch) {
        let county = w.county.to_string();
        let buyer = &w.people[self.buyer];
        let simple = uuid(&self.order).simple().to_string();
        let date = time::local_date(self.placed, &w.zone).replace('-', "");
        batch.order(vec![
            county.clone().into(),
            self.order.clone().into(),
            format!("W{}-{}", &date[2..], &simple[26..]).to_uppercase().into(),
            "uplink".into(),
            self.state.as_str().into(),
            buyer.person.clone().into(),
            w.operator.person.clone().into(),
            Value::NullText,
            buyer.user.clone().unwrap_or_default().into(),
            Value::NullText,
            w.drop_points[self.drop_point].0.clone().into(),
            format!("{:06}", (self.n.wrapping_mul(7_919) + 104_729) % 1_000_000).into(),
            self.total.into(),
            (self.kg * 1000).into(),
            "wallet".into(),
            format!("UP{}", code(self.n, 10)).into(),
            self.placed.into(),
            self.placed.into(),
            self.delivered.into(),
            self.accepted.into(),
            self.return_until.into(),
            self.updated.into(),
            self.window.clone().into(),
        ]);
        batch.line(vec![
            county.into(),
            self.order.into(),
            1.into(),
            self.window.into(),
            self.product.into(),
            self.product_name.into(),
            self.grade.into(),
            self.kg.into(),
            self.price_fen.into(),
            self.total.into(),
            (self.kg * 1000).into(),
        ]);
    }
}
