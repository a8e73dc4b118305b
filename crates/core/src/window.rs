//! Pre-order windows (预售期): the county sells a harvest before it is picked. A window offers
//! one product in grades, each with the buyer's price and the farmer's price per kg; the
//! difference is broken into named fees (transport, packing, station commission, platform) that
//! must add up to it exactly, so buyers and farmers see the same breakdown. The window runs only
//! if its pre-orders reach a minimum **in kg** (kg rather than fen: a truck and a harvest crew
//! are booked by weight, whatever the grade mix). Its prices for an actual weight are computed
//! here, once: what a farmer is paid at intake, what a buyer pays for the weight delivered, and
//! how that payment is split at settlement.

pub mod allocation;

use crate::ledger::BPS_WHOLE;
use crate::money::Fen;
use crate::validation::{Checker, FieldError, Invalid};
use crate::weight::Grams;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A window's life. `failed` is the end of a window that closed below its minimum: every buyer
/// is refunded in full and nothing is allocated.
///
/// ```text
/// draft ─open→ open ─close→ closed ─allocate→ allocated ─fill→ filled ─settle→ settled
///                                  └─(below minimum)→ failed
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum WindowState {
    Draft,
    Open,
    Closed,
    Allocated,
    Failed,
    Filled,
    Settled,
}

impl WindowState {
    pub const ALL: [WindowState; 7] = [
        WindowState::Draft,
        WindowState::Open,
        WindowState::Closed,
        WindowState::Allocated,
        WindowState::Failed,
        WindowState::Filled,
        WindowState::Settled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            WindowState::Draft => "draft",
            WindowState::Open => "open",
            WindowState::Closed => "closed",
            WindowState::Allocated => "allocated",
            WindowState::Failed => "failed",
            WindowState::Filled => "filled",
            WindowState::Settled => "settled",
        }
    }

    pub fn parse(s: &str) -> Result<WindowState, FieldError> {
        WindowState::ALL.into_iter().find(|x| x.as_str() == s).ok_or_else(|| {
            FieldError::new("", "unknown-choice")
                .arg("allowed", WindowState::ALL.iter().map(|x| x.as_str()).collect::<Vec<_>>().join(", "))
        })
    }

    /// The one table of moves: a window only ever goes forward, one step at a time.
    pub fn may_become(self, to: WindowState) -> bool {
        use WindowState::*;
        matches!(
            (self, to),
            (Draft, Open)
                | (Open, Closed)
                | (Closed, Allocated)
                | (Closed, Failed)
                | (Allocated, Filled)
                | (Filled, Settled)
        )
    }

    /// Buyers may pre-order and cancel only while the window is open.
    pub fn takes_orders(self) -> bool {
        self == WindowState::Open
    }

    /// Farmers may declare supply until the window is allocated.
    pub fn takes_supply(self) -> bool {
        matches!(self, WindowState::Draft | WindowState::Open | WindowState::Closed)
    }

    /// Produce is taken in and orders filled once the demand is allocated.
    pub fn takes_intake(self) -> bool {
        matches!(self, WindowState::Allocated | WindowState::Filled)
    }
}

/// The per-kg fees between the buyer's and the farmer's price, in fen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Fees {
    /// Line-haul and the village pickup, per kg.
    pub transport_fen: i64,
    /// Boxes, cold packs and labour at the hub, per kg.
    pub packing_fen: i64,
    /// The village station's commission for weighing, grading and paying, per kg.
    pub station_commission_fen: i64,
    /// The platform's fee, per kg.
    pub platform_fen: i64,
}

impl Fees {
    pub fn total(&self) -> i64 {
        self.transport_fen + self.packing_fen + self.station_commission_fen + self.platform_fen
    }

    /// The fees by name, in a fixed order (the ledger's posting keys use these names).
    pub fn named(&self) -> [(&'static str, i64); 4] {
        [
            ("transport", self.transport_fen),
            ("packing", self.packing_fen),
            ("station_commission", self.station_commission_fen),
            ("platform", self.platform_fen),
        ]
    }
}

/// One grade on offer in a window, prices per kg.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GradeOffer {
    /// A grade code of the product (`special`, `first` …).
    pub grade: String,
    /// What the city buyer pays per kg, fen.
    pub buyer_price_fen: i64,
    /// What the farmer is paid per kg at intake, fen.
    pub farmer_price_fen: i64,
    /// The difference, by name; must add up to it exactly.
    pub fees: Fees,
}

/// Most a price per kg may be: ¥100,000, far above any farm product, so totals stay in `i64`.
pub const MAX_PRICE_PER_KG_FEN: i64 = 10_000_000;

