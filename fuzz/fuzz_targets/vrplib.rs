//! VRPLIB instance files (CVRPLIB keywords and Solomon tables) come from outside: reading any
//! text must end in an instance or an error, never a panic, a hang or an allocation blow-up.
#![no_main]

use libfuzzer_sys::fuzz_target;
use uplink_logistics::vrplib::{InstanceKind, read};

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = read(text, InstanceKind::Cvrp);
        let _ = read(text, InstanceKind::Solomon);
    }
});
