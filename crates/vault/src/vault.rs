//! The vault in memory: open, verify, read, encode (changes in `change.rs`,
//! key versions: rotate, reseal, retire in `rekey.rs`).

mod change;
mod options;
mod rekey;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use ring::hmac;
use secrecy::{ExposeSecret, SecretString};

use crate::entry::{EntryInfo, EntryKind, EntrySecret, entry_aad};
use crate::error::Error;
use crate::events::{self, AUTH_FAILURE, SECRET_ACCESSED, VAULT_OPENED};
use crate::format::{self, Header, SealedEntry};
use crate::kdf::KdfParams;
use crate::keyring::{DataKey, KeyRing};
use crate::keys::{self, Key32};
use supreme_core::event::{Severity, Sink};
use supreme_core::{Clock, CoarseClock, hex, time::saturating_i64};

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
    events: Option<Arc<dyn Sink>>,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vault")
            .field("generation", &self.header.generation)
            .field("key_versions", &self.ring.versions())
            .field("entries", &self.entries.len())
            .field("events", &self.events.is_some())
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
            events: None,
        })
    }

    /// Opens a vault from its bytes: structure, caps, passphrase, whole-file
    /// MAC and rollback floor are all checked before this returns. A format
    /// version 1 file opens too; [`Vault::to_bytes`] then writes version 2.
    ///
    /// With [`OpenOptions::events`], the opening is recorded as
    /// `VAULT_OPENED` (and the vault returned only once the sink kept it), a
    /// wrong passphrase as `AUTH_FAILURE` (see [`crate::events`]).
    ///
    /// # Errors
    /// [`Error::Malformed`], [`Error::KdfOverCap`],
    /// [`Error::WrongPassphrase`], [`Error::Tampered`],
    /// [`Error::Rollback`], [`Error::Unrecorded`], among others.
    pub fn from_bytes(
        bytes: &[u8],
        passphrase: &SecretString,
        opts: &OpenOptions,
    ) -> Result<Self, Error> {
        Self::open_file_bytes(bytes, passphrase, opts, None)
    }

    /// [`Vault::from_bytes`], naming the file `path` in its events.
    pub(crate) fn open_file_bytes(
        bytes: &[u8],
        passphrase: &SecretString,
        opts: &OpenOptions,
        path: Option<&Path>,
    ) -> Result<Self, Error> {
        let parsed = format::parse(bytes, &opts.limits)?;
        let vault_id = hex::encode(parsed.header.vault_id);
        let kek = parsed
            .header
            .kdf
            .derive(passphrase.expose_secret().as_bytes(), &parsed.header.salt)?;
        let with_path = |e: supreme_core::event::Event| match path {
            Some(p) => e.field("path", p.display().to_string()),
            None => e,
        };
        let vault = match Self::open_parsed(parsed, kek, opts) {
            Err(Error::WrongPassphrase) => {
                let e = events::event(AUTH_FAILURE, Severity::Warning, opts.clock.now_ms())
                    .field("reason", "wrong passphrase")
                    .field("vault_id", vault_id);
                // Refused already: a sink that also refuses this record
                // changes nothing.
                let _ = events::record(opts.events.as_ref(), &with_path(e));
                return Err(Error::WrongPassphrase);
            }
            other => other?,
        };
        let e = events::event(VAULT_OPENED, Severity::Notice, opts.clock.now_ms())
            .field("vault_id", vault_id)
            .field("generation", vault.header.generation.to_string())
            .field("entries", vault.entries.len().to_string());
        events::record(vault.events.as_ref(), &with_path(e))?;
        Ok(vault)
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
            events: opts.events.clone(),
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

    /// Records every secret read and signature into `sink` from now on
    /// (signers made afterwards inherit it; see [`crate::events`]). To
    /// record the opening and a wrong passphrase too, give the sink to
    /// [`OpenOptions::events`] instead.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use supreme_core::event::VecSink;
    /// use supreme_vault::{EntrySecret, KdfParams, Vault};
    /// # let pass = supreme_vault::secrecy::SecretString::from("p");
    /// let seen = Arc::new(VecSink::new());
    /// let mut vault = Vault::create(&pass, KdfParams::dangerous().insecure_for_tests())?
    ///     .with_events(seen.clone());
    /// vault.put("k", &EntrySecret::Hmac { key_id: "sim-api-key-0001".into(), secret: "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP".into() }, None)?;
    /// let signer = vault.signer("k")?;
    /// signer.sign(b"a=1")?;
    /// signer.sign(b"a=2")?;
    /// let e = seen.events();
    /// assert_eq!((e[0].kind(), e[0].get("action")), ("SECRET_ACCESSED", Some("signer")));
    /// assert_eq!((e[2].kind(), e[2].get("entry"), e[2].get("use")), ("SIGNATURE_MADE", Some("k"), Some("2")));
    /// # Ok::<(), supreme_vault::Error>(())
    /// ```
    #[must_use]
    pub fn with_events(mut self, sink: Arc<dyn Sink>) -> Self {
        self.events = Some(sink);
        self
    }

    /// Records that entry `name` was decrypted for `action`; refused: not
    /// decrypted out ([`Error::Unrecorded`]).
    fn record_access(&self, name: &str, action: &'static str) -> Result<(), Error> {
        if self.events.is_none() {
            return Ok(());
        }
        let e = events::event(SECRET_ACCESSED, Severity::Notice, self.clock.now_ms())
            .field("entry", name)
            .field("action", action)
            .field("vault_id", hex::encode(self.header.vault_id));
        events::record(self.events.as_ref(), &e)
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
    /// With an event sink ([`Vault::with_events`]) the read is recorded as
    /// `SECRET_ACCESSED` first, and refused if the sink refuses.
    ///
    /// # Errors
    /// [`Error::NotFound`], [`Error::Expired`],
    /// [`Error::EntryTampered`], [`Error::Unrecorded`].
    pub fn reveal(&self, name: &str) -> Result<EntrySecret, Error> {
        let e = self.entry(name)?;
        self.check_expiry(name, e.expires)?;
        let secret = self.open_entry(e)?;
        self.record_access(name, "reveal")?;
        Ok(secret)
    }

    /// A signer for an HMAC or Ed25519 entry; the key stays inside it.
    ///
    /// With an event sink ([`Vault::with_events`]) the signer is recorded as
    /// `SECRET_ACCESSED` (`action` `signer`) and inherits the sink: each
    /// signature is then one `SIGNATURE_MADE` record, and refused if the
    /// sink refuses it.
    ///
    /// # Errors
    /// As [`Vault::reveal`], and [`Error::WrongKind`] for a text entry.
    pub fn signer(&self, name: &str) -> Result<crate::Signer, Error> {
        let e = self.entry(name)?;
        self.check_expiry(name, e.expires)?;
        let secret = self.open_entry(e)?;
        let signer = crate::Signer::new(name, secret, e.expires, Arc::clone(&self.clock))?;
        self.record_access(name, "signer")?;
        Ok(match &self.events {
            Some(sink) => signer.with_events(Arc::clone(sink)),
            None => signer,
        })
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
