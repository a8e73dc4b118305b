//! A year (or any number of days) of a generated county's trade, deterministic from the seed:
//! villagers ordering goods *down* at their stations through the agent, and city buyers
//! ordering farm products *up* from farmers, each order with the whole timeline of its life
//! (paid, confirmed, taken in at the station, packed, shipped, delivered, accepted, returned,
//! claimed) cut at the end of the history, so the last days hold orders still on their way.
//!
//! Downlink dominates at first; uplink grows over the year (more farmers selling through the
//! stations) and follows each product's harvest season. Uplink goods are weighed at every
//! hand-off and lose a little on each leg; now and then a leg loses more than the product's
//! tolerance. A few stations open late and a few fall quiet, so "active" is not "opened".
//!
//! The generator knows the county (people and stations by index) and what can be ordered
//! ([`Offer`], from the caller's catalog); turning a [`HistoryOrder`] into records, money and
//! weights is the caller's work. Each day is generated on its own ([`History::day`]), so a long
//! history is produced and written day by day.

use crate::County;
use crate::rng::Rng;
use uplink_core::order::Direction;
use uplink_core::people::Role;
use uplink_core::time::{US_PER_DAY, civil_from_days, days_from_civil};
use uplink_core::trust::ClaimKind;

/// Something that can be ordered: a listing at one grade, as the caller's catalog has it.
#[derive(Debug, Clone, PartialEq)]
pub struct Offer {
    pub direction: Direction,
    /// Index into the county's people: the supplier (downlink) or farmer / co-op (uplink).
    pub seller: usize,
    /// The smallest order, in the listing's units.
    pub min_units: i64,
    /// Uplink: the day of the year (1–366) the harvest peaks.
    pub harvest_day: Option<i64>,
    /// Uplink: whether the product keeps (nuts, tea), so it sells all year between harvests.
    pub keeps: bool,
}

/// How much history: days ending at the history's end, and about how many order lines in all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HistorySize {
    pub days: i64,
    pub lines: i64,
}

impl HistorySize {
    /// The demo's year: enough for believable charts, quick to write.
    pub fn demo() -> HistorySize {
        HistorySize { days: 365, lines: 20_000 }
    }
}

/// One step of an order's life after it was placed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Pay,
    Confirm,
    /// Uplink: the farmer brings the goods to their station, where they are weighed into a lot.
    Intake,
    Pack,
    /// Goods leave with the driver (uplink: the station hands the lot to the driver).
    Ship,
    /// Uplink: the driver hands the lot over at the county hub.
    AtHub,
    /// Goods reach the station (downlink) or the city buyer (uplink).
    Deliver,
    /// The buyer claims; the order's escrow stays held.
    Dispute(ClaimKind),
    /// The claim is decided: refund of this share of the order (basis points; 0 = rejected).
    Decide {
        refund_bps: i64,
    },
    /// The buyer accepts (the villager collects with the pickup code); the order settles.
    Accept,
    /// The goods come back within the return window; everything is refunded.
    Return,
    /// Never paid: the reservation ran out.
    Cancel,
}

#[derive(Debug, Clone, PartialEq)]
pub struct HistoryLine {
    /// Index into the caller's offers.
    pub offer: usize,
    pub units: i64,
}

/// One order and what happened to it until the end of the history.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryOrder {
    pub direction: Direction,
    /// Index into the county's people.
    pub buyer: usize,
    pub seller: usize,
    /// Downlink: the station's agent who ordered for the villager.
    pub agent: Option<usize>,
    /// Downlink: where the goods go. Uplink: the station where the farmer's goods are taken in.
    pub station: usize,
    /// Uplink: the city drop point.
    pub drop_point: Option<usize>,
    pub lines: Vec<HistoryLine>,
    pub placed_us: i64,
    /// In time order, each after `placed_us` and before the history's end.
    pub steps: Vec<(Step, i64)>,
    /// Uplink: what the farmer brings beyond the order, and what each leg loses (station →
    /// driver, driver → hub, hub → buyer), in basis points of the weight handed over.
    pub surplus_bps: i64,
    pub loss_bps: [i64; 3],
}

/// One day of trade.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryDay {
    /// Days since 1970-01-01 (the county's local calendar day).
    pub day: i64,
    pub orders: Vec<HistoryOrder>,
}

