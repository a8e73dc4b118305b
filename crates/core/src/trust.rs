//! Trust from facts: claims and their decisions, and the trust score of a party computed from
//! weighed, recorded events — never from stars alone.
//!
//! # The score
//!
//! A party's record is a list of facts, each good or bad with a weight, and each fading with a
//! half-life of [`HALF_LIFE_DAYS`]:
//!
//! | fact | side | weight |
//! |---|---|---|
//! | an order fulfilled (delivered and accepted) | good | 1 |
//! | … delivered within [`ON_TIME_DAYS`] of payment | good | +1 more |
//! | a tonne handled without a short-weight incident | good | 1 per tonne |
//! | an upheld claim (refund or replacement) | bad | 4 |
//! | a short-weight incident against the party | bad | 3 |
//! | an order cancelled by the seller after payment | bad | 2 |
//!
//! With `G` the faded good weight and `B` the faded bad weight, the score is
//! `100 × (G + P) / (G + B + 2P)`, rounded to the nearest whole point, where the prior `P` =
//! [`PRIOR`] stands for a few orders of ordinary behaviour. A newcomer (no facts) therefore starts
//! at 50, neither trusted nor suspected; good facts move the score up towards 100, bad ones down
//! towards 0, and every fact counts less as it ages.
//!
//! Worked example (the test `the_documented_example_holds` checks it): a grape farmer with 20
//! orders fulfilled this week, 15 of them on time, 2 t handled, and one upheld claim today:
//! G = 20 + 15 + 2 = 37, B = 4, P = 5, score = 100 × 42 / 51 = 82.35… → **82**.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub const HALF_LIFE_DAYS: f64 = 180.0;
pub const ON_TIME_DAYS: i64 = 3;
pub const PRIOR: f64 = 5.0;

/// Intakes graded above what the hub finds (an agent fraud signal, for review): an agent is
/// flagged when, over the period looked at, at least [`GRADED_ABOVE_HUB_MIN_LOTS`] of the lots
/// they took in were graded again at the hub, and the hub found a lower grade (later in the
/// product's scheme, which runs best first) for more than [`GRADED_ABOVE_HUB_SHARE_BPS`] of them.
/// Fewer lots say too little: one soft crate is bad luck, not a pattern.
pub const GRADED_ABOVE_HUB_MIN_LOTS: i64 = 5;
/// 30 %, in basis points.
pub const GRADED_ABOVE_HUB_SHARE_BPS: i64 = 3_000;

/// Whether `found` is a lower grade than `given` in a scheme listed best first. A code not in
/// the scheme is not compared.
pub fn graded_lower(scheme_best_first: &[&str], given: &str, found: &str) -> bool {
    let at = |g: &str| scheme_best_first.iter().position(|x| *x == g);
    matches!((at(given), at(found)), (Some(a), Some(b)) if b > a)
}

/// Whether `lower` hub downgrades among `graded` lots make the signal: enough lots, and a share
/// strictly above the threshold.
pub fn graded_above_hub(graded: i64, lower: i64) -> bool {
    graded >= GRADED_ABOVE_HUB_MIN_LOTS && lower * 10_000 > GRADED_ABOVE_HUB_SHARE_BPS * graded
}

/// What a buyer claims.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ClaimKind {
    QualityBelowGrade,
    ShortWeight,
    WrongItem,
    Damaged,
    NotReceived,
}

impl ClaimKind {
    pub const ALL: [ClaimKind; 5] = [
        ClaimKind::QualityBelowGrade,
        ClaimKind::ShortWeight,
        ClaimKind::WrongItem,
        ClaimKind::Damaged,
        ClaimKind::NotReceived,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ClaimKind::QualityBelowGrade => "quality_below_grade",
            ClaimKind::ShortWeight => "short_weight",
            ClaimKind::WrongItem => "wrong_item",
            ClaimKind::Damaged => "damaged",
            ClaimKind::NotReceived => "not_received",
        }
    }

    pub fn parse(s: &str) -> Result<ClaimKind, crate::FieldError> {
        ClaimKind::ALL.into_iter().find(|k| k.as_str() == s).ok_or_else(|| {
            crate::FieldError::new("", "unknown-choice")
                .arg("allowed", "quality_below_grade, short_weight, wrong_item, damaged, not_received")
        })
    }
}

