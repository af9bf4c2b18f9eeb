//! Any bytes as a vault file: never a panic, never unbounded work (tight
//! KDF caps), and whatever opens re-encodes to exactly the same bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use supreme_vault::secrecy::SecretString;
use supreme_vault::{KdfLimits, OpenOptions, Vault};

fuzz_target!(|data: &[u8]| {
    let pass = SecretString::from("fuzz");
    let opts = OpenOptions::default().kdf_limits(KdfLimits::tiny());
    if let Ok(v) = Vault::from_bytes(data, &pass, &opts) {
        for e in v.list() {
            let _ = v.reveal(&e.name);
        }
        assert_eq!(v.to_bytes().unwrap(), data, "an accepted file is canonical");
    }
});
