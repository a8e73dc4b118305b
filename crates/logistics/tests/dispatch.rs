//! Dispatch from a day's jobs to route sheets: a valley day small enough to check by hand (one
//! truck takes parcels down and brings produce back instead of two trips), unplannable jobs with
//! their reasons, produce with a shelf life, and a synthetic day on a generated county where the
//! sheets, the cost allocation and the checker must all agree.

#[path = "support/synthetic_day.rs"]
mod synthetic_day;

use uplink_logistics::dispatch::{
    DayJob, DayPlan, FleetVehicle, JobKind, LatLon, OrderRef, Place, RoadClass, build, estimate_roads, plan_day,
};
use uplink_logistics::{Budget, ConstructPlanner, RoadModel, RoutePlanner, SisrPlanner};

const KG: i64 = 1000;

/// Hub, S1 10 km up the valley, S2 10 km further; 36 km/h (1 km = 100 s), from a matrix CSV so
/// the distances are exact. Stations open 08:00–18:00.
fn valley() -> (Vec<Place>, RoadModel) {
    let place = |code: &str, lat: f64, open_min, close_min| Place {
        code: code.into(),
        location: LatLon { lat, lon: 100.6 },
        road: RoadClass::Paved,
        open_min,
        close_min,
    };
    let places = vec![place("HUB", 25.8, 0, 1440), place("S1", 25.9, 480, 1080), place("S2", 26.0, 480, 1080)];
    let mut csv = String::from("from,to,distance_m,duration_s\n");
    for (a, pa) in places.iter().enumerate() {
        for (b, pb) in places.iter().enumerate() {
            let km = (a as i64 - b as i64).abs() * 10;
            csv.push_str(&format!("{},{},{},{}\n", pa.code, pb.code, km * 1000, km * 100));
        }
    }
    let road = estimate_roads(&places).with_matrix_csv(&csv).expect("complete matrix");
    (places, road)
}

fn truck(code: &str, refrigerated: bool) -> FleetVehicle {
    FleetVehicle {
        code: code.into(),
        depot: 0,
        capacity_g: 1000 * KG,
        capacity_cm3: 10_000_000,
        refrigerated,
        cost_per_km_fen: 300,
        cost_per_hour_fen: 0, // so costs are km and day costs only, checkable by hand
        cost_per_day_fen: 5000,
        shift_start_min: 7 * 60,
        shift_end_min: 17 * 60,
    }
}

fn job(id: &str, kind: JobKind, station: usize, kg: i64, orders: &[(&str, i64)]) -> DayJob {
    DayJob {
        id: id.into(),
        kind,
        station,
        weight_g: kg * KG,
        volume_cm3: kg * 2000,
        cold: false,
        ready_min: 6 * 60,
        due_min: 24 * 60,
        order_refs: orders.iter().map(|&(o, kg)| OrderRef { id: o.into(), weight_g: kg * KG }).collect(),
    }
}

/// Parcels to S1 (300 kg) and S2 (200 kg), walnuts up from S2 (600 kg, two farmers' lots).
fn valley_jobs() -> Vec<DayJob> {
    vec![
        job("S1-parcels", JobKind::Delivery, 1, 300, &[("order-1", 300)]),
        job("S2-parcels", JobKind::Delivery, 2, 200, &[("order-2", 50), ("order-3", 150)]),
        job("S2-walnuts", JobKind::Pickup, 2, 600, &[("lot-a", 200), ("lot-b", 400)]),
    ]
}

fn plan(places: &[Place], jobs: &[DayJob], fleet: &[FleetVehicle], road: &RoadModel, p: &dyn RoutePlanner) -> DayPlan {
    plan_day(places, jobs, fleet, road, p, Budget::iterations(3000, 1), &mut |_| {}).expect("checked plan")
}

fn cost_of(plan: &DayPlan, id: &str) -> i64 {
    let found = plan.cost_allocation.jobs.iter().find(|c| c.job == id).map(|c| c.cost_fen);
    found.or_else(|| plan.cost_allocation.orders.iter().find(|o| o.order == id).map(|o| o.cost_fen)).expect(id)
}

