//! Any bytes as a risk state file: a state or a typed error, never a panic;
//! what parses round-trips.
#![no_main]

use libfuzzer_sys::fuzz_target;
use supreme_risk_limits::PersistedState;

fuzz_target!(|data: &[u8]| {
    if let Ok(state) = PersistedState::parse(data) {
        assert_eq!(PersistedState::parse(&state.to_bytes()).unwrap(), state);
    }
});
