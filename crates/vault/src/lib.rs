//! Encrypted credentials, a signer that never reveals its key, and data at rest.
//!
//! `supreme-vault` keeps exchange API secrets, Ed25519 keys and any text or
//! JSON secret in one file that a security reviewer can sign off:
//!
//! - **Passphrase -> Argon2id** key-encryption key, parameters in the header
//!   ([`KdfParams`], calibrated default 0.5 to 0.75 s here) and capped when read
//!   ([`KdfLimits`]), so a hostile file cannot make us spend minutes or GiB.
//! - A **key ring of random data keys**, one per version, wrapped by that
//!   key. Everything sealed records its version and opens with that key;
//!   new seals use the newest. [`Vault::passwd`] adds a version and re-wraps
//!   the ring under the new passphrase (an old copy of the file plus the old
//!   passphrase opens nothing sealed afterwards); [`Vault::rotate`] adds a
//!   version and re-seals every entry under it, keeping older versions
//!   readable until [`Vault::retire_below`] drops them ([`Vault::reseal`],
//!   [`Vault::reseal_value`] and [`Vault::reseal_stream`] move what they
//!   sealed to the newest first).
//! - Each entry **sealed with XChaCha20-Poly1305**; its associated data binds
//!   the vault id, name, kind, key version and expiry, so an entry cannot be
//!   moved, renamed, or have its expiry changed.
//! - A **whole-file HMAC** over header, sorted entries and a generation
//!   counter: deleting, swapping, duplicating or rolling back entries is
//!   detected; [`OpenOptions::min_generation`] and [`SeenGenerations`] (the
//!   highest generation seen, kept outside the file) catch a whole-file rollback.
//! - **Files** are 0600 in 0700 directories, under directories only we or
//!   root own and others cannot write (sticky ones like `/tmp` only above
//!   the parent); symlinks, other owners and group/other access are refused
//!   with the fix (`chmod 600 PATH`); saves are atomic (temp file, fsync,
//!   rename, fsync directory). Format version 1 files still open.
//! - A [`Signer`] signs HMAC-SHA256 (hex) and Ed25519 (base64) with ring and
//!   has no method that returns the key; [`EntrySecret`] keeps secrets in
//!   `secrecy` types only (redacted Debug, zeroized, not Serialize).
//! - `sv1:` **sealed text** for `*_ENCRYPTED` environment variables
//!   ([`read_env_secret`]), serde values ([`Vault::seal_value`]) and **chunked
//!   streams** of any size ([`Vault::encrypt_stream`]).
//! - [`danger`]: switches for tests only, reached through `.dangerous()`
//!   (`KdfParams::dangerous().insecure_for_tests()`, Argon2's minimum cost).
//!
//! ```
//! use secrecy::SecretString;
//! use supreme_vault::{EntrySecret, KdfParams, Vault};
//!
//! let pass = SecretString::from("correct horse battery staple");
//! // Tests only: real vaults use KdfParams::default() (calibrated).
//! let mut vault = Vault::create(&pass, KdfParams::dangerous().insecure_for_tests())?;
//! vault.put("binance", &EntrySecret::Hmac {
//!     key_id: "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A".into(),
//!     secret: SecretString::from("NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"),
//! }, None)?;
//!
//! let signer = vault.signer("binance")?;
//! let sig = signer.sign(b"symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559")?;
//! assert_eq!(sig.as_str(), "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71");
//!
//! // The file form: any change to it is refused.
//! let bytes = vault.to_bytes()?;
//! let again = Vault::from_bytes(&bytes, &pass, &Default::default())?;
//! assert_eq!(again.list().len(), 1);
//! # Ok::<(), supreme_vault::Error>(())
//! ```
//!
//! # Features
//!
//! None: the crate has no optional parts. Unix only (file permission checks).

pub mod danger;
mod entry;
mod env;
mod error;
pub mod events;
mod file;
mod format;
mod harden;
mod hygiene;
mod kdf;
mod keyring;
mod keys;
mod passphrase;
mod sealed;
mod seen;
mod signer;
mod state_key;
mod stream;
#[cfg(test)]
mod test_support;
mod vault;

pub use entry::{EntryInfo, EntryKind, EntrySecret};
pub use env::{PlainEnv, read_env_secret, read_secret_with};
pub use error::{Error, Result, UnsafeReason};
pub use file::VaultFile;
pub use harden::{Hardening, harden_process};
pub use hygiene::{
    KeyFormat, advisory_substrings, check_api_key, check_ed25519_pkcs8, check_not_placeholder,
};
pub use kdf::{KdfLimits, KdfParams, MIN_MEMORY_KIB};
pub use passphrase::{
    NEW_PASSPHRASE_ENV, PASSPHRASE_ENV, PASSPHRASE_FILE_ENV, passphrase_from_env,
    read_passphrase_file, strip_one_newline,
};
pub use sealed::{MAX_SEALED_TEXT, SEALED_PREFIX, SealedText};
pub use secrecy;
pub use seen::{STATE_DIR_ENV, SeenGenerations};
pub use signer::{Signature, Signer};
pub use stream::CHUNK_SIZE;
pub use supreme_core::{Clock, CoarseClock, FakeClock, SystemClock};
pub use vault::{OpenOptions, Rotation, Vault};
