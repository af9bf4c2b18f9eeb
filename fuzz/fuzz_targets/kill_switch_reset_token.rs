//! Any text as a reset token or a reset policy: parsed or refused, never a
//! panic; no parsed token verifies under a fixed key it was not signed with.
#![no_main]

use libfuzzer_sys::fuzz_target;
use supreme_kill_switch::{OperatorPublicKey, ResetPolicy, ResetToken};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = ResetPolicy::from_json(text);
    if let Ok(token) = ResetToken::parse(text) {
        let key = OperatorPublicKey::from_hex(&"11".repeat(32)).unwrap();
        assert!(!token.verify(&key));
    }
});
