//! Ed25519 checkpoint keys (ring): a 0600 key file created on first use, and
//! public keys in the C2SP signed-note verifier key form
//! `<name>+<8 hex key id>+<base64(0x01 || key)>`.

use std::fs;
use std::path::{Path, PathBuf};

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use ring::signature::{ED25519, Ed25519KeyPair, KeyPair, UnparsedPublicKey};
use secrecy::{ExposeSecret, SecretBox};

use crate::error::{Error, Result};

const ALG_ED25519: u8 = 1;
const PRIVATE_PREFIX: &str = "PRIVATE+KEY+";
/// Key files larger than this are refused (a key file is about 150 bytes).
const MAX_KEY_FILE: usize = 16 * 1024;

/// A valid key name: non-empty, printable, no whitespace and no `+`.
pub(crate) fn valid_key_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| !c.is_whitespace() && !c.is_control() && c != '+')
}

/// The C2SP note key id: first 4 bytes of SHA-256(name || "\n" || 0x01 || key).
pub(crate) fn key_id(name: &str, public: &[u8]) -> [u8; 4] {
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
    ctx.update(name.as_bytes());
    ctx.update(b"\n");
    ctx.update(&[ALG_ED25519]);
    ctx.update(public);
    let d = ctx.finish();
    let mut id = [0u8; 4];
    id.copy_from_slice(&d.as_ref()[..4]);
    id
}

fn hex4(id: [u8; 4]) -> String {
    supreme_core::hex::encode(id)
}

/// The private checkpoint key. Debug shows only the name and public key.
pub struct SigningKey {
    name: String,
    pair: Ed25519KeyPair,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SigningKey({})", self.public_key().to_vkey())
    }
}

impl SigningKey {
    /// A fresh key. The PKCS#8 document is returned for storage (a vault
    /// entry, say); it is a secret.
    pub fn generate(name: &str) -> Result<(Self, SecretBox<[u8]>)> {
        let bad = |reason: &str| Error::BadKey {
            path: PathBuf::from(name),
            reason: reason.to_owned(),
        };
        if !valid_key_name(name) {
            return Err(bad("key name must be non-empty, without spaces or '+'"));
        }
        let rng = ring::rand::SystemRandom::new();
        let doc = Ed25519KeyPair::generate_pkcs8(&rng).map_err(|_| bad("key generation failed"))?;
        let pkcs8: SecretBox<[u8]> = SecretBox::new(doc.as_ref().into());
        let key = Self::from_pkcs8(name, pkcs8.expose_secret())?;
        Ok((key, pkcs8))
    }

    /// A key from a PKCS#8 v2 document (as ring generates).
    pub fn from_pkcs8(name: &str, pkcs8: &[u8]) -> Result<Self> {
        let bad = |reason: &str| Error::BadKey {
            path: PathBuf::from(name),
            reason: reason.to_owned(),
        };
        if !valid_key_name(name) {
            return Err(bad("key name must be non-empty, without spaces or '+'"));
        }
        let pair = Ed25519KeyPair::from_pkcs8(pkcs8)
            .map_err(|e| bad(&format!("not an Ed25519 PKCS#8 key: {e}")))?;
        Ok(Self {
            name: name.to_owned(),
            pair,
        })
    }

    /// Loads the key file at `path`, or creates it (mode 0600, with the public
    /// key beside it in `<path>.pub`) when it does not exist. Returns the key
    /// and whether it was created. Refuses a key file readable by others.
    pub fn load_or_create(path: &Path, name: &str) -> Result<(Self, bool)> {
        match fs::symlink_metadata(path) {
            Ok(_) => Ok((Self::load(path)?, false)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                Ok((Self::create(path, name)?, true))
            }
            Err(e) => Err(Error::io("stat", path, e)),
        }
    }

    /// Creates a new key file (fails if it exists).
    pub fn create(path: &Path, name: &str) -> Result<Self> {
        let (key, pkcs8) = Self::generate(name)?;
        let text = SecretBox::new(
            format!(
                "{PRIVATE_PREFIX}{name}+{}+{}\n",
                hex4(key.public_key().id),
                B64.encode(pkcs8.expose_secret())
            )
            .into_boxed_str(),
        );
        supreme_core::files::write_new(path, text.expose_secret().as_bytes()).map_err(
            |e| match e {
                supreme_core::files::Error::AlreadyExists { .. } => Error::io(
                    "create key file",
                    path,
                    std::io::ErrorKind::AlreadyExists.into(),
                ),
                other => other.into(),
            },
        )?;
        let pub_path = public_path(path);
        supreme_core::files::write_atomic(
            &pub_path,
            format!("{}\n", key.public_key().to_vkey()).as_bytes(),
        )?;
        Ok(key)
    }

