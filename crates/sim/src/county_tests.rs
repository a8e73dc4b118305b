//! Stories about generated counties: the same seed gives the same county, and every county is
//! plausible, connected and passes the checks any record must pass before it is stored.

use crate::{County, CountySize, generate};
use std::collections::HashSet;
use uplink_core::geo::RoadClass;
use uplink_core::network::{self, HubKind, OpeningHours};
use uplink_core::people::{self, BuyerKind, PhoneNumber, Role};
use uplink_core::text::{NAME_MAX, PlaceCode, name};

/// Road distance from the hub as the road model estimates it: straight line × winding.
fn road_km_to_hub(c: &County, village: usize) -> f64 {
    let v = &c.villages[village];
    c.hubs[0].location.distance_m(v.location) / 1000.0 * v.road_class.winding()
}

fn assert_unique<'a>(what: &str, items: impl IntoIterator<Item = &'a str>) {
    let mut seen = HashSet::new();
    for i in items {
        assert!(seen.insert(i), "{what} {i:?} appears twice");
    }
}

/// Everything a store would check before accepting these records.
fn assert_valid(c: &County) {
    let valid_name = |n: &str| assert_eq!(name(n, NAME_MAX).as_deref(), Ok(n), "name {n:?}");
    let valid_code = |p: &PlaceCode| assert_eq!(PlaceCode::parse(p.as_str()).as_ref(), Ok(p));

    valid_code(&c.code);
    valid_name(&c.name);
    assert!(network::time_zone(&c.time_zone).is_ok());
    for t in &c.townships {
        valid_code(&t.code);
        valid_name(&t.name);
        assert!(c.area.contains(t.seat), "{} lies outside the county", t.name);
    }
    for v in &c.villages {
        valid_code(&v.code);
        valid_name(&v.name);
        assert!(v.township < c.townships.len());
        assert!(c.area.contains(v.location), "{} lies outside the county", v.name);
        assert_eq!(network::population(v.population), Ok(v.population));
        assert!((400..=4000).contains(&v.population), "{} has {} people", v.name, v.population);
        assert_eq!(network::households(v.households, v.population), Ok(v.households));
    }
    for h in &c.hubs {
        valid_code(&h.code);
        valid_name(&h.name);
        assert!(c.area.contains(h.location));
    }
    for s in &c.stations {
        valid_code(&s.code);
        valid_name(&s.name);
        assert!(s.village < c.villages.len());
        assert_eq!(OpeningHours::parse(&s.opening_hours.to_string()), Ok(s.opening_hours));
        assert_eq!(network::cold_storage_kg(s.cold_storage_kg), Ok(s.cold_storage_kg));
    }
    for p in &c.people {
        valid_name(&p.name);
        assert_eq!(PhoneNumber::parse(p.phone.as_str()).as_ref(), Ok(&p.phone));
        assert!(p.phone.is_fictitious(), "{} could text a real person", p.phone.as_str());
        if let Some(u) = &p.username {
            assert_eq!(people::username(u).as_ref(), Ok(u));
        }
        if let Some(h) = p.household_size {
            assert!((1..=9).contains(&h));
        }
    }
    for v in &c.vehicles {
        valid_code(&v.code);
        valid_name(&v.name);
        assert!(v.capacity_g > 0 && v.capacity_l > 0);
        assert!(v.cost_per_km_fen > 0 && v.cost_per_hour_fen > 0 && v.cost_per_day_fen > 0);
        assert!(0 <= v.shift_start_min && v.shift_start_min < v.shift_end_min && v.shift_end_min <= 24 * 60);
        assert!(v.depot < c.hubs.len());
    }
    for d in &c.drop_points {
        valid_code(&d.code);
        valid_name(&d.name);
    }

    let place_codes = c
        .townships
        .iter()
        .map(|t| &t.code)
        .chain(c.villages.iter().map(|v| &v.code))
        .chain(c.hubs.iter().map(|h| &h.code))
        .chain(c.stations.iter().map(|s| &s.code))
        .chain(c.vehicles.iter().map(|v| &v.code))
        .chain(c.drop_points.iter().map(|d| &d.code));
    assert_unique("code", place_codes.map(PlaceCode::as_str));
    assert_unique("township name", c.townships.iter().map(|t| t.name.as_str()));
    assert_unique("village name", c.villages.iter().map(|v| v.name.as_str()));
    assert_unique("station name", c.stations.iter().map(|s| s.name.as_str()));
    assert_unique("station village", c.stations.iter().map(|s| c.villages[s.village].code.as_str()));
    assert_unique("person name", c.people.iter().map(|p| p.name.as_str()));
    assert_unique("phone", c.people.iter().map(|p| p.phone.as_str()));
    assert_unique("username", c.people.iter().filter_map(|p| p.username.as_deref()));
    assert_unique("plate", c.vehicles.iter().map(|v| v.name.as_str()));
}

