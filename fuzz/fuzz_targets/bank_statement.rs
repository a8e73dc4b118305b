//! Bank statement CSV, uploaded by an operator: any text is read into lines or refused with
//! the bad lines named; a line that is read has a positive amount.
#![no_main]

use libfuzzer_sys::fuzz_target;
use uplink_core::ledger::bank::parse_statement;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(lines) = parse_statement(text) {
            assert!(lines.len() <= text.lines().count());
        }
    }
});
