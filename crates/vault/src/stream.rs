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

use crate::error::Error;
use crate::keyring::DataKey;
use crate::keys;
use crate::vault::Vault;

const MAGIC: &[u8; 8] = b"SUPVSTRM";
const HEADER_LEN: usize = 8 + 1 + 4 + 16 + 4 + 32;
const TAG: usize = 16;
/// Plaintext bytes per chunk.
pub const CHUNK_SIZE: usize = 64 * 1024;
/// [`CHUNK_SIZE`] as the header records it.
const CHUNK_U32: u32 = 64 * 1024;

fn stream_key(vault: &Vault, key: &DataKey, salt: &[u8; 32]) -> Result<LessSafeKey, Error> {
    let k = key
        .key()
        .derive(salt, &[b"supreme-vault v1 stream", &vault.id()])?;
    let unbound =
        UnboundKey::new(&CHACHA20_POLY1305, k.expose()).map_err(|_| Error::Crypto("stream key"))?;
    Ok(LessSafeKey::new(unbound))
}

fn nonce(counter: u64, last: bool) -> Nonce {
    let mut n = [0u8; 12];
    n[3..11].copy_from_slice(&counter.to_be_bytes());
    n[11] = u8::from(last);
    Nonce::assume_unique_for_key(n)
}

/// Reads until `buf` is full or EOF; returns the bytes read.
fn read_full(r: &mut impl Read, buf: &mut [u8]) -> Result<usize, Error> {
    let mut filled = 0;
    while filled < buf.len() {
        match r.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(Error::StreamIo(e)),
        }
    }
    Ok(filled)
}

/// Seals chunks in order under one stream key (the writing half).
struct Sealer {
    key: LessSafeKey,
    header: Vec<u8>,
    counter: u64,
}

impl Sealer {
    /// A fresh salt and key under `data_key`; writes the header.
    fn start(vault: &Vault, data_key: &DataKey, output: &mut impl Write) -> Result<Self, Error> {
        let salt = keys::random::<32>()?;
        let key = stream_key(vault, data_key, &salt)?;
        let mut header = Vec::with_capacity(HEADER_LEN);
        header.extend_from_slice(MAGIC);
        header.push(1);
        header.extend_from_slice(&data_key.version().to_be_bytes());
        header.extend_from_slice(&vault.id());
        header.extend_from_slice(&CHUNK_U32.to_be_bytes());
        header.extend_from_slice(&salt);
        output.write_all(&header).map_err(Error::StreamIo)?;
        Ok(Self {
            key,
            header,
            counter: 0,
        })
    }

    /// Seals `buf[..n]` in place, the tag after it, and writes both.
    fn chunk(
        &mut self,
        buf: &mut [u8],
        n: usize,
        last: bool,
        output: &mut impl Write,
    ) -> Result<(), Error> {
        let (data, tag_space) = buf.split_at_mut(n);
        let tag = self
            .key
            .seal_in_place_separate_tag(nonce(self.counter, last), Aad::from(&self.header), data)
            .map_err(|_| Error::Crypto("stream seal"))?;
        tag_space[..TAG].copy_from_slice(tag.as_ref());
        output.write_all(&buf[..n + TAG]).map_err(Error::StreamIo)?;
        self.counter = self
            .counter
            .checked_add(1)
            .ok_or(Error::Limit("stream too long"))?;
        Ok(())
    }
}

/// Opens chunks in order (the reading half).
struct Opener {
    key: LessSafeKey,
    header: [u8; HEADER_LEN],
    counter: u64,
}

impl Opener {
    /// Reads and checks the header; the key of the version it records.
    fn start(vault: &Vault, input: &mut impl Read) -> Result<Self, Error> {
        let mut header = [0u8; HEADER_LEN];
        if read_full(input, &mut header)? != HEADER_LEN || &header[..8] != MAGIC {
            return Err(Error::Stream("not an encrypted stream (bad header)"));
        }
        if header[8] != 1 {
            return Err(Error::Stream("unsupported stream version"));
        }
        let mut version = [0u8; 4];
        version.copy_from_slice(&header[9..13]);
        if header[13..29] != vault.id() {
            return Err(Error::Stream("made with another vault"));
        }
        let data_key = vault.key(u32::from_be_bytes(version))?;
        if header[29..33] != CHUNK_U32.to_be_bytes() {
            return Err(Error::Stream("unsupported chunk size"));
        }
        let mut salt = [0u8; 32];
        salt.copy_from_slice(&header[33..]);
        Ok(Self {
            key: stream_key(vault, data_key, &salt)?,
            header,
            counter: 0,
        })
    }

