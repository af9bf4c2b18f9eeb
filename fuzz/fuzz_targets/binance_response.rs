//! Any bytes as an exchange answer: order state and key restrictions parse
//! to a value or a typed error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use supreme_binance::{ApiRestrictions, KeyPolicy, OrderState, judge};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(state) = OrderState::from_json_str(text) {
        let _ = state.is_open();
    }
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(text)
        && let Ok(r) = ApiRestrictions::from_json(&v)
    {
        let verdict = judge(&r, &KeyPolicy::default(), 1_700_000_000_000);
        let withdraws = r.flags.get("enableWithdrawals") != Some(&false);
        assert!(!(withdraws && verdict.is_ok()), "a key that may withdraw must be refused");
    }
});
