//! Sealed values in text form (`sv1:...`) and serde values at rest.
//!
//! `sv1:` + base64url (no padding) of `key_version u32 | nonce 24 |
//! ciphertext`, XChaCha20-Poly1305 under a sub-key of the vault's data key.
//! The associated data binds the vault id, the key version and a label
//! (the environment variable's name), so a value cannot be moved to another
//! variable or vault. A value opens with the key of the version it records:
//! values sealed before a [`Vault::rotate`] still open until their version
//! is retired ([`Vault::retire_below`]; [`Vault::reseal_value`] moves a
//! value to the newest first), then they are refused with
//! [`Error::StaleKeyVersion`]; values sealed after a [`Vault::passwd`]
//! cannot be opened by an older copy of the vault
//! ([`Error::UnknownKeyVersion`]).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use secrecy::SecretString;
use serde::Serialize;
use serde::de::DeserializeOwned;
use zeroize::Zeroizing;

use crate::error::Error;
use crate::keyring::DataKey;
use crate::keys;
use crate::vault::Vault;

/// The text prefix of format version 1.
pub const SEALED_PREFIX: &str = "sv1:";
/// Longest sealed text accepted (characters).
pub const MAX_SEALED_TEXT: usize = 1024 * 1024;

/// A parsed `sv1:` value (not yet authenticated).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedText {
    /// The data-key version it was sealed under.
    pub key_version: u32,
    nonce: [u8; 24],
    ciphertext: Vec<u8>,
}

impl SealedText {
    /// Parses the text form strictly (prefix, canonical base64url, lengths).
    ///
    /// # Errors
    /// [`Error::SealedValue`].
    pub fn parse(text: &str) -> Result<Self, Error> {
        if text.len() > MAX_SEALED_TEXT {
            return Err(Error::SealedValue("too long"));
        }
        let body = text
            .strip_prefix(SEALED_PREFIX)
            .ok_or(Error::SealedValue("missing sv1: prefix"))?;
        let raw = Zeroizing::new(
            URL_SAFE_NO_PAD
                .decode(body)
                .map_err(|_| Error::SealedValue("bad base64url"))?,
        );
        let (version, rest) = raw
            .split_first_chunk::<4>()
            .ok_or(Error::SealedValue("truncated"))?;
        let (nonce, ct) = rest
            .split_first_chunk::<24>()
            .ok_or(Error::SealedValue("truncated"))?;
        if ct.len() < 16 {
            return Err(Error::SealedValue("truncated"));
        }
        Ok(Self {
            key_version: u32::from_be_bytes(*version),
            nonce: *nonce,
            ciphertext: ct.to_vec(),
        })
    }
}

impl std::fmt::Display for SealedText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut raw = Vec::with_capacity(28 + self.ciphertext.len());
        raw.extend_from_slice(&self.key_version.to_be_bytes());
        raw.extend_from_slice(&self.nonce);
        raw.extend_from_slice(&self.ciphertext);
        write!(f, "{SEALED_PREFIX}{}", URL_SAFE_NO_PAD.encode(raw))
    }
}

fn aad(vault: &Vault, key_version: u32, label: &str) -> Vec<u8> {
    let mut ad = Vec::with_capacity(48 + label.len());
    ad.extend_from_slice(b"supreme-vault sv1\0");
    ad.extend_from_slice(&vault.id());
    ad.extend_from_slice(&key_version.to_be_bytes());
    ad.extend_from_slice(label.as_bytes());
    ad
}

fn cipher(vault: &Vault, key: &DataKey) -> Result<keys::XChaCha, Error> {
    Ok(key
        .key()
        .derive(&vault.id(), &[b"supreme-vault v1 sealed value"])?
        .xchacha())
}

