//! Time as the county reads it: stored times are UTC microseconds; business dates are
//! `YYYY-MM-DD` in the county's zone. China keeps one zone, UTC+8 all year, so a fixed offset
//! per zone name serves every county Uplink runs in; an unknown zone falls back to UTC+8.

/// Offset from UTC in minutes for the zones Uplink's counties use.
pub fn utc_offset_min(zone: &str) -> i64 {
    match zone {
        "UTC" | "Etc/UTC" => 0,
        "Asia/Kathmandu" => 345,
        "Asia/Bangkok" | "Asia/Ho_Chi_Minh" | "Asia/Jakarta" => 420,
        _ => 480,
    }
}

/// Days since 1970-01-01 for a civil date (proleptic Gregorian), after Howard Hinnant.
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day number.
pub fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

pub const US_PER_DAY: i64 = 86_400 * 1_000_000;

/// The local date (`YYYY-MM-DD`) of an instant in a zone.
pub fn local_date(us: i64, zone: &str) -> String {
    let local = us + utc_offset_min(zone) * 60 * 1_000_000;
    let (y, m, d) = civil_from_days(local.div_euclid(US_PER_DAY));
    format!("{y:04}-{m:02}-{d:02}")
}

/// Parses `YYYY-MM-DD` into a day number, refusing impossible dates.
pub fn parse_date(s: &str) -> Result<i64, crate::FieldError> {
    let bad = || crate::FieldError::new("", "bad-date").arg("input", s.trim());
    let mut it = s.trim().splitn(3, '-');
    let (y, m, d) = (it.next().ok_or_else(bad)?, it.next().ok_or_else(bad)?, it.next().ok_or_else(bad)?);
    if y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return Err(bad());
    }
    let (y, m, d): (i64, i64, i64) =
        (y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?, d.parse().map_err(|_| bad())?);
    let days = days_from_civil(y, m, d);
    if civil_from_days(days) != (y, m, d) {
        return Err(bad());
    }
    Ok(days)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_and_use_the_county_zone() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(civil_from_days(days_from_civil(2026, 8, 3)), (2026, 8, 3));
        // 2026-08-02 20:00 UTC is already 3 August in Yunnan.
        let us = (days_from_civil(2026, 8, 2) * 86_400 + 20 * 3600) * 1_000_000;
        assert_eq!(local_date(us, "Asia/Shanghai"), "2026-08-03");
        assert_eq!(local_date(us, "UTC"), "2026-08-02");
        assert!(parse_date("2026-02-30").is_err());
        assert_eq!(parse_date("2024-02-29").unwrap(), days_from_civil(2024, 2, 29));
    }
}
