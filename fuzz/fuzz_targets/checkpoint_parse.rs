//! Any text as a signed checkpoint or a verifier key: parsing never panics,
//! and what parses prints back to the same text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use supreme_audit::{Checkpoint, PublicKey};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(cp) = Checkpoint::parse(text) {
        assert_eq!(cp.to_text(), text);
        if let Ok(key) = PublicKey::from_vkey(text.lines().last().unwrap_or("")) {
            let _ = cp.verify(&key);
        }
    }
    if let Ok(key) = PublicKey::from_vkey(text) {
        assert_eq!(PublicKey::from_vkey(&key.to_vkey()).ok(), Some(key));
    }
});
