//! Any text as a string value the audit redactor scans: it never panics,
//! text it leaves alone comes back borrowed, and what it changes carries
//! the redaction mark.
#![no_main]

use std::borrow::Cow;

use libfuzzer_sys::fuzz_target;
use supreme_audit::{REDACTED, Redactor};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let r = Redactor::default();
    match r.redact_str(text) {
        Cow::Borrowed(same) => assert_eq!(same, text),
        Cow::Owned(changed) => assert!(changed.contains(REDACTED)),
    }
    let _ = r.is_secret(text);
});
