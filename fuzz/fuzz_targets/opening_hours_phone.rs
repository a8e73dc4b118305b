//! A station's opening hours and people's phone numbers, typed by operators and agents.
#![no_main]

use libfuzzer_sys::fuzz_target;
use uplink_core::network::OpeningHours;
use uplink_core::people::PhoneNumber;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = OpeningHours::parse(text);
    let _ = PhoneNumber::parse(text);
});