#[test]
fn one_truck_down_with_parcels_and_back_with_walnuts_halves_the_kilometres() {
    let (places, road) = valley();
    let fleet = [truck("T1", false), truck("T2", false)];
    for planner in [&SisrPlanner::default() as &dyn RoutePlanner, &ConstructPlanner] {
        let plan = plan(&places, &valley_jobs(), &fleet, &road, planner);
        // Combined: HUB → S1 → S2 → HUB, 40 km, one truck: 5000 + 40 × 300 = 17 000 fen.
        // Separate: the same 40 km down, and HUB → S2 → HUB, 40 km, up: 80 km, 34 000 fen.
        let s = &plan.saving;
        assert_eq!((s.combined.distance_m, s.combined.cost_fen, s.combined.vehicles_used), (40_000, 17_000, 1));
        assert_eq!((s.separate.distance_m, s.separate.cost_fen, s.separate.vehicles_used), (80_000, 34_000, 2));
        assert_eq!((s.distance_saving_bp, s.cost_saving_bp), (5000, 5000));
        assert!(s.same_jobs_served);

        let [sheet] = &plan.sheets[..] else { panic!("one route: {:?}", plan.sheets) };
        let stops: Vec<(&str, usize, usize)> =
            sheet.stops.iter().map(|s| (s.place.as_str(), s.drop.len(), s.collect.len())).collect();
        assert_eq!(stops, vec![("S1", 1, 0), ("S2", 1, 1)]);
        // Leaves at 07:00, S1 is 10 km away: there at 07:16, waits for the station to open.
        assert_eq!(
            (sheet.depart.as_str(), sheet.stops[0].arrival.as_str(), sheet.stops[0].start.as_str()),
            ("07:00", "07:16", "08:00")
        );
        assert_eq!((sheet.load_out_g, sheet.load_back_g), (500 * KG, 600 * KG));
        assert_eq!((sheet.load_factor_down_permille, sheet.load_factor_up_permille), (500, 600));
        assert_eq!(sheet.stops[1].load_after_g, 600 * KG);

        // Cost per kg by tonne-km from the hub: keys 300×10, 200×20, 600×20 = 3000 : 4000 : 12 000
        // of 17 000 fen: 2684.2, 3578.9, 10 736.8; floors sum to 16 998, the two fen left go to
        // the largest remainders (.9 and .8).
        assert_eq!(
            [cost_of(&plan, "S1-parcels"), cost_of(&plan, "S2-parcels"), cost_of(&plan, "S2-walnuts")],
            [2684, 3579, 10_737]
        );
        // The walnuts' 10 737 fen over the lots by weight, 1 : 2.
        assert_eq!([cost_of(&plan, "lot-a"), cost_of(&plan, "lot-b")], [3579, 7158]);
        let walnuts = plan.cost_allocation.jobs.iter().find(|c| c.job == "S2-walnuts").expect("allocated");
        assert_eq!(walnuts.fen_per_kg, 18); // 10 737 fen / 600 kg = 17.9
        assert_eq!(plan.totals.cost_fen, 17_000);
        assert!(plan.unplanned.is_empty());
    }
}

#[test]
fn jobs_that_cannot_be_planned_are_listed_with_the_reason() {
    let (places, road) = valley();
    let mut jobs = valley_jobs();
    let mut berries = job("S1-berries", JobKind::Pickup, 1, 100, &[]);
    berries.cold = true;
    let mut late = job("S2-late-grapes", JobKind::Pickup, 2, 100, &[]);
    late.ready_min = 19 * 60; // weighed in after the station closes
    let mut mushrooms = job("S2-mushrooms", JobKind::Pickup, 2, 50, &[]);
    mushrooms.cold = true;
    mushrooms.ready_min = 8 * 60;
    mushrooms.due_min = 8 * 60 + 10; // at the hub 10 min after weigh-in: 20 km away, impossible
    jobs.extend([berries, late, mushrooms]);
    let fleet = [truck("T1", false), truck("COLD", true)];
    let mut plan = plan(&places, &jobs, &fleet, &road, &SisrPlanner::default());
    plan.unplanned.sort_by(|a, b| a.job.cmp(&b.job));
    let got: Vec<(&str, &str)> = plan.unplanned.iter().map(|u| (u.job.as_str(), u.code.as_str())).collect();
    assert_eq!(got, vec![("S2-late-grapes", "no_time_window"), ("S2-mushrooms", "time_window_unreachable")]);
    assert!(plan.unplanned[0].reason.contains("ready 19:00"), "{}", plan.unplanned[0].reason);
    // The berries ride the refrigerated truck; everything else is routed once.
    assert_eq!(plan.totals.jobs_routed, 4);

    let no_reefer = [truck("T1", false)];
    let plan = plan_day(&places, &jobs, &no_reefer, &road, &ConstructPlanner, Budget::iterations(100, 1), &mut |_| {})
        .expect("checked");
    let berries = plan.unplanned.iter().find(|u| u.job == "S1-berries").expect("berries unplanned");
    assert_eq!(berries.code, "needs_cold_no_refrigerated_vehicle");
    assert!(berries.reason.contains("refrigerated"));
}

