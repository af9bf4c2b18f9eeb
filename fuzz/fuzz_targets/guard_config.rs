//! Any bytes as a supreme.toml: a config or errors with a place, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use supreme_guard::{Config, Environment, Source};

fuzz_target!(|data: &[u8]| {
    let src = Source::new("/nonexistent/supreme.toml", String::from_utf8_lossy(data));
    if let Err(errors) = Config::parse(&src, &Environment::empty()) {
        assert!(!errors.is_empty());
        for e in &errors {
            let _ = e.to_string();
        }
    }
});