/// Who is tied to what: an agent per station, a driver per truck, farmers in villages.
fn assert_people_fit_their_roles(c: &County, size: &CountySize) {
    for role in Role::ALL {
        assert!(c.demo_account(role).is_some(), "no {} can log in", role.as_str());
    }
    for (si, s) in c.stations.iter().enumerate() {
        let agents: Vec<_> = c.people_in(Role::Agent).filter(|p| p.station == Some(si)).collect();
        assert_eq!(agents.len(), 1, "station {} has {} agents", s.code, agents.len());
        assert_eq!(agents[0].village, Some(s.village));
    }
    assert_eq!(c.people_in(Role::Agent).count(), c.stations.len());
    assert_eq!(c.people_in(Role::Farmer).count(), c.villages.len() * size.farmers_per_village);
    assert!(c.people_in(Role::Farmer).all(|p| p.village.is_some() && p.household_size.is_some()));
    for (ti, t) in c.townships.iter().enumerate() {
        let coops = c.people_in(Role::Coop).filter(|p| c.villages[p.village.unwrap()].township == ti).count();
        assert!((1..=3).contains(&coops), "{} has {coops} co-ops", t.name);
    }
    for p in c.people_in(Role::Coop) {
        assert!(p.name.starts_with(&c.villages[p.village.unwrap()].name) && p.name.ends_with("专业合作社"));
    }
    assert_eq!(c.people_in(Role::Supplier).count(), size.suppliers);
    assert_eq!(c.people_in(Role::Buyer).count(), size.buyers);
    assert!(c.people_in(Role::Buyer).all(|p| p.buyer_kind.is_some() && p.drop_point.is_some() && p.village.is_none()));
    let business = c.people_in(Role::Buyer).filter(|p| p.buyer_kind == Some(BuyerKind::Business)).count();
    assert_eq!(business, size.buyers.div_ceil(2));
    let mut driven: Vec<usize> = c.people_in(Role::Driver).map(|p| p.vehicle.unwrap()).collect();
    driven.sort();
    assert_eq!(driven, (0..c.vehicles.len()).collect::<Vec<_>>());
    assert_eq!(c.people_in(Role::Inspector).count(), 2);
    assert_eq!(c.people_in(Role::Auditor).count(), 1);
    assert_eq!(c.people_in(Role::Operator).count(), 2);
}

#[test]
fn the_same_seed_gives_the_same_county_and_another_seed_another() {
    let size = CountySize::demo();
    assert_eq!(generate(2015, &size), generate(2015, &size));
    let (a, b) = (generate(2015, &size), generate(2016, &size));
    assert_ne!(a, b);
    assert_ne!(a.villages[0].location, b.villages[0].location);
    let names = |c: &County| c.villages.iter().map(|v| v.name.clone()).collect::<Vec<_>>();
    assert_ne!(names(&a), names(&b));
}

