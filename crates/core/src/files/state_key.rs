//! The key of keyed state files: a dedicated 32-byte secret, and the
//! HMAC-SHA256 tag it puts on a file's body.
//!
//! # What the tag protects against, and what it does not
//!
//! A state file (the risk book's breaches and high-water marks) lives on
//! disk where a careless script, an operator "fixing" a halted bot, or an
//! attacker with write access to the state directory could edit it. A plain
//! checksum can be recomputed after the edit; the tag cannot without the
//! key, so an edited file is refused (and the risk book starts reduce-only).
//!
//! It does **not** protect against:
//!
//! - anyone who can read the key: the key file (0600, ours), the vault and
//!   its passphrase, or the bot's memory or environment. Such a reader can
//!   forge any state; keep the key where the state directory's other
//!   writers cannot read it (in the vault, or a key file outside that
//!   directory);
//! - a rollback to an older file the bot really wrote (a copy made before a
//!   breach): its tag is valid. Keep state directories unwritable by others;
//! - deletion: a missing file is reported as missing, and the caller decides
//!   (the risk book never starts fresh over a missing state silently).

use std::path::Path;

use ring::hmac;
use ring::rand::{SecureRandom, SystemRandom};
use secrecy::{ExposeSecret, SecretBox};

use super::atomic::write_new;
use super::error::{Error, Result};
use super::policy::read_private;

const KEY_FILE_HEADER: &str = "supreme-state-key 1\n";

/// A 32-byte secret keying state files. Redacted in `Debug`, zeroized on
/// drop, never serialized.
///
/// ```
/// use supreme_core::files::StateKey;
///
/// let key = StateKey::generate()?;
/// let tag = key.tag("supreme-risk-state 2", b"{\"day\":1}");
/// assert!(key.verify("supreme-risk-state 2", b"{\"day\":1}", &tag));
/// assert!(!key.verify("supreme-risk-state 2", b"{\"day\":2}", &tag));
/// assert!(!key.verify("another file kind", b"{\"day\":1}", &tag));
/// # Ok::<(), supreme_core::files::Error>(())
/// ```
pub struct StateKey(SecretBox<[u8; 32]>);

impl std::fmt::Debug for StateKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StateKey([REDACTED])")
    }
}

impl Clone for StateKey {
    fn clone(&self) -> Self {
        Self(SecretBox::new(Box::new(*self.0.expose_secret())))
    }
}

impl StateKey {
    /// A new random key from the system generator.
    pub fn generate() -> Result<Self> {
        let mut bytes = SecretBox::new(Box::new([0u8; 32]));
        SystemRandom::new()
            .fill(secrecy::ExposeSecretMut::expose_secret_mut(&mut bytes))
            .map_err(|_| Error::Random)?;
        Ok(Self(bytes))
    }

    /// A key kept elsewhere (a vault entry).
    pub fn from_secret(bytes: SecretBox<[u8; 32]>) -> Self {
        Self(bytes)
    }

    /// The HMAC-SHA256 of `label`, a zero byte, then `body`. The label
    /// names the kind and version of file, so a tag made for one kind is
    /// never accepted for another.
    pub fn tag(&self, label: &str, body: &[u8]) -> [u8; 32] {
        let mut ctx = hmac::Context::with_key(&self.ring_key());
        ctx.update(label.as_bytes());
        ctx.update(&[0]);
        ctx.update(body);
        let mut out = [0u8; 32];
        out.copy_from_slice(ctx.sign().as_ref());
        out
    }

    /// Whether `tag` is [`tag`](Self::tag) of `label` and `body`, compared
    /// in constant time.
    pub fn verify(&self, label: &str, body: &[u8], tag: &[u8]) -> bool {
        let mut msg = Vec::with_capacity(label.len() + 1 + body.len());
        msg.extend_from_slice(label.as_bytes());
        msg.push(0);
        msg.extend_from_slice(body);
        hmac::verify(&self.ring_key(), &msg, tag).is_ok()
    }

    fn ring_key(&self) -> hmac::Key {
        hmac::Key::new(hmac::HMAC_SHA256, self.0.expose_secret())
    }

    /// Reads a key file written by [`load_or_create`](Self::load_or_create),
    /// through the private-file policy ([`read_private`]).
    pub fn load(path: &Path) -> Result<Self> {
        let bytes = read_private(path, 256)?;
        let bad = |reason| Error::BadKey {
            path: path.to_path_buf(),
            reason,
        };
        let hex = bytes
            .strip_prefix(KEY_FILE_HEADER.as_bytes())
            .ok_or_else(|| bad("no `supreme-state-key 1` header"))?;
        let hex = hex.strip_suffix(b"\n").unwrap_or(hex);
        if hex.len() != 64 {
            return Err(bad("the key is not 64 hex digits"));
        }
        let mut key = SecretBox::new(Box::new([0u8; 32]));
        let out = secrecy::ExposeSecretMut::expose_secret_mut(&mut key);
        for (i, pair) in hex.chunks_exact(2).enumerate() {
            out[i] = (nibble(pair[0]).ok_or_else(|| bad("not hex"))? << 4)
                | nibble(pair[1]).ok_or_else(|| bad("not hex"))?;
        }
        Ok(Self(key))
    }

    /// The key in the file at `path` (a standalone bot without a vault):
    /// read through the private-file policy if it exists, else created
    /// once, atomically, mode 0600. Two processes creating it at once end
    /// up with the same key.
    pub fn load_or_create(path: &Path) -> Result<Self> {
        match Self::load(path) {
            Err(Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {}
            other => return other,
        }
        let key = Self::generate()?;
        let mut text = zeroize::Zeroizing::new(Vec::with_capacity(KEY_FILE_HEADER.len() + 65));
        text.extend_from_slice(KEY_FILE_HEADER.as_bytes());
        for b in key.0.expose_secret() {
            text.push(DIGITS[usize::from(b >> 4)]);
            text.push(DIGITS[usize::from(b & 15)]);
        }
        text.push(b'\n');
        match write_new(path, &text) {
            Ok(()) => Ok(key),
            Err(Error::AlreadyExists { .. }) => Self::load(path),
            Err(e) => Err(e),
        }
    }
}

const DIGITS: &[u8; 16] = b"0123456789abcdef";

fn nibble(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    }
}