impl Vault {
    /// Seals `plaintext` for `label` (e.g. the variable name
    /// `BINANCE_API_SECRET`) under the newest data-key version.
    ///
    /// # Errors
    /// [`Error::Crypto`], or [`Error::Limit`] over 512 KiB.
    pub fn seal_bytes(&self, label: &str, plaintext: &[u8]) -> Result<String, Error> {
        if plaintext.len() > MAX_SEALED_TEXT / 2 {
            return Err(Error::Limit("sealed value over 512 KiB"));
        }
        let key = self.newest_key();
        let version = key.version();
        let (nonce, ciphertext) =
            keys::seal(&cipher(self, key)?, &aad(self, version, label), plaintext)?;
        Ok(SealedText {
            key_version: version,
            nonce,
            ciphertext,
        }
        .to_string())
    }

    /// Opens a sealed value made by [`Vault::seal_bytes`] for the same label,
    /// with the key of the version it records.
    ///
    /// # Errors
    /// [`Error::SealedValue`] (malformed, other label, altered),
    /// [`Error::StaleKeyVersion`] (under a retired version),
    /// [`Error::UnknownKeyVersion`] (sealed by a newer copy of the vault).
    pub fn open_bytes(&self, label: &str, text: &str) -> Result<Zeroizing<Vec<u8>>, Error> {
        let sealed = SealedText::parse(text.trim())?;
        let key = self.key(sealed.key_version)?;
        keys::open(
            &cipher(self, key)?,
            &sealed.nonce,
            &aad(self, sealed.key_version, label),
            &sealed.ciphertext,
        )
        .ok_or(Error::SealedValue(
            "authentication failed (altered, other label or other vault)",
        ))
    }

    /// Re-seals a value made by [`Vault::seal_bytes`] or [`Vault::seal_value`]
    /// for `label` under the newest data-key version (before its version is
    /// retired). The plaintext exists only in zeroizing memory in between.
    ///
    /// ```
    /// # use supreme_vault::{KdfParams, SealedText, Vault};
    /// # let pass = supreme_vault::secrecy::SecretString::from("p");
    /// let mut v = Vault::create(&pass, KdfParams::dangerous().insecure_for_tests())?;
    /// let old = v.seal_bytes("API_SECRET", b"s3cret")?;
    /// v.rotate()?;
    /// let new = v.reseal_value("API_SECRET", &old)?;
    /// assert_eq!(SealedText::parse(&new)?.key_version, 2);
    /// # Ok::<(), supreme_vault::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`Vault::open_bytes`] and [`Vault::seal_bytes`].
    pub fn reseal_value(&self, label: &str, text: &str) -> Result<String, Error> {
        let plain = self.open_bytes(label, text)?;
        self.seal_bytes(label, &plain)
    }

    /// Opens a sealed UTF-8 secret.
    ///
    /// # Errors
    /// As [`Vault::open_bytes`], and [`Error::SealedValue`] if not UTF-8.
    pub fn open_text(&self, label: &str, text: &str) -> Result<SecretString, Error> {
        let plain = self.open_bytes(label, text)?;
        let s = std::str::from_utf8(&plain).map_err(|_| Error::SealedValue("not UTF-8"))?;
        Ok(SecretString::from(s))
    }

    /// Seals any serde value (JSON inside), as the seed's `DataEncryption` did.
    ///
    /// # Errors
    /// [`Error::Serde`], and as [`Vault::seal_bytes`].
    pub fn seal_value<T: Serialize + ?Sized>(
        &self,
        label: &str,
        value: &T,
    ) -> Result<String, Error> {
        let json =
            Zeroizing::new(serde_json::to_vec(value).map_err(|e| Error::Serde(e.to_string()))?);
        self.seal_bytes(label, &json)
    }

    /// Opens a value sealed by [`Vault::seal_value`].
    ///
    /// # Errors
    /// As [`Vault::open_bytes`], and [`Error::Serde`] (message without the data).
    pub fn open_value<T: DeserializeOwned>(&self, label: &str, text: &str) -> Result<T, Error> {
        let plain = self.open_bytes(label, text)?;
        serde_json::from_slice(&plain)
            .map_err(|e| Error::Serde(format!("{:?} at line {}", e.classify(), e.line())))
    }
}

#[cfg(test)]
mod tests;
