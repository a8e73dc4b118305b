//! The cities the county sells to: drop points in Kunming, the provincial capital (a day's
//! line-haul east), and in Dali, the prefecture city an hour west, where city buyers collect.

use crate::codes;
use crate::county::{City, DropPoint};
use uplink_core::geo::LatLon;

/// Each drop point: city, district (as shop names use it), latitude, longitude.
const DROP_POINTS: &[(City, &str, f64, f64)] = &[
    (City::Kunming, "盘龙", 25.085, 102.722),
    (City::Kunming, "官渡", 25.015, 102.744),
    (City::Kunming, "呈贡", 24.889, 102.821),
    (City::Dali, "下关", 25.594, 100.268),
    (City::Dali, "古城", 25.692, 100.163),
];

impl City {
    /// The city's name as it starts a shop's name.
    pub fn short_name(self) -> &'static str {
        match self {
            City::Kunming => "昆明",
            City::Dali => "大理",
        }
    }

    fn code(self) -> &'static str {
        match self {
            City::Kunming => "KM",
            City::Dali => "DL",
        }
    }
}

/// The district of drop point `i`, for naming the businesses that collect there.
pub fn district(i: usize) -> &'static str {
    DROP_POINTS[i].1
}

pub fn drop_points() -> Vec<DropPoint> {
    DROP_POINTS
        .iter()
        .enumerate()
        .map(|(i, &(city, district, lat, lon))| {
            let n = DROP_POINTS[..=i].iter().filter(|d| d.0 == city).count();
            DropPoint {
                code: codes::drop_point(city.code(), n),
                name: format!("{}{district}集配点", city.short_name()),
                location: LatLon { lat, lon },
                city,
            }
        })
        .collect()
}
