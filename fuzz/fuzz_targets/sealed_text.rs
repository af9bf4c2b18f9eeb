//! Any text as an `sv1:` sealed value: parse and open never panic, a parsed
//! value prints back identically, and nothing forged opens.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use supreme_vault::secrecy::SecretString;
use supreme_vault::{KdfParams, SealedText, Vault};

fuzz_target!(|data: &[u8]| {
    static VAULT: OnceLock<Vault> = OnceLock::new();
    let vault = VAULT.get_or_init(|| {
        Vault::create(&SecretString::from("fuzz"), KdfParams::dangerous().insecure_for_tests()).unwrap()
    });
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(parsed) = SealedText::parse(text) {
        assert_eq!(parsed.to_string(), text);
    }
    assert!(vault.open_bytes("LABEL", text).is_err(), "a value this vault never sealed opened");
});
