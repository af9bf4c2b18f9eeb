//! The vault in memory: open, verify, read, encode (changes in `change.rs`,
//! key versions: rotate, reseal, retire in `rekey.rs`).

mod change;
mod options;
mod rekey;

use std::collections::BTreeMap;
use std::sync::Arc;

use ring::hmac;
use secrecy::{ExposeSecret, SecretString};

use crate::entry::{EntryInfo, EntryKind, EntrySecret, entry_aad};
use crate::error::Error;
use crate::format::{self, Header, SealedEntry};
use crate::kdf::KdfParams;
use crate::keyring::{DataKey, KeyRing};
use crate::keys::{self, Key32};
use supreme_core::{Clock, CoarseClock, time::saturating_i64};

pub use options::OpenOptions;
pub use rekey::Rotation;

/// An open vault. Entries stay sealed in memory; a secret is decrypted only
/// for the moment it is needed ([`Vault::reveal`], [`Vault::signer`]).
///
/// While open it holds, in zeroizing memory, every data-key version of its
/// key ring and the key-encryption key (so [`Vault::rotate`] and
/// [`Vault::retire_below`] need no second passphrase); all are wiped when it is dropped.
pub struct Vault {
    header: Header,
    kek: Key32,
    ring: KeyRing,
    entries: BTreeMap<String, SealedEntry>,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vault")
            .field("generation", &self.header.generation)
            .field("key_versions", &self.ring.versions())
            .field("entries", &self.entries.len())
            .finish_non_exhaustive()
    }
}

impl Vault {
    /// A new, empty vault protected by `passphrase` (data-key version 1).
    ///
    /// # Errors
    /// [`Error::Crypto`] if the system random generator fails.
    pub fn create(passphrase: &SecretString, kdf: KdfParams) -> Result<Self, Error> {
        let salt = keys::random::<16>()?;
        let kek = kdf.derive(passphrase.expose_secret().as_bytes(), &salt)?;
        let vault_id = keys::random()?;
        let ring = KeyRing::first(vault_id)?;
        let mut header = Header {
            format: format::VERSION,
            vault_id,
            generation: 1,
            kdf,
            salt,
            keys: Vec::new(),
        };
        header.keys = ring.wrap(&kek, &header)?;
        Ok(Self {
            header,
            kek,
            ring,
            entries: BTreeMap::new(),
            clock: Arc::new(CoarseClock),
        })
    }

    /// Opens a vault from its bytes: structure, caps, passphrase, whole-file
    /// MAC and rollback floor are all checked before this returns. A format
    /// version 1 file opens too; [`Vault::to_bytes`] then writes version 2.
    ///
    /// # Errors
    /// [`Error::Malformed`], [`Error::KdfOverCap`],
    /// [`Error::WrongPassphrase`], [`Error::Tampered`],
    /// [`Error::Rollback`], among others.
    pub fn from_bytes(
        bytes: &[u8],
        passphrase: &SecretString,
        opts: &OpenOptions,
    ) -> Result<Self, Error> {
        let parsed = format::parse(bytes, &opts.limits)?;
        let kek = parsed
            .header
            .kdf
            .derive(passphrase.expose_secret().as_bytes(), &parsed.header.salt)?;
        Self::open_parsed(parsed, kek, opts)
    }

    /// Everything after key derivation (split out so tests can reuse a KEK).
    pub(crate) fn open_parsed(
        parsed: format::Parsed<'_>,
        kek: Key32,
        opts: &OpenOptions,
    ) -> Result<Self, Error> {
        let mut header = parsed.header;
        let ring = KeyRing::unwrap(&kek, &header)?;
        hmac::verify(&ring.mac_key(&header)?, parsed.authenticated, parsed.mac)
            .map_err(|_| Error::Tampered)?;
        if header.generation < opts.min_generation {
            return Err(Error::Rollback {
                found: header.generation,
                expected_at_least: opts.min_generation,
            });
        }
        let mut entries = BTreeMap::new();
        for e in parsed.entries {
            ring.get(e.key_version)?;
            entries.insert(e.name.clone(), e);
        }
        if header.format != format::VERSION {
            // Upgrade in memory: the same keys, wrapped for the new layout.
            header.format = format::VERSION;
            header.keys = ring.wrap(&kek, &header)?;
        }
        Ok(Self {
            header,
            kek,
            ring,
            entries,
            clock: Arc::clone(&opts.clock),
        })
    }

    /// The file bytes for the current state (header, sorted entries, MAC),
    /// always in the current format version.
    ///
    /// # Errors
    /// [`Error::Crypto`] if key derivation fails.
    pub fn to_bytes(&self) -> Result<Vec<u8>, Error> {
        let mut out = format::encode(&self.header, self.entries.values());
        let tag = hmac::sign(&self.ring.mac_key(&self.header)?, &out);
        out.extend_from_slice(tag.as_ref());
        Ok(out)
    }

    /// Uses `clock` for expiry checks from now on.
    #[must_use]
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// The generation: +1 on every change. Remember it and pass it to
    /// [`OpenOptions::min_generation`] to detect a rollback of the whole file.
    #[must_use]
    pub fn generation(&self) -> u64 {
        self.header.generation
    }