/// Checks the offers of a window against the product's grade codes: each grade known and offered
/// once, prices positive and bounded, fees not negative and adding up to the difference exactly.
/// Errors name `offers[i].field`.
pub fn check_offers(offers: &[GradeOffer], grade_codes: &[&str]) -> Result<(), Invalid> {
    let mut ck = Checker::new();
    if offers.is_empty() {
        ck.push(FieldError::new("offers", "required"));
    }
    for (i, o) in offers.iter().enumerate() {
        let at = |f: &str| format!("offers[{i}].{f}");
        if !grade_codes.contains(&o.grade.as_str()) {
            ck.push(FieldError::new(at("grade"), "unknown-grade"));
        } else if offers[..i].iter().any(|p| p.grade == o.grade) {
            ck.push(FieldError::new(at("grade"), "duplicate"));
        }
        for (f, v) in [("buyer_price_fen", o.buyer_price_fen), ("farmer_price_fen", o.farmer_price_fen)] {
            if !(1..=MAX_PRICE_PER_KG_FEN).contains(&v) {
                ck.push(FieldError::new(at(f), "out-of-range").arg("min", 1).arg("max", MAX_PRICE_PER_KG_FEN));
            }
        }
        let mut fees_ok = true;
        for (name, v) in o.fees.named() {
            if !(0..=MAX_PRICE_PER_KG_FEN).contains(&v) {
                fees_ok = false;
                ck.push(
                    FieldError::new(at(&format!("fees.{name}_fen")), "out-of-range")
                        .arg("min", 0)
                        .arg("max", MAX_PRICE_PER_KG_FEN),
                );
            }
        }
        if fees_ok && o.buyer_price_fen - o.farmer_price_fen != o.fees.total() {
            ck.push(
                FieldError::new(at("fees"), "fees-must-add-up")
                    .arg("difference", o.buyer_price_fen - o.farmer_price_fen)
                    .arg("total", o.fees.total()),
            );
        }
    }
    ck.finish()
}

/// `price per kg × grams`, in fen, rounded by `round`.
fn per_kg(price_fen: i64, g: Grams, round: Rounding) -> Fen {
    let p = i128::from(price_fen) * i128::from(g.0);
    let v = match round {
        Rounding::Down => p.div_euclid(1000),
        Rounding::HalfUp => (p + 500).div_euclid(1000),
    };
    Fen(i64::try_from(v).unwrap_or(i64::MAX))
}

#[derive(Clone, Copy)]
enum Rounding {
    Down,
    HalfUp,
}

/// What a farmer is paid at intake: the farmer's price per kg × the net weight, rounded to the
/// nearest fen with halves up (a half fen goes to the farmer, whose produce it is).
pub fn farmer_payout(farmer_price_fen: i64, net: Grams) -> Fen {
    per_kg(farmer_price_fen, net, Rounding::HalfUp)
}

/// What a buyer pays for what was delivered, and what comes back to them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Charge {
    /// The weight billed: the delivered weight, but never more than was ordered.
    #[schema(value_type = i64)]
    pub billed_g: Grams,
    #[schema(value_type = i64)]
    pub charged_fen: Fen,
    /// Paid less charged, back to the buyer from escrow.
    #[schema(value_type = i64)]
    pub refund_fen: Fen,
}

/// The buyer pays for the actual weight delivered: `price × min(delivered, ordered)`, rounded
/// down to the fen (the odd fraction is the buyer's), and the rest of what they paid comes back.
/// A delivery may be heavier than the order by the product's tolerance at most (the buyer pays
/// nothing extra for it); heavier still, or nothing at all, is refused.
pub fn charge_for_delivery(
    buyer_price_fen: i64,
    ordered: Grams,
    paid: Fen,
    delivered: Grams,
    tolerance_bps: i64,
) -> Result<Charge, FieldError> {
    if delivered.0 <= 0 {
        return Err(FieldError::new("weight_g", "must-be-positive").arg("actual", delivered.0));
    }
    let most = ordered.0 + ordered.0 * tolerance_bps / BPS_WHOLE;
    if delivered.0 > most {
        return Err(FieldError::new("weight_g", "over-order").arg("max", most));
    }
    let billed = Grams(delivered.0.min(ordered.0));
    let charged = per_kg(buyer_price_fen, billed, Rounding::Down).min(paid);
    Ok(Charge { billed_g: billed, charged_fen: charged, refund_fen: Fen(paid.0 - charged.0) })
}

/// How a window order's charge is divided at settlement: each fee is its rate × the billed
/// weight rounded down, and the farmer's share is the rest, so the parts add up to the charge
/// exactly. The farmer's share goes back to the window's advance (the farmers were paid at
/// intake); the fees are the county's to spend on what they name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct WindowSplit {
    #[schema(value_type = i64)]
    pub farmer: Fen,
    #[schema(value_type = i64)]
    pub transport: Fen,
    #[schema(value_type = i64)]
    pub packing: Fen,
    #[schema(value_type = i64)]
    pub station_commission: Fen,
    #[schema(value_type = i64)]
    pub platform: Fen,
}

