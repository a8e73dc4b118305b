use super::*;
use crate::{CountySize, generate};

/// 2026-11-28 00:00 UTC.
const END_US: i64 = 20_785 * US_PER_DAY;

/// Two goods from each supplier and three crops from farmers with stations: grapes (harvest 3
/// August, do not keep), walnuts (15 September, keep) and tea (10 April, keeps). Prices per unit.
fn offers(c: &County) -> (Vec<Offer>, Vec<i64>) {
    let mut offers = Vec::new();
    let mut prices = Vec::new();
    for (i, _) in c.people.iter().enumerate().filter(|(_, p)| p.role == Role::Supplier) {
        for price in [19_900, 2_590] {
            offers.push(Offer {
                direction: Direction::Downlink,
                seller: i,
                min_units: 1,
                harvest_day: None,
                keeps: false,
            });
            prices.push(price);
        }
    }
    let with_station = |i: &usize| {
        let v = c.people[*i].village;
        c.stations.iter().any(|s| Some(s.village) == v)
    };
    let farmers: Vec<usize> =
        (0..c.people.len()).filter(|i| c.people[*i].role == Role::Farmer).filter(with_station).collect();
    for (k, (peak, keeps, price)) in
        [(215, false, 800), (258, true, 2_400), (100, true, 16_800)].into_iter().enumerate()
    {
        for f in farmers.iter().skip(k).step_by(3).take(4) {
            offers.push(Offer {
                direction: Direction::Uplink,
                seller: *f,
                min_units: 5,
                harvest_day: Some(peak),
                keeps,
            });
            prices.push(price);
        }
    }
    (offers, prices)
}

fn year(seed: u64) -> (County, Vec<Offer>, Vec<i64>, Vec<HistoryDay>) {
    let county = generate(seed, &CountySize::villages(20));
    let (offers, prices) = offers(&county);
    let h = History::new(&county, &offers, HistorySize { days: 365, lines: 30_000 }, END_US);
    let days = h.days().map(|d| h.day(d)).collect();
    (county.clone(), offers, prices, days)
}

fn gmv(o: &HistoryOrder, prices: &[i64]) -> i64 {
    o.lines.iter().map(|l| l.units * prices[l.offer]).sum()
}

#[test]
fn the_same_seed_gives_the_same_history_and_another_seed_another() {
    let (_, _, _, a) = year(11);
    let (_, _, _, b) = year(11);
    assert!(a == b);
    let (_, _, _, c) = year(12);
    assert!(a != c);
    assert_eq!(a.len(), 365);
    let lines: i64 = a.iter().flat_map(|d| &d.orders).map(|o| o.lines.len() as i64).sum();
    assert!((27_000..33_000).contains(&lines), "{lines} lines for 30 000 asked");
}

#[test]
fn uplink_starts_small_and_grows_but_never_overtakes_downlink() {
    let (_, _, prices, days) = year(11);
    let quarter = |q: usize, d: Direction| -> i64 {
        days[q * 91..(q + 1) * 91]
            .iter()
            .flat_map(|x| &x.orders)
            .filter(|o| o.direction == d)
            .map(|o| gmv(o, &prices))
            .sum()
    };
    let share = |q: usize| {
        let (u, d) = (quarter(q, Direction::Uplink), quarter(q, Direction::Downlink));
        u as f64 / (u + d) as f64
    };
    let (first, last) = (share(0), share(3));
    assert!(first < 0.15, "uplink share in the first quarter {first}");
    assert!(last > first * 2.0, "uplink share grows: {first} → {last}");
    assert!(quarter(3, Direction::Downlink) > quarter(3, Direction::Uplink));
}

