//! No input panics the parser: arbitrary strings, and the full example cut
//! or corrupted anywhere.

#![allow(clippy::unwrap_used)]

mod support;

use proptest::prelude::*;
use supreme_guard::{Config, Environment, Source};

fn parse(text: &str) {
    let src = Source::new("/nonexistent/supreme.toml", text);
    if let Err(errors) = Config::parse(&src, &Environment::empty()) {
        assert!(!errors.is_empty());
        for e in &errors {
            let _ = e.to_string();
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_strings_never_panic(text in "\\PC*") {
        parse(&text);
    }

    #[test]
    fn the_example_cut_or_corrupted_never_panics(at in 0usize..4000, byte in any::<u8>()) {
        let text = std::fs::read_to_string(support::fixtures().join("valid/full.toml")).unwrap();
        let at = at.min(text.len());
        let mut bytes = text.into_bytes();
        bytes.truncate(at.max(1) + 200);
        if let Some(b) = bytes.get_mut(at) {
            *b = byte;
        }
        parse(&String::from_utf8_lossy(&bytes));
        parse(&String::from_utf8_lossy(&bytes[..at]));
    }
}
