//! A whole generated county as plain data, the sizes to generate it at, and [`generate`], which
//! puts the parts together. Every value here has passed the checks in `uplink_core`.

use crate::rng::Rng;
use crate::{cities, fleet, geography, names, people, stations};
use uplink_core::geo::{Area, LatLon, RoadClass};
use uplink_core::network::{HubKind, OpeningHours};
use uplink_core::people::{BuyerKind, PhoneNumber, Role};
use uplink_core::text::PlaceCode;

/// How much county to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountySize {
    pub townships: usize,
    pub villages: usize,
    pub farmers_per_village: usize,
    pub buyers: usize,
    pub suppliers: usize,
    pub vehicles: usize,
}

impl CountySize {
    /// The demo county: about a mountain county of western Yunnan.
    pub fn demo() -> CountySize {
        CountySize::villages(90)
    }

    /// A small county for tests: three townships, eight villages, a handful of everyone.
    pub fn small() -> CountySize {
        CountySize { townships: 3, villages: 8, farmers_per_village: 3, buyers: 6, suppliers: 2, vehicles: 2 }
    }

    /// A county of `n` villages with the rest in the demo county's proportions: a township per
    /// nine villages, two city buyers per three villages, a supplier per 7.5 and a vehicle per
    /// 11 villages (50, 175 and 400 villages are the benchmark counties).
    pub fn villages(n: usize) -> CountySize {
        let n = n.max(1);
        CountySize {
            townships: n.div_ceil(9).min(n),
            villages: n,
            farmers_per_village: 12,
            buyers: (n * 2).div_ceil(3).max(2),
            suppliers: (n * 2).div_ceil(15).max(2),
            vehicles: (n * 8).div_ceil(90).max(2),
        }
    }
}

/// A generated county: its places, its people and its fleet. Indices (`township`, `village`,
/// `station`, `depot` …) point into the county's own vectors.
#[derive(Debug, Clone, PartialEq)]
pub struct County {
    pub seed: u64,
    pub code: PlaceCode,
    pub name: String,
    pub centre: LatLon,
    pub area: Area,
    pub time_zone: String,
    pub townships: Vec<Township>,
    pub villages: Vec<Village>,
    /// The county hub first, then township depots (larger counties only).
    pub hubs: Vec<Hub>,
    pub stations: Vec<Station>,
    pub people: Vec<Person>,
    pub vehicles: Vec<Vehicle>,
    pub drop_points: Vec<DropPoint>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Township {
    pub code: PlaceCode,
    pub name: String,
    /// Where the township government sits, on the valley floor.
    pub seat: LatLon,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Village {
    pub township: usize,
    pub code: PlaceCode,
    pub name: String,
    pub location: LatLon,
    pub population: i64,
    pub households: i64,
    pub road_class: RoadClass,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Hub {
    pub code: PlaceCode,
    pub name: String,
    pub location: LatLon,
    pub kind: HubKind,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Station {
    pub village: usize,
    pub code: PlaceCode,
    pub name: String,
    pub opening_hours: OpeningHours,
    /// 0 for most stations.
    pub cold_storage_kg: i64,
    pub certified_scale: bool,
}

/// Anyone the county deals with. Which optional fields are set depends on the role: agents have
/// a village and a station, farmers a village and a household size, co-ops a village, buyers a
/// kind and a drop point, drivers a vehicle.
#[derive(Debug, Clone, PartialEq)]
pub struct Person {
    pub role: Role,
    /// A person's name, or the name of the co-op, supplier or business.
    pub name: String,
    pub phone: PhoneNumber,
    pub village: Option<usize>,
    pub station: Option<usize>,
    pub buyer_kind: Option<BuyerKind>,
    pub household_size: Option<i64>,
    pub drop_point: Option<usize>,
    pub vehicle: Option<usize>,
    /// The login name for people who get an account: staff, agents, co-ops, suppliers, buyers,
    /// and about one farmer household in four villages (the rest order through their agent).
    pub username: Option<String>,
}

/// A truck of the county's fleet. Costs in fen, capacities in grams and litres.
#[derive(Debug, Clone, PartialEq)]
pub struct Vehicle {
    pub code: PlaceCode,
    /// The plate, as people name the truck: `云L·D1234`.
    pub name: String,
    pub capacity_g: i64,
    pub capacity_l: i64,
    pub refrigerated: bool,
    pub cost_per_km_fen: i64,
    pub cost_per_hour_fen: i64,
    pub cost_per_day_fen: i64,
    /// Minutes after local midnight.
    pub shift_start_min: i64,
    pub shift_end_min: i64,
    /// Index into `hubs`.
    pub depot: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum City {
    Kunming,
    Dali,
}

impl City {
    pub fn as_str(self) -> &'static str {
        match self {
            City::Kunming => "kunming",
            City::Dali => "dali",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            City::Kunming => "昆明市",
            City::Dali => "大理市",
        }
    }
}

/// Where line-haul trucks hand uplink products to city buyers.
#[derive(Debug, Clone, PartialEq)]
pub struct DropPoint {
    pub code: PlaceCode,
    pub name: String,
    pub location: LatLon,
    pub city: City,
}

/// The county seat of the demo county: the Binchuan basin, east of Erhai lake.
pub const CENTRE: LatLon = LatLon { lat: 25.8, lon: 100.6 };
/// Half the side of the county's square area, km.
pub const HALF_SIDE_KM: f64 = 45.0;

impl County {
    pub fn population(&self) -> i64 {
        self.villages.iter().map(|v| v.population).sum()
    }

    pub fn people_in(&self, role: Role) -> impl Iterator<Item = &Person> {
        self.people.iter().filter(move |p| p.role == role)
    }

    /// The first person of a role who has a login: the demo account to print for that role.
    pub fn demo_account(&self, role: Role) -> Option<&Person> {
        self.people_in(role).find(|p| p.username.is_some())
    }
}

/// The county of this seed at this size; the same seed and size give the same county, on any
/// machine, forever (see `rng`).
pub fn generate(seed: u64, size: &CountySize) -> County {
    let (short_name, name, code) = names::county_name(&mut Rng::for_part(seed, "county"));
    let area = Area::around(CENTRE, HALF_SIDE_KM);
    let land = geography::lay_out(&mut Rng::for_part(seed, "geography"), size, &name);
    let stations = stations::open(&mut Rng::for_part(seed, "stations"), &land.villages);
    let drop_points = cities::drop_points();
    let vehicles = fleet::vehicles(&mut Rng::for_part(seed, "fleet"), size.vehicles, land.hubs.len());
    let people = people::people(
        &mut Rng::for_part(seed, "people"),
        &people::Setting {
            size,
            county_short: &short_name,
            townships: &land.townships,
            township_kinds: &land.township_kinds,
            villages: &land.villages,
            stations: &stations,
            vehicles: &vehicles,
            drop_points: &drop_points,
        },
    );
    County {
        seed,
        code: PlaceCode::parse(&code).expect("county codes are three capital letters"),
        name,
        centre: CENTRE,
        area,
        time_zone: "Asia/Shanghai".to_string(),
        townships: land.townships,
        villages: land.villages,
        hubs: land.hubs,
        stations,
        people,
        vehicles,
        drop_points,
    }
}
