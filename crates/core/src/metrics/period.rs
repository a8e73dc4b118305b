//! The dashboard's period: from and to (local dates, both included), cut into weeks (Monday to
//! Sunday) or calendar months; and the three months that decide whether a station is active.

use crate::time::{civil_from_days, days_from_civil, parse_date};
use crate::validation::{Checker, FieldError, Invalid};
use serde::{Deserialize, Serialize};

/// The longest period one dashboard covers: three years.
pub const MAX_PERIOD_DAYS: i64 = 3 * 365 + 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum By {
    Week,
    Month,
}

impl By {
    pub fn as_str(self) -> &'static str {
        match self {
            By::Week => "week",
            By::Month => "month",
        }
    }

    pub fn parse(s: &str) -> Result<By, FieldError> {
        match s.trim() {
            "week" => Ok(By::Week),
            "month" => Ok(By::Month),
            _ => Err(FieldError::new("", "unknown-choice").arg("allowed", "week, month")),
        }
    }
}

/// A checked period: day numbers (days since 1970-01-01 in the county's calendar).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: i64,
    pub to: i64,
    pub by: By,
}

/// One bar of a chart: a week or month, clipped to the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Bucket {
    /// `2026-08` for a month, the Monday `2026-08-03` for a week.
    pub label: String,
    pub from: String,
    pub to: String,
    #[serde(skip)]
    pub from_day: i64,
    #[serde(skip)]
    pub to_day: i64,
}

/// A day number as `YYYY-MM-DD`.
pub fn date(day: i64) -> String {
    let (y, m, d) = civil_from_days(day);
    format!("{y:04}-{m:02}-{d:02}")
}

/// The first day of the month `k` months after the one holding `day` (k may be negative).
fn month_start(day: i64, k: i64) -> i64 {
    let (y, m, _) = civil_from_days(day);
    let n = y * 12 + (m - 1) + k;
    days_from_civil(n.div_euclid(12), n.rem_euclid(12) + 1, 1)
}

fn blank(s: Option<&str>) -> Option<&str> {
    s.map(str::trim).filter(|s| !s.is_empty())
}

impl Period {
    /// Checks the query of a dashboard: missing dates default to the twelve months up to
    /// `today` by month; `from` after `to`, a period over three years, a bad date or an unknown
    /// `by` are errors naming the field.
    pub fn parse(from: Option<&str>, to: Option<&str>, by: Option<&str>, today: i64) -> Result<Period, Invalid> {
        let mut ck = Checker::new();
        let to_day = match blank(to) {
            Some(s) => ck.take("to", parse_date(s)),
            None => Some(today),
        };
        let from_day = match blank(from) {
            Some(s) => ck.take("from", parse_date(s)),
            None => to_day.map(|t| month_start(t, -11)),
        };
        let by = match blank(by) {
            Some(s) => ck.take("by", By::parse(s)),
            None => Some(By::Month),
        };
        if let (Some(f), Some(t)) = (from_day, to_day) {
            if f > t {
                ck.push(FieldError::new("from", "dashboard-from-after-to").arg("to", date(t)));
            } else if t - f + 1 > MAX_PERIOD_DAYS {
                ck.push(FieldError::new("to", "dashboard-period-too-long").arg("max", MAX_PERIOD_DAYS));
            }
        }
        ck.finish()?;
        match (from_day, to_day, by) {
            (Some(from), Some(to), Some(by)) => Ok(Period { from, to, by }),
            _ => Err(Invalid::one(FieldError::new("from", "required"))),
        }
    }

    /// The weeks or months of the period, in order, clipped to it.
    pub fn buckets(&self) -> Vec<Bucket> {
        let mut out = Vec::new();
        let mut start = self.from;
        while start <= self.to {
            let (next, label) = match self.by {
                By::Week => {
                    // Day 0 (1970-01-01) was a Thursday: Monday is the day with (d + 3) % 7 == 0.
                    let monday = start - (start + 3).rem_euclid(7);
                    (monday + 7, date(monday))
                }
                By::Month => {
                    let (y, m, _) = civil_from_days(start);
                    (month_start(start, 1), format!("{y:04}-{m:02}"))
                }
            };
            let end = (next - 1).min(self.to);
            out.push(Bucket { label, from: date(start), to: date(end), from_day: start, to_day: end });
            start = next;
        }
        out
    }

