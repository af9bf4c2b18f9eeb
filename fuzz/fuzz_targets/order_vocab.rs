//! Any text as each order name or amount (Symbol, Asset, ClientOrderId,
//! Side, Price, Quantity): parsed or refused with a typed error, never a
//! panic; whatever parses prints back to a text that parses to the same
//! value.
#![no_main]

use libfuzzer_sys::fuzz_target;
use supreme_core::{Asset, ClientOrderId, Price, Quantity, Side, Symbol};

fn round_trip<T>(text: &str)
where
    T: std::str::FromStr + std::fmt::Display + PartialEq + std::fmt::Debug,
{
    if let Ok(v) = text.parse::<T>() {
        let again: T = v
            .to_string()
            .parse()
            .unwrap_or_else(|_| panic!("{v} does not parse back"));
        assert_eq!(v, again);
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    round_trip::<Symbol>(text);
    round_trip::<Asset>(text);
    round_trip::<ClientOrderId>(text);
    round_trip::<Side>(text);
    round_trip::<Price>(text);
    round_trip::<Quantity>(text);
});
