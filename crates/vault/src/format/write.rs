//! Encoding.

use super::{Header, MAGIC, SealedEntry, VERSION_1, WrappedKey};

/// The bytes the wrap of data-key `version` authenticates: the header
/// without its generation (which changes on every save, while the wrap does
/// not) and without the other keys, then the version.
pub(crate) fn wrap_aad(h: &Header, version: u32) -> Vec<u8> {
    let mut out = Vec::with_capacity(64);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&h.format.to_be_bytes());
    out.extend_from_slice(&h.vault_id);
    put_kdf(&mut out, h);
    out.extend_from_slice(&version.to_be_bytes());
    out
}

fn put_wrapped(out: &mut Vec<u8>, k: &WrappedKey) {
    out.extend_from_slice(&k.version.to_be_bytes());
    out.extend_from_slice(&k.nonce);
    out.extend_from_slice(&k.wrapped);
}

fn put_kdf(out: &mut Vec<u8>, h: &Header) {
    out.push(1);
    out.extend_from_slice(&h.kdf.memory_kib().to_be_bytes());
    out.extend_from_slice(&h.kdf.passes().to_be_bytes());
    out.extend_from_slice(&h.kdf.lanes().to_be_bytes());
    out.extend_from_slice(&h.salt);
}

/// Encodes everything the MAC covers (header and sorted entries) in the
/// header's format version. The caller appends the MAC.
pub(crate) fn encode<'a>(
    h: &Header,
    entries: impl ExactSizeIterator<Item = &'a SealedEntry>,
) -> Vec<u8> {
    let mut out = Vec::with_capacity(256);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&h.format.to_be_bytes());
    out.extend_from_slice(&h.vault_id);
    out.extend_from_slice(&h.generation.to_be_bytes());
    put_kdf(&mut out, h);
    if h.format == VERSION_1 {
        // Version 1 holds exactly one key (as parsed); only tests encode it.
        h.keys.iter().take(1).for_each(|k| put_wrapped(&mut out, k));
    } else {
        // At most MAX_KEY_VERSIONS (checked when a version is added).
        let count = u16::try_from(h.keys.len()).unwrap_or(u16::MAX);
        out.extend_from_slice(&count.to_be_bytes());
        h.keys.iter().for_each(|k| put_wrapped(&mut out, k));
    }
    // Entry count and lengths are bounded by MAX_ENTRIES / MAX_CIPHERTEXT on
    // insert, so these conversions never saturate in practice.
    let count = u32::try_from(entries.len()).unwrap_or(u32::MAX);
    out.extend_from_slice(&count.to_be_bytes());
    for e in entries {
        let name_len = u16::try_from(e.name.len()).unwrap_or(u16::MAX);
        out.extend_from_slice(&name_len.to_be_bytes());
        out.extend_from_slice(e.name.as_bytes());
        out.push(e.kind.code());
        out.extend_from_slice(&e.key_version.to_be_bytes());
        out.push(u8::from(e.expires.is_some()));
        out.extend_from_slice(&e.expires.unwrap_or(0).to_be_bytes());
        out.extend_from_slice(&e.nonce);
        let ct_len = u32::try_from(e.ciphertext.len()).unwrap_or(u32::MAX);
        out.extend_from_slice(&ct_len.to_be_bytes());
        out.extend_from_slice(&e.ciphertext);
    }
    out
}