#[test]
fn the_demo_county_looks_like_a_mountain_county_of_western_yunnan() {
    let size = CountySize::demo();
    for seed in 0..12 {
        let c = generate(seed, &size);
        assert!((9..=11).contains(&c.townships.len()), "{} townships", c.townships.len());
        assert!((85..=95).contains(&c.villages.len()), "{} villages", c.villages.len());
        assert!(c.name.ends_with('县') && c.time_zone == "Asia/Shanghai");
        assert!((100_000..=400_000).contains(&c.population()), "population {}", c.population());
        // Stations in about 85 % of villages, and in every large one.
        let share = c.stations.len() as f64 / c.villages.len() as f64;
        assert!((0.8..=0.92).contains(&share), "stations in {share:.2} of villages");
        for (vi, v) in c.villages.iter().enumerate() {
            if v.population >= 1500 {
                assert!(
                    c.stations.iter().any(|s| s.village == vi),
                    "{} has {} people and no station",
                    v.name,
                    v.population
                );
            }
        }
        let cold = c.stations.iter().filter(|s| s.cold_storage_kg > 0).count();
        assert!(cold >= 1 && cold < c.stations.len() / 2, "{cold} stations with cold rooms");
        assert_eq!(c.hubs.len(), 1);
        assert_eq!(c.hubs[0].kind, HubKind::CountyHub);
        assert!(c.hubs[0].location.distance_m(c.centre) < 2_000.0);
        let cold_trucks = c.vehicles.iter().filter(|v| v.refrigerated).count();
        assert_eq!((c.vehicles.len(), cold_trucks), (8, 2));
        assert_valid(&c);
        assert_people_fit_their_roles(&c, &size);
    }
}

#[test]
fn every_village_is_reached_by_road_from_the_hub() {
    for seed in 0..12 {
        let c = generate(seed, &CountySize::demo());
        for vi in 0..c.villages.len() {
            let km = road_km_to_hub(&c, vi);
            assert!(km.is_finite() && km > 0.0 && km < 150.0, "{} is {km} km away", c.villages[vi].name);
        }
    }
}

#[test]
fn roads_get_worse_and_villages_smaller_up_the_mountains() {
    let c = generate(7, &CountySize::villages(400));
    let by_class = |class: RoadClass| c.villages.iter().filter(move |v| v.road_class == class);
    // How far a village lies from its township seat, which sits on the valley floor.
    let mean_km_from_seat = |class: RoadClass| {
        let (sum, n) = by_class(class)
            .fold((0.0, 0), |(s, n), v| (s + v.location.distance_m(c.townships[v.township].seat) / 1000.0, n + 1));
        sum / n as f64
    };
    let mean_population = |class: RoadClass| {
        let (sum, n) = by_class(class).fold((0, 0), |(s, n), v| (s + v.population, n + 1));
        sum / n
    };
    for class in RoadClass::ALL {
        assert!(by_class(class).count() >= 20, "few villages on {} roads", class.as_str());
    }
    assert!(mean_km_from_seat(RoadClass::MountainTrack) > mean_km_from_seat(RoadClass::Paved) + 2.0);
    assert!(mean_population(RoadClass::MountainTrack) < mean_population(RoadClass::Paved));
    // A long tail: the largest villages are several times the median.
    let mut pops: Vec<i64> = c.villages.iter().map(|v| v.population).collect();
    pops.sort();
    assert!(pops[pops.len() - 1] > 2 * pops[pops.len() / 2]);
}

#[test]
fn benchmark_counties_scale_and_get_depots_when_large() {
    for (n, depots) in [(50, 0), (175, 1), (400, 2)] {
        let size = CountySize::villages(n);
        let c = generate(11, &size);
        assert_eq!(c.villages.len(), n);
        assert_eq!(c.hubs.iter().filter(|h| h.kind == HubKind::TownshipDepot).count(), depots);
        assert!(c.vehicles.iter().any(|v| v.depot > 0) == (depots > 0));
        assert_valid(&c);
        assert_people_fit_their_roles(&c, &size);
        for vi in 0..c.villages.len() {
            assert!(road_km_to_hub(&c, vi) < 150.0);
        }
    }
}

#[test]
fn a_small_county_for_tests_still_has_everyone() {
    let size = CountySize::small();
    let c = generate(1, &size);
    assert_eq!((c.townships.len(), c.villages.len(), c.vehicles.len()), (3, 8, 2));
    assert_eq!(c.stations.len(), 7);
    assert_valid(&c);
    assert_people_fit_their_roles(&c, &size);
}

#[test]
fn city_buyers_collect_in_kunming_and_dali() {
    let c = generate(3, &CountySize::demo());
    let cities: HashSet<_> = c.people_in(Role::Buyer).map(|p| c.drop_points[p.drop_point.unwrap()].city).collect();
    assert_eq!(cities.len(), 2);
    let kunming = crate::CENTRE.distance_m(c.drop_points[0].location) / 1000.0;
    assert!((180.0..260.0).contains(&kunming), "Kunming is {kunming} km from the county seat");
}
