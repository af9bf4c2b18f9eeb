//! Chunked encryption of streams of any size (age's STREAM construction).
//!
//! ```text
//! header  magic "SUPVSTRM" | version u8 = 1 | key_version u32 | vault_id 16
//!         | chunk_size u32 | salt 32                        (65 bytes)
//! chunks  ChaCha20-Poly1305 (ring) of chunk_size plaintext bytes + 16 tag;
//!         the last chunk is shorter than chunk_size (possibly empty).
//! ```
//!
//! The key is HKDF(data key, salt, "supreme-vault v1 stream"), fresh for
//! every stream. The nonce is `0u8 x 3 | chunk counter u64 | last flag u8`
//! and each chunk's associated data is the whole header, so reordering,
//! dropping, duplicating or truncating chunks, or changing the header, fails
//! authentication. Memory stays at one chunk buffer whatever the size.
//! A decrypting reader sees plaintext only chunk by chunk after each chunk
//! authenticates; a truncated stream is reported at its end, so write to a
//! temporary file and keep it only on success (the CLI does).

use std::io::{Read, Write};

use ring::aead::{Aad, CHACHA20_POLY1305, LessSafeKey, Nonce, UnboundKey};

use crate::error::VaultError;
use crate::keyring::DataKey;
use crate::keys;
use crate::vault::Vault;

const MAGIC: &[u8; 8] = b"SUPVSTRM";
const HEADER_LEN: usize = 8 + 1 + 4 + 16 + 4 + 32;
const TAG: usize = 16;
/// Plaintext bytes per chunk.
pub const CHUNK_SIZE: usize = 64 * 1024;

fn stream_key(vault: &Vault, key: &DataKey, salt: &[u8; 32]) -> Result<LessSafeKey, VaultError> {
    let k = key
        .key()
        .derive(salt, &[b"supreme-vault v1 stream", &vault.id()])?;
    let unbound = UnboundKey::new(&CHACHA20_POLY1305, k.expose())
        .map_err(|_| VaultError::Crypto("stream key"))?;
    Ok(LessSafeKey::new(unbound))
}

fn nonce(counter: u64, last: bool) -> Nonce {
    let mut n = [0u8; 12];
    n[3..11].copy_from_slice(&counter.to_be_bytes());
    n[11] = u8::from(last);
    Nonce::assume_unique_for_key(n)
}

/// Reads until `buf` is full or EOF; returns the bytes read.
fn read_full(r: &mut impl Read, buf: &mut [u8]) -> Result<usize, VaultError> {
    let mut filled = 0;
    while filled < buf.len() {
        match r.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(VaultError::StreamIo(e)),
        }
    }
    Ok(filled)
}

impl Vault {
    /// Encrypts everything `input` yields into `output` under the newest
    /// data-key version; returns plaintext bytes.
    ///
    /// # Errors
    /// [`VaultError::StreamIo`], [`VaultError::Crypto`].
    pub fn encrypt_stream(
        &self,
        input: &mut impl Read,
        output: &mut impl Write,
    ) -> Result<u64, VaultError> {
        let salt = keys::random::<32>()?;
        let data_key = self.newest_key();
        let key = stream_key(self, data_key, &salt)?;
        let mut header = Vec::with_capacity(HEADER_LEN);
        header.extend_from_slice(MAGIC);
        header.push(1);
        header.extend_from_slice(&data_key.version().to_be_bytes());
        header.extend_from_slice(&self.id());
        header.extend_from_slice(&u32::try_from(CHUNK_SIZE).unwrap_or(u32::MAX).to_be_bytes());
        header.extend_from_slice(&salt);
        output.write_all(&header).map_err(VaultError::StreamIo)?;
        let mut buf = zeroize::Zeroizing::new(vec![0u8; CHUNK_SIZE + TAG]);
        let mut total = 0u64;
        let mut counter = 0u64;
        loop {
            let n = read_full(input, &mut buf[..CHUNK_SIZE])?;
            let last = n < CHUNK_SIZE;
            let (data, tag_space) = buf.split_at_mut(n);
            let tag = key
                .seal_in_place_separate_tag(nonce(counter, last), Aad::from(&header), data)
                .map_err(|_| VaultError::Crypto("stream seal"))?;
            tag_space[..TAG].copy_from_slice(tag.as_ref());
            output
                .write_all(&buf[..n + TAG])
                .map_err(VaultError::StreamIo)?;
            total += u64::try_from(n).unwrap_or(u64::MAX);
            if last {
                break;
            }
            counter = counter
                .checked_add(1)
                .ok_or(VaultError::Limit("stream too long"))?;
        }
        output.flush().map_err(VaultError::StreamIo)?;
        Ok(total)
    }

    /// Decrypts a stream made by [`Vault::encrypt_stream`], with the key of
    /// the version its header records; returns plaintext bytes.
    ///
    /// # Errors
    /// [`VaultError::Stream`] for a bad header, an altered, reordered or
    /// missing chunk, or truncation; [`VaultError::StaleKeyVersion`] (made
    /// before a rotation); [`VaultError::UnknownKeyVersion`] (made by a newer
    /// copy of the vault); [`VaultError::StreamIo`].
    pub fn decrypt_stream(
        &self,
        input: &mut impl Read,
        output: &mut impl Write,
    ) -> Result<u64, VaultError> {
        let mut header = [0u8; HEADER_LEN];
        if read_full(input, &mut header)? != HEADER_LEN || &header[..8] != MAGIC {
            return Err(VaultError::Stream("not an encrypted stream (bad header)"));
        }
        if header[8] != 1 {
            return Err(VaultError::Stream("unsupported stream version"));
        }
        let mut version = [0u8; 4];
        version.copy_from_slice(&header[9..13]);
        let version = u32::from_be_bytes(version);
        if header[13..29] != self.id() {
            return Err(VaultError::Stream("made with another vault"));
        }
        let data_key = self.key(version)?;
        if header[29..33] != u32::try_from(CHUNK_SIZE).unwrap_or(u32::MAX).to_be_bytes() {
            return Err(VaultError::Stream("unsupported chunk size"));
        }
        let mut salt = [0u8; 32];
        salt.copy_from_slice(&header[33..]);
        let key = stream_key(self, data_key, &salt)?;
        let mut buf = zeroize::Zeroizing::new(vec![0u8; CHUNK_SIZE + TAG]);
        let mut total = 0u64;
        let mut counter = 0u64;
        loop {
            let n = read_full(input, &mut buf)?;
            if n < TAG {
                return Err(VaultError::Stream("truncated"));
            }
            let last = n < CHUNK_SIZE + TAG;
            let plain = key
                .open_in_place(nonce(counter, last), Aad::from(&header), &mut buf[..n])
                .map_err(|_| {
                    VaultError::Stream(
                        "chunk failed authentication (altered, reordered or truncated)",
                    )
                })?;
            output.write_all(plain).map_err(VaultError::StreamIo)?;
            total += u64::try_from(plain.len()).unwrap_or(u64::MAX);
            if last {
                return Ok(total);
            }
            counter = counter
                .checked_add(1)
                .ok_or(VaultError::Limit("stream too long"))?;
        }
    }
}

#[cfg(test)]
mod tests;
