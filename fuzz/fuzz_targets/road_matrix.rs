//! A road matrix CSV imported over the estimates: any text replaces the figures or is refused;
//! an accepted matrix still has a zero diagonal and one row per place.
#![no_main]

use libfuzzer_sys::fuzz_target;
use uplink_core::{LatLon, RoadClass};
use uplink_logistics::road::RoadModel;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let place = |code: &str, lat: f64, lon: f64| {
        (code.to_string(), LatLon::parse(lat, lon).expect("a fixed valid point"), RoadClass::Paved)
    };
    let places = [place("HUB", 25.5, 100.5), place("S1", 25.6, 100.6), place("S2", 25.4, 100.3)];
    if let Ok(m) = RoadModel::estimate(&places).with_matrix_csv(text) {
        let (d, t) = m.matrix();
        assert_eq!(d.len(), 3);
        assert_eq!(t.len(), 3);
        for i in 0..3 {
            assert_eq!(d[i][i], 0);
        }
    }
});
