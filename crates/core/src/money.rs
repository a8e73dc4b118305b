//! Money as whole fen (分, 1/100 yuan) in an `i64`; never a float. Parsing accepts what people
//! type ("12.5", "¥12.50", "1,200") and refuses fractions of a fen.

use crate::validation::FieldError;
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Fen(pub i64);

impl Fen {
    pub const ZERO: Fen = Fen(0);

    pub fn checked_add(self, o: Fen) -> Option<Fen> {
        self.0.checked_add(o.0).map(Fen)
    }

    pub fn checked_sub(self, o: Fen) -> Option<Fen> {
        self.0.checked_sub(o.0).map(Fen)
    }

    pub fn checked_mul(self, n: i64) -> Option<Fen> {
        self.0.checked_mul(n).map(Fen)
    }

    /// Parses an amount in yuan as typed: optional `¥`/`￥`, thousands commas, at most two
    /// decimals. "0.001" is refused (no such coin), not rounded.
    pub fn parse_yuan(raw: &str) -> Result<Fen, FieldError> {
        let t = raw.trim();
        let (neg, t) = match t.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, t),
        };
        let t: String = t.trim_start_matches(['¥', '￥']).chars().filter(|c| *c != ',').collect();
        let bad = || FieldError::new("", "bad-money").arg("input", raw.trim());
        let (whole, frac) = match t.split_once('.') {
            Some((w, f)) => (w, f),
            None => (t.as_str(), ""),
        };
        if whole.is_empty() && frac.is_empty() {
            return Err(bad());
        }
        if !whole.chars().all(|c| c.is_ascii_digit()) || !frac.chars().all(|c| c.is_ascii_digit()) {
            return Err(bad());
        }
        if frac.len() > 2 {
            return Err(FieldError::new("", "money-precision").arg("input", raw.trim()));
        }
        let whole: i64 = if whole.is_empty() { 0 } else { whole.parse().map_err(|_| bad())? };
        let frac_fen: i64 = match frac.len() {
            0 => 0,
            1 => frac.parse::<i64>().map_err(|_| bad())? * 10,
            _ => frac.parse().map_err(|_| bad())?,
        };
        let fen = whole.checked_mul(100).and_then(|w| w.checked_add(frac_fen)).ok_or_else(bad)?;
        Ok(Fen(if neg { -fen } else { fen }))
    }
}

impl fmt::Display for Fen {
    /// `¥12.50`, `-¥0.05`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let a = self.0.unsigned_abs();
        write!(f, "{sign}¥{}.{:02}", a / 100, a % 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_what_people_type() {
        assert_eq!(Fen::parse_yuan("12.5").unwrap(), Fen(1250));
        assert_eq!(Fen::parse_yuan("¥1,200.05").unwrap(), Fen(120005));
        assert_eq!(Fen::parse_yuan(".5").unwrap(), Fen(50));
        assert_eq!(Fen::parse_yuan("-3").unwrap(), Fen(-300));
        assert_eq!(Fen::parse_yuan("0.001").unwrap_err().code, "money-precision");
        assert_eq!(Fen::parse_yuan("abc").unwrap_err().code, "bad-money");
        assert_eq!(Fen::parse_yuan("").unwrap_err().code, "bad-money");
        assert_eq!(Fen::parse_yuan("99999999999999999999").unwrap_err().code, "bad-money");
    }

    #[test]
    fn displays_as_yuan() {
        assert_eq!(Fen(1250).to_string(), "¥12.50");
        assert_eq!(Fen(-5).to_string(), "-¥0.05");
    }

    proptest! {
        #[test]
        fn display_then_parse_is_identity(n in -1_000_000_000_000i64..1_000_000_000_000) {
            prop_assert_eq!(Fen::parse_yuan(&Fen(n).to_string()).unwrap(), Fen(n));
        }
    }
}
