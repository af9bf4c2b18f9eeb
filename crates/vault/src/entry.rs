//! Entry kinds, the secrets they hold, and what binds them to their place.

use secrecy::{ExposeSecret, SecretBox, SecretSlice, SecretString};
use zeroize::Zeroizing;

use crate::error::Error;

/// What an entry holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EntryKind {
    /// Exchange API credentials: a key id and an HMAC-SHA256 secret.
    Hmac,
    /// An Ed25519 private key (PKCS#8).
    Ed25519,
    /// Any text or JSON secret (a config value, a token).
    Text,
}

impl EntryKind {
    pub(crate) const fn code(self) -> u8 {
        match self {
            Self::Hmac => 1,
            Self::Ed25519 => 2,
            Self::Text => 3,
        }
    }

    pub(crate) const fn from_code(code: u8) -> Option<Self> {
        match code {
            1 => Some(Self::Hmac),
            2 => Some(Self::Ed25519),
            3 => Some(Self::Text),
            _ => None,
        }
    }

    /// Lower-case name, as the CLI shows it: `hmac`, `ed25519`, `text`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Hmac => "hmac",
            Self::Ed25519 => "ed25519",
            Self::Text => "text",
        }
    }
}

impl std::fmt::Display for EntryKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for EntryKind {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "hmac" => Ok(Self::Hmac),
            "ed25519" => Ok(Self::Ed25519),
            "text" => Ok(Self::Text),
            _ => Err(Error::InvalidName("kind must be hmac, ed25519 or text")),
        }
    }
}

/// A secret going into, or revealed from, the vault. Every variant keeps its
/// bytes in `secrecy` types: redacted Debug, zeroized on drop, not Serialize.
#[derive(Debug)]
#[non_exhaustive]
pub enum EntrySecret {
    /// Exchange API credentials.
    Hmac {
        /// The public API key id (sent in a header, e.g. `X-MBX-APIKEY`).
        key_id: String,
        /// The HMAC secret.
        secret: SecretString,
    },
    /// An Ed25519 private key, PKCS#8 DER.
    Ed25519 {
        /// The DER bytes.
        pkcs8: SecretSlice<u8>,
    },
    /// A text or JSON secret.
    Text(SecretString),
}

impl EntrySecret {
    /// The kind of this secret.
    #[must_use]
    pub fn kind(&self) -> EntryKind {
        match self {
            Self::Hmac { .. } => EntryKind::Hmac,
            Self::Ed25519 { .. } => EntryKind::Ed25519,
            Self::Text(_) => EntryKind::Text,
        }
    }

    /// The plaintext that is sealed: `u16 key_id_len, key_id, secret` for
    /// HMAC, the raw bytes otherwise.
    pub(crate) fn encode(&self) -> Result<Zeroizing<Vec<u8>>, Error> {
        let mut out = Zeroizing::new(Vec::new());
        match self {
            Self::Hmac { key_id, secret } => {
                let len = u16::try_from(key_id.len())
                    .map_err(|_| Error::RejectedSecret("key id over 65535 bytes".into()))?;
                out.extend_from_slice(&len.to_be_bytes());
                out.extend_from_slice(key_id.as_bytes());
                out.extend_from_slice(secret.expose_secret().as_bytes());
            }
            Self::Ed25519 { pkcs8 } => out.extend_from_slice(pkcs8.expose_secret()),
            Self::Text(s) => out.extend_from_slice(s.expose_secret().as_bytes()),
        }
        Ok(out)
    }

    /// Inverse of [`EntrySecret::encode`]. `None` if the plaintext does not
    /// fit the kind (only possible for a forged entry, which AEAD rules out).
    pub(crate) fn decode(kind: EntryKind, plain: &[u8]) -> Option<Self> {
        match kind {
            EntryKind::Hmac => {
                let (len, rest) = plain.split_first_chunk::<2>()?;
                let len = usize::from(u16::from_be_bytes(*len));
                let key_id = std::str::from_utf8(rest.get(..len)?).ok()?.to_owned();
                let secret = std::str::from_utf8(rest.get(len..)?).ok()?;
                Some(Self::Hmac {
                    key_id,
                    secret: SecretString::from(secret.to_owned()),
                })
            }
            EntryKind::Ed25519 => Some(Self::Ed25519 {
                pkcs8: SecretBox::from(plain.to_vec()),
            }),
            EntryKind::Text => {
                let s = std::str::from_utf8(plain).ok()?;
                Some(Self::Text(SecretString::from(s.to_owned())))
            }
        }
    }
}

/// What `list` shows: never a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct EntryInfo {
    /// The entry's name.
    pub name: String,
    /// Its kind.
    pub kind: EntryKind,
    /// The data-key version it is sealed under.
    pub key_version: u32,
    /// Expiry in Unix seconds, if any.
    pub expires: Option<i64>,
}

/// Associated data of an entry: moving it to another vault or name,
/// changing its kind, key version or expiry makes it fail to open.
pub(crate) fn entry_aad(
    vault_id: &[u8; 16],
    name: &str,
    kind: EntryKind,
    key_version: u32,
    expires: Option<i64>,
) -> Vec<u8> {
    let mut ad = Vec::with_capacity(64 + name.len());
    ad.extend_from_slice(b"supreme-vault v1 entry\0");
    ad.extend_from_slice(vault_id);
    ad.extend_from_slice(&u16::try_from(name.len()).unwrap_or(u16::MAX).to_be_bytes());
    ad.extend_from_slice(name.as_bytes());
    ad.push(kind.code());
    ad.extend_from_slice(&key_version.to_be_bytes());
    ad.push(u8::from(expires.is_some()));
    ad.extend_from_slice(&expires.unwrap_or(0).to_be_bytes());
    ad
}

#[cfg(test)]
mod tests;