/// What the inspector or operator decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Reject,
    PartialRefund,
    FullRefund,
    Replacement,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Reject => "reject",
            Outcome::PartialRefund => "partial_refund",
            Outcome::FullRefund => "full_refund",
            Outcome::Replacement => "replacement",
        }
    }

    pub fn parse(s: &str) -> Result<Outcome, crate::FieldError> {
        match s {
            "reject" => Ok(Outcome::Reject),
            "partial_refund" => Ok(Outcome::PartialRefund),
            "full_refund" => Ok(Outcome::FullRefund),
            "replacement" => Ok(Outcome::Replacement),
            _ => Err(crate::FieldError::new("", "unknown-choice")
                .arg("allowed", "reject, partial_refund, full_refund, replacement")),
        }
    }

    /// Whether the claim was found justified (counts against the seller's score).
    pub fn upheld(self) -> bool {
        self != Outcome::Reject
    }
}

/// The refund of a decision, in fen, for a claim on `claimed_fen` worth of goods:
/// a partial refund is `bps` basis points of it, rounded down to the fen.
pub fn refund_fen(outcome: Outcome, claimed_fen: i64, bps: Option<i64>) -> Result<i64, crate::FieldError> {
    match outcome {
        Outcome::Reject | Outcome::Replacement => Ok(0),
        Outcome::FullRefund => Ok(claimed_fen),
        Outcome::PartialRefund => {
            let bps = bps.ok_or_else(|| crate::FieldError::new("refund_bps", "required"))?;
            if !(1..10_000).contains(&bps) {
                return Err(crate::FieldError::new("refund_bps", "out-of-range").arg("min", 1).arg("max", 9_999));
            }
            Ok((i128::from(claimed_fen) * i128::from(bps) / 10_000) as i64)
        }
    }
}

/// One fact about a party, dated.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Fact {
    Fulfilled { on_time: bool },
    Handled { grams: i64 },
    UpheldClaim,
    ShortWeightIncident,
    SellerCancellation,
}

impl Fact {
    /// (good, bad) weight of the fact when new.
    fn weights(self) -> (f64, f64) {
        match self {
            Fact::Fulfilled { on_time } => (if on_time { 2.0 } else { 1.0 }, 0.0),
            Fact::Handled { grams } => (grams.max(0) as f64 / 1_000_000.0, 0.0),
            Fact::UpheldClaim => (0.0, 4.0),
            Fact::ShortWeightIncident => (0.0, 3.0),
            Fact::SellerCancellation => (0.0, 2.0),
        }
    }

    pub fn reason_key(self) -> &'static str {
        match self {
            Fact::Fulfilled { .. } => "trust-fulfilled",
            Fact::Handled { .. } => "trust-handled",
            Fact::UpheldClaim => "trust-upheld-claim",
            Fact::ShortWeightIncident => "trust-short-weight",
            Fact::SellerCancellation => "trust-seller-cancellation",
        }
    }
}

/// A score with the facts that made it, grouped by kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Score {
    /// 0–100; 50 for a newcomer.
    pub score: i64,
    pub good_weight: f64,
    pub bad_weight: f64,
    pub reasons: Vec<Reason>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Reason {
    /// A message key of the catalogue (`trust-upheld-claim` …).
    pub key: String,
    /// How many facts of this kind.
    pub count: i64,
    /// Their faded weight; negative for bad facts.
    pub weight: f64,
}

