//! The county's people: staff at the hub (operators, inspectors, an auditor), an agent at every
//! station, farmer households in every village, a few co-ops per township, suppliers in the
//! county seat and townships, a driver per truck, and buyers in Kunming and Dali. Every phone
//! number starts with `DEMO_PHONE_PREFIX`, so generated people can never text a real person.

use crate::cities;
use crate::county::{City, CountySize, DropPoint, Person, Station, Township, Vehicle, Village};
use crate::names::{self, NameBook, NameStyle, TownshipKind};
use crate::rng::Rng;
use std::collections::HashSet;
use uplink_core::geo::RoadClass;
use uplink_core::people::{BuyerKind, DEMO_PHONE_PREFIX, PhoneNumber, Role};

/// What the people are generated into.
pub struct Setting<'a> {
    pub size: &'a CountySize,
    pub county_short: &'a str,
    pub townships: &'a [Township],
    pub township_kinds: &'a [TownshipKind],
    pub villages: &'a [Village],
    pub stations: &'a [Station],
    pub vehicles: &'a [Vehicle],
    pub drop_points: &'a [DropPoint],
}

const OPERATORS: usize = 2;
const INSPECTORS: usize = 2;
const AUDITORS: usize = 1;

/// Gives out fictitious phone numbers, each once.
struct PhoneBook {
    taken: HashSet<i64>,
}

impl PhoneBook {
    fn next(&mut self, rng: &mut Rng) -> PhoneNumber {
        loop {
            let n = rng.range(0, 99_999_999);
            if self.taken.insert(n) {
                let raw = format!("{DEMO_PHONE_PREFIX}{n:08}");
                return PhoneNumber::parse(&raw).unwrap_or_else(|e| panic!("demo phone {raw} is invalid: {e}"));
            }
        }
    }
}

/// Builds people, one name book and one phone book for the whole county.
struct Registrar<'r> {
    rng: &'r mut Rng,
    names: NameBook,
    phones: PhoneBook,
    people: Vec<Person>,
}

impl Registrar<'_> {
    fn add(&mut self, role: Role, make_name: impl FnMut(&mut Rng) -> String, username: Option<String>) -> &mut Person {
        let name = self.names.unique(self.rng, make_name);
        let phone = self.phones.next(self.rng);
        self.people.push(Person {
            role,
            name,
            phone,
            village: None,
            station: None,
            buyer_kind: None,
            household_size: None,
            drop_point: None,
            vehicle: None,
            username,
        });
        self.people.last_mut().expect("just pushed")
    }
}

/// Han in the valleys, many Bai families around Dali, Yi families up the mountains and in the
/// Yi townships.
fn village_style(rng: &mut Rng, kind: TownshipKind, road: RoadClass) -> NameStyle {
    let weights = if kind == TownshipKind::Yi {
        [(NameStyle::Yi, 50), (NameStyle::Han, 35), (NameStyle::Bai, 15)]
    } else if road == RoadClass::MountainTrack {
        [(NameStyle::Yi, 30), (NameStyle::Han, 50), (NameStyle::Bai, 20)]
    } else {
        [(NameStyle::Yi, 5), (NameStyle::Han, 68), (NameStyle::Bai, 27)]
    };
    *rng.weighted(&weights)
}

/// What grows on the valley floor, and what up the slopes.
const VALLEY_PRODUCTS: &[&str] = &["葡萄", "石榴", "芒果", "蔬菜", "洋葱", "大蒜", "蚕豆", "柑橘"];
const MOUNTAIN_PRODUCTS: &[&str] = &["核桃", "花椒", "蜂蜜", "魔芋", "土鸡", "青梅", "食用菌"];

