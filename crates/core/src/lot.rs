//! Lots (批次) and their weights: the lot code printed on the label, the net weight of an
//! intake, the loss between two hand-offs measured against the product's tolerance, and the
//! conservation of weight when lots are merged into a pallet or split between buyers. Every
//! weight is whole grams; nothing here rounds.

use crate::ledger::BPS_WHOLE;
use crate::validation::{Checker, FieldError, Invalid};
use crate::weight::Grams;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A lot's human code, `COUNTY-SITE-YYYYMMDD-SEQ` (e.g. `BC-S017-20260803-004`): the county's
/// code, the code of the station (or hub) where the lot was made, the local date, and a sequence
/// number of that site and day. Place codes may contain `-`, so the code is read from the right:
/// the last part is the sequence, the one before it the date, the rest the county and site.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct LotCode(String);

impl LotCode {
    /// The code of lot number `seq` made at `site` of `county` on `date` (`YYYY-MM-DD`).
    pub fn new(county: &str, site: &str, date: &str, seq: i64) -> Result<LotCode, FieldError> {
        LotCode::parse(&format!("{county}-{site}-{}-{seq:03}", date.replace('-', "")))
    }

    pub fn parse(raw: &str) -> Result<LotCode, FieldError> {
        let t = raw.trim().to_ascii_uppercase();
        let bad = || FieldError::new("", "bad-lot-code").arg("input", raw.trim());
        let mut parts = t.rsplitn(3, '-');
        let (seq, date, prefix) =
            (parts.next().ok_or_else(bad)?, parts.next().ok_or_else(bad)?, parts.next().ok_or_else(bad)?);
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(seq) || seq.len() > 6 || !digits(date) || date.len() != 8 {
            return Err(bad());
        }
        let iso = format!("{}-{}-{}", &date[..4], &date[4..6], &date[6..]);
        crate::time::parse_date(&iso).map_err(|_| bad())?;
        // At least a county and a site, each a place code.
        let ok_prefix = prefix.contains('-')
            && !prefix.starts_with('-')
            && !prefix.ends_with('-')
            && prefix.len() <= 2 * crate::text::PlaceCode::MAX + 1
            && prefix.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        if !ok_prefix {
            return Err(bad());
        }
        Ok(LotCode(t))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The lot's date, `YYYY-MM-DD`.
    pub fn date(&self) -> String {
        let d = self.0.rsplit('-').nth(1).unwrap_or("00000000");
        format!("{}-{}-{}", &d[..4], &d[4..6], &d[6..])
    }
}

impl fmt::Display for LotCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Heaviest single weighing accepted: 50 t, a full truck.
pub const MAX_WEIGHING_G: i64 = 50_000_000;

/// The net weight of an intake: gross less tare. Gross must be more than nothing, tare not
/// negative and not above gross, and what is left more than nothing. Errors name `gross_g`,
/// `tare_g` or `net_g`.
pub fn net_weight(gross_g: i64, tare_g: i64) -> Result<Grams, Invalid> {
    let mut ck = Checker::new();
    if gross_g <= 0 {
        ck.push(FieldError::new("gross_g", "must-be-positive").arg("actual", gross_g));
    } else if gross_g > MAX_WEIGHING_G {
        ck.push(FieldError::new("gross_g", "out-of-range").arg("min", 1).arg("max", MAX_WEIGHING_G));
    }
    if tare_g < 0 {
        ck.push(FieldError::new("tare_g", "out-of-range").arg("min", 0).arg("max", gross_g.max(0)));
    } else if tare_g > gross_g && gross_g > 0 {
        ck.push(FieldError::new("tare_g", "tare-above-gross").arg("gross", gross_g));
    } else if tare_g == gross_g && gross_g > 0 {
        ck.push(FieldError::new("net_g", "must-be-positive").arg("actual", 0));
    }
    ck.finish()?;
    Ok(Grams(gross_g - tare_g))
}

/// A weight measured at a hand-off: more than nothing, at most a truck.
pub fn handoff_weight(g: i64) -> Result<Grams, FieldError> {
    if g <= 0 {
        return Err(FieldError::new("", "must-be-positive").arg("actual", g));
    }
    if g > MAX_WEIGHING_G {
        return Err(FieldError::new("", "out-of-range").arg("min", 1).arg("max", MAX_WEIGHING_G));
    }
    Ok(Grams(g))
}

/// The weight lost over one leg of custody, against what the product tolerates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Loss {
    /// Weight given less weight taken; negative when the lot gained (wet produce).
    pub loss_g: i64,
    /// The most that may be lost without an incident: the tolerance's share of the weight given,
    /// rounded down to the gram.
    pub allowed_g: i64,
    /// Lost more than allowed: an incident is opened against the leg's custodian.
    pub beyond_tolerance: bool,
}

