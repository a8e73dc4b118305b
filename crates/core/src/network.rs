//! The county network as data: county, townships, villages, hubs and village stations, with the
//! checks every one of them must pass before it is stored.

use crate::validation::FieldError;
use serde::{Deserialize, Serialize};

/// A station's opening hours in minutes after local midnight, `open < close`. The dispatch plan
/// uses them as the time window of the station's stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpeningHours {
    pub open_min: i64,
    pub close_min: i64,
}

impl OpeningHours {
    /// Parses `"08:00-18:30"`.
    pub fn parse(raw: &str) -> Result<OpeningHours, FieldError> {
        let bad = || FieldError::new("", "bad-hours").arg("input", raw.trim());
        let (a, b) = raw.trim().split_once('-').ok_or_else(bad)?;
        let minutes = |s: &str| -> Option<i64> {
            let (h, m) = s.trim().split_once(':')?;
            let (h, m): (i64, i64) = (h.parse().ok()?, m.parse().ok()?);
            // `then`, not `then_some`: the sum must not be computed for an hour out of range (overflow).
            ((0..=24).contains(&h) && (0..60).contains(&m) && h * 60 + m <= 24 * 60).then(|| h * 60 + m)
        };
        let (open_min, close_min) = (minutes(a).ok_or_else(bad)?, minutes(b).ok_or_else(bad)?);
        if open_min >= close_min {
            return Err(FieldError::new("", "hours-close-before-open"));
        }
        Ok(OpeningHours { open_min, close_min })
    }
}

impl std::fmt::Display for OpeningHours {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:02}:{:02}-{:02}:{:02}",
            self.open_min / 60,
            self.open_min % 60,
            self.close_min / 60,
            self.close_min % 60
        )
    }
}

/// What kind of depot a hub is: the county's main warehouse or a township depot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum HubKind {
    CountyHub,
    TownshipDepot,
}

impl HubKind {
    pub fn as_str(self) -> &'static str {
        match self {
            HubKind::CountyHub => "county_hub",
            HubKind::TownshipDepot => "township_depot",
        }
    }

    pub fn parse(s: &str) -> Result<HubKind, FieldError> {
        match s {
            "county_hub" => Ok(HubKind::CountyHub),
            "township_depot" => Ok(HubKind::TownshipDepot),
            _ => Err(FieldError::new("", "unknown-choice").arg("allowed", "county_hub, township_depot")),
        }
    }
}

/// Bounds on village figures: a real village has people, and no village has a million.
pub fn population(n: i64) -> Result<i64, FieldError> {
    if !(1..=200_000).contains(&n) {
        return Err(FieldError::new("", "out-of-range").arg("min", 1).arg("max", 200_000));
    }
    Ok(n)
}

/// Households in a village: at least one, never more than its people.
pub fn households(n: i64, population: i64) -> Result<i64, FieldError> {
    if n < 1 || n > population {
        return Err(FieldError::new("", "out-of-range").arg("min", 1).arg("max", population));
    }
    Ok(n)
}

/// Cold storage at a station in kilograms (0 = none). 100 t would be a warehouse, not a station.
pub fn cold_storage_kg(n: i64) -> Result<i64, FieldError> {
    if !(0..=100_000).contains(&n) {
        return Err(FieldError::new("", "out-of-range").arg("min", 0).arg("max", 100_000));
    }
    Ok(n)
}

/// An IANA time zone name as the county displays times (`Asia/Shanghai`).
pub fn time_zone(raw: &str) -> Result<String, FieldError> {
    let t = raw.trim();
    let ok = !t.is_empty()
        && t.len() <= 40
        && t.contains('/')
        && t.chars().all(|c| c.is_ascii_alphanumeric() || "/_-+".contains(c));
    if ok { Ok(t.to_string()) } else { Err(FieldError::new("", "bad-time-zone").arg("input", t)) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opening_hours_parse_and_print() {
        let h = OpeningHours::parse("08:00-18:30").unwrap();
        assert_eq!((h.open_min, h.close_min), (480, 1110));
        assert_eq!(h.to_string(), "08:00-18:30");
        assert_eq!(OpeningHours::parse("18:00-08:00").unwrap_err().code, "hours-close-before-open");
        assert_eq!(OpeningHours::parse("8am-6pm").unwrap_err().code, "bad-hours");
        assert_eq!(OpeningHours::parse("00:00-24:00").unwrap().close_min, 1440);
        // Found by the fuzz target: an hour too big to multiply by 60 is refused, not a panic.
        assert_eq!(OpeningHours::parse("8888888888888808882:22-23:00").unwrap_err().code, "bad-hours");
    }

    #[test]
    fn village_figures_are_bounded() {
        assert!(population(0).is_err());
        assert!(households(300, 200).is_err());
        assert_eq!(households(60, 200).unwrap(), 60);
        assert!(time_zone("Asia/Shanghai").is_ok());
        assert!(time_zone("Shanghai").is_err());
    }
}
