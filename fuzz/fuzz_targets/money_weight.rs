//! Money and weight as people type them: a parse never panics (overflow included), and what
//! parses prints back to the same value.
#![no_main]

use libfuzzer_sys::fuzz_target;
use uplink_core::{Fen, Grams};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(f) = Fen::parse_yuan(text) {
        assert_eq!(Fen::parse_yuan(&f.to_string()), Ok(f), "{text:?}");
    }
    if let Ok(g) = Grams::parse(text) {
        if g.0 >= 0 {
            assert_eq!(Grams::parse(&g.to_string()), Ok(g), "{text:?}");
        }
    }
});
