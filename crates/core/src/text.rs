//! Names and short codes as people type them: trimmed, bounded, never empty.

use crate::validation::FieldError;
use serde::{Deserialize, Serialize};

/// A person's or a place's name: 1..=max characters after trimming, no control characters.
pub fn name(raw: &str, max_chars: usize) -> Result<String, FieldError> {
    let t = raw.trim();
    if t.is_empty() {
        return Err(FieldError::new("", "required"));
    }
    let n = t.chars().count();
    if n > max_chars {
        return Err(FieldError::new("", "too-long").arg("max", max_chars).arg("actual", n));
    }
    if t.chars().any(char::is_control) {
        return Err(FieldError::new("", "control-characters"));
    }
    Ok(t.to_string())
}

/// Longest name of a place or a person, in characters.
pub const NAME_MAX: usize = 64;
/// Longest free text (notes, addresses), in characters.
pub const NOTE_MAX: usize = 500;

/// A short human code for a place (`BC-JZ-03`): 1..=24 of A–Z, 0–9 and `-`, stored upper case.
/// Codes are unique within a county, so people can say and type them.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PlaceCode(String);

impl PlaceCode {
    pub const MAX: usize = 24;

    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let t = raw.trim().to_ascii_uppercase();
        if t.is_empty() {
            return Err(FieldError::new("", "required"));
        }
        if t.len() > Self::MAX {
            return Err(FieldError::new("", "too-long").arg("max", Self::MAX).arg("actual", t.chars().count()));
        }
        if !t.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') || t.starts_with('-') || t.ends_with('-') {
            return Err(FieldError::new("", "bad-code"));
        }
        Ok(Self(t))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for PlaceCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded_in_characters_not_bytes() {
        assert_eq!(name("  宾川县 ", 64).unwrap(), "宾川县");
        assert_eq!(name("", 64).unwrap_err().code, "required");
        assert_eq!(name(&"葡".repeat(65), 64).unwrap_err().code, "too-long");
        assert!(name(&"葡".repeat(64), 64).is_ok());
        assert_eq!(name("a\u{7}b", 64).unwrap_err().code, "control-characters");
    }

    #[test]
    fn place_codes_are_upper_case_and_plain() {
        assert_eq!(PlaceCode::parse(" bc-jz-03 ").unwrap().as_str(), "BC-JZ-03");
        assert_eq!(PlaceCode::parse("宾川").unwrap_err().code, "bad-code");
        assert_eq!(PlaceCode::parse("-A").unwrap_err().code, "bad-code");
        assert_eq!(PlaceCode::parse(&"A".repeat(25)).unwrap_err().code, "too-long");
    }
}
