//! Key material and the primitives built on it: random bytes, HKDF
//! sub-keys, XChaCha20-Poly1305 sealing.
//!
//! XChaCha20-Poly1305 is built as its specification (draft-irtf-cfrg-xchacha)
//! defines it: HChaCha20 (from the `chacha20` crate) derives a subkey from
//! the key and the first 16 nonce bytes, then ring's ChaCha20-Poly1305 seals
//! with the nonce `0u8 x 4 | last 8 nonce bytes`. ring's assembly makes this
//! about 5x faster than the portable implementation; a unit test checks it
//! byte for byte against the `chacha20poly1305` crate.
//!
//! One random 32-byte data key per key version. Sub-keys for entries, the
//! file MAC, sealed values and streams are derived from it with HKDF-SHA256
//! under distinct labels, so no key is used for two purposes.

use ring::aead::{Aad, CHACHA20_POLY1305, LessSafeKey, Nonce, UnboundKey};
use ring::rand::{SecureRandom, SystemRandom};
use ring::{hkdf, hmac};
use secrecy::{ExposeSecret, SecretBox};
use zeroize::Zeroizing;

use crate::error::Error;

/// Fills `buf` from the operating system's CSPRNG.
pub(crate) fn random_fill(buf: &mut [u8]) -> Result<(), Error> {
    SystemRandom::new()
        .fill(buf)
        .map_err(|_| Error::Crypto("system random"))
}

/// `N` random bytes.
pub(crate) fn random<const N: usize>() -> Result<[u8; N], Error> {
    let mut b = [0u8; N];
    random_fill(&mut b)?;
    Ok(b)
}

struct Len32;
impl hkdf::KeyType for Len32 {
    fn len(&self) -> usize {
        32
    }
}

/// A 32-byte symmetric key, zeroized on drop, redacted in Debug.
pub(crate) struct Key32(SecretBox<[u8; 32]>);

impl Key32 {
    pub(crate) fn random() -> Result<Self, Error> {
        let mut k = Box::new([0u8; 32]);
        random_fill(k.as_mut())?;
        Ok(Self(SecretBox::new(k)))
    }

    pub(crate) fn from_bytes(bytes: &[u8; 32]) -> Self {
        Self(SecretBox::new(Box::new(*bytes)))
    }

    pub(crate) fn expose(&self) -> &[u8; 32] {
        self.0.expose_secret()
    }

    /// HKDF-SHA256 sub-key for `label`, salted with `salt`.
    pub(crate) fn derive(&self, salt: &[u8], label: &[&[u8]]) -> Result<Self, Error> {
        let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, salt).extract(self.expose());
        let okm = prk
            .expand(label, Len32)
            .map_err(|_| Error::Crypto("hkdf"))?;
        let mut out = Zeroizing::new([0u8; 32]);
        okm.fill(out.as_mut()).map_err(|_| Error::Crypto("hkdf"))?;
        Ok(Self::from_bytes(&out))
    }

    /// An HMAC-SHA256 key from these bytes.
    pub(crate) fn hmac_key(&self) -> hmac::Key {
        hmac::Key::new(hmac::HMAC_SHA256, self.expose())
    }

    /// An XChaCha20-Poly1305 cipher under (a copy of) this key.
    pub(crate) fn xchacha(&self) -> XChaCha {
        XChaCha(Self::from_bytes(self.expose()))
    }
}

impl std::fmt::Debug for Key32 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Key32([REDACTED])")
    }
}

/// XChaCha20-Poly1305 (24-byte nonces, safe to pick at random).
pub(crate) struct XChaCha(Key32);

impl XChaCha {
    fn inner(&self, nonce: &[u8; 24]) -> Result<(LessSafeKey, Nonce), Error> {
        let (head, tail) = nonce.split_at(16);
        let head: &[u8; 16] = head.try_into().map_err(|_| Error::Crypto("nonce"))?;
        let mut sub = chacha20::hchacha::<chacha20::R20>(self.0.expose().into(), head.into());
        let key = UnboundKey::new(&CHACHA20_POLY1305, sub.as_slice())
            .map_err(|_| Error::Crypto("subkey"));
        zeroize::Zeroize::zeroize(sub.as_mut_slice());
        let mut n = [0u8; 12];
        n[4..].copy_from_slice(tail);
        Ok((LessSafeKey::new(key?), Nonce::assume_unique_for_key(n)))
    }

    /// `ciphertext || tag` of `plaintext` under `nonce`.
    pub(crate) fn seal_with(
        &self,
        nonce: &[u8; 24],
        aad: &[u8],
        plaintext: &[u8],
    ) -> Result<Vec<u8>, Error> {
        let (key, n) = self.inner(nonce)?;
        let mut out = Vec::with_capacity(plaintext.len() + 16);
        out.extend_from_slice(plaintext);
        key.seal_in_place_append_tag(n, Aad::from(aad), &mut out)
            .map_err(|_| Error::Crypto("xchacha20poly1305 seal"))?;
        Ok(out)
    }

    /// The plaintext, or `None` if authentication fails.
    pub(crate) fn open_with(
        &self,
        nonce: &[u8; 24],
        aad: &[u8],
        ciphertext: &[u8],
    ) -> Option<Zeroizing<Vec<u8>>> {
        let (key, n) = self.inner(nonce).ok()?;
        let mut buf = Zeroizing::new(ciphertext.to_vec());
        let len = key
            .open_in_place(n, Aad::from(aad), buf.as_mut_slice())
            .ok()?
            .len();
        buf.truncate(len);
        Some(buf)
    }
}

/// Seals `plaintext` under `cipher` with a fresh random 24-byte nonce.
pub(crate) fn seal(
    cipher: &XChaCha,
    aad: &[u8],
    plaintext: &[u8],
) -> Result<([u8; 24], Vec<u8>), Error> {
    let nonce = random::<24>()?;
    Ok((nonce, cipher.seal_with(&nonce, aad, plaintext)?))
}

/// Opens a sealed value; `None` when authentication fails.
pub(crate) fn open(
    cipher: &XChaCha,
    nonce: &[u8; 24],
    aad: &[u8],
    ciphertext: &[u8],
) -> Option<Zeroizing<Vec<u8>>> {
    cipher.open_with(nonce, aad, ciphertext)
}

#[cfg(test)]
mod tests;