/// The generator: the county, its offers, the size and the history's end.
pub struct History<'a> {
    county: &'a County,
    offers: &'a [Offer],
    size: HistorySize,
    /// The first local day of the history.
    first_day: i64,
    /// UTC microseconds: nothing happens at or after this instant.
    end_us: i64,
    /// The county's UTC offset, microseconds.
    offset_us: i64,
    stations: Vec<StationTrade>,
    /// Weighted by activity: indices into `stations`.
    farmers_by_village: Vec<Vec<usize>>,
    city_buyers: Vec<usize>,
    up: Vec<usize>,
    down: Vec<usize>,
}

/// A station's part in the trade: its agent, its weight, and the days it traded.
struct StationTrade {
    agent: Option<usize>,
    village: usize,
    weight: f64,
    opened_day: i64,
    quiet_from: i64,
}

impl<'a> History<'a> {
    /// The history of `size.days` local days ending with the day before `end_us` (UTC µs).
    pub fn new(county: &'a County, offers: &'a [Offer], size: HistorySize, end_us: i64) -> History<'a> {
        let offset_us = uplink_core::time::utc_offset_min(&county.time_zone) * 60 * 1_000_000;
        let today = (end_us + offset_us).div_euclid(US_PER_DAY);
        let first_day = today - size.days.max(1);
        let mut rng = Rng::for_part(county.seed, "history/stations");
        let agents: Vec<(usize, usize)> = county
            .people
            .iter()
            .enumerate()
            .filter(|(_, p)| p.role == Role::Agent)
            .filter_map(|(i, p)| p.station.map(|s| (s, i)))
            .collect();
        let stations = county
            .stations
            .iter()
            .enumerate()
            .map(|(s, st)| {
                let village = &county.villages[st.village];
                // One station in eight opened during the year; one in ten fell quiet in it.
                let opened_day = if rng.chance(0.125) { first_day + rng.range(30, 300) } else { i64::MIN };
                let quiet_from = if rng.chance(0.1) { first_day + rng.range(150, 330) } else { i64::MAX };
                StationTrade {
                    agent: agents.iter().find(|(x, _)| *x == s).map(|(_, a)| *a),
                    village: st.village,
                    weight: village.population as f64 * rng.uniform(0.3, 1.7),
                    opened_day,
                    quiet_from,
                }
            })
            .collect();
        let mut farmers_by_village = vec![Vec::new(); county.villages.len()];
        for (i, p) in county.people.iter().enumerate() {
            if p.role == Role::Farmer
                && let Some(v) = p.village
            {
                farmers_by_village[v].push(i);
            }
        }
        let city_buyers = county.people.iter().enumerate().filter(|(_, p)| p.role == Role::Buyer).map(|(i, _)| i);
        // An uplink offer is taken in at its seller's village station; one without any is left out.
        let has_station = |o: &Offer| {
            o.direction == Direction::Downlink
                || county.people[o.seller].village.is_some_and(|v| county.stations.iter().any(|s| s.village == v))
        };
        let by = |d: Direction| {
            offers.iter().enumerate().filter(|(_, o)| o.direction == d && has_station(o)).map(|(i, _)| i).collect()
        };
        History {
            county,
            offers,
            size,
            first_day,
            end_us,
            offset_us,
            stations,
            farmers_by_village,
            city_buyers: city_buyers.collect(),
            up: by(Direction::Uplink),
            down: by(Direction::Downlink),
        }
    }

    /// The local days of the history, first to last.
    pub fn days(&self) -> std::ops::Range<i64> {
        self.first_day..self.first_day + self.size.days.max(1)
    }

    /// How far through the history a day is, 0 to 1.
    fn progress(&self, day: i64) -> f64 {
        (day - self.first_day) as f64 / self.size.days.max(1) as f64
    }

    /// How much of an uplink offer sells on `day`: its harvest season, and a trickle all year
    /// for what keeps.
    pub fn season(&self, offer: usize, day: i64) -> f64 {
        let o = &self.offers[offer];
        let Some(peak) = o.harvest_day else { return 1.0 };
        let (y, _, _) = civil_from_days(day);
        let doy = day - days_from_civil(y, 1, 1) + 1;
        let apart = (doy - peak).rem_euclid(365).min((peak - doy).rem_euclid(365)) as f64;
        let base = if o.keeps { 0.25 } else { 0.02 };
        base + (-(apart / 24.0).powi(2)).exp()
    }

    /// The uplink share of the day's order lines: small at first, growing through the year.
    fn uplink_part(&self, day: i64) -> f64 {
        let season = self.up.iter().map(|&o| self.season(o, day)).sum::<f64>() / self.up.len().max(1) as f64;
        (0.02 + 0.16 * self.progress(day).powf(1.4)) * (0.35 + season)
    }

    /// The trade of one local day (one of [`History::days`]).
    pub fn day(&self, day: i64) -> HistoryDay {
        let mut rng = Rng::for_part(self.county.seed ^ day as u64, "history/day");
        let mut orders = Vec::new();
        if self.down.is_empty() || self.stations.is_empty() {
            return HistoryDay { day, orders };
        }
        let (y, m, d) = civil_from_days(day);
        // Market days (every fifth day here) are busier; trade grows a little through the year.
        let market = if (y * 372 + m * 31 + d) % 5 == 0 { 1.35 } else { 0.92 };
        let mean = self.size.lines as f64 / self.size.days.max(1) as f64 * market * (0.85 + 0.3 * self.progress(day));
        let target = (rng.normalish(mean, mean.sqrt()).round() as i64).max(0);
        let up_part = if self.up.is_empty() || self.city_buyers.is_empty() { 0.0 } else { self.uplink_part(day) };
        let open: Vec<(usize, f64)> = self
            .stations
            .iter()
            .enumerate()
            .filter(|(_, s)| s.opened_day <= day && day < s.quiet_from && s.agent.is_some())
            .map(|(i, s)| (i, s.weight))
            .collect();
        let mut lines = 0;
        while lines < target {
            let o = if rng.chance(up_part) {
                self.uplink_order(&mut rng, day)
            } else {
                self.downlink_order(&mut rng, day, &open)
            };
            match o {
                Some(o) => {
                    lines += o.lines.len() as i64;
                    orders.push(o);
                }
                // No station is open (or has its agent) today: no trade.
                None => break,
            }
        }
        orders.sort_by_key(|o| o.placed_us);
        HistoryDay { day, orders }
    }

    /// An instant of `day` at local `hour` (fractional).
    fn at(&self, day: i64, hour: f64) -> i64 {
        day * US_PER_DAY - self.offset_us + (hour * 3_600_000_000.0) as i64
    }

    fn downlink_order(&self, rng: &mut Rng, day: i64, open: &[(usize, f64)]) -> Option<HistoryOrder> {
        let total: f64 = open.iter().map(|(_, w)| w).sum();
        let mut pick = rng.uniform(0.0, total);
        let &(s, _) = open.iter().find(|(_, w)| {
            pick -= w;
            pick <= 0.0
        })?;
        let st = &self.stations[s];
        let village_farmers = &self.farmers_by_village[st.village];
        let buyer = if village_farmers.is_empty() { st.agent? } else { *rng.pick(village_farmers) };
        let n = *rng.weighted(&[(1usize, 40), (2, 30), (3, 18), (4, 12)]);
        // One seller per order: the first good chooses the supplier, the rest come from their range.
        let first = *rng.pick(&self.down);
        let range: Vec<usize> =
            self.down.iter().copied().filter(|&x| self.offers[x].seller == self.offers[first].seller).collect();
        let mut lines: Vec<HistoryLine> = Vec::with_capacity(n);
        for _ in 0..n {
            let offer = if lines.is_empty() { first } else { *rng.pick(&range) };
            if lines.iter().any(|l| l.offer == offer) {
                continue;
            }
            let units = self.offers[offer].min_units.max(1) * *rng.weighted(&[(1, 70), (2, 22), (3, 8)]);
            lines.push(HistoryLine { offer, units });
        }
        let placed_us = self.at(day, rng.uniform(8.0, 19.5));
        let mut t = placed_us;
        let mut steps = Vec::new();
        let mut next = |rng: &mut Rng, steps: &mut Vec<(Step, i64)>, step: Step, lo_h: f64, hi_h: f64| {
            t += (rng.uniform(lo_h, hi_h) * 3_600_000_000.0) as i64;
            steps.push((step, t));
        };
        if rng.chance(0.02) {
            next(rng, &mut steps, Step::Cancel, 24.0, 24.0);
        } else {
            next(rng, &mut steps, Step::Pay, 0.02, 0.2);
            next(rng, &mut steps, Step::Confirm, 0.5, 3.0);
            next(rng, &mut steps, Step::Pack, 12.0, 20.0);
            next(rng, &mut steps, Step::Ship, 10.0, 16.0);
            next(rng, &mut steps, Step::Deliver, 2.0, 6.0);
            next(rng, &mut steps, Step::Accept, 1.0, 60.0);
            if rng.chance(0.012) {
                next(rng, &mut steps, Step::Return, 20.0, 120.0);
            }
        }
        Some(self.finish(HistoryOrder {
            direction: Direction::Downlink,
            buyer,
            seller: self.offers[lines[0].offer].seller,
            agent: st.agent,
            station: s,
            drop_point: None,
            lines,
            placed_us,
            steps,
            surplus_bps: 0,
            loss_bps: [0; 3],
        }))
    }

    fn uplink_order(&self, rng: &mut Rng, day: i64) -> Option<HistoryOrder> {
        let weights: Vec<(usize, u32)> =
            self.up.iter().map(|&o| (o, (self.season(o, day) * 1000.0) as u32 + 1)).collect();
        let offer = *rng.weighted(&weights);
        let seller = self.offers[offer].seller;
        let village = self.county.people[seller].village?;
        let station = self.stations.iter().position(|s| s.village == village)?;
        let buyer = *rng.pick(&self.city_buyers);
        let units = self.offers[offer].min_units.max(1) * *rng.weighted(&[(1, 35), (2, 30), (3, 20), (5, 10), (10, 5)]);
        let placed_us = self.at(day, rng.uniform(7.0, 23.0));
        let mut t = placed_us;
        let mut steps = Vec::new();
        let mut next = |rng: &mut Rng, steps: &mut Vec<(Step, i64)>, step: Step, lo_h: f64, hi_h: f64| {
            t += (rng.uniform(lo_h, hi_h) * 3_600_000_000.0) as i64;
            steps.push((step, t));
        };
        // Paid within the reservation time (half an hour by default), as an unpaid order is cancelled.
        next(rng, &mut steps, Step::Pay, 0.02, 0.4);
        next(rng, &mut steps, Step::Confirm, 1.0, 8.0);
        next(rng, &mut steps, Step::Intake, 6.0, 30.0);
        next(rng, &mut steps, Step::Pack, 0.5, 2.0);
        next(rng, &mut steps, Step::Ship, 2.0, 20.0);
        next(rng, &mut steps, Step::AtHub, 2.0, 5.0);
        next(rng, &mut steps, Step::Deliver, 8.0, 30.0);
        if rng.chance(0.035) {
            let kind = *rng.weighted(&[
                (ClaimKind::QualityBelowGrade, 55),
                (ClaimKind::ShortWeight, 35),
                (ClaimKind::Damaged, 10),
            ]);
            next(rng, &mut steps, Step::Dispute(kind), 2.0, 20.0);
            let refund_bps = if rng.chance(0.6) { rng.range(5, 40) * 100 } else { 0 };
            next(rng, &mut steps, Step::Decide { refund_bps }, 12.0, 60.0);
        }
        next(rng, &mut steps, Step::Accept, 0.5, 30.0);
        // A leg loses beyond the usual now and then (a hot day, a careless handler).
        let leg = |rng: &mut Rng, usual: i64| if rng.chance(0.01) { rng.range(300, 800) } else { rng.range(0, usual) };
        let loss_bps = [leg(rng, 20), leg(rng, 80), leg(rng, 120)];
        Some(self.finish(HistoryOrder {
            direction: Direction::Uplink,
            buyer,
            seller,
            agent: None,
            station,
            drop_point: self.county.people[buyer].drop_point,
            lines: vec![HistoryLine { offer, units }],
            placed_us,
            steps,
            surplus_bps: rng.range(50, 200),
            loss_bps,
        }))
    }

    /// Cuts the order's life at the history's end: what has not happened yet is left out.
    fn finish(&self, mut o: HistoryOrder) -> HistoryOrder {
        o.steps.retain(|(_, at)| *at < self.end_us);
        o
    }
}

#[cfg(test)]
#[path = "history_tests.rs"]
mod tests;