    /// Reads and authenticates the next chunk into `buf`; returns the
    /// plaintext length (at the start of `buf`) and whether it was the last.
    fn chunk(&mut self, input: &mut impl Read, buf: &mut [u8]) -> Result<(usize, bool), Error> {
        let n = read_full(input, &mut buf[..CHUNK_SIZE + TAG])?;
        if n < TAG {
            return Err(Error::Stream("truncated"));
        }
        let last = n < CHUNK_SIZE + TAG;
        let plain = self
            .key
            .open_in_place(
                nonce(self.counter, last),
                Aad::from(&self.header),
                &mut buf[..n],
            )
            .map_err(|_| {
                Error::Stream("chunk failed authentication (altered, reordered or truncated)")
            })?;
        let len = plain.len();
        self.counter = self
            .counter
            .checked_add(1)
            .ok_or(Error::Limit("stream too long"))?;
        Ok((len, last))
    }
}

fn count(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

impl Vault {
    /// Encrypts everything `input` yields into `output` under the newest
    /// data-key version; returns plaintext bytes.
    ///
    /// # Errors
    /// [`Error::StreamIo`], [`Error::Crypto`].
    pub fn encrypt_stream(
        &self,
        input: &mut impl Read,
        output: &mut impl Write,
    ) -> Result<u64, Error> {
        let mut sealer = Sealer::start(self, self.newest_key(), output)?;
        let mut buf = zeroize::Zeroizing::new(vec![0u8; CHUNK_SIZE + TAG]);
        let mut total = 0u64;
        loop {
            let n = read_full(input, &mut buf[..CHUNK_SIZE])?;
            let last = n < CHUNK_SIZE;
            sealer.chunk(&mut buf, n, last, output)?;
            total += count(n);
            if last {
                break;
            }
        }
        output.flush().map_err(Error::StreamIo)?;
        Ok(total)
    }

    /// Decrypts a stream made by [`Vault::encrypt_stream`], with the key of
    /// the version its header records; returns plaintext bytes.
    ///
    /// # Errors
    /// [`Error::Stream`] for a bad header, an altered, reordered or
    /// missing chunk, or truncation; [`Error::StaleKeyVersion`] (made
    /// under a retired version); [`Error::UnknownKeyVersion`] (made by
    /// a newer copy of the vault); [`Error::StreamIo`].
    pub fn decrypt_stream(
        &self,
        input: &mut impl Read,
        output: &mut impl Write,
    ) -> Result<u64, Error> {
        let mut opener = Opener::start(self, input)?;
        let mut buf = zeroize::Zeroizing::new(vec![0u8; CHUNK_SIZE + TAG]);
        let mut total = 0u64;
        loop {
            let (n, last) = opener.chunk(input, &mut buf)?;
            output.write_all(&buf[..n]).map_err(Error::StreamIo)?;
            total += count(n);
            if last {
                return Ok(total);
            }
        }
    }

    /// Re-encrypts a stream made by [`Vault::encrypt_stream`] (under any
    /// version this vault holds) under the newest version, chunk by chunk:
    /// each chunk authenticates before it is re-sealed, and the plaintext
    /// never leaves one zeroizing buffer. Returns plaintext bytes. As with
    /// decryption, a truncated input is reported only at its end: write to
    /// a temporary file and keep it only on success (the CLI does).
    ///
    /// ```
    /// # use supreme_vault::{KdfParams, Vault};
    /// # let pass = supreme_vault::secrecy::SecretString::from("p");
    /// let mut v = Vault::create(&pass, KdfParams::dangerous().insecure_for_tests())?;
    /// let mut old = Vec::new();
    /// v.encrypt_stream(&mut &b"trades"[..], &mut old)?;
    /// v.rotate()?;
    /// let mut new = Vec::new();
    /// v.reseal_stream(&mut old.as_slice(), &mut new)?;
    /// v.retire_below(2)?;
    /// let mut plain = Vec::new();
    /// v.decrypt_stream(&mut new.as_slice(), &mut plain)?;
    /// assert_eq!(plain, b"trades");
    /// assert!(v.decrypt_stream(&mut old.as_slice(), &mut Vec::new()).is_err());
    /// # Ok::<(), supreme_vault::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`Vault::decrypt_stream`] and [`Vault::encrypt_stream`].
    pub fn reseal_stream(
        &self,
        input: &mut impl Read,
        output: &mut impl Write,
    ) -> Result<u64, Error> {
        let mut opener = Opener::start(self, input)?;
        let mut sealer = Sealer::start(self, self.newest_key(), output)?;
        let mut buf = zeroize::Zeroizing::new(vec![0u8; CHUNK_SIZE + TAG]);
        let mut total = 0u64;
        loop {
            let (n, last) = opener.chunk(input, &mut buf)?;
            sealer.chunk(&mut buf, n, last, output)?;
            total += count(n);
            if last {
                output.flush().map_err(Error::StreamIo)?;
                return Ok(total);
            }
        }
    }
}

#[cfg(test)]
mod tests;
