//! Where the county's places lie. Two or three valleys radiate from the county seat; townships
//! are strung along them; villages cluster on each valley floor near their township, with some
//! up the mountainsides. Roads are paved on the valley floor near the seat, gravel further out
//! and up the slopes, and mountain tracks to the high villages. Population has a long tail:
//! many villages of about a thousand people, a few of four thousand.
//!
//! Positions are worked out in kilometres east and north of the county seat, with arithmetic
//! and square roots only (no `sin`/`cos`, whose last bits differ between platforms).

use crate::codes;
use crate::county::{CENTRE, CountySize, HALF_SIDE_KM, Hub, Township, Village};
use crate::names::{self, NameBook, TownshipKind};
use crate::rng::Rng;
use uplink_core::geo::{LatLon, RoadClass};
use uplink_core::network::HubKind;

/// Kilometres per degree of latitude, and of longitude at the county seat's latitude
/// (111.32 × cos 25.8°, written out so that no platform's `cos` can change it).
const KM_PER_DEG_LAT: f64 = 111.32;
const KM_PER_DEG_LON: f64 = 100.223_485_632_492_17;
/// Places stay this far inside the county's edge (km from the seat, each axis).
const REACH_KM: f64 = HALF_SIDE_KM - 3.0;

/// A point in km east (`x`) and north (`y`) of the county seat.
#[derive(Debug, Clone, Copy)]
struct Km {
    x: f64,
    y: f64,
}

impl Km {
    fn to_lat_lon(self) -> LatLon {
        // Rounded to a millionth of a degree (about 0.1 m): what a GPS gives, and what prints.
        let round = |d: f64| (d * 1e6).round() / 1e6;
        LatLon { lat: round(CENTRE.lat + self.y / KM_PER_DEG_LAT), lon: round(CENTRE.lon + self.x / KM_PER_DEG_LON) }
    }

    fn within_reach(self) -> bool {
        self.x.abs() <= REACH_KM && self.y.abs() <= REACH_KM
    }

    fn clamped(self) -> Km {
        Km { x: self.x.clamp(-REACH_KM, REACH_KM), y: self.y.clamp(-REACH_KM, REACH_KM) }
    }

    fn distance(self, o: Km) -> f64 {
        ((self.x - o.x) * (self.x - o.x) + (self.y - o.y) * (self.y - o.y)).sqrt()
    }
}

/// A valley running out from the seat: a gentle curve of `length` km.
#[derive(Debug, Clone)]
struct Valley {
    dir: Km,
    /// Unit vector across the valley, to the left of `dir`.
    side: Km,
    /// How far the valley bends sideways by its end, as a share of its length.
    bend: f64,
    length: f64,
}

impl Valley {
    fn new(dir: Km, bend: f64, length: f64) -> Valley {
        Valley { dir, side: Km { x: -dir.y, y: dir.x }, bend, length }
    }

    /// The point `t` km along the valley and `across` km to its left (negative: right).
    fn at(&self, t: f64, across: f64) -> Km {
        let s = self.bend * t / self.length;
        // The axis is the parabola t·dir + (bend·t²/2L)·side; across goes along its normal.
        let axis = Km { x: t * self.dir.x + s * t / 2.0 * self.side.x, y: t * self.dir.y + s * t / 2.0 * self.side.y };
        let tangent = Km { x: self.dir.x + s * self.side.x, y: self.dir.y + s * self.side.y };
        let norm = (tangent.x * tangent.x + tangent.y * tangent.y).sqrt();
        let normal = Km { x: -tangent.y / norm, y: tangent.x / norm };
        Km { x: axis.x + across * normal.x, y: axis.y + across * normal.y }
    }
}

fn unit_vector(rng: &mut Rng) -> Km {
    loop {
        let (x, y) = (rng.uniform(-1.0, 1.0), rng.uniform(-1.0, 1.0));
        let r2 = x * x + y * y;
        if (0.04..1.0).contains(&r2) {
            let r = r2.sqrt();
            return Km { x: x / r, y: y / r };
        }
    }
}

