//! The routing problem: places joined by a distance/time matrix, the day's jobs (a delivery down to
//! a station and/or a pickup back up, with a time window) and the fleet. A `Problem` can only be
//! built through `Problem::new`, which validates, so planners and the checker may trust indices.
//!
//! Units are integers throughout: metres, seconds, grams, cm³ and fen. Floats never reach a
//! result, so two runs of a plan cost exactly the same.

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Number of capacity dimensions: weight (grams) and volume (cm³).
pub const DIMS: usize = 2;

/// A quantity in every capacity dimension: `[grams, cm³]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct Load(pub [i64; DIMS]);

impl Load {
    pub const ZERO: Load = Load([0; DIMS]);

    pub fn new(grams: i64, cm3: i64) -> Load {
        Load([grams, cm3])
    }

    pub fn grams(self) -> i64 {
        self.0[0]
    }

    pub fn cm3(self) -> i64 {
        self.0[1]
    }

    /// Component-wise maximum: the peak of two loads, dimension by dimension.
    pub fn max(self, o: Load) -> Load {
        Load(std::array::from_fn(|d| self.0[d].max(o.0[d])))
    }

    /// True when every dimension is within `capacity`.
    pub fn fits(self, capacity: Load) -> bool {
        (0..DIMS).all(|d| self.0[d] <= capacity.0[d])
    }

    pub fn is_nonnegative(self) -> bool {
        self.0.iter().all(|&x| x >= 0)
    }
}

impl std::ops::Add for Load {
    type Output = Load;
    fn add(self, o: Load) -> Load {
        Load(std::array::from_fn(|d| self.0[d] + o.0[d]))
    }
}

impl std::ops::Sub for Load {
    type Output = Load;
    fn sub(self, o: Load) -> Load {
        Load(std::array::from_fn(|d| self.0[d] - o.0[d]))
    }
}

/// Travel distance (m) and duration (s) between every ordered pair of locations.
/// Not necessarily symmetric: a climb takes longer than the descent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matrix {
    size: usize,
    distance_m: Vec<i64>,
    duration_s: Vec<i64>,
}

impl Matrix {
    pub fn new(distance_m: Vec<Vec<i64>>, duration_s: Vec<Vec<i64>>) -> Result<Matrix, ProblemError> {
        let size = distance_m.len();
        if duration_s.len() != size {
            return Err(ProblemError::MatrixSizeMismatch { distance: size, duration: duration_s.len() });
        }
        let mut flat_d = Vec::with_capacity(size * size);
        let mut flat_t = Vec::with_capacity(size * size);
        for (row, (d, t)) in distance_m.iter().zip(&duration_s).enumerate() {
            for (which, r) in [("distance", d), ("duration", t)] {
                if r.len() != size {
                    return Err(ProblemError::NotSquare { which, row, len: r.len(), expected: size });
                }
            }
            for (col, (&dv, &tv)) in d.iter().zip(t).enumerate() {
                if dv < 0 || tv < 0 {
                    return Err(ProblemError::NegativeTravel { from: row, to: col });
                }
            }
            flat_d.extend_from_slice(d);
            flat_t.extend_from_slice(t);
        }
        Ok(Matrix { size, distance_m: flat_d, duration_s: flat_t })
    }

    /// Number of locations.
    pub fn size(&self) -> usize {
        self.size
    }

    pub fn distance_m(&self, from: usize, to: usize) -> i64 {
        self.distance_m[from * self.size + to]
    }

    pub fn duration_s(&self, from: usize, to: usize) -> i64 {
        self.duration_s[from * self.size + to]
    }
}

/// One stop's work: what is dropped (loaded at the depot) and what is collected (carried back to
/// the depot), both at `location`. A station with parcels to drop and produce to send up is one
/// job with both loads, so the truck stops once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Job {
    pub id: String,
    pub location: usize,
    pub delivery: Load,
    pub pickup: Load,
    pub service_s: i64,
    /// Service may start no earlier than `.0` (the truck waits) and no later than `.1`.
    pub time_window: (i64, i64),
    pub needs_cold: bool,
    /// Latest arrival at the vehicle's end location with this job's pickup on board (shelf life:
    /// berries picked at dawn must be in the hub's cold room by evening). `None`: only the shift
    /// limits the return.
    #[serde(default)]
    pub latest_back: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vehicle {
    pub id: String,
    pub start_location: usize,
    pub end_location: usize,
    pub capacity: Load,
    pub refrigerated: bool,
    /// Leaves no earlier than `.0`, back at its end location no later than `.1`.
    pub shift: (i64, i64),
    pub cost_per_km_fen: i64,
    pub cost_per_hour_fen: i64,
    /// Charged once when the vehicle is used at all (driver's day, depreciation).
    pub fixed_cost_fen: i64,
}

impl Vehicle {
    /// The cost of a route: the one place this rule lives. `working_s` is driving plus service
    /// time; waiting for a station to open is not charged, since the driver may rest then and
    /// charging it would make a route's cost depend on its whole schedule.
    pub fn route_cost_fen(&self, distance_m: i64, working_s: i64) -> i64 {
        self.fixed_cost_fen
            + div_round(distance_m * self.cost_per_km_fen, 1000)
            + div_round(working_s * self.cost_per_hour_fen, 3600)
    }
}

