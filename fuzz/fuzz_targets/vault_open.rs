//! Any bytes as a vault file: never a panic, never unbounded work (tight
//! KDF caps), and whatever opens re-encodes canonically: a version 2 file to
//! exactly the same bytes, a version 1 file to a version 2 file that opens
//! to the same entries.
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
        let again = v.to_bytes().unwrap();
        if data.get(8..10) == Some(&[0, 2][..]) {
            assert_eq!(again, data, "an accepted file is canonical");
        } else {
            let reopened = Vault::from_bytes(&again, &pass, &opts).unwrap();
            assert_eq!(reopened.list(), v.list(), "an upgraded file keeps its entries");
            assert_eq!(reopened.key_versions(), v.key_versions());
        }
    }
});