#[test]
fn produce_with_a_short_shelf_life_goes_home_on_its_own_truck() {
    // Parcels to S2; berries at S1 must be in the cold room by 08:45. Serving S1 costs one stop of
    // 11 min from 08:00 and 16:40 back: home at 08:27. Via S2 the truck is home after 09:00.
    let (places, road) = valley();
    let mut berries = job("S1-berries", JobKind::Pickup, 1, 100, &[]);
    berries.ready_min = 8 * 60;
    berries.due_min = 8 * 60 + 45;
    let jobs = vec![job("S2-parcels", JobKind::Delivery, 2, 200, &[]), berries];
    let fleet = [truck("T1", false), truck("T2", false)];
    for planner in [&SisrPlanner::default() as &dyn RoutePlanner, &ConstructPlanner] {
        let plan = plan(&places, &jobs, &fleet, &road, planner);
        assert!(plan.unplanned.is_empty(), "{:?}", plan.unplanned);
        assert_eq!(plan.sheets.len(), 2);
        let sheet = plan.sheets.iter().find(|s| s.stops[0].place == "S1").expect("berries' truck");
        assert_eq!((sheet.stops.len(), sheet.back.as_str()), (1, "08:27"));
    }
}

#[test]
fn bad_input_is_named() {
    let (places, road) = valley();
    let mut far = valley_jobs();
    far[0].station = 9;
    let err = build(&places, &far, &[truck("T1", false)], &road).unwrap_err();
    assert!(err.to_string().contains("job S1-parcels refers to place 9"), "{err}");
    let err = build(&places[..2], &valley_jobs(), &[truck("T1", false)], &road).unwrap_err();
    assert!(err.to_string().contains("road model"), "{err}");
}

#[test]
fn a_county_day_gives_sheets_allocation_and_checker_that_agree() {
    let county = uplink_sim::generate(3, &uplink_sim::CountySize::villages(30));
    let day = synthetic_day::synthetic_day(&county, 3);
    assert!(day.jobs.len() > 30, "{}", day.jobs.len());
    let planners: [(&dyn RoutePlanner, usize); 2] =
        [(&SisrPlanner::default(), day.jobs.len()), (&ConstructPlanner, 25)];
    for (planner, n) in planners {
        let jobs = &day.jobs[..n];
        let plan = plan(&day.places, jobs, &day.fleet, &day.road, planner);
        // Every job is either on exactly one sheet or unplanned with a reason.
        let mut seen: Vec<&str> = plan
            .sheets
            .iter()
            .flat_map(|s| s.stops.iter().flat_map(|st| st.drop.iter().chain(&st.collect)))
            .map(|h| h.job.as_str())
            .collect();
        assert_eq!(seen.len(), plan.totals.jobs_routed);
        seen.extend(plan.unplanned.iter().map(|u| u.job.as_str()));
        seen.sort_unstable();
        let mut all: Vec<&str> = jobs.iter().map(|j| j.id.as_str()).collect();
        all.sort_unstable();
        assert_eq!(seen, all);
        assert!(plan.unplanned.iter().all(|u| !u.reason.is_empty() && !u.code.is_empty()));

        // The allocation sums exactly to each route's cost, and to each job's cost over its orders.
        let alloc = &plan.cost_allocation;
        for sheet in &plan.sheets {
            let shares: Vec<_> = alloc.jobs.iter().filter(|c| c.vehicle == sheet.vehicle).collect();
            assert_eq!(shares.iter().map(|c| c.cost_fen).sum::<i64>(), sheet.cost_fen, "{}", sheet.vehicle);
            // Proportional to weight × distance: each share within one fen of its exact value.
            let key = |c: &&uplink_logistics::dispatch::JobCost| c.weight_g as i128 * c.distance_m as i128;
            let total: i128 = shares.iter().map(key).sum();
            for c in &shares {
                let exact = sheet.cost_fen as i128 * key(c);
                assert!((c.cost_fen as i128 * total - exact).abs() < total, "{c:?}");
            }
        }
        for c in &alloc.jobs {
            let orders: i64 = alloc.orders.iter().filter(|o| o.job == c.job).map(|o| o.cost_fen).sum();
            assert_eq!(orders, c.cost_fen, "{}", c.job);
        }
        assert_eq!(alloc.jobs.iter().map(|c| c.cost_fen).sum::<i64>(), plan.totals.cost_fen);
        assert!(plan.saving.separate.distance_m > 0 && plan.saving.combined.distance_m > 0);
    }
}
