//! Weight as whole grams in an `i64`; never a float. Parsing accepts kg, 斤 (500 g) and g; a county
//! shows weights to people in its [`WeightUnit`] (kg or 斤), through [`Grams::display_in`] only.

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

/// The unit a county shows weights in on people's pages (`CountySettings::weight_unit`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum WeightUnit {
    /// Kilograms: the scales', the route sheets' and the city buyers' unit.
    #[default]
    Kg,
    /// 斤 (500 g): the market unit villagers weigh in.
    Jin,
}

impl WeightUnit {
    pub const ALL: [WeightUnit; 2] = [WeightUnit::Kg, WeightUnit::Jin];

    pub fn as_str(self) -> &'static str {
        match self {
            WeightUnit::Kg => "kg",
            WeightUnit::Jin => "jin",
        }
    }

    pub fn parse(raw: &str) -> Result<WeightUnit, FieldError> {
        WeightUnit::ALL
            .into_iter()
            .find(|u| u.as_str() == raw.trim())
            .ok_or_else(|| FieldError::new("", "unknown-choice").arg("allowed", "kg, jin"))
    }

    /// Grams in one unit.
    pub fn grams(self) -> i64 {
        match self {
            WeightUnit::Kg => 1000,
            WeightUnit::Jin => Grams::JIN,
        }
    }

    /// The unit as written after a number: `kg` or `斤`.
    pub fn symbol(self) -> &'static str {
        match self {
            WeightUnit::Kg => "kg",
            WeightUnit::Jin => "斤",
        }
    }
}

impl Grams {
    /// The weight as a person reads it in `unit`, to the gram and without trailing zeros:
    /// `12.5 kg`, `25 斤`, `0.3 kg`.
    pub fn display_in(self, unit: WeightUnit) -> String {
        let per = unit.grams().unsigned_abs();
        let sign = if self.0 < 0 { "-" } else { "" };
        let a = self.0.unsigned_abs();
        // 1 斤 = 500 g: three decimals of 斤 are 0.5 g, so whole grams need up to four.
        let places = if unit == WeightUnit::Jin { 4 } else { 3 };
        let scale = 10u64.pow(places);
        let frac = (a % per) * scale / per;
        let mut text = format!("{sign}{}", a / per);
        if frac > 0 {
            let digits = format!("{frac:0width$}", width = places as usize);
            text.push('.');
            text.push_str(digits.trim_end_matches('0'));
        }
        format!("{text} {}", unit.symbol())
    }

    /// Parses a weight typed by a person who weighs in `unit`: a bare number is in that unit
    /// ("12.5" on a kg page is 12.5 kg); an explicit unit ("3斤", "800g") is read as written.
    pub fn parse_in(raw: &str, unit: WeightUnit) -> Result<Grams, FieldError> {
        let t = raw.trim();
        if !t.is_empty() && t.chars().all(|c| c.is_ascii_digit() || c == '.') {
            let with_unit = format!("{t}{}", unit.symbol());
            return Grams::parse(&with_unit).map_err(|e| {
                let code = e.code;
                FieldError::new("", code).arg("input", t)
            });
        }
        Grams::parse(raw)
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
    fn displays_and_reads_in_the_countys_unit() {
        assert_eq!(Grams(12_500).display_in(WeightUnit::Kg), "12.5 kg");
        assert_eq!(Grams(12_500).display_in(WeightUnit::Jin), "25 斤");
        assert_eq!(Grams(1_250).display_in(WeightUnit::Jin), "2.5 斤");
        assert_eq!(Grams(1).display_in(WeightUnit::Jin), "0.002 斤");
        assert_eq!(Grams(1).display_in(WeightUnit::Kg), "0.001 kg");
        assert_eq!(Grams(-300).display_in(WeightUnit::Kg), "-0.3 kg");
        assert_eq!(Grams(0).display_in(WeightUnit::Jin), "0 斤");
        assert_eq!(Grams::parse_in("12.5", WeightUnit::Kg).unwrap(), Grams(12_500));
        assert_eq!(Grams::parse_in("3", WeightUnit::Jin).unwrap(), Grams(1_500));
        assert_eq!(Grams::parse_in("800g", WeightUnit::Jin).unwrap(), Grams(800));
        assert_eq!(Grams::parse_in("2kg", WeightUnit::Jin).unwrap(), Grams(2_000));
        let e = Grams::parse_in("1.2.3", WeightUnit::Kg).unwrap_err();
        assert_eq!((e.code, e.args[0].1.as_str()), ("bad-weight", "1.2.3"));
        assert_eq!(Grams::parse_in("abc", WeightUnit::Kg).unwrap_err().code, "bad-weight");
        assert_eq!(WeightUnit::parse("jin").unwrap(), WeightUnit::Jin);
        assert_eq!(WeightUnit::parse("lb").unwrap_err().code, "unknown-choice");
        for g in [0, 1, 499, 500, 501, 999, 1_000, 123_456_789] {
            for u in WeightUnit::ALL {
                let shown = Grams(g).display_in(u);
                let number = shown.trim_end_matches(u.symbol()).trim();
                assert_eq!(Grams::parse_in(number, u).unwrap(), Grams(g), "{shown} reads back");
            }
        }
    }

    #[test]
    fn displays_in_kilograms() {
        assert_eq!(Grams(12_500).to_string(), "12.500 kg");
        assert_eq!(Grams(3_000).to_string(), "3 kg");
    }
}
