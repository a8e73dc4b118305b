//! Geography: coordinates, the county's area, and road classes with how much they wind and how
//! fast a loaded truck goes on them. The road model in `logistics` builds on these numbers.

use crate::validation::FieldError;
use serde::{Deserialize, Serialize};

/// A point in WGS-84 degrees. Coordinates are measurements, not money or weight, so `f64` is right.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LatLon {
    pub lat: f64,
    pub lon: f64,
}

impl LatLon {
    pub fn parse(lat: f64, lon: f64) -> Result<LatLon, FieldError> {
        if !lat.is_finite() || !(-90.0..=90.0).contains(&lat) {
            return Err(FieldError::new("lat", "out-of-range").arg("min", -90).arg("max", 90));
        }
        if !lon.is_finite() || !(-180.0..=180.0).contains(&lon) {
            return Err(FieldError::new("lon", "out-of-range").arg("min", -180).arg("max", 180));
        }
        // Stored as integer micro-degrees (about 0.1 m), so round here: what is accepted is
        // exactly what is kept and read back, on every backend.
        let round = |d: f64| (d * 1e6).round() / 1e6;
        Ok(LatLon { lat: round(lat), lon: round(lon) })
    }

    /// Great-circle distance in metres (haversine, mean Earth radius).
    pub fn distance_m(self, o: LatLon) -> f64 {
        const R: f64 = 6_371_008.8;
        let (p1, p2) = (self.lat.to_radians(), o.lat.to_radians());
        let dp = p2 - p1;
        let dl = (o.lon - self.lon).to_radians();
        let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
        2.0 * R * a.sqrt().asin()
    }
}

/// The rectangle a county's places must lie in; catches swapped or mistyped coordinates.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Area {
    pub south: f64,
    pub west: f64,
    pub north: f64,
    pub east: f64,
}

impl Area {
    pub fn parse(south: f64, west: f64, north: f64, east: f64) -> Result<Area, FieldError> {
        LatLon::parse(south, west).map_err(|e| e.under("south_west"))?;
        LatLon::parse(north, east).map_err(|e| e.under("north_east"))?;
        if south >= north || west >= east {
            return Err(FieldError::new("", "empty-area"));
        }
        Ok(Area { south, west, north, east })
    }

    /// A square of `half_km` around a centre, as used when a county is set up from its seat.
    pub fn around(c: LatLon, half_km: f64) -> Area {
        let dlat = half_km / 111.32;
        let dlon = half_km / (111.32 * c.lat.to_radians().cos().max(0.01));
        Area { south: c.lat - dlat, west: c.lon - dlon, north: c.lat + dlat, east: c.lon + dlon }
    }

    pub fn contains(&self, p: LatLon) -> bool {
        (self.south..=self.north).contains(&p.lat) && (self.west..=self.east).contains(&p.lon)
    }

    /// A point of this county, or an error that says it lies outside.
    pub fn place(&self, p: LatLon) -> Result<LatLon, FieldError> {
        if self.contains(p) {
            Ok(p)
        } else {
            Err(FieldError::new("", "outside-county")
                .arg("south", self.south)
                .arg("west", self.west)
                .arg("north", self.north)
                .arg("east", self.east))
        }
    }
}

/// The road that reaches a village. Mountain tracks wind far more, and are far slower, than
/// paved valley roads; the road model multiplies straight-line distance by `winding()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RoadClass {
    Paved,
    Gravel,
    MountainTrack,
}

impl RoadClass {
    pub const ALL: [RoadClass; 3] = [RoadClass::Paved, RoadClass::Gravel, RoadClass::MountainTrack];

    pub fn as_str(self) -> &'static str {
        match self {
            RoadClass::Paved => "paved",
            RoadClass::Gravel => "gravel",
            RoadClass::MountainTrack => "mountain_track",
        }
    }

    pub fn parse(s: &str) -> Result<RoadClass, FieldError> {
        RoadClass::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| FieldError::new("", "unknown-choice").arg("allowed", "paved, gravel, mountain_track"))
    }

    /// Road distance per straight-line distance. Survey figures for Yunnan valley roads are
    /// about 1.3; switchback tracks up a mountainside 2 or more.
    pub fn winding(self) -> f64 {
        match self {
            RoadClass::Paved => 1.3,
            RoadClass::Gravel => 1.6,
            RoadClass::MountainTrack => 2.2,
        }
    }

    /// Average speed of a loaded light truck, km/h.
    pub fn speed_kmh(self) -> f64 {
        match self {
            RoadClass::Paved => 45.0,
            RoadClass::Gravel => 28.0,
            RoadClass::MountainTrack => 16.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance_of_one_degree_of_latitude_is_about_111_km() {
        let a = LatLon { lat: 25.0, lon: 100.6 };
        let b = LatLon { lat: 26.0, lon: 100.6 };
        assert!((a.distance_m(b) - 111_195.0).abs() < 100.0);
    }

    #[test]
    fn an_area_knows_its_points() {
        let c = LatLon { lat: 25.8, lon: 100.6 };
        let area = Area::around(c, 40.0);
        assert!(area.contains(c));
        assert!(area.place(LatLon { lat: 27.0, lon: 100.6 }).is_err());
        assert_eq!(LatLon::parse(91.0, 0.0).unwrap_err().field, "lat");
    }

    #[test]
    fn mountain_tracks_are_slower_and_longer() {
        assert!(RoadClass::MountainTrack.winding() > RoadClass::Paved.winding());
        assert!(RoadClass::MountainTrack.speed_kmh() < RoadClass::Paved.speed_kmh());
        assert_eq!(RoadClass::parse("gravel").unwrap(), RoadClass::Gravel);
        assert!(RoadClass::parse("dirt").is_err());
    }
}