#[test]
fn farm_products_sell_in_their_harvest_season() {
    let (_, offers, _, days) = year(11);
    // Grapes (no keeping): units in the five weeks around 3 August against five weeks in winter.
    let grapes = |from: (i64, i64, i64), to: (i64, i64, i64)| -> i64 {
        let (a, b) = (days_from_civil(from.0, from.1, from.2), days_from_civil(to.0, to.1, to.2));
        days.iter()
            .filter(|d| (a..b).contains(&d.day))
            .flat_map(|d| &d.orders)
            .flat_map(|o| &o.lines)
            .filter(|l| offers[l.offer].harvest_day == Some(215))
            .map(|l| l.units)
            .sum()
    };
    let season = grapes((2026, 7, 15), (2026, 8, 20));
    let winter = grapes((2025, 12, 20), (2026, 1, 25));
    assert!(season > 10 * winter.max(1), "grapes: {season} units in season, {winter} in winter");
}

#[test]
fn timelines_are_in_order_follow_the_order_life_and_end_before_the_history_ends() {
    let (county, offers, _, days) = year(11);
    let mut returns = 0;
    let mut claims = 0;
    let mut in_flight = 0;
    for o in days.iter().flat_map(|d| &d.orders) {
        let mut t = o.placed_us;
        for (_, at) in &o.steps {
            assert!(*at > t && *at < END_US);
            t = *at;
        }
        let kinds: Vec<Step> = o.steps.iter().map(|(s, _)| *s).collect();
        match o.direction {
            Direction::Downlink => {
                assert!(o.agent.is_some() && o.drop_point.is_none());
                assert_eq!(county.people[o.buyer].village, Some(county.stations[o.station].village));
                let full =
                    [Step::Pay, Step::Confirm, Step::Pack, Step::Ship, Step::Deliver, Step::Accept, Step::Return];
                assert!(kinds == [Step::Cancel] || full.starts_with(&kinds), "{kinds:?}");
            }
            Direction::Uplink => {
                assert_eq!(county.people[o.seller].village, Some(county.stations[o.station].village));
                assert!(o.lines.iter().all(|l| offers[l.offer].seller == o.seller));
                assert_eq!(kinds.first(), Some(&Step::Pay).filter(|_| !kinds.is_empty()).or(kinds.first()));
            }
        }
        assert!(o.lines.iter().all(|l| offers[l.offer].direction == o.direction && l.units > 0));
        returns += kinds.contains(&Step::Return) as i64;
        claims += kinds.iter().any(|s| matches!(s, Step::Dispute(_))) as i64;
        in_flight += (!kinds.contains(&Step::Accept) && !kinds.contains(&Step::Cancel)) as i64;
    }
    assert!(returns > 0 && claims > 0 && in_flight > 0, "{returns} returns, {claims} claims, {in_flight} on the way");
}

#[test]
fn losses_are_small_and_a_few_exceed_the_tolerance() {
    let (_, _, _, days) = year(11);
    let ups: Vec<&HistoryOrder> =
        days.iter().flat_map(|d| &d.orders).filter(|o| o.direction == Direction::Uplink).collect();
    let legs = ups.len() as i64 * 3;
    let total: i64 = ups.iter().flat_map(|o| o.loss_bps).sum();
    assert!(total / legs < 100, "mean loss per leg {} bps", total / legs);
    let big = ups.iter().flat_map(|o| o.loss_bps).filter(|b| *b >= 300).count() as i64;
    assert!(big > 0 && big * 50 < legs, "{big} of {legs} legs lost 3 % or more");
}

#[test]
fn stations_open_late_or_fall_quiet() {
    let (county, _, _, days) = year(11);
    let active = |from: usize, to: usize| -> std::collections::BTreeSet<usize> {
        days[from..to]
            .iter()
            .flat_map(|d| &d.orders)
            .filter(|o| o.direction == Direction::Downlink)
            .map(|o| o.station)
            .collect()
    };
    let (early, late) = (active(0, 60), active(305, 365));
    assert!(early != late, "some stations trade only early or only late in the year");
    assert!(
        late.len() * 10 >= county.stations.len() * 7,
        "most stations trade: {} of {}",
        late.len(),
        county.stations.len()
    );
}
