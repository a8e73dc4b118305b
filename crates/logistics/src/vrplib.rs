//! Standard benchmark files, so the planner can be measured against published best-known
//! solutions: CVRPLIB `.vrp` (CVRP, EUC_2D) and Solomon VRPTW text files in, CVRPLIB `.sol` out
//! (and in, for tests). Each format keeps its own distance convention:
//! - CVRPLIB: Euclidean distance rounded to the nearest integer;
//! - Solomon (DIMACS 2021): Euclidean distance truncated to one decimal, travel time = distance.
//!   We scale those by 10 so they stay integers, and divide by 10 again when printing a cost.

use crate::plan::Plan;
use crate::plan::Route;
use crate::problem::{Job, Load, Matrix, Problem, ProblemError, Vehicle};
use thiserror::Error;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InstanceKind {
    Cvrp,
    Solomon,
}

impl InstanceKind {
    /// CVRPLIB files are keyword-based; Solomon files are a table with a `CUSTOMER` heading.
    pub fn detect(text: &str) -> InstanceKind {
        if text.contains("NODE_COORD_SECTION") || text.contains("DIMENSION") {
            InstanceKind::Cvrp
        } else {
            InstanceKind::Solomon
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum VrplibError {
    #[error("the file has no {0}; a complete instance needs it")]
    Missing(&'static str),
    #[error("line {line}: '{text}' is not a number")]
    BadNumber { line: usize, text: String },
    #[error("line {line}: expected {expected} numbers, found {found}")]
    ShortLine { line: usize, expected: usize, found: usize },
    #[error("line {line}: customer {customer} has negative demand {demand}")]
    NegativeDemand { line: usize, customer: usize, demand: i64 },
    #[error("line {line}: customer {customer} demands {demand}, more than the vehicle capacity {capacity}")]
    DemandAboveCapacity { line: usize, customer: usize, demand: i64, capacity: i64 },
    #[error("line {line}: {what} is not supported (only {supported})")]
    Unsupported { line: usize, what: String, supported: &'static str },
    #[error("line {line}: node {node} is outside 1..={dimension}")]
    NodeOutOfRange { line: usize, node: i64, dimension: usize },
    #[error("in the solution: {0}")]
    BadSolution(String),
    #[error(transparent)]
    Problem(#[from] ProblemError),
}

/// A benchmark instance as a routing problem. Node `k` of the file is location `k` (depot 0);
/// job `i` serves customer number `customer[i]`, the number `.sol` files use.
#[derive(Debug, Clone)]
pub struct Instance {
    pub name: String,
    pub kind: InstanceKind,
    pub problem: Problem,
    pub customer: Vec<usize>,
}

/// The largest instance read: the published sets stop at a few thousand nodes, and a distance
/// matrix of 20,000² is already 3.2 GB.
pub const MAX_NODES: usize = 20_000;

pub fn read(text: &str, kind: InstanceKind) -> Result<Instance, VrplibError> {
    match kind {
        InstanceKind::Cvrp => read_cvrp(text),
        InstanceKind::Solomon => read_solomon(text),
    }
}

fn number<T: std::str::FromStr>(line: usize, s: &str) -> Result<T, VrplibError> {
    s.parse().map_err(|_| VrplibError::BadNumber { line, text: s.to_string() })
}

fn numbers(line: usize, s: &str, expected: usize) -> Result<Vec<f64>, VrplibError> {
    let xs = s.split_whitespace().map(|t| number::<f64>(line, t)).collect::<Result<Vec<_>, _>>()?;
    if xs.len() < expected {
        return Err(VrplibError::ShortLine { line, expected, found: xs.len() });
    }
    Ok(xs)
}

/// A whole number written as a float in the file ("12" or "12.0").
fn whole(line: usize, x: f64) -> Result<i64, VrplibError> {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        Ok(x as i64)
    } else {
        Err(VrplibError::BadNumber { line, text: x.to_string() })
    }
}

/// CVRPLIB's nint(√(dx²+dy²)); exact in integers when the coordinates are whole.
fn euclid_rounded(a: (f64, f64), b: (f64, f64)) -> i64 {
    let (dx, dy) = (a.0 - b.0, a.1 - b.1);
    if [a.0, a.1, b.0, b.1].iter().all(|c| c.fract() == 0.0) {
        let sq = (dx * dx + dy * dy) as i64;
        let r = sq.isqrt();
        // √sq ≥ r + ½  ⇔  sq ≥ r² + r + ¼  ⇔  sq > r² + r
        if sq > r * r + r { r + 1 } else { r }
    } else {
        (dx * dx + dy * dy).sqrt().round() as i64
    }
}

/// DIMACS: ⌊10·√(dx²+dy²)⌋ in tenths, exact in integers when the coordinates are whole.
fn euclid_tenths(a: (f64, f64), b: (f64, f64)) -> i64 {
    let (dx, dy) = (a.0 - b.0, a.1 - b.1);
    if [a.0, a.1, b.0, b.1].iter().all(|c| c.fract() == 0.0) {
        (100 * (dx * dx + dy * dy) as i64).isqrt()
    } else {
        (10.0 * (dx * dx + dy * dy).sqrt()).floor() as i64
    }
}

fn square(coords: &[(f64, f64)], f: fn((f64, f64), (f64, f64)) -> i64) -> Vec<Vec<i64>> {
    coords.iter().map(|&a| coords.iter().map(|&b| f(a, b)).collect()).collect()
}

/// A vehicle for benchmark files: 1000 fen/km makes one fen per distance unit, so the cost of
/// a plan is its total distance; time is free and the shift is the depot's horizon.
fn bench_vehicle(i: usize, capacity: i64, shift: (i64, i64)) -> Vehicle {
    Vehicle {
        id: format!("v{}", i + 1),
        start_location: 0,
        end_location: 0,
        capacity: Load::new(capacity, 0),
        refrigerated: false,
        shift,
        cost_per_km_fen: 1000,
        cost_per_hour_fen: 0,
        fixed_cost_fen: 0,
    }
}

const OPEN: (i64, i64) = (0, i64::MAX / 8);

pub fn read_cvrp(text: &str) -> Result<Instance, VrplibError> {
    let mut name = String::new();
    let (mut dimension, mut capacity) = (None, None);
    let mut coords: Vec<Option<(f64, f64)>> = Vec::new();
    let mut demand: Vec<Option<(i64, usize)>> = Vec::new();
    let mut depots = Vec::new();
    let (mut seen_coords, mut seen_demand, mut seen_depot) = (false, false, false);
    let mut section = "";
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let l = raw.trim();
        if l.is_empty() {
            continue;
        }
        if let Some((key, value)) = l.split_once(':') {
            let value = value.trim();
            section = "";
            match key.trim() {
                "NAME" => name = value.to_string(),
                "DIMENSION" => {
                    let n: usize = number(line, value)?;
                    // A second DIMENSION would resize what the sections already filled, and the
                    // nodes read so far would no longer match it (found by the fuzz target).
                    if dimension.is_some() {
                        return Err(VrplibError::Unsupported {
                            line,
                            what: "a second DIMENSION".into(),
                            supported: "one DIMENSION line",
                        });
                    }
                    // The vectors are sized from the header, before any node is read: a huge
                    // DIMENSION must be refused, not allocated (found by the fuzz target).
                    if n > MAX_NODES {
                        return Err(VrplibError::Unsupported {
                            line,
                            what: format!("DIMENSION {n}"),
                            supported: "up to 20,000 nodes",
                        });
                    }
                    dimension = Some(n);
                    coords = vec![None; n];
                    demand = vec![None; n];
                }
                "CAPACITY" => capacity = Some(number::<i64>(line, value)?),
                "EDGE_WEIGHT_TYPE" if value != "EUC_2D" => {
                    return Err(VrplibError::Unsupported {
                        line,
                        what: format!("EDGE_WEIGHT_TYPE {value}"),
                        supported: "EUC_2D",
                    });
                }
                "TYPE" if value != "CVRP" => {
                    return Err(VrplibError::Unsupported { line, what: format!("TYPE {value}"), supported: "CVRP" });
                }
                _ => {}
            }
            continue;
        }
        match l {
            "NODE_COORD_SECTION" => (section, seen_coords) = ("coords", true),
            "DEMAND_SECTION" => (section, seen_demand) = ("demand", true),
            "DEPOT_SECTION" => (section, seen_depot) = ("depot", true),
            "EOF" => break,
            _ if section.is_empty() => {}
            _ => {
                let n = dimension.ok_or(VrplibError::Missing("DIMENSION before the sections"))?;
                let node = |line: usize, x: f64| -> Result<usize, VrplibError> {
                    let id = whole(line, x)?;
                    if id < 1 || id as usize > n {
                        return Err(VrplibError::NodeOutOfRange { line, node: id, dimension: n });
                    }
                    Ok(id as usize - 1)
                };
                match section {
                    "coords" => {
                        let xs = numbers(line, l, 3)?;
                        coords[node(line, xs[0])?] = Some((xs[1], xs[2]));
                    }
                    "demand" => {
                        let xs = numbers(line, l, 2)?;
                        let k = node(line, xs[0])?;
                        demand[k] = Some((whole(line, xs[1])?, line));
                    }
                    _ => {
                        let x = whole(line, numbers(line, l, 1)?[0])?;
                        if x == -1 {
                            section = "";
                        } else {
                            depots.push(node(line, x as f64)?);
                        }
                    }
                }
            }
        }
    }
    let n = dimension.ok_or(VrplibError::Missing("DIMENSION"))?;
    let capacity = capacity.ok_or(VrplibError::Missing("CAPACITY"))?;
    for (seen, what) in
        [(seen_coords, "NODE_COORD_SECTION"), (seen_demand, "DEMAND_SECTION"), (seen_depot, "DEPOT_SECTION")]
    {
        if !seen {
            return Err(VrplibError::Missing(what));
        }
    }
    if depots != [0] {
        return Err(VrplibError::Unsupported {
            line: 0,
            what: format!("depots {:?}", depots.iter().map(|d| d + 1).collect::<Vec<_>>()),
            supported: "a single depot, node 1",
        });
    }
    let coords: Vec<(f64, f64)> = coords
        .into_iter()
        .map(|c| c.ok_or(VrplibError::Missing("coordinates for every node in NODE_COORD_SECTION")))
        .collect::<Result<_, _>>()?;
    let mut jobs = Vec::with_capacity(n - 1);
    for (k, d) in demand.iter().enumerate().skip(1) {
        let (q, line) = d.ok_or(VrplibError::Missing("a demand for every node in DEMAND_SECTION"))?;
        if q < 0 {
            return Err(VrplibError::NegativeDemand { line, customer: k, demand: q });
        }
        if q > capacity {
            return Err(VrplibError::DemandAboveCapacity { line, customer: k, demand: q, capacity });
        }
        jobs.push(Job {
            id: k.to_string(),
            location: k,
            delivery: Load::new(q, 0),
            pickup: Load::ZERO,
            service_s: 0,
            time_window: OPEN,
            needs_cold: false,
            latest_back: None,
        });
    }
    let d = square(&coords, euclid_rounded);
    // One vehicle per customer: CVRP does not limit the fleet, and idle vehicles cost nothing.
    let vehicles = (0..jobs.len().max(1)).map(|i| bench_vehicle(i, capacity, OPEN)).collect();
    let customer = (1..n).collect();
    let problem = Problem::new(Matrix::new(d.clone(), d)?, jobs, vehicles)?;
    Ok(Instance { name, kind: InstanceKind::Cvrp, problem, customer })
}

pub fn read_solomon(text: &str) -> Result<Instance, VrplibError> {
    let mut lines = text.lines().enumerate().map(|(i, l)| (i + 1, l.trim())).filter(|(_, l)| !l.is_empty());
    let name = lines.next().map(|(_, l)| l.to_string()).ok_or(VrplibError::Missing("instance name"))?;
    let mut fleet = None;
    let mut rows: Vec<(usize, Vec<f64>)> = Vec::new();
    let mut in_customers = false;
    while let Some((line, l)) = lines.next() {
        if l.starts_with("VEHICLE") {
            // heading "NUMBER CAPACITY", then the numbers
            lines.next();
            let (line, l) = lines.next().ok_or(VrplibError::Missing("vehicle number and capacity"))?;
            let xs = numbers(line, l, 2)?;
            fleet = Some((whole(line, xs[0])?, whole(line, xs[1])?));
        } else if l.starts_with("CUSTOMER") {
            in_customers = true;
        } else if in_customers && l.starts_with(|c: char| c.is_ascii_digit()) {
            rows.push((line, numbers(line, l, 7)?));
        }
    }
    let (count, capacity) = fleet.ok_or(VrplibError::Missing("VEHICLE section"))?;
    if rows.is_empty() {
        return Err(VrplibError::Missing("CUSTOMER section"));
    }
    for (k, (line, r)) in rows.iter().enumerate() {
        if whole(*line, r[0])? != k as i64 {
            return Err(VrplibError::NodeOutOfRange { line: *line, node: whole(*line, r[0])?, dimension: rows.len() });
        }
    }
    let tenths = |line: usize, x: f64| whole(line, x).map(|v| v * 10);
    let coords: Vec<(f64, f64)> = rows.iter().map(|(_, r)| (r[1], r[2])).collect();
    let (dl, depot) = &rows[0];
    let shift = (tenths(*dl, depot[4])?, tenths(*dl, depot[5])?);
    let mut jobs = Vec::with_capacity(rows.len() - 1);
    for (k, (line, r)) in rows.iter().enumerate().skip(1) {
        let q = whole(*line, r[3])?;
        if q < 0 {
            return Err(VrplibError::NegativeDemand { line: *line, customer: k, demand: q });
        }
        if q > capacity {
            return Err(VrplibError::DemandAboveCapacity { line: *line, customer: k, demand: q, capacity });
        }
        jobs.push(Job {
            id: k.to_string(),
            location: k,
            delivery: Load::new(q, 0),
            pickup: Load::ZERO,
            service_s: tenths(*line, r[6])?,
            time_window: (tenths(*line, r[4])?, tenths(*line, r[5])?),
            needs_cold: false,
            latest_back: None,
        });
    }
    let d = square(&coords, euclid_tenths);
    let vehicles = (0..count.max(0) as usize).map(|i| bench_vehicle(i, capacity, shift)).collect();
    let customer = (1..rows.len()).collect();
    let problem = Problem::new(Matrix::new(d.clone(), d)?, jobs, vehicles)?;
    Ok(Instance { name, kind: InstanceKind::Solomon, problem, customer })
}

impl Instance {
    /// A plan's cost in the file's own units: whole units for CVRP, tenths shown as "827.3" for
    /// Solomon.
    pub fn format_cost(&self, cost_fen: i64) -> String {
        match self.kind {
            InstanceKind::Cvrp => cost_fen.to_string(),
            InstanceKind::Solomon => format!("{}.{}", cost_fen / 10, cost_fen % 10),
        }
    }

    /// The cost in the file's units as a number, for gaps against bks.csv.
    pub fn cost_value(&self, cost_fen: i64) -> f64 {
        match self.kind {
            InstanceKind::Cvrp => cost_fen as f64,
            InstanceKind::Solomon => cost_fen as f64 / 10.0,
        }
    }

    /// The plan in CVRPLIB `.sol` form.
    pub fn write_sol(&self, plan: &Plan, cost_fen: i64) -> String {
        let mut out = String::new();
        for (i, r) in plan.routes.iter().filter(|r| !r.jobs.is_empty()).enumerate() {
            let stops: Vec<String> = r.jobs.iter().map(|&j| self.customer[j].to_string()).collect();
            out.push_str(&format!("Route #{}: {}\n", i + 1, stops.join(" ")));
        }
        out.push_str(&format!("Cost {}\n", self.format_cost(cost_fen)));
        out
    }

    /// A plan from routes of customer numbers (as in a `.sol` file), one vehicle per route.
    pub fn plan_from_routes(&self, routes: &[Vec<usize>]) -> Result<Plan, VrplibError> {
        if routes.len() > self.problem.vehicles().len() {
            return Err(VrplibError::BadSolution(format!(
                "{} routes but only {} vehicles",
                routes.len(),
                self.problem.vehicles().len()
            )));
        }
        let mut routes_out = Vec::new();
        for (v, r) in routes.iter().enumerate() {
            let jobs = r
                .iter()
                .map(|c| {
                    self.customer
                        .iter()
                        .position(|x| x == c)
                        .ok_or_else(|| VrplibError::BadSolution(format!("unknown customer {c}")))
                })
                .collect::<Result<Vec<_>, _>>()?;
            routes_out.push(Route { vehicle: v, jobs });
        }
        Ok(Plan { routes: routes_out, unassigned: vec![] })
    }
}

/// Reads a `.sol`: the routes as customer numbers, and the `Cost` line if there is one.
pub fn read_sol(text: &str) -> Result<(Vec<Vec<usize>>, Option<f64>), VrplibError> {
    let mut routes = Vec::new();
    let mut cost = None;
    for (i, l) in text.lines().enumerate() {
        let line = i + 1;
        let l = l.trim();
        if let Some(rest) = l.strip_prefix("Route #") {
            let (_, stops) = rest
                .split_once(':')
                .ok_or_else(|| VrplibError::BadSolution(format!("line {line}: no ':' after the route number")))?;
            routes.push(stops.split_whitespace().map(|t| number(line, t)).collect::<Result<Vec<usize>, _>>()?);
        } else if let Some(c) = l.strip_prefix("Cost") {
            cost = Some(number(line, c.trim())?);
        }
    }
    Ok((routes, cost))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TINY: &str = "NAME : tiny\nTYPE : CVRP\nDIMENSION : 3\nEDGE_WEIGHT_TYPE : EUC_2D\nCAPACITY : 10\n\
        NODE_COORD_SECTION\n1 0 0\n2 3 4\n3 0 1\nDEMAND_SECTION\n1 0\n2 4\n3 5\nDEPOT_SECTION\n1\n-1\nEOF\n";

    #[test]
    fn a_huge_dimension_is_refused_before_anything_is_allocated() {
        // Found by the fuzz target: this header used to abort with "capacity overflow".
        let text = "NAME : big\nTYPE : CVRP\nDIMENSION : 6000000000000000000\nCAPACITY : 10\n";
        assert!(matches!(read(text, InstanceKind::Cvrp), Err(VrplibError::Unsupported { line: 3, .. })));
        // And a second DIMENSION after the sections (it used to leave zero nodes and underflow).
        let twice = TINY.replace("EOF", "DIMENSION : 0\nEOF");
        assert!(matches!(read(&twice, InstanceKind::Cvrp), Err(VrplibError::Unsupported { .. })), "{twice}");
    }

    #[test]
    fn a_tiny_cvrp_reads_with_rounded_distances() {
        let inst = read_cvrp(TINY).expect("valid");
        let m = inst.problem.matrix();
        assert_eq!((m.distance_m(0, 1), m.distance_m(1, 2), m.distance_m(0, 2)), (5, 4, 1)); // √18 ≈ 4.24
        assert_eq!(inst.problem.jobs()[1].delivery, Load::new(5, 0));
    }

    #[test]
    fn rounding_follows_cvrplib_exactly_at_the_half() {
        // √(0.5² …) cannot occur with whole coordinates, but √2.25=1.5 can with halves.
        assert_eq!(euclid_rounded((0.0, 0.0), (1.5, 0.0)), 2);
        assert_eq!(euclid_rounded((0.0, 0.0), (1.0, 1.0)), 1);
        assert_eq!(euclid_rounded((0.0, 0.0), (2.0, 1.0)), 2); // √5 = 2.236
        assert_eq!(euclid_tenths((0.0, 0.0), (1.0, 1.0)), 14);
    }

    #[test]
    fn a_missing_section_is_named() {
        let text = TINY.replace("DEMAND_SECTION\n1 0\n2 4\n3 5\n", "");
        assert_eq!(read_cvrp(&text).unwrap_err(), VrplibError::Missing("DEMAND_SECTION"));
    }

    #[test]
    fn negative_demand_and_excess_demand_name_the_line() {
        let err = read_cvrp(&TINY.replace("2 4\n", "2 -4\n")).unwrap_err();
        assert_eq!(err, VrplibError::NegativeDemand { line: 12, customer: 1, demand: -4 });
        let err = read_cvrp(&TINY.replace("2 4\n", "2 40\n")).unwrap_err();
        assert!(err.to_string().starts_with("line 12: customer 1 demands 40"), "{err}");
    }

    #[test]
    fn a_malformed_number_names_the_line() {
        let err = read_cvrp(&TINY.replace("2 3 4\n", "2 3 x4\n")).unwrap_err();
        assert_eq!(err, VrplibError::BadNumber { line: 8, text: "x4".into() });
    }

    #[test]
    fn a_sol_file_reads_back() {
        let (routes, cost) = read_sol("Route #1: 1 2\nRoute #2: 3\nCost 42\n").expect("valid");
        assert_eq!(routes, vec![vec![1, 2], vec![3]]);
        assert_eq!(cost, Some(42.0));
        assert!(read_sol("Route #1: 1 two\n").is_err());
    }
}