pub fn people(rng: &mut Rng, s: &Setting) -> Vec<Person> {
    let mut r =
        Registrar { rng, names: NameBook::new(), phones: PhoneBook { taken: HashSet::new() }, people: Vec::new() };
    let han = |rng: &mut Rng| names::person_name(rng, NameStyle::Han);

    for (role, count, login) in [
        (Role::Operator, OPERATORS, "operator"),
        (Role::Inspector, INSPECTORS, "inspector"),
        (Role::Auditor, AUDITORS, "auditor"),
    ] {
        for i in 1..=count {
            r.add(role, han, Some(format!("{login}-{i}")));
        }
    }

    for (si, station) in s.stations.iter().enumerate() {
        let v = &s.villages[station.village];
        let style = village_style(r.rng, s.township_kinds[v.township], v.road_class);
        let login = format!("agent-{}", v.code.as_str().to_ascii_lowercase());
        let agent = r.add(Role::Agent, |rng| names::person_name(rng, style), Some(login));
        agent.village = Some(station.village);
        agent.station = Some(si);
    }

    for (vi, v) in s.villages.iter().enumerate() {
        // A household in about every fourth village has its own login; the rest go through the agent.
        let with_login = vi % 4 == 0;
        for f in 0..s.size.farmers_per_village {
            let style = village_style(r.rng, s.township_kinds[v.township], v.road_class);
            let login =
                (with_login && f == 0).then(|| format!("farmer-{}-{:02}", v.code.as_str().to_ascii_lowercase(), f + 1));
            let household_size = r.rng.normalish(4.0, 1.2).round().clamp(1.0, 9.0) as i64;
            let farmer = r.add(Role::Farmer, |rng| names::person_name(rng, style), login);
            farmer.village = Some(vi);
            farmer.household_size = Some(household_size);
        }
    }

    for (ti, _) in s.townships.iter().enumerate() {
        let own: Vec<usize> = (0..s.villages.len()).filter(|&v| s.villages[v].township == ti).collect();
        for n in 1..=(own.len() / 4).clamp(1, 3) {
            let mut home = own[0];
            let coop = r.add(
                Role::Coop,
                |rng| {
                    home = *rng.pick(&own);
                    let v = &s.villages[home];
                    let products =
                        if v.road_class == RoadClass::MountainTrack { MOUNTAIN_PRODUCTS } else { VALLEY_PRODUCTS };
                    let product = *rng.pick(products);
                    names::coop_name(&v.name, product)
                },
                Some(format!("coop-{}-{n}", s.townships[ti].code.as_str().to_ascii_lowercase())),
            );
            coop.village = Some(home);
        }
    }

    for i in 1..=s.size.suppliers {
        // Most suppliers trade from the county seat; farm-input shops also sit in township seats.
        let t = if r.rng.chance(0.6) { 0 } else { r.rng.below(s.townships.len() as u64) as usize };
        let township_short = names::township_short(&s.townships[t].name);
        r.add(
            Role::Supplier,
            |rng| names::supplier_name(rng, s.county_short, township_short),
            Some(format!("supplier-{i:02}")),
        );
    }

    for (vi, _) in s.vehicles.iter().enumerate() {
        let driver = r.add(Role::Driver, han, Some(format!("driver-{:02}", vi + 1)));
        driver.vehicle = Some(vi);
    }

    // Half the buyers are households, half businesses; two in three collect in Kunming.
    let mut kinds: Vec<BuyerKind> =
        (0..s.size.buyers).map(|i| if i % 2 == 0 { BuyerKind::Business } else { BuyerKind::Consumer }).collect();
    r.rng.shuffle(&mut kinds);
    let points: Vec<(usize, u32)> =
        s.drop_points.iter().enumerate().map(|(i, d)| (i, if d.city == City::Kunming { 22 } else { 17 })).collect();
    for (i, kind) in kinds.into_iter().enumerate() {
        let dp = *r.rng.weighted(&points);
        let city = s.drop_points[dp].city;
        let login = Some(format!("buyer-{:02}", i + 1));
        let buyer = match kind {
            BuyerKind::Business => r.add(
                Role::Buyer,
                |rng| names::business_buyer_name(rng, city.short_name(), cities::district(dp)),
                login,
            ),
            BuyerKind::Consumer => {
                let style = if r.rng.chance(0.85) { NameStyle::Han } else { NameStyle::Bai };
                r.add(Role::Buyer, |rng| names::person_name(rng, style), login)
            }
        };
        buyer.buyer_kind = Some(kind);
        buyer.drop_point = Some(dp);
    }

    r.people
}