    /// The newest data-key version: what new entries, sealed values and
    /// streams are sealed under (+1 on every [`Vault::rotate`] and
    /// [`Vault::passwd`]; never retired).
    #[must_use]
    pub fn key_version(&self) -> u32 {
        self.ring.newest().version()
    }

    /// Every data-key version this vault holds, ascending (the last is
    /// [`Vault::key_version`]). Anything sealed under another version is
    /// refused.
    ///
    /// ```
    /// # use supreme_vault::{KdfParams, Vault};
    /// # let pass = supreme_vault::secrecy::SecretString::from("p");
    /// let mut v = Vault::create(&pass, KdfParams::dangerous().insecure_for_tests())?;
    /// v.passwd(&pass, KdfParams::dangerous().insecure_for_tests())?;
    /// assert_eq!(v.key_versions(), [1, 2]); // passwd keeps version 1 readable
    /// v.rotate()?;
    /// assert_eq!(v.key_versions(), [1, 2, 3]); // and so does rotate
    /// v.retire_below(3)?;
    /// assert_eq!(v.key_versions(), [3]); // until the operator retires them
    /// # Ok::<(), supreme_vault::Error>(())
    /// ```
    #[must_use]
    pub fn key_versions(&self) -> Vec<u32> {
        self.ring.versions()
    }

    /// The key-derivation parameters in the header.
    #[must_use]
    pub fn kdf_params(&self) -> KdfParams {
        self.header.kdf
    }

    /// The vault's random 16-byte id.
    #[must_use]
    pub fn id(&self) -> [u8; 16] {
        self.header.vault_id
    }

    /// Names, kinds, versions and expiry of every entry, sorted by name.
    #[must_use]
    pub fn list(&self) -> Vec<EntryInfo> {
        self.entries
            .values()
            .map(|e| EntryInfo {
                name: e.name.clone(),
                kind: e.kind,
                key_version: e.key_version,
                expires: e.expires,
            })
            .collect()
    }

    fn entry(&self, name: &str) -> Result<&SealedEntry, Error> {
        self.entries
            .get(name)
            .ok_or_else(|| Error::NotFound(name.to_owned()))
    }

    pub(crate) fn check_expiry(&self, name: &str, expires: Option<i64>) -> Result<(), Error> {
        match expires {
            Some(at) if saturating_i64(self.clock.now_unix_secs()) >= at => Err(Error::Expired {
                name: name.to_owned(),
                expired_at: at,
            }),
            _ => Ok(()),
        }
    }

    /// Decrypts an entry (under the version it records) without the expiry check.
    fn open_entry(&self, e: &SealedEntry) -> Result<EntrySecret, Error> {
        let tampered = || Error::EntryTampered {
            name: e.name.clone(),
        };
        let key = self.ring.get(e.key_version)?;
        let aad = entry_aad(
            &self.header.vault_id,
            &e.name,
            e.kind,
            e.key_version,
            e.expires,
        );
        let plain =
            keys::open(key.entry_cipher(), &e.nonce, &aad, &e.ciphertext).ok_or_else(tampered)?;
        EntrySecret::decode(e.kind, &plain).ok_or_else(tampered)
    }

    /// Decrypts and returns an entry's secret. Prefer [`Vault::signer`],
    /// which never hands the key out.
    ///
    /// # Errors
    /// [`Error::NotFound`], [`Error::Expired`],
    /// [`Error::EntryTampered`].
    pub fn reveal(&self, name: &str) -> Result<EntrySecret, Error> {
        let e = self.entry(name)?;
        self.check_expiry(name, e.expires)?;
        self.open_entry(e)
    }

    /// A signer for an HMAC or Ed25519 entry; the key stays inside it.
    ///
    /// # Errors
    /// As [`Vault::reveal`], and [`Error::WrongKind`] for a text entry.
    pub fn signer(&self, name: &str) -> Result<crate::Signer, Error> {
        let e = self.entry(name)?;
        self.check_expiry(name, e.expires)?;
        let secret = self.open_entry(e)?;
        crate::Signer::new(name, secret, e.expires, Arc::clone(&self.clock))
    }

    /// Decrypts every entry (ignoring expiry) to prove each authenticates;
    /// returns how many there are.
    ///
    /// # Errors
    /// The first [`Error::EntryTampered`] found.
    pub fn verify_entries(&self) -> Result<usize, Error> {
        for e in self.entries.values() {
            self.open_entry(e)?;
        }
        Ok(self.entries.len())
    }

    /// The newest data key (for sealing).
    pub(crate) fn newest_key(&self) -> &DataKey {
        self.ring.newest()
    }

    /// The data key of `version` (for opening).
    pub(crate) fn key(&self, version: u32) -> Result<&DataKey, Error> {
        self.ring.get(version)
    }

    /// The kind of an entry.
    ///
    /// # Errors
    /// [`Error::NotFound`].
    pub fn kind(&self, name: &str) -> Result<EntryKind, Error> {
        Ok(self.entry(name)?.kind)
    }
}

#[cfg(test)]
mod tests;
