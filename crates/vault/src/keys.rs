//! Key material and the primitives built on it: random bytes, HKDF
//! sub-keys, XChaCha20-Poly1305 sealing.
//!
//! One random 32-byte data key per key version. Sub-keys for entries, the
//! file MAC, sealed values and streams are derived from it with HKDF-SHA256
//! under distinct labels, so no key is used for two purposes.

use chacha20poly1305::aead::{Aead, Payload};
use chacha20poly1305::{KeyInit, XChaCha20Poly1305, XNonce};
use ring::rand::{SecureRandom, SystemRandom};
use ring::{hkdf, hmac};
use secrecy::{ExposeSecret, SecretBox};
use zeroize::Zeroizing;

use crate::error::VaultError;

/// Fills `buf` from the operating system's CSPRNG.
pub(crate) fn random_fill(buf: &mut [u8]) -> Result<(), VaultError> {
    SystemRandom::new()
        .fill(buf)
        .map_err(|_| VaultError::Crypto("system random"))
}

/// `N` random bytes.
pub(crate) fn random<const N: usize>() -> Result<[u8; N], VaultError> {
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
    pub(crate) fn random() -> Result<Self, VaultError> {
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
    pub(crate) fn derive(&self, salt: &[u8], label: &[&[u8]]) -> Result<Self, VaultError> {
        let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, salt).extract(self.expose());
        let okm = prk
            .expand(label, Len32)
            .map_err(|_| VaultError::Crypto("hkdf"))?;
        let mut out = Zeroizing::new([0u8; 32]);
        okm.fill(out.as_mut())
            .map_err(|_| VaultError::Crypto("hkdf"))?;
        Ok(Self::from_bytes(&out))
    }

    /// An HMAC-SHA256 key from these bytes.
    pub(crate) fn hmac_key(&self) -> hmac::Key {
        hmac::Key::new(hmac::HMAC_SHA256, self.expose())
    }

    /// An XChaCha20-Poly1305 cipher under this key (zeroizes its copy on drop).
    pub(crate) fn xchacha(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(self.expose().into())
    }
}

impl std::fmt::Debug for Key32 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Key32([REDACTED])")
    }
}

/// Seals `plaintext` under `cipher` with a fresh random 24-byte nonce.
pub(crate) fn seal(
    cipher: &XChaCha20Poly1305,
    aad: &[u8],
    plaintext: &[u8],
) -> Result<([u8; 24], Vec<u8>), VaultError> {
    let nonce = random::<24>()?;
    let ct = cipher
        .encrypt(
            &XNonce::from(nonce),
            Payload {
                msg: plaintext,
                aad,
            },
        )
        .map_err(|_| VaultError::Crypto("xchacha20poly1305 seal"))?;
    Ok((nonce, ct))
}

/// Opens a sealed value; `None` when authentication fails.
pub(crate) fn open(
    cipher: &XChaCha20Poly1305,
    nonce: &[u8; 24],
    aad: &[u8],
    ciphertext: &[u8],
) -> Option<Zeroizing<Vec<u8>>> {
    cipher
        .decrypt(
            &XNonce::from(*nonce),
            Payload {
                msg: ciphertext,
                aad,
            },
        )
        .ok()
        .map(Zeroizing::new)
}
