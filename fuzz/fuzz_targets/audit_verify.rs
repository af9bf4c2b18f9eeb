//! Any bytes as an audit log: the verifier and the record parser never panic,
//! and a line the strict parser accepts re-serializes to the same bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use supreme_audit::{Record, VerifyOptions, verify_files};

fuzz_target!(|data: &[u8]| {
    for line in data.split(|b| *b == b'\n') {
        if let Ok(r) = Record::parse(line) {
            assert_eq!(r.to_line(), line);
        }
    }
    let path = std::env::temp_dir().join(format!("supreme-fuzz-audit-{}.log", std::process::id()));
    std::fs::write(&path, data).expect("write temp log");
    for strict in [false, true] {
        let opts = VerifyOptions { strict, ..VerifyOptions::default() };
        let _ = verify_files(std::slice::from_ref(&path), &opts, &mut |_, _| {});
    }
});