/// The score of a party from its dated facts (`(age_days, fact)`).
pub fn score(facts: &[(f64, Fact)]) -> Score {
    let mut g = 0.0;
    let mut b = 0.0;
    let mut reasons: Vec<Reason> = Vec::new();
    for (age_days, f) in facts {
        let fade = 0.5f64.powf(age_days.max(0.0) / HALF_LIFE_DAYS);
        let (gw, bw) = f.weights();
        g += gw * fade;
        b += bw * fade;
        let key = f.reason_key();
        let w = (gw - bw) * fade;
        match reasons.iter_mut().find(|r| r.key == key) {
            Some(r) => {
                r.count += 1;
                r.weight += w;
            }
            None => reasons.push(Reason { key: key.to_string(), count: 1, weight: w }),
        }
    }
    let s = 100.0 * (g + PRIOR) / (g + b + 2.0 * PRIOR);
    reasons.sort_by(|x, y| x.weight.abs().total_cmp(&y.weight.abs()).reverse());
    for r in &mut reasons {
        r.weight = (r.weight * 100.0).round() / 100.0;
    }
    Score { score: s.round().clamp(0.0, 100.0) as i64, good_weight: g, bad_weight: b, reasons }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_newcomer_is_neutral() {
        assert_eq!(score(&[]).score, 50);
    }

    #[test]
    fn the_documented_example_holds() {
        let mut facts = vec![];
        for i in 0..20 {
            facts.push((0.0, Fact::Fulfilled { on_time: i < 15 }));
        }
        facts.push((0.0, Fact::Handled { grams: 2_000_000 }));
        facts.push((0.0, Fact::UpheldClaim));
        let s = score(&facts);
        assert_eq!(s.score, 82);
        assert_eq!(s.reasons[0].key, "trust-fulfilled");
        assert!(s.reasons.iter().any(|r| r.key == "trust-upheld-claim" && r.weight == -4.0));
    }

    #[test]
    fn the_hub_downgrade_signal_needs_enough_lots_and_more_than_the_share() {
        let scheme = ["special", "first", "second"];
        assert!(graded_lower(&scheme, "special", "first"));
        assert!(!graded_lower(&scheme, "first", "first"));
        assert!(!graded_lower(&scheme, "second", "first"));
        assert!(!graded_lower(&scheme, "first", "unknown"));
        assert!(!graded_above_hub(4, 4), "four lots are too few");
        assert!(graded_above_hub(5, 2), "40 % of five");
        assert!(!graded_above_hub(10, 3), "exactly 30 % is not above it");
        assert!(graded_above_hub(10, 4));
    }

    #[test]
    fn old_facts_count_less() {
        let fresh = score(&[(0.0, Fact::UpheldClaim)]).score;
        let old = score(&[(720.0, Fact::UpheldClaim)]).score;
        assert!(fresh < old && old < 50);
    }

    #[test]
    fn refunds_round_down_and_bound_the_share() {
        assert_eq!(refund_fen(Outcome::PartialRefund, 12_345, Some(3000)).unwrap(), 3_703);
        assert_eq!(refund_fen(Outcome::FullRefund, 12_345, None).unwrap(), 12_345);
        assert_eq!(refund_fen(Outcome::Reject, 12_345, Some(3000)).unwrap(), 0);
        assert!(refund_fen(Outcome::PartialRefund, 100, None).is_err());
        assert!(refund_fen(Outcome::PartialRefund, 100, Some(10_000)).is_err());
    }

    fn fact() -> impl Strategy<Value = (f64, Fact)> {
        let f = prop_oneof![
            any::<bool>().prop_map(|on_time| Fact::Fulfilled { on_time }),
            (0i64..5_000_000).prop_map(|grams| Fact::Handled { grams }),
            Just(Fact::UpheldClaim),
            Just(Fact::ShortWeightIncident),
            Just(Fact::SellerCancellation),
        ];
        (0.0f64..1000.0, f)
    }

    proptest! {
        #[test]
        fn bounded(facts in proptest::collection::vec(fact(), 0..200)) {
            let s = score(&facts).score;
            prop_assert!((0..=100).contains(&s));
        }

        #[test]
        fn monotone_in_upheld_claims(facts in proptest::collection::vec(fact(), 0..100), age in 0.0f64..500.0) {
            let before = score(&facts);
            let mut more = facts.clone();
            more.push((age, Fact::UpheldClaim));
            let after = score(&more);
            prop_assert!(after.score <= before.score);
            prop_assert!(after.bad_weight > before.bad_weight);
        }
    }
}
