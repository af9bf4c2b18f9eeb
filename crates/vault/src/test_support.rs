//! Fixtures shared by the unit tests.

use secrecy::SecretString;

use crate::{EntrySecret, KdfParams, Vault};

/// Binance's documented HMAC example secret.
pub(crate) const BINANCE_SECRET: &str =
    "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";
/// Binance's documented example API key.
pub(crate) const BINANCE_KEY_ID: &str =
    "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A";

/// A fixed Ed25519 PKCS#8 v1 document (as OpenSSL writes it), seed 0x01..0x20.
pub(crate) fn ed25519_pkcs8() -> Vec<u8> {
    let mut der = vec![
        0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04,
        0x20,
    ];
    der.extend(1u8..=32);
    der
}

pub(crate) fn pass() -> SecretString {
    SecretString::from("correct horse battery staple")
}

pub(crate) fn hmac_secret() -> EntrySecret {
    EntrySecret::Hmac {
        key_id: BINANCE_KEY_ID.into(),
        secret: SecretString::from(BINANCE_SECRET),
    }
}

pub(crate) fn new_vault() -> Vault {
    Vault::create(&pass(), KdfParams::dangerous().insecure_for_tests()).expect("create")
}
