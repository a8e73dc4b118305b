//! Weight as whole grams in an `i64`; never a float. Parsing accepts kg, 斤 (500 g) and g.

use crate::validation::FieldError;
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Grams(pub i64);

impl Grams {
    pub const ZERO: Grams = Grams(0);
    /// One 斤, the market unit villagers weigh in.
    pub const JIN: i64 = 500;

    pub fn kg(kg: i64) -> Grams {
        Grams(kg * 1000)
    }

    /// A weight that must be more than nothing (a net weight, a capacity).
    pub fn positive(g: i64) -> Result<Grams, FieldError> {
        if g <= 0 { Err(FieldError::new("", "must-be-positive").arg("actual", g)) } else { Ok(Grams(g)) }
    }

    /// Parses "12.5kg", "3斤", "800g" or a bare number of grams; at most gram precision.
    pub fn parse(raw: &str) -> Result<Grams, FieldError> {
        let t = raw.trim().to_lowercase();
        let bad = || FieldError::new("", "bad-weight").arg("input", raw.trim());
        let (num, per_unit) = if let Some(n) = t.strip_suffix("kg") {
            (n, 1000)
        } else if let Some(n) = t.strip_suffix('斤') {
            (n, Self::JIN)
        } else if let Some(n) = t.strip_suffix('g') {
            (n, 1)
        } else {
            (t.as_str(), 1)
        };
        let num = num.trim();
        let (w, f) = num.split_once('.').unwrap_or((num, ""));
        if w.is_empty() && f.is_empty() || !w.chars().chain(f.chars()).all(|c| c.is_ascii_digit()) {
            return Err(bad());
        }
        let scale = 10i64.checked_pow(f.len() as u32).ok_or_else(bad)?;
        let whole: i64 = if w.is_empty() { 0 } else { w.parse().map_err(|_| bad())? };
        let frac: i64 = if f.is_empty() { 0 } else { f.parse().map_err(|_| bad())? };
        let frac_g = frac.checked_mul(per_unit).ok_or_else(bad)?;
        if frac_g % scale != 0 {
            return Err(FieldError::new("", "weight-precision").arg("input", raw.trim()));
        }
        whole.checked_mul(per_unit).and_then(|g| g.checked_add(frac_g / scale)).map(Grams).ok_or_else(bad)
    }
}

impl fmt::Display for Grams {
    /// `12.345 kg`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let a = self.0.unsigned_abs();
        if a.is_multiple_of(1000) {
            write!(f, "{sign}{} kg", a / 1000)
        } else {
            write!(f, "{sign}{}.{:03} kg", a / 1000, a % 1000)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_kilos_jin_and_grams() {
        assert_eq!(Grams::parse("12.5kg").unwrap(), Grams(12_500));
        assert_eq!(Grams::parse("3斤").unwrap(), Grams(1_500));
        assert_eq!(Grams::parse("2.5斤").unwrap(), Grams(1_250));
        assert_eq!(Grams::parse("800 g").unwrap(), Grams(800));
        assert_eq!(Grams::parse("0.0001kg").unwrap_err().code, "weight-precision");
        assert_eq!(Grams::parse("kg").unwrap_err().code, "bad-weight");
        assert_eq!(Grams::positive(0).unwrap_err().code, "must-be-positive");
    }

    #[test]
    fn displays_in_kilograms() {
        assert_eq!(Grams(12_500).to_string(), "12.500 kg");
        assert_eq!(Grams(3_000).to_string(), "3 kg");
    }
}
