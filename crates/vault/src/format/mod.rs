//! The vault file format, version 2 (all integers big-endian). Version 1
//! files are still read (and written back as version 2 on the next save).
//!
//! ```text
//! header
//!   magic          8   "SUPVAULT"
//!   version        u16 2 (1: see below)
//!   vault_id       16  random, fixed for the vault's life
//!   generation     u64 +1 on every change; covered by the MAC
//!   kdf_alg        u8  1 = Argon2id v1.3
//!   m_cost_kib     u32 \
//!   t_cost         u32  } capped when read (KdfLimits)
//!   p_cost         u32 /
//!   salt           16
//!   key_count      u16 1..=1024: the key ring, versions strictly ascending
//!   key * count        (the last is the newest)
//!     key_version  u32 >= 1
//!     wrap_nonce   24  \ that version's 32-byte data key sealed with
//!     wrapped_key  48  / XChaCha20-Poly1305 under the Argon2id KEK; AD = magic,
//!                      version, vault_id, kdf_alg..salt, key_version ("wrap AD")
//! entry_count      u32
//! entry * count, names strictly ascending (no duplicates)
//!   name_len u16, name (1..=128 bytes of [A-Za-z0-9._-])
//!   kind u8 (1 hmac, 2 ed25519, 3 text), key_version u32 (held in the ring),
//!   has_expiry u8 (0/1), expires i64 (Unix seconds; 0 when has_expiry = 0),
//!   nonce 24, ct_len u32, ciphertext (XChaCha20-Poly1305 under the entry
//!   sub-key of its version; AD = vault_id, name, kind, key_version, expiry)
//! mac              32  HMAC-SHA256 over every byte before it, under the MAC
//!                      sub-key of the newest data key
//! ```
//!
//! Version 1 has, in place of `key_count` and the ring, exactly one
//! `key_version u32, wrap_nonce 24, wrapped_key 48` (one data key), and its
//! MAC sub-key is labelled `v1`. The format version is in every wrap AD, so
//! a wrapped key cannot be moved between the two layouts.
//!
//! Parsing is strict and canonical: any trailing byte, unknown kind, flag
//! other than 0/1, out-of-order name or key version is refused before any
//! cryptography.

mod read;
mod write;

pub(crate) use read::parse;
pub(crate) use write::{encode, wrap_aad};

use crate::entry::EntryKind;
use crate::kdf::KdfParams;

/// File magic.
pub(crate) const MAGIC: &[u8; 8] = b"SUPVAULT";
/// The format version this build writes.
pub(crate) const VERSION: u16 = 2;
/// The first format version (one data key), still read.
pub(crate) const VERSION_1: u16 = 1;
/// Most data-key versions one vault holds.
pub(crate) const MAX_KEY_VERSIONS: usize = 1024;
/// Largest file read (bytes).
pub(crate) const MAX_FILE: usize = 64 * 1024 * 1024;
/// Most entries in one vault.
pub(crate) const MAX_ENTRIES: usize = 10_000;
/// Largest sealed entry (bytes).
pub(crate) const MAX_CIPHERTEXT: usize = 1024 * 1024;
/// Length of the trailing MAC.
pub(crate) const MAC_LEN: usize = 32;

/// The header as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Header {
    /// The format version: [`VERSION`], or [`VERSION_1`] as read from an old file.
    pub(crate) format: u16,
    pub(crate) vault_id: [u8; 16],
    pub(crate) generation: u64,
    pub(crate) kdf: KdfParams,
    pub(crate) salt: [u8; 16],
    /// The wrapped data keys, versions strictly ascending, never empty
    /// (exactly one in a version 1 file).
    pub(crate) keys: Vec<WrappedKey>,
}

/// One data-key version as stored: sealed under the key-encryption key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct WrappedKey {
    pub(crate) version: u32,
    pub(crate) nonce: [u8; 24],
    pub(crate) wrapped: [u8; 48],
}

/// One entry as stored (metadata in clear, secret sealed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SealedEntry {
    pub(crate) name: String,
    pub(crate) kind: EntryKind,
    pub(crate) key_version: u32,
    pub(crate) expires: Option<i64>,
    pub(crate) nonce: [u8; 24],
    pub(crate) ciphertext: Vec<u8>,
}

/// A parsed file: structure checked, nothing authenticated yet.
#[derive(Debug)]
pub(crate) struct Parsed<'a> {
    pub(crate) header: Header,
    pub(crate) entries: Vec<SealedEntry>,
    /// Every byte the MAC covers.
    pub(crate) authenticated: &'a [u8],
    pub(crate) mac: &'a [u8; MAC_LEN],
}

/// The generation field of a file, without any other check (for the
/// writers' conflict check only; nothing is trusted from it).
pub(crate) fn peek_generation(bytes: &[u8]) -> Result<u64, crate::Error> {
    let field = bytes
        .get(26..34)
        .ok_or(crate::Error::Malformed("truncated"))?;
    if bytes.get(..8) != Some(MAGIC.as_slice()) {
        return Err(crate::Error::Malformed("bad magic"));
    }
    let mut g = [0u8; 8];
    g.copy_from_slice(field);
    Ok(u64::from_be_bytes(g))
}

/// Checks an entry name: 1..=128 bytes of `[A-Za-z0-9._-]`.
pub(crate) fn check_name(name: &str) -> Result<(), crate::Error> {
    if name.is_empty() || name.len() > 128 {
        return Err(crate::Error::InvalidName("length must be 1 to 128"));
    }
    if !name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
    {
        return Err(crate::Error::InvalidName(
            "allowed characters are A-Z a-z 0-9 . _ -",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
