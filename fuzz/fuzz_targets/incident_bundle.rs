//! Any bytes as an evidence bundle, and as its manifest: judging never
//! panics, and nothing but a bundle signed by the trusted key is intact.
#![no_main]

use libfuzzer_sys::fuzz_target;
use supreme_audit::bundle::{Manifest, verify_reader};
use supreme_core::operator::OperatorPublicKey;

fuzz_target!(|data: &[u8]| {
    let _ = Manifest::parse(data);
    let key = OperatorPublicKey::from_hex(&"ab".repeat(32)).expect("key");
    let report = verify_reader(data, &key).expect("in-memory reads do not fail");
    assert!(!report.is_intact(), "no one holds the secret half of this key");
});
