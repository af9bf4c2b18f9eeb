//! Any bytes as a risk state file: a state or a typed error, never a panic;
//! what parses round-trips. The bytes are tried as a whole file and, tagged
//! under the fixed test key, as a body (so the JSON parser behind the tag is
//! reached too).
#![no_main]

use libfuzzer_sys::fuzz_target;
use supreme_risk_limits::{PersistedState, StateKey};

fuzz_target!(|data: &[u8]| {
    let key = StateKey::from_secret(Box::new([0x5a; 32]).into());
    let tag: String = key
        .tag(PersistedState::FORMAT, data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let mut framed = format!("{}\nhmac-sha256={tag}\n", PersistedState::FORMAT).into_bytes();
    framed.extend_from_slice(data);
    for bytes in [data, &framed[..]] {
        if let Ok(state) = PersistedState::parse(bytes, &key) {
            assert_eq!(PersistedState::parse(&state.to_bytes(&key), &key).unwrap(), state);
        }
    }
});