    /// The index of the bucket holding `day`, if it is in the period.
    pub fn bucket_of(&self, buckets: &[Bucket], day: i64) -> Option<usize> {
        if day < self.from || day > self.to {
            return None;
        }
        let i = buckets.partition_point(|b| b.to_day < day);
        (i < buckets.len()).then_some(i)
    }

    /// The last three complete calendar months up to the period's end (a month is complete when
    /// `to` is its last day or later), oldest first, as (first day, last day).
    pub fn active_months(&self) -> [(i64, i64); 3] {
        let next = month_start(self.to, 1);
        // When `to` is a month's last day, that month is complete and is the latest of the three.
        let latest_end = if self.to == next - 1 { 0 } else { -1 };
        let m = |k: i64| (month_start(self.to, k), month_start(self.to, k + 1) - 1);
        [m(latest_end - 2), m(latest_end - 1), m(latest_end)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> i64 {
        parse_date(s).unwrap()
    }

    #[test]
    fn periods_are_checked_and_name_the_field() {
        let today = d("2026-08-15");
        let p = Period::parse(None, None, None, today).unwrap();
        assert_eq!((date(p.from), date(p.to), p.by), ("2025-09-01".into(), "2026-08-15".into(), By::Month));
        let e = Period::parse(Some("2026-08-02"), Some("2026-08-01"), None, today).unwrap_err();
        assert_eq!((e.0[0].field.as_str(), e.0[0].code), ("from", "dashboard-from-after-to"));
        let e = Period::parse(Some("2020-01-01"), Some("2026-01-01"), None, today).unwrap_err();
        assert_eq!((e.0[0].field.as_str(), e.0[0].code), ("to", "dashboard-period-too-long"));
        let e = Period::parse(Some("2026-02-30"), None, Some("day"), today).unwrap_err();
        let fields: Vec<_> = e.0.iter().map(|x| x.field.as_str()).collect();
        assert_eq!(fields, ["from", "by"]);
        assert!(Period::parse(Some("2023-08-16"), Some("2026-08-15"), None, today).is_ok());
    }

    #[test]
    fn weeks_start_on_monday_and_months_on_the_first() {
        // 2026-08-05 is a Wednesday.
        let p = Period { from: d("2026-08-05"), to: d("2026-08-20"), by: By::Week };
        let b = p.buckets();
        let labels: Vec<_> = b.iter().map(|x| (x.label.as_str(), x.from.as_str(), x.to.as_str())).collect();
        assert_eq!(
            labels,
            [
                ("2026-08-03", "2026-08-05", "2026-08-09"),
                ("2026-08-10", "2026-08-10", "2026-08-16"),
                ("2026-08-17", "2026-08-17", "2026-08-20")
            ]
        );
        assert_eq!(p.bucket_of(&b, d("2026-08-16")), Some(1));
        assert_eq!(p.bucket_of(&b, d("2026-08-21")), None);
        let p = Period { from: d("2025-12-20"), to: d("2026-02-01"), by: By::Month };
        let labels: Vec<_> = p.buckets().into_iter().map(|x| x.label).collect();
        assert_eq!(labels, ["2025-12", "2026-01", "2026-02"]);
    }

    #[test]
    fn active_months_are_the_last_three_complete_ones() {
        let p = Period { from: d("2026-01-01"), to: d("2026-08-15"), by: By::Month };
        let m = p.active_months().map(|(a, b)| (date(a), date(b)));
        assert_eq!(m[0], ("2026-05-01".into(), "2026-05-31".into()));
        assert_eq!(m[2], ("2026-07-01".into(), "2026-07-31".into()));
        let p = Period { from: d("2026-01-01"), to: d("2026-08-31"), by: By::Month };
        assert_eq!(date(p.active_months()[2].0), "2026-08-01");
    }
}
