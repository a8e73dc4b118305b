//! Short codes people read out or scan: pickup codes, GTINs, dates. A pickup code that parses is
//! exactly six digits.
#![no_main]

use libfuzzer_sys::fuzz_target;
use uplink_core::catalog::Gtin;
use uplink_core::order::PickupCode;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(p) = PickupCode::parse(text) {
        assert!(p.as_str().len() == 6 && p.as_str().bytes().all(|b| b.is_ascii_digit()));
    }
    let _ = Gtin::parse(text);
    let _ = uplink_core::time::parse_date(text);
});