    /// Loads a key file written by [`SigningKey::create`].
    pub fn load(path: &Path) -> Result<Self> {
        let bad = |reason: &str| Error::BadKey {
            path: path.to_owned(),
            reason: reason.to_owned(),
        };
        // The private-file policy: no symlink, ours, 0600, in a directory
        // no one else can write; a refusal names the fix.
        let bytes = supreme_core::files::read_private(path, MAX_KEY_FILE)?;
        let text = std::str::from_utf8(&bytes).map_err(|_| bad("not UTF-8"))?;
        let body = text
            .trim_end()
            .strip_prefix(PRIVATE_PREFIX)
            .ok_or_else(|| bad("not a key file"))?;
        let mut parts = body.splitn(3, '+');
        let (Some(name), Some(id), Some(b64)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(bad("not a key file"));
        };
        let pkcs8 = SecretBox::new(
            B64.decode(b64)
                .map_err(|_| bad("bad base64"))?
                .into_boxed_slice(),
        );
        let key =
            Self::from_pkcs8(name, pkcs8.expose_secret()).map_err(|_| bad("bad key material"))?;
        if hex4(key.public_key().id) != id {
            return Err(bad("key id does not match the key"));
        }
        Ok(key)
    }

    /// The key name used in signature lines.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The public half.
    pub fn public_key(&self) -> PublicKey {
        let mut key = [0u8; 32];
        key.copy_from_slice(self.pair.public_key().as_ref());
        PublicKey {
            name: self.name.clone(),
            id: key_id(&self.name, &key),
            key,
        }
    }

    pub(crate) fn sign(&self, msg: &[u8]) -> [u8; 64] {
        let mut sig = [0u8; 64];
        sig.copy_from_slice(self.pair.sign(msg).as_ref());
        sig
    }
}

/// Where [`SigningKey::create`] puts the public key: `<key path>.pub`.
pub fn public_path(key_path: &Path) -> PathBuf {
    let mut s = key_path.as_os_str().to_owned();
    s.push(".pub");
    PathBuf::from(s)
}

/// A checkpoint verification key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicKey {
    pub(crate) name: String,
    pub(crate) id: [u8; 4],
    pub(crate) key: [u8; 32],
}

impl PublicKey {
    /// The key name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The C2SP verifier key text `<name>+<hex id>+<base64(0x01 || key)>`.
    pub fn to_vkey(&self) -> String {
        let mut raw = Vec::with_capacity(33);
        raw.push(ALG_ED25519);
        raw.extend_from_slice(&self.key);
        format!("{}+{}+{}", self.name, hex4(self.id), B64.encode(raw))
    }

    /// Parses verifier key text (surrounding whitespace ignored).
    pub fn from_vkey(text: &str) -> Result<Self> {
        let bad = |reason: &str| Error::BadKey {
            path: PathBuf::from("<public key>"),
            reason: reason.to_owned(),
        };
        let mut parts = text.trim().splitn(3, '+');
        let (Some(name), Some(id), Some(b64)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(bad("expected <name>+<id>+<key>"));
        };
        if !valid_key_name(name) {
            return Err(bad("bad key name"));
        }
        let raw = B64.decode(b64).map_err(|_| bad("bad base64"))?;
        let (Some(&ALG_ED25519), Ok(key)) = (
            raw.first(),
            <[u8; 32]>::try_from(raw.get(1..).unwrap_or(&[])),
        ) else {
            return Err(bad("not an Ed25519 key"));
        };
        let pk = Self {
            name: name.to_owned(),
            id: key_id(name, &key),
            key,
        };
        if hex4(pk.id) != id {
            return Err(bad("key id does not match the key"));
        }
        Ok(pk)
    }

    /// The key's fingerprint: SHA-256 over its verifier key text
    /// ([`to_vkey`](Self::to_vkey)), as 64 lower-case hex digits. Give it to
    /// the verifier from somewhere the log's writer cannot reach, so a key
    /// file replaced beside the log is not trusted.
    ///
    /// ```
    /// let key = supreme_audit::SigningKey::generate("bot")?.0.public_key();
    /// let fp = key.fingerprint();
    /// assert_eq!(fp.len(), 64);
    /// assert_eq!(fp, supreme_audit::PublicKey::from_vkey(&key.to_vkey())?.fingerprint());
    /// # Ok::<(), supreme_audit::Error>(())
    /// ```
    pub fn fingerprint(&self) -> String {
        ring::digest::digest(&ring::digest::SHA256, self.to_vkey().as_bytes())
            .as_ref()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// Reads a verifier key file.
    pub fn load(path: &Path) -> Result<Self> {
        let text = fs::read_to_string(path).map_err(|e| Error::io("read public key", path, e))?;
        Self::from_vkey(&text).map_err(|e| match e {
            Error::BadKey { reason, .. } => Error::BadKey {
                path: path.to_owned(),
                reason,
            },
            other => other,
        })
    }

    pub(crate) fn verify(&self, msg: &[u8], sig: &[u8]) -> bool {
        UnparsedPublicKey::new(&ED25519, &self.key)
            .verify(msg, sig)
            .is_ok()
    }
}

#[cfg(test)]
mod tests;
