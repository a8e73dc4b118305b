//! The lot of a generated uplink order, weighed at every custody hand-off (farmer → station
//! agent → driver → hub → city buyer) as `service::intake` and `service::lots::handoff` record
//! them, with an incident wherever a leg lost more than the product tolerates; and the buyer's
//! claim with its decision.

use super::{World, id_at};
use crate::error::Result;
use uplink_core::lot::{LotCode, leg_loss};
use uplink_core::people::Role;
use uplink_core::trust::{ClaimKind, Outcome};
use uplink_core::*;
use uplink_sim::history::HistoryOrder;
use uplink_store::history::{Batch, Value};

/// Crates weigh about this much per 10 kg of produce (the tare at intake).
const TARE_PER_10KG_G: i64 = 450;

/// A lot on its way, and who holds it.
pub(super) struct Lot {
    pub(super) id: String,
    /// What it weighs now.
    pub(super) weight_g: i64,
    pub(super) holder: (String, Option<String>, Role),
    pub(super) seq: i64,
    pub(super) tolerance_bps: i64,
    pub(super) loss_bps: [i64; 3],
    pub(super) leg: usize,
    pub(super) place: (String, String),
    pub(super) updated_us: i64,
    /// The lot's row, written by [`Lot::finish`] with where the lot is at the end.
    pub(super) row: Vec<Value>,
}

/// The farmer brings the order's produce (and a little more) to their station; the agent weighs
/// it into a lot.
pub(super) fn intake(w: &mut World, batch: &mut Batch, o: &HistoryOrder, weight_g: i64, at: i64) -> Result<Lot> {
    let item = &w.items[o.lines[0].offer];
    let (station_id, station_code) = w.stations[o.station].clone();
    let date = uplink_core::time::local_date(at, &w.zone);
    let seq = w.lot_seq.entry((o.station, uplink_core::time::parse_date(&date).unwrap_or(0))).or_default();
    *seq += 1;
    let code = LotCode::new(&w.county_code, &station_code, &date, *seq)?;
    let net = weight_g + weight_g * o.surplus_bps / 10_000;
    let tare = (net * TARE_PER_10KG_G / 10_000).max(100);
    let farmer = w.people[o.seller].clone();
    let agent = w.station_agents[o.station].map(|a| w.people[a].clone()).ok_or_else(|| super::missing("agent"))?;
    let id = id_at(at);
    let village = w.villages[w.station_villages[o.station]].clone();
    let row = vec![
        w.county.to_string().into(),
        id.clone().into(),
        code.as_str().into(),
        item.product.clone().into(),
        item.grade.clone().unwrap_or_else(|| "first".into()).into(),
        farmer.person.clone().into(),
        village.into(),
        station_id.into(),
        (net + tare).into(),
        tare.into(),
        date.into(),
        net.into(),
        // The weight and custodian at the end of the history: updated by the last hand-off below.
        Value::Int(net),
        agent.person.clone().into(),
        "station".into(),
        station_code.clone().into(),
        "active".into(),
        at.into(),
        at.into(),
        // A lot of an uplink order has no window, so no grade reason, certificate or payout.
        Value::NullText,
        Value::NullText,
        Value::NullText,
        Value::NullInt,
        Value::NullInt,
    ];
    let mut lot = Lot {
        id,
        weight_g: net,
        holder: (agent.person.clone(), agent.user.clone(), Role::Agent),
        seq: 0,
        tolerance_bps: item.tolerance_bps,
        loss_bps: o.loss_bps,
        leg: 0,
        place: ("station".into(), station_code.clone()),
        updated_us: at,
        row,
    };
    let from = (farmer.person.clone(), Role::Farmer);
    lot.event(w, batch, "intake", Some(from), ("station", &station_code), net, 0, None, at);
    w.written.lots += 1;
    Ok(lot)
}

impl Lot {
    #[allow(clippy::too_many_arguments)]
    pub(super) fn event(
        &mut self,
        w: &World,
        batch: &mut Batch,
        kind: &str,
        from: Option<(String, Role)>,
        place: (&str, &str),
        weight_g: i64,
        loss_g: i64,
        order: Option<&str>,
        at: i64,
    ) {
        self.seq += 1;
        batch.lot_event(vec![
            w.county.to_string().into(),
            self.id.clone().into(),
            self.seq.into(),
            kind.into(),
            from.as_ref().map(|f| f.0.clone()).into(),
            Value::from(self.holder.0.clone()),
            from.as_ref().map(|f| f.1.as_str().to_string()).into(),
            Value::from(self.holder.2.as_str()),
            place.0.into(),
            place.1.into(),
            weight_g.into(),
            loss_g.into(),
            order.map(str::to_string).into(),
            self.holder.1.clone().into(),
            at.into(),
        ]);
    }