pub fn leg_loss(given: Grams, taken: Grams, tolerance_bps: i64) -> Loss {
    let loss_g = given.0 - taken.0;
    let allowed_g = (i128::from(given.0) * i128::from(tolerance_bps) / i128::from(BPS_WHOLE)) as i64;
    Loss { loss_g, allowed_g, beyond_tolerance: loss_g > allowed_g }
}

/// The weight of a pallet merged from lots: exactly their sum. Needs two lots at least.
pub fn merged_weight(lots: &[Grams]) -> Result<Grams, FieldError> {
    if lots.len() < 2 {
        return Err(FieldError::new("lot_ids", "too-few").arg("min", 2));
    }
    lots.iter()
        .try_fold(0i64, |acc, g| acc.checked_add(g.0))
        .map(Grams)
        .ok_or_else(|| FieldError::new("lot_ids", "out-of-range"))
}

/// Splitting `parts` off a lot of `held` grams: each part more than nothing, together no more
/// than the lot holds. Returns what stays in the lot, so `stays + Σ parts = held` exactly.
/// Errors name `parts` or `parts[i]`.
pub fn split_off(held: Grams, parts: &[i64]) -> Result<Grams, Invalid> {
    let mut ck = Checker::new();
    if parts.is_empty() {
        ck.push(FieldError::new("parts", "required"));
    }
    let mut sum = 0i64;
    for (i, p) in parts.iter().enumerate() {
        if *p <= 0 {
            ck.push(FieldError::new(format!("parts[{i}]"), "must-be-positive").arg("actual", p));
        } else {
            sum = sum.saturating_add(*p);
        }
    }
    if sum > held.0 {
        ck.push(FieldError::new("parts", "more-than-held").arg("held", held.0).arg("requested", sum));
    }
    ck.finish()?;
    Ok(Grams(held.0 - sum))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn lot_codes_read_back_from_the_right() {
        let c = LotCode::new("BC", "S-017", "2026-08-03", 4).unwrap();
        assert_eq!(c.as_str(), "BC-S-017-20260803-004");
        assert_eq!(c.date(), "2026-08-03");
        assert_eq!(LotCode::parse("bc-s-017-20260803-004").unwrap(), c);
        for bad in
            ["", "BC-20260803-004", "BC-S1-20260230-001", "BC-S1-2026083-001", "BC-S1-20260803-", "B C-S1-20260803-1"]
        {
            assert_eq!(LotCode::parse(bad).unwrap_err().code, "bad-lot-code", "{bad}");
        }
    }

    #[test]
    fn net_is_gross_less_tare_and_more_than_nothing() {
        assert_eq!(net_weight(21_300, 850).unwrap(), Grams(20_450));
        assert_eq!(net_weight(0, 0).unwrap_err().0[0].field, "gross_g");
        assert_eq!(net_weight(1_000, 1_200).unwrap_err().0[0].code, "tare-above-gross");
        assert_eq!(net_weight(1_000, 1_000).unwrap_err().0[0].field, "net_g");
        assert_eq!(net_weight(1_000, -1).unwrap_err().0[0].field, "tare_g");
    }

    #[test]
    fn grapes_four_percent_light_are_beyond_a_two_percent_tolerance() {
        let l = leg_loss(Grams(50_000), Grams(48_000), 200);
        assert_eq!(l, Loss { loss_g: 2_000, allowed_g: 1_000, beyond_tolerance: true });
        assert!(!leg_loss(Grams(50_000), Grams(49_000), 200).beyond_tolerance);
        assert!(!leg_loss(Grams(50_000), Grams(50_100), 200).beyond_tolerance);
    }

    #[test]
    fn a_split_cannot_give_out_more_than_the_lot_holds() {
        assert_eq!(split_off(Grams(10_000), &[4_000, 6_000]).unwrap(), Grams(0));
        assert_eq!(split_off(Grams(10_000), &[4_000, 6_001]).unwrap_err().0[0].code, "more-than-held");
        assert_eq!(split_off(Grams(10_000), &[0]).unwrap_err().0[0].field, "parts[0]");
        assert!(merged_weight(&[Grams(1)]).is_err());
    }

    proptest! {
        #[test]
        fn merging_and_splitting_conserve_weight(lots in proptest::collection::vec(1i64..1_000_000, 2..10),
                                                 cuts in proptest::collection::vec(1i64..500_000, 1..8)) {
            let ws: Vec<Grams> = lots.iter().map(|g| Grams(*g)).collect();
            let pallet = merged_weight(&ws).unwrap();
            prop_assert_eq!(pallet.0, lots.iter().sum::<i64>());
            match split_off(pallet, &cuts) {
                Ok(stays) => prop_assert_eq!(stays.0 + cuts.iter().sum::<i64>(), pallet.0),
                Err(_) => prop_assert!(cuts.iter().sum::<i64>() > pallet.0),
            }
        }
    }
}