/// `n` valley directions spread around the compass (opposite for two, about 120° apart for
/// three), each a little off the even spread.
fn valleys(rng: &mut Rng, n: usize) -> Vec<Valley> {
    let first = unit_vector(rng);
    // cos and sin of 360°/n for n = 2 and 3.
    let (c, s) = if n == 2 { (-1.0, 0.0) } else { (-0.5, 3f64.sqrt() / 2.0) };
    let mut dir = first;
    (0..n)
        .map(|_| {
            let jitter = rng.uniform(-0.25, 0.25);
            let (x, y) = (dir.x - jitter * dir.y, dir.y + jitter * dir.x);
            let r = (x * x + y * y).sqrt();
            let valley = Valley::new(Km { x: x / r, y: y / r }, rng.uniform(-0.35, 0.35), rng.uniform(34.0, 40.0));
            dir = Km { x: c * dir.x - s * dir.y, y: s * dir.x + c * dir.y };
            valley
        })
        .collect()
}

/// The county's land: townships, villages and hubs.
pub struct Land {
    pub townships: Vec<Township>,
    pub township_kinds: Vec<TownshipKind>,
    pub villages: Vec<Village>,
    pub hubs: Vec<Hub>,
}

/// Where a township lies: on which valley, how far out.
struct Reach {
    valley: usize,
    t: f64,
    /// Distance to the next township along the valley, so its villages spread about so far.
    spacing: f64,
    is_seat: bool,
}

pub fn lay_out(rng: &mut Rng, size: &CountySize, county_name: &str) -> Land {
    let n_townships = size.townships.clamp(1, size.villages.max(1));
    let valleys = valleys(rng, if n_townships >= 4 { 3 } else { 2 });
    let mut book = NameBook::new();

    // The seat township at the junction, then the others dealt out to the valleys and strung
    // along each from near to far.
    let mut reaches = vec![Reach { valley: 0, t: 0.0, spacing: 6.0, is_seat: true }];
    let mut order: Vec<usize> = (0..valleys.len()).collect();
    rng.shuffle(&mut order);
    for (v, valley) in valleys.iter().enumerate() {
        let k = (0..n_townships - 1).filter(|i| order[i % valleys.len()] == v).count();
        let step = valley.length / (k as f64 + 0.6);
        for j in 0..k {
            let t = step * (j as f64 + 1.0) + rng.uniform(-0.15, 0.15) * step;
            reaches.push(Reach { valley: v, t, spacing: step, is_seat: false });
        }
    }

    let mut townships = Vec::with_capacity(n_townships);
    let mut township_kinds = Vec::with_capacity(n_townships);
    for (i, r) in reaches.iter().enumerate() {
        let far = !r.is_seat && r.t > 0.6 * valleys[r.valley].length;
        let kind = if r.is_seat {
            TownshipKind::Town
        } else {
            let yi = if far { 30 } else { 10 };
            *rng.weighted(&[(TownshipKind::Town, 50), (TownshipKind::Rural, 32), (TownshipKind::Yi, yi)])
        };
        let seat = if r.is_seat { Km { x: 0.0, y: 0.0 } } else { valleys[r.valley].at(r.t, rng.normalish(0.0, 0.3)) };
        townships.push(Township {
            code: codes::township(i),
            name: book.unique(rng, |rng| names::township_name(rng, kind)),
            seat: seat.clamped().to_lat_lon(),
        });
        township_kinds.push(kind);
    }

    // Every township has a village; the seat's basin holds more, the rest by chance.
    let mut counts = vec![1usize; n_townships];
    let weights: Vec<(usize, u32)> =
        reaches.iter().enumerate().map(|(i, r)| (i, if r.is_seat { 140 } else { rng.range(70, 130) as u32 })).collect();
    for _ in n_townships..size.villages {
        counts[*rng.weighted(&weights)] += 1;
    }

    let mut placed: Vec<Km> = Vec::with_capacity(size.villages);
    let mut villages = Vec::with_capacity(size.villages);
    for (ti, r) in reaches.iter().enumerate() {
        let mut sites: Vec<Site> = Vec::with_capacity(counts[ti]);
        for _ in 0..counts[ti] {
            let s = site(rng, r, &valleys, &placed);
            placed.push(s.at);
            sites.push(s);
        }
        // Numbered from the seat outwards, as the road reaches them.
        sites.sort_by(|a, b| a.t.total_cmp(&b.t));
        for (vi, s) in sites.into_iter().enumerate() {
            let population = population(rng, &s, r);
            let households = ((population as f64 / rng.uniform(2.9, 3.6)).round() as i64).clamp(1, population);
            villages.push(Village {
                township: ti,
                code: codes::village(ti, vi),
                name: book.unique(rng, names::village_name),
                location: s.at.to_lat_lon(),
                population,
                households,
                road_class: s.road_class,
            });
        }
    }

    let hubs = hubs(rng, size, county_name, &reaches, &townships, &valleys, &counts);
    Land { townships, township_kinds, villages, hubs }
}