/// Integer division rounding half away from zero, for non-negative inputs.
fn div_round(x: i64, d: i64) -> i64 {
    (x + d / 2) / d
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ProblemError {
    #[error("the {which} matrix is not square: row {row} has {len} entries, expected {expected}")]
    NotSquare { which: &'static str, row: usize, len: usize, expected: usize },
    #[error("the distance matrix has {distance} rows but the duration matrix has {duration}")]
    MatrixSizeMismatch { distance: usize, duration: usize },
    #[error("negative distance or duration from location {from} to {to}")]
    NegativeTravel { from: usize, to: usize },
    #[error("{what} refers to location {location}, but the matrix has only {size} locations")]
    LocationOutOfRange { what: String, location: usize, size: usize },
    #[error("job {job} has a negative delivery or pickup; quantities must be zero or more")]
    NegativeDemand { job: String },
    #[error("vehicle {vehicle} has a negative capacity")]
    NegativeCapacity { vehicle: String },
    #[error(
        "job {job} has a time window that closes before it opens, a negative service time, or must be back before it opens"
    )]
    BadTimeWindow { job: String },
    #[error("vehicle {vehicle} has a shift that ends before it starts")]
    BadShift { vehicle: String },
    #[error("vehicle {vehicle} has a negative cost")]
    NegativeCost { vehicle: String },
    #[error("job id {job} is used twice; job ids must be unique")]
    DuplicateJobId { job: String },
}

/// A validated routing problem.
#[derive(Debug, Clone)]
pub struct Problem {
    matrix: Matrix,
    jobs: Vec<Job>,
    vehicles: Vec<Vehicle>,
}

impl Problem {
    pub fn new(matrix: Matrix, jobs: Vec<Job>, vehicles: Vec<Vehicle>) -> Result<Problem, ProblemError> {
        let size = matrix.size();
        let in_range = |what: String, location: usize| {
            if location < size { Ok(()) } else { Err(ProblemError::LocationOutOfRange { what, location, size }) }
        };
        let mut ids = std::collections::HashSet::new();
        for j in &jobs {
            in_range(format!("job {}", j.id), j.location)?;
            if !j.delivery.is_nonnegative() || !j.pickup.is_nonnegative() {
                return Err(ProblemError::NegativeDemand { job: j.id.clone() });
            }
            if j.time_window.0 > j.time_window.1
                || j.service_s < 0
                || j.latest_back.is_some_and(|b| b < j.time_window.0)
            {
                return Err(ProblemError::BadTimeWindow { job: j.id.clone() });
            }
            if !ids.insert(j.id.as_str()) {
                return Err(ProblemError::DuplicateJobId { job: j.id.clone() });
            }
        }
        for v in &vehicles {
            in_range(format!("vehicle {} (start)", v.id), v.start_location)?;
            in_range(format!("vehicle {} (end)", v.id), v.end_location)?;
            if !v.capacity.is_nonnegative() {
                return Err(ProblemError::NegativeCapacity { vehicle: v.id.clone() });
            }
            if v.shift.0 > v.shift.1 {
                return Err(ProblemError::BadShift { vehicle: v.id.clone() });
            }
            if v.cost_per_km_fen < 0 || v.cost_per_hour_fen < 0 || v.fixed_cost_fen < 0 {
                return Err(ProblemError::NegativeCost { vehicle: v.id.clone() });
            }
        }
        Ok(Problem { matrix, jobs, vehicles })
    }

    pub fn matrix(&self) -> &Matrix {
        &self.matrix
    }

    pub fn jobs(&self) -> &[Job] {
        &self.jobs
    }

    pub fn vehicles(&self) -> &[Vehicle] {
        &self.vehicles
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(n: usize) -> Matrix {
        let d: Vec<Vec<i64>> = (0..n).map(|i| (0..n).map(|j| (i as i64 - j as i64).abs() * 1000).collect()).collect();
        Matrix::new(d.clone(), d).expect("square")
    }

    fn job(id: &str, location: usize) -> Job {
        Job {
            id: id.into(),
            location,
            delivery: Load::new(1000, 0),
            pickup: Load::ZERO,
            service_s: 0,
            time_window: (0, 100),
            needs_cold: false,
            latest_back: None,
        }
    }

    #[test]
    fn a_ragged_matrix_is_refused() {
        let err = Matrix::new(vec![vec![0, 1], vec![1]], vec![vec![0, 1], vec![1, 0]]).unwrap_err();
        assert!(matches!(err, ProblemError::NotSquare { row: 1, .. }), "{err}");
    }

    #[test]
    fn a_job_off_the_map_or_with_negative_demand_is_refused() {
        let err = Problem::new(line(2), vec![job("far", 5)], vec![]).unwrap_err();
        assert!(err.to_string().contains("location 5"), "{err}");
        let mut j = job("neg", 1);
        j.pickup = Load::new(-1, 0);
        let err = Problem::new(line(2), vec![j], vec![]).unwrap_err();
        assert_eq!(err, ProblemError::NegativeDemand { job: "neg".into() });
    }

    #[test]
    fn route_cost_rounds_to_whole_fen() {
        let v = Vehicle {
            id: "t".into(),
            start_location: 0,
            end_location: 0,
            capacity: Load::ZERO,
            refrigerated: false,
            shift: (0, 1),
            cost_per_km_fen: 250,
            cost_per_hour_fen: 3600,
            fixed_cost_fen: 10_000,
        };
        // 12.5 km at 2.50 yuan/km = 31.25 yuan; 30 min at 36 yuan/h = 18 yuan; plus 100 yuan.
        assert_eq!(v.route_cost_fen(12_500, 1800), 10_000 + 3125 + 1800);
    }
}