impl WindowSplit {
    pub fn fees(&self) -> [(&'static str, Fen); 4] {
        [
            ("transport", self.transport),
            ("packing", self.packing),
            ("station_commission", self.station_commission),
            ("platform", self.platform),
        ]
    }
}

pub fn split_charge(offer: &GradeOffer, charge: &Charge) -> WindowSplit {
    let f = |rate: i64| per_kg(rate, charge.billed_g, Rounding::Down).min(charge.charged_fen);
    let (transport, packing, station_commission, platform) = (
        f(offer.fees.transport_fen),
        f(offer.fees.packing_fen),
        f(offer.fees.station_commission_fen),
        f(offer.fees.platform_fen),
    );
    let fees = transport.0 + packing.0 + station_commission.0 + platform.0;
    // Each fee is at most its share of a charge that was itself rounded down, so the farmer's
    // share cannot go below zero; `max` only guards a corrupt offer.
    WindowSplit { farmer: Fen((charge.charged_fen.0 - fees).max(0)), transport, packing, station_commission, platform }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn grapes() -> GradeOffer {
        GradeOffer {
            grade: "first".into(),
            buyer_price_fen: 1_600,
            farmer_price_fen: 1_000,
            fees: Fees { transport_fen: 300, packing_fen: 120, station_commission_fen: 80, platform_fen: 100 },
        }
    }

    #[test]
    fn fees_must_add_up_to_the_difference() {
        assert!(check_offers(&[grapes()], &["special", "first"]).is_ok());
        let mut o = grapes();
        o.fees.platform_fen = 99;
        let e = check_offers(&[o], &["first"]).unwrap_err();
        assert_eq!((e.0[0].field.as_str(), e.0[0].code), ("offers[0].fees", "fees-must-add-up"));
        let e = check_offers(&[grapes(), grapes()], &["first"]).unwrap_err();
        assert_eq!(e.0[0].code, "duplicate");
        assert_eq!(check_offers(&[grapes()], &["special"]).unwrap_err().0[0].code, "unknown-grade");
        assert_eq!(check_offers(&[], &["special"]).unwrap_err().0[0].field, "offers");
    }

    #[test]
    fn a_farmer_is_paid_to_the_nearest_fen_halves_up() {
        assert_eq!(farmer_payout(1_000, Grams(20_450)), Fen(20_450));
        assert_eq!(farmer_payout(1_001, Grams(500)), Fen(501), "500.5 fen rounds up");
        assert_eq!(farmer_payout(999, Grams(1)), Fen(1));
    }

    #[test]
    fn a_short_delivery_is_charged_by_weight_and_the_rest_refunded() {
        let c = charge_for_delivery(1_600, Grams::kg(10), Fen(16_000), Grams(9_850), 200).unwrap();
        assert_eq!(c, Charge { billed_g: Grams(9_850), charged_fen: Fen(15_760), refund_fen: Fen(240) });
        let heavy = charge_for_delivery(1_600, Grams::kg(10), Fen(16_000), Grams(10_150), 200).unwrap();
        assert_eq!((heavy.charged_fen, heavy.refund_fen), (Fen(16_000), Fen(0)));
        assert_eq!(
            charge_for_delivery(1_600, Grams::kg(10), Fen(16_000), Grams(10_201), 200).unwrap_err().code,
            "over-order"
        );
        assert!(charge_for_delivery(1_600, Grams::kg(10), Fen(16_000), Grams(0), 200).is_err());
        let s = split_charge(&grapes(), &c);
        assert_eq!(s.farmer.0 + s.fees().iter().map(|(_, f)| f.0).sum::<i64>(), c.charged_fen.0);
        assert_eq!(s.transport, Fen(2_955));
    }

    #[test]
    fn a_window_only_moves_forward() {
        assert!(WindowState::Open.may_become(WindowState::Closed));
        assert!(WindowState::Closed.may_become(WindowState::Failed));
        assert!(!WindowState::Failed.may_become(WindowState::Allocated));
        assert!(!WindowState::Open.may_become(WindowState::Allocated));
        assert!(WindowState::Open.takes_orders() && !WindowState::Closed.takes_orders());
    }

    proptest! {
        #[test]
        fn a_charge_and_its_split_add_up(price in 1i64..100_000, fee_parts in proptest::array::uniform4(0i64..5_000),
                                         kg in 1i64..500, delivered in 1i64..600_000) {
            let fees = Fees { transport_fen: fee_parts[0], packing_fen: fee_parts[1],
                              station_commission_fen: fee_parts[2], platform_fen: fee_parts[3] };
            let o = GradeOffer { grade: "a".into(), buyer_price_fen: price + fees.total(), farmer_price_fen: price, fees };
            let paid = Fen(o.buyer_price_fen * kg);
            if let Ok(c) = charge_for_delivery(o.buyer_price_fen, Grams::kg(kg), paid, Grams(delivered), 200) {
                prop_assert_eq!(c.charged_fen.0 + c.refund_fen.0, paid.0);
                prop_assert!(c.refund_fen.0 >= 0 && c.billed_g.0 <= kg * 1000);
                let s = split_charge(&o, &c);
                let fees: i64 = s.fees().iter().map(|(_, f)| f.0).sum();
                prop_assert_eq!(s.farmer.0 + fees, c.charged_fen.0);
                prop_assert!(s.farmer.0 >= farmer_payout(price, c.billed_g).0 - 1);
            }
        }
    }
}
