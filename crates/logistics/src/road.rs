//! The road model: a distance and a driving time between any two places of the county.
//! Without road data it estimates: great-circle distance × the winding factor of the worse of the
//! two roads (a village reached by a mountain track winds, however good the road at the other
//! end), driven at that road's speed. An operator with real road data (OSRM, Valhalla) imports a
//! distance/time matrix as CSV, and its figures replace the estimates.

use std::collections::HashMap;
use thiserror::Error;
use uplink_core::{LatLon, RoadClass};

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RoadError {
    #[error("the matrix CSV must start with the header 'from,to,distance_m,duration_s', found '{found}'")]
    BadHeader { found: String },
    #[error("matrix CSV line {line}: expected 4 fields 'from,to,distance_m,duration_s', found {found}")]
    WrongFieldCount { line: usize, found: usize },
    #[error("matrix CSV line {line}: {field} '{text}' is not a whole number of metres or seconds >= 0")]
    BadNumber { line: usize, field: &'static str, text: String },
    #[error("the matrix CSV has no row from '{from}' to '{to}'; add it, or remove the CSV to use estimates")]
    MissingPair { from: String, to: String },
}

#[derive(Debug, Clone, PartialEq)]
pub struct RoadModel {
    codes: Vec<String>,
    distance_m: Vec<Vec<i64>>,
    duration_s: Vec<Vec<i64>>,
}

/// The worse road is the one that winds more; it sets both the detour and the speed.
fn worse(a: RoadClass, b: RoadClass) -> RoadClass {
    if a.winding() >= b.winding() { a } else { b }
}

impl RoadModel {
    /// Estimates from coordinates and road classes; `places` are (place code, position, road).
    pub fn estimate(places: &[(String, LatLon, RoadClass)]) -> RoadModel {
        let n = places.len();
        let mut distance_m = vec![vec![0; n]; n];
        let mut duration_s = vec![vec![0; n]; n];
        for (i, (_, a, ra)) in places.iter().enumerate() {
            for (j, (_, b, rb)) in places.iter().enumerate() {
                if i == j {
                    continue;
                }
                let road = worse(*ra, *rb);
                let metres = a.distance_m(*b) * road.winding();
                distance_m[i][j] = metres.round() as i64;
                duration_s[i][j] = (metres / (road.speed_kmh() / 3.6)).round() as i64;
            }
        }
        RoadModel { codes: places.iter().map(|p| p.0.clone()).collect(), distance_m, duration_s }
    }

    /// Replaces estimates with the CSV's figures. Rows about places this model does not know are
    /// ignored (a county-wide matrix covers more than one day's stops), but every ordered pair of
    /// this model's places must be present: a missing pair usually means a station was added
    /// after the matrix was made, and mixing estimates with road data would hide that.
    pub fn with_matrix_csv(mut self, csv: &str) -> Result<RoadModel, RoadError> {
        let mut lines = csv.lines().enumerate().filter(|(_, l)| !l.trim().is_empty());
        let header = lines.next().map(|(_, l)| l.trim()).unwrap_or("");
        let fields: Vec<&str> = header.split(',').map(str::trim).collect();
        if fields != ["from", "to", "distance_m", "duration_s"] {
            return Err(RoadError::BadHeader { found: header.to_string() });
        }
        let index: HashMap<&str, usize> = self.codes.iter().enumerate().map(|(i, c)| (c.as_str(), i)).collect();
        let n = self.codes.len();
        let mut have = vec![vec![false; n]; n];
        for (i, raw) in lines {
            let line = i + 1;
            let f: Vec<&str> = raw.split(',').map(str::trim).collect();
            if f.len() != 4 {
                return Err(RoadError::WrongFieldCount { line, found: f.len() });
            }
            let num = |field: &'static str, text: &str| {
                text.parse::<i64>().ok().filter(|x| *x >= 0).ok_or_else(|| RoadError::BadNumber {
                    line,
                    field,
                    text: text.to_string(),
                })
            };
            let (d, t) = (num("distance_m", f[2])?, num("duration_s", f[3])?);
            if let (Some(&a), Some(&b)) = (index.get(f[0]), index.get(f[1])) {
                self.distance_m[a][b] = d;
                self.duration_s[a][b] = t;
                have[a][b] = true;
            }
        }
        for (a, row) in have.iter().enumerate() {
            for (b, &present) in row.iter().enumerate() {
                if a != b && !present {
                    return Err(RoadError::MissingPair { from: self.codes[a].clone(), to: self.codes[b].clone() });
                }
            }
        }
        Ok(self)
    }

    pub fn codes(&self) -> &[String] {
        &self.codes
    }

    /// (distance in metres, duration in seconds), indexed like the places given to `estimate`.
    pub fn matrix(&self) -> (Vec<Vec<i64>>, Vec<Vec<i64>>) {
        (self.distance_m.clone(), self.duration_s.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn places() -> Vec<(String, LatLon, RoadClass)> {
        vec![
            ("hub".into(), LatLon { lat: 25.80, lon: 100.60 }, RoadClass::Paved),
            ("lower".into(), LatLon { lat: 25.90, lon: 100.60 }, RoadClass::Paved),
            ("upper".into(), LatLon { lat: 25.80, lon: 100.70 }, RoadClass::MountainTrack),
        ]
    }

    #[test]
    fn a_village_up_a_mountain_track_is_farther_and_slower_than_the_crow_flies() {
        let (d, t) = RoadModel::estimate(&places()).matrix();
        let crow = places()[0].1.distance_m(places()[2].1);
        assert_eq!(d[0][2], (crow * 2.2).round() as i64);
        assert_eq!(d[2][0], d[0][2]);
        // 11.1 km × 1.3 on the paved road at 45 km/h: about 19 minutes
        assert!((1100..1200).contains(&t[0][1]), "{}", t[0][1]);
        assert!(t[0][2] > 3 * t[0][1], "mountain track is far slower");
    }

    #[test]
    fn an_imported_matrix_takes_precedence() {
        let mut csv = String::from("from,to,distance_m,duration_s\n");
        for a in ["hub", "lower", "upper"] {
            for b in ["hub", "lower", "upper", "elsewhere"] {
                if a != b {
                    csv.push_str(&format!("{a},{b},{},{}\n", 1000 + a.len() * 10 + b.len(), 60));
                }
            }
        }
        let (d, t) = RoadModel::estimate(&places()).with_matrix_csv(&csv).expect("complete").matrix();
        assert_eq!((d[0][2], t[0][2]), (1035, 60));
        assert_eq!(d[1][1], 0);
    }

    #[test]
    fn a_missing_pair_or_bad_number_is_named() {
        let csv = "from,to,distance_m,duration_s\nhub,lower,100,10\n";
        let err = RoadModel::estimate(&places()).with_matrix_csv(csv).unwrap_err();
        assert_eq!(err, RoadError::MissingPair { from: "hub".into(), to: "upper".into() });
        let csv = "from,to,distance_m,duration_s\nhub,lower,100,10\nhub,upper,1.5km,10\n";
        let err = RoadModel::estimate(&places()).with_matrix_csv(csv).unwrap_err();
        assert!(err.to_string().starts_with("matrix CSV line 3: distance_m '1.5km'"), "{err}");
    }
}
