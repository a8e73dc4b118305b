//! The dashboard's order counts: the aggregate for clean days, corrected by the raw orders for
//! the days marked dirty and for today, so the result always equals a count of the raw orders.

use super::refresh::day_of;
use crate::error::Result;
use std::collections::{BTreeSet, HashMap, HashSet};
use uplink_core::CountyId;
use uplink_core::metrics::{Bucket, Period, Trade};
use uplink_core::time::US_PER_DAY;
use uplink_store::Conn;
use uplink_store::dashboard::{self as repo, Area, OrderSums, SLOT_US, WHOLE_COUNTY};

/// Uplink first, downlink second; never added together.
pub type Pair = [Trade; 2];

fn side(direction: &str) -> usize {
    if direction == "uplink" { 0 } else { 1 }
}

fn add(t: &mut Trade, s: &OrderSums, sign: i64) {
    t.orders += sign * s.orders;
    t.gmv_fen += sign * s.gmv_fen;
    t.weight_g += sign * s.weight_g;
}

/// Order counts of a period in an area.
#[derive(Debug, Default)]
pub struct OrderTotals {
    pub by_bucket: Vec<Pair>,
    pub by_station: HashMap<String, Pair>,
    /// Orders per station in each of the three months that decide whether it is active.
    pub active_months: HashMap<String, [i64; 3]>,
    pub total: Pair,
}

/// The stations of the area (`None`: the whole county, stationless orders included).
pub type InArea<'a> = Option<&'a HashSet<String>>;

fn in_area(area: InArea, station: &str) -> bool {
    area.is_none_or(|s| s.contains(station))
}

#[allow(clippy::too_many_arguments)]
pub async fn totals(
    c: &mut Conn,
    county: CountyId,
    off: i64,
    p: &Period,
    buckets: &[Bucket],
    today: i64,
    area: &Area,
    stations: InArea<'_>,
) -> Result<OrderTotals> {
    let months = p.active_months();
    let lo = p.from.min(months[0].0);
    let hi = p.to.max(months[2].1);
    let marks = repo::marks(c, county).await?;
    let mut out = OrderTotals { by_bucket: vec![Pair::default(); buckets.len()], ..OrderTotals::default() };

    // Rows to add (+1) and to take away (-1), by day and station.
    let mut rows: Vec<(OrderSums, i64)> = Vec::new();
    let whole = marks.iter().any(|m| m.slot == WHOLE_COUNTY);
    if whole {
        // The county changed as a whole (a person or station moved): count every order raw.
        let raw = repo::raw_sums(c, county, off, lo * US_PER_DAY - off, (hi + 1) * US_PER_DAY - off).await?;
        rows.extend(raw.into_iter().map(|s| (s, 1)));
    } else {
        let mut dirty: BTreeSet<i64> = marks.iter().map(|m| day_of(m.slot * SLOT_US, off)).collect();
        dirty.insert(today);
        for &d in dirty.range(lo..=hi) {
            let raw = repo::raw_sums(c, county, off, d * US_PER_DAY - off, (d + 1) * US_PER_DAY - off).await?;
            rows.extend(raw.into_iter().map(|s| (s, 1)));
            rows.extend(repo::agg_of_day(c, county, d).await?.into_iter().map(|s| (s, -1)));
        }
        for s in repo::agg_by_day(c, county, p.from, p.to, area).await? {
            if let Some(b) = p.bucket_of(buckets, s.day) {
                add(&mut out.by_bucket[b][side(&s.direction)], &s, 1);
            }
        }
        for s in repo::agg_by_station(c, county, p.from, p.to, area).await? {
            add(&mut out.by_station.entry(s.station_id.clone()).or_default()[side(&s.direction)], &s, 1);
        }
        for (i, (a, b)) in months.iter().enumerate() {
            for s in repo::agg_by_station(c, county, *a, *b, area).await? {
                out.active_months.entry(s.station_id.clone()).or_default()[i] += s.orders;
            }
        }
    }
    for (s, sign) in &rows {
        if !in_area(stations, &s.station_id) {
            continue;
        }
        if let Some(b) = p.bucket_of(buckets, s.day) {
            add(&mut out.by_bucket[b][side(&s.direction)], s, *sign);
            add(&mut out.by_station.entry(s.station_id.clone()).or_default()[side(&s.direction)], s, *sign);
        }
        for (i, (a, b)) in months.iter().enumerate() {
            if (*a..=*b).contains(&s.day) {
                out.active_months.entry(s.station_id.clone()).or_default()[i] += sign * s.orders;
            }
        }
    }
    for pair in &out.by_bucket {
        for (k, t) in pair.iter().enumerate() {
            let total = &mut out.total[k];
            total.orders += t.orders;
            total.gmv_fen += t.gmv_fen;
            total.weight_g += t.weight_g;
        }
    }
    Ok(out)
}