    /// The holder hands the lot to `to`, who weighs it at `place`.
    #[allow(clippy::too_many_arguments)]
    fn hand(
        &mut self,
        w: &mut World,
        batch: &mut Batch,
        to: (String, Option<String>, Role),
        place: (&str, &str),
        order: Option<&str>,
        at: i64,
    ) {
        let given = self.weight_g;
        let taken = given - given * self.loss_bps[self.leg.min(2)] / 10_000;
        self.leg += 1;
        let loss = leg_loss(Grams(given), Grams(taken), self.tolerance_bps);
        let from = std::mem::replace(&mut self.holder, to);
        self.event(w, batch, "handoff", Some((from.0.clone(), from.2)), place, taken, loss.loss_g, order, at);
        self.weight_g = taken;
        if loss.beyond_tolerance {
            batch.incident(vec![
                w.county.to_string().into(),
                id_at(at).into(),
                self.id.clone().into(),
                self.seq.into(),
                from.0.into(),
                "weight_loss".into(),
                given.into(),
                taken.into(),
                loss.loss_g.into(),
                loss.allowed_g.into(),
                "open".into(),
                at.into(),
            ]);
            w.written.incidents += 1;
        }
        self.place = (place.0.to_string(), place.1.to_string());
        self.updated_us = at;
    }

    /// The lot's row, with its weight, custodian and place at the end of the history.
    pub(super) fn finish(mut self, batch: &mut Batch) {
        self.row[12] = self.weight_g.into();
        self.row[13] = self.holder.0.clone().into();
        self.row[14] = self.place.0.clone().into();
        self.row[15] = self.place.1.clone().into();
        self.row[18] = self.updated_us.into();
        batch.lot(self.row);
    }

    pub(super) fn hand_to_driver(&mut self, w: &mut World, batch: &mut Batch, at: i64) {
        let d = w.driver.clone();
        let place = w.driver_place.clone();
        self.hand(w, batch, (d.person, d.user, Role::Driver), ("vehicle", &place), None, at);
    }

    pub(super) fn hand_to_hub(&mut self, w: &mut World, batch: &mut Batch, at: i64) {
        let op = w.operator.clone();
        let hub = w.hub_code.clone();
        self.hand(w, batch, (op.person, op.user, Role::Operator), ("hub", &hub), None, at);
    }

    pub(super) fn hand_to_buyer(&mut self, w: &mut World, batch: &mut Batch, o: &HistoryOrder, order: &str, at: i64) {
        let b = w.people[o.buyer].clone();
        let dp = o.drop_point.map(|d| w.drop_points[d].1.clone()).unwrap_or_default();
        self.hand(w, batch, (b.person, b.user, Role::Buyer), ("drop_point", &dp), Some(order), at);
    }
}

/// How a claim was decided.
pub(super) struct Decision {
    pub outcome: Outcome,
    pub refund_fen: i64,
    pub by: Option<String>,
    pub at: i64,
    pub final_us: i64,
}

/// The buyer's claim on the whole order, open or decided.
#[allow(clippy::too_many_arguments)]
pub(super) fn claim(
    w: &mut World,
    batch: &mut Batch,
    o: &HistoryOrder,
    (order, claim_id): (&str, &str),
    kind: ClaimKind,
    (total, weight): (i64, i64),
    opened: i64,
    decision: Option<Decision>,
) {
    let (description, reason) = match kind {
        ClaimKind::ShortWeight => ("到货复秤少了约 4%", "复秤记录核实"),
        ClaimKind::Damaged => ("外箱压损，部分果实破损", "照片核实"),
        _ => ("部分果实软烂，低于所购等级", "抽检核实"),
    };
    let buyer = &w.people[o.buyer];
    let d = decision.as_ref();
    let state = if d.is_some() { "decided" } else { "open" };
    batch.claim(vec![
        w.county.to_string().into(),
        claim_id.into(),
        order.into(),
        buyer.person.clone().into(),
        w.people[o.seller].person.clone().into(),
        kind.as_str().into(),
        state.into(),
        total.into(),
        (kind == ClaimKind::ShortWeight).then_some(weight * 96 / 100).into(),
        description.into(),
        buyer.user.clone().unwrap_or_default().into(),
        opened.into(),
        d.map(|d| d.outcome.as_str().to_string()).into(),
        d.map(|d| d.refund_fen).into(),
        d.map(|_| reason.to_string()).into(),
        d.and_then(|d| d.by.clone()).into(),
        d.map(|d| d.at).into(),
        d.map(|d| d.final_us).into(),
    ]);
    for (i, l) in o.lines.iter().enumerate() {
        batch.claim_line(vec![
            w.county.to_string().into(),
            claim_id.into(),
            order.into(),
            (i as i64 + 1).into(),
            l.units.into(),
        ]);
    }
    w.written.claims += 1;
}
