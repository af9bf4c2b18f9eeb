//! Any text as an operator token of either purpose (a kill-switch reset, a
//! risk breach clear): parsed or refused, never a panic; no parsed token
//! verifies under a fixed key it was not signed with, and a token of one
//! purpose never parses as the other.
#![no_main]

use libfuzzer_sys::fuzz_target;
use supreme_core::operator::{KillSwitchReset, OperatorPublicKey, RiskClear, Token};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let key = OperatorPublicKey::from_hex(&"11".repeat(32)).unwrap();
    let clear = Token::<RiskClear>::parse(text);
    let reset = Token::<KillSwitchReset>::parse(text);
    assert!(clear.is_err() || reset.is_err(), "one text parsed as both purposes");
    if let Ok(t) = clear {
        assert!(!t.verify(&key));
    }
    if let Ok(t) = reset {
        assert!(!t.verify(&key));
    }
});
