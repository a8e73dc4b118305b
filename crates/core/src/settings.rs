//! A county's commercial settings: the platform fee and the agent's commission (basis points of
//! the order total), and the windows that bound acceptance, returns and unpaid reservations; and
//! the unit people's pages show weights in.

use crate::validation::{Checker, FieldError, Invalid};
use crate::weight::WeightUnit;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CountySettings {
    /// Platform fee, basis points of the order total (100 = 1 %).
    pub platform_fee_bps: i64,
    /// Station agent's commission on assisted orders, basis points.
    pub agent_commission_bps: i64,
    /// Hours after delivery when an order not yet accepted is accepted automatically.
    pub acceptance_window_hours: i64,
    /// Days after acceptance during which the buyer may return the goods.
    pub return_window_days: i64,
    /// Minutes an unpaid order holds its stock before it is cancelled.
    pub reservation_ttl_minutes: i64,
    /// Days after delivery during which the buyer may open a claim.
    #[serde(default = "defaults::claim_window_days")]
    pub claim_window_days: i64,
    /// Days after a claim's decision during which either side may appeal; then it is final.
    #[serde(default = "defaults::appeal_window_days")]
    pub appeal_window_days: i64,
    /// How far below zero a seller's wallet may go to refund a claim after settlement, fen.
    #[serde(default = "defaults::seller_debt_limit_fen")]
    pub seller_debt_limit_fen: i64,
    /// A seller whose trust score is below this gets new listings suspended until review.
    #[serde(default = "defaults::trust_threshold")]
    pub trust_threshold: i64,
    /// The unit people's pages show and take weights in: `kg`, or `jin` (斤, 500 g).
    #[serde(default)]
    pub weight_unit: WeightUnit,
}

/// Defaults for settings added after the first, so older clients' requests still read.
mod defaults {
    pub fn claim_window_days() -> i64 {
        7
    }
    pub fn appeal_window_days() -> i64 {
        3
    }
    pub fn seller_debt_limit_fen() -> i64 {
        50_000
    }
    pub fn trust_threshold() -> i64 {
        30
    }
}

impl Default for CountySettings {
    fn default() -> Self {
        CountySettings {
            platform_fee_bps: 300,
            agent_commission_bps: 200,
            acceptance_window_hours: 72,
            return_window_days: 7,
            reservation_ttl_minutes: 30,
            claim_window_days: defaults::claim_window_days(),
            appeal_window_days: defaults::appeal_window_days(),
            seller_debt_limit_fen: defaults::seller_debt_limit_fen(),
            trust_threshold: defaults::trust_threshold(),
            weight_unit: WeightUnit::Kg,
        }
    }
}

fn within(ck: &mut Checker, field: &str, v: i64, min: i64, max: i64) {
    if !(min..=max).contains(&v) {
        ck.push(FieldError::new(field, "out-of-range").arg("min", min).arg("max", max));
    }
}

impl CountySettings {
    pub fn check(self) -> Result<CountySettings, Invalid> {
        let mut ck = Checker::new();
        within(&mut ck, "platform_fee_bps", self.platform_fee_bps, 0, 3000);
        within(&mut ck, "agent_commission_bps", self.agent_commission_bps, 0, 2000);
        within(&mut ck, "acceptance_window_hours", self.acceptance_window_hours, 1, 24 * 30);
        within(&mut ck, "return_window_days", self.return_window_days, 0, 60);
        within(&mut ck, "reservation_ttl_minutes", self.reservation_ttl_minutes, 5, 24 * 60);
        within(&mut ck, "claim_window_days", self.claim_window_days, 1, 90);
        within(&mut ck, "appeal_window_days", self.appeal_window_days, 0, 30);
        within(&mut ck, "seller_debt_limit_fen", self.seller_debt_limit_fen, 0, 100_000_000);
        within(&mut ck, "trust_threshold", self.trust_threshold, 0, 100);
        if self.platform_fee_bps + self.agent_commission_bps > 5000 {
            ck.push(
                FieldError::new("agent_commission_bps", "out-of-range")
                    .arg("min", 0)
                    .arg("max", 5000 - self.platform_fee_bps),
            );
        }
        ck.finish().map(|_| self)
    }

    pub fn acceptance_window_us(&self) -> i64 {
        self.acceptance_window_hours * 3600 * 1_000_000
    }

    pub fn return_window_us(&self) -> i64 {
        self.return_window_days * 86_400 * 1_000_000
    }

    pub fn claim_window_us(&self) -> i64 {
        self.claim_window_days * 86_400 * 1_000_000
    }

    pub fn appeal_window_us(&self) -> i64 {
        self.appeal_window_days * 86_400 * 1_000_000
    }

    pub fn reservation_ttl_us(&self) -> i64 {
        self.reservation_ttl_minutes * 60 * 1_000_000
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_bounds_hold() {
        assert!(CountySettings::default().check().is_ok());
        let bad = CountySettings { platform_fee_bps: -1, return_window_days: 90, ..Default::default() };
        let e = bad.check().unwrap_err();
        assert_eq!(e.0.len(), 2);
    }
}