/// A village's site before it has a name.
struct Site {
    at: Km,
    t: f64,
    /// Up a mountainside rather than on the valley floor.
    on_slope: bool,
    road_class: RoadClass,
}

fn site(rng: &mut Rng, r: &Reach, valleys: &[Valley], placed: &[Km]) -> Site {
    let mut last = None;
    for _ in 0..60 {
        let (valley, t) = if r.is_seat {
            // Villages of the seat's basin lie a few km up any of the valleys.
            (rng.below(valleys.len() as u64) as usize, 0.8 + rng.normalish(0.0, 3.0).abs())
        } else {
            let v = &valleys[r.valley];
            (r.valley, (r.t + rng.normalish(0.0, r.spacing * 0.4)).clamp(2.0, v.length + 3.0))
        };
        let length = valleys[valley].length;
        let slope_share = if r.is_seat { 0.15 } else { 0.18 + 0.25 * t / length };
        let on_slope = rng.chance(slope_share);
        let across = if on_slope {
            let side = if rng.chance(0.5) { 1.0 } else { -1.0 };
            side * rng.uniform(3.5, 11.0)
        } else {
            rng.normalish(0.0, 1.2)
        };
        let at = valleys[valley].at(t, across);
        let road_class = road_class(rng, across.abs(), t, r.is_seat);
        let s = Site { at, t, on_slope, road_class };
        // Villages keep at least 600 m apart: each has its own fields around it.
        if at.within_reach() && placed.iter().all(|p| p.distance(at) >= 0.6) {
            return s;
        }
        last = Some(s);
    }
    let s = last.expect("at least one try");
    Site { at: s.at.clamped(), ..s }
}

/// Paved on the valley floor near the seat; gravel further out and up the lower slopes;
/// mountain tracks to villages high up the sides.
fn road_class(rng: &mut Rng, height_km: f64, t: f64, in_seat_basin: bool) -> RoadClass {
    if height_km >= 5.0 {
        RoadClass::MountainTrack
    } else if height_km >= 2.5 {
        if rng.chance(0.15) { RoadClass::MountainTrack } else { RoadClass::Gravel }
    } else if in_seat_basin || t <= 24.0 {
        if rng.chance(0.08) { RoadClass::Gravel } else { RoadClass::Paved }
    } else if rng.chance(0.35) {
        RoadClass::Paved
    } else {
        RoadClass::Gravel
    }
}

/// 400–4000 people, most near a thousand: the square of a uniform gives the long tail. High
/// villages are smaller, the seat's basin is more crowded.
fn population(rng: &mut Rng, s: &Site, r: &Reach) -> i64 {
    let u = rng.unit();
    let mut p = 600.0 + 3400.0 * u * u;
    if s.on_slope {
        p *= rng.uniform(0.45, 0.8);
    }
    if r.is_seat {
        p *= 1.25;
    }
    (p as i64).clamp(400, 4000)
}

/// The county hub at the seat, and for larger counties a depot at the far end of the busiest
/// valleys, where a truck from the seat would spend half its shift on the road.
fn hubs(
    rng: &mut Rng,
    size: &CountySize,
    county_name: &str,
    reaches: &[Reach],
    townships: &[Township],
    valleys: &[Valley],
    counts: &[usize],
) -> Vec<Hub> {
    let offset = unit_vector(rng);
    let d = rng.uniform(0.5, 1.5);
    let mut hubs = vec![Hub {
        code: codes::county_hub(),
        name: format!("{county_name}农村电商物流配送中心"),
        location: Km { x: offset.x * d, y: offset.y * d }.to_lat_lon(),
        kind: HubKind::CountyHub,
    }];
    let depots = match size.villages {
        0..150 => 0,
        150..300 => 1,
        _ => 2,
    };
    // The farthest township of each valley, busiest valleys first.
    let mut ends: Vec<(usize, usize)> = (0..valleys.len())
        .filter_map(|v| {
            let on_valley = || reaches.iter().enumerate().filter(move |(_, r)| !r.is_seat && r.valley == v);
            let far = on_valley().max_by(|a, b| a.1.t.total_cmp(&b.1.t))?.0;
            Some((far, on_valley().map(|(i, _)| counts[i]).sum()))
        })
        .collect();
    ends.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    for &(t, _) in ends.iter().take(depots) {
        hubs.push(Hub {
            code: codes::depot(t),
            name: format!("{}物流配送站", townships[t].name),
            location: townships[t].seat,
            kind: HubKind::TownshipDepot,
        });
    }
    hubs
}
