//! Any bytes as a latch file: a parsed latch or a reason, never a panic; what
//! parses round-trips.
#![no_main]

use libfuzzer_sys::fuzz_target;
use supreme_kill_switch::latch::parse_latch;

fuzz_target!(|data: &[u8]| {
    if let Ok(latch) = parse_latch(data) {
        let again = serde_json::to_vec(&latch).unwrap();
        assert_eq!(parse_latch(&again).unwrap(), latch);
    }
});
