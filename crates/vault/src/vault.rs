//! The vault in memory: open, verify, read, change, encode.

use std::collections::BTreeMap;
use std::sync::Arc;

use ring::hmac;
use secrecy::{ExposeSecret, SecretString};

use crate::clock::{Clock, SystemClock};
use crate::entry::{EntryInfo, EntryKind, EntrySecret, entry_aad};
use crate::error::VaultError;
use crate::format::{self, Header, SealedEntry};
use crate::kdf::{KdfLimits, KdfParams};
use crate::keys::{self, Key32};

/// How to open a vault: read caps, rollback floor, clock.
#[derive(Clone)]
pub struct OpenOptions {
    limits: KdfLimits,
    min_generation: u64,
    clock: Arc<dyn Clock>,
}

impl Default for OpenOptions {
    fn default() -> Self {
        Self {
            limits: KdfLimits::default(),
            min_generation: 0,
            clock: Arc::new(SystemClock),
        }
    }
}

impl std::fmt::Debug for OpenOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpenOptions")
            .field("limits", &self.limits)
            .field("min_generation", &self.min_generation)
            .finish_non_exhaustive()
    }
}

impl OpenOptions {
    /// Caps on the key-derivation parameters a file may ask for.
    #[must_use]
    pub fn kdf_limits(mut self, limits: KdfLimits) -> Self {
        self.limits = limits;
        self
    }

    /// Refuse a file whose generation is below `generation` (a rollback to
    /// an older copy). Keep the last [`Vault::generation`] you saw to use it.
    #[must_use]
    pub fn min_generation(mut self, generation: u64) -> Self {
        self.min_generation = generation;
        self
    }

    /// The clock used for expiry.
    #[must_use]
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }
}

/// An open vault. Entries stay sealed in memory; a secret is decrypted only
/// for the moment it is needed ([`Vault::reveal`], [`Vault::signer`]).
///
/// While open it holds, in zeroizing memory, the data key and the
/// key-encryption key (so [`Vault::rotate`] needs no second passphrase);
/// both are wiped when it is dropped.
pub struct Vault {
    header: Header,
    kek: Key32,
    data_key: Key32,
    entry_cipher: keys::XChaCha,
    entries: BTreeMap<String, SealedEntry>,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vault")
            .field("generation", &self.header.generation)
            .field("key_version", &self.header.key_version)
            .field("entries", &self.entries.len())
            .finish_non_exhaustive()
    }
}

fn entry_cipher(data_key: &Key32, vault_id: &[u8; 16]) -> Result<keys::XChaCha, VaultError> {
    Ok(data_key
        .derive(vault_id, &[b"supreme-vault v1 entry key"])?
        .xchacha())
}

fn mac_key(data_key: &Key32, h: &Header) -> Result<hmac::Key, VaultError> {
    let version = h.key_version.to_be_bytes();
    Ok(data_key
        .derive(&h.vault_id, &[b"supreme-vault v1 file mac", &version])?
        .hmac_key())
}

fn wrap(kek: &Key32, h: &mut Header, data_key: &Key32) -> Result<(), VaultError> {
    let (nonce, ct) = keys::seal(&kek.xchacha(), &format::wrap_aad(h), data_key.expose())?;
    h.wrap_nonce = nonce;
    h.wrapped_key = ct
        .try_into()
        .map_err(|_| VaultError::Crypto("wrapped key length"))?;
    Ok(())
}

impl Vault {
    /// A new, empty vault protected by `passphrase`.
    ///
    /// # Errors
    /// [`VaultError::Crypto`] if the system random generator fails.
    pub fn create(passphrase: &SecretString, kdf: KdfParams) -> Result<Self, VaultError> {
        let salt = keys::random::<16>()?;
        let kek = kdf.derive(passphrase.expose_secret().as_bytes(), &salt)?;
        let data_key = Key32::random()?;
        let mut header = Header {
            vault_id: keys::random()?,
            generation: 1,
            kdf,
            salt,
            key_version: 1,
            wrap_nonce: [0; 24],
            wrapped_key: [0; 48],
        };
        wrap(&kek, &mut header, &data_key)?;
        let entry_cipher = entry_cipher(&data_key, &header.vault_id)?;
        Ok(Self {
            header,
            kek,
            data_key,
            entry_cipher,
            entries: BTreeMap::new(),
            clock: Arc::new(SystemClock),
        })
    }

    /// Opens a vault from its bytes: structure, caps, passphrase, whole-file
    /// MAC and rollback floor are all checked before this returns.
    ///
    /// # Errors
    /// [`VaultError::Malformed`], [`VaultError::KdfOverCap`],
    /// [`VaultError::WrongPassphrase`], [`VaultError::Tampered`],
    /// [`VaultError::Rollback`], among others.
    pub fn from_bytes(
        bytes: &[u8],
        passphrase: &SecretString,
        opts: &OpenOptions,
    ) -> Result<Self, VaultError> {
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
    ) -> Result<Self, VaultError> {
        let header = parsed.header;
        let plain = keys::open(
            &kek.xchacha(),
            &header.wrap_nonce,
            &format::wrap_aad(&header),
            &header.wrapped_key,
        )
        .ok_or(VaultError::WrongPassphrase)?;
        let raw: zeroize::Zeroizing<[u8; 32]> = zeroize::Zeroizing::new(
            plain
                .as_slice()
                .try_into()
                .map_err(|_| VaultError::WrongPassphrase)?,
        );
        let data_key = Key32::from_bytes(&raw);
        hmac::verify(
            &mac_key(&data_key, &header)?,
            parsed.authenticated,
            parsed.mac,
        )
        .map_err(|_| VaultError::Tampered)?;
        if header.generation < opts.min_generation {
            return Err(VaultError::Rollback {
                found: header.generation,
                expected_at_least: opts.min_generation,
            });
        }
        let mut entries = BTreeMap::new();
        for e in parsed.entries {
            if e.key_version != header.key_version {
                return Err(VaultError::StaleKeyVersion {
                    found: e.key_version,
                    current: header.key_version,
                });
            }
            entries.insert(e.name.clone(), e);
        }
        let entry_cipher = entry_cipher(&data_key, &header.vault_id)?;
        Ok(Self {
            header,
            kek,
            data_key,
            entry_cipher,
            entries,
            clock: Arc::clone(&opts.clock),
        })
    }

    /// The file bytes for the current state (header, sorted entries, MAC).
    ///
    /// # Errors
    /// [`VaultError::Crypto`] if key derivation fails.
    pub fn to_bytes(&self) -> Result<Vec<u8>, VaultError> {
        let mut out = format::encode(&self.header, self.entries.values());
        let tag = hmac::sign(&mac_key(&self.data_key, &self.header)?, &out);
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

    /// The current data-key version (+1 on every [`Vault::rotate`]).
    #[must_use]
    pub fn key_version(&self) -> u32 {
        self.header.key_version
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

    fn bump(&mut self) -> Result<(), VaultError> {
        self.header.generation = self
            .header
            .generation
            .checked_add(1)
            .ok_or(VaultError::Limit("generation counter exhausted"))?;
        Ok(())
    }

    fn seal_entry(
        &self,
        name: &str,
        secret: &EntrySecret,
        expires: Option<i64>,
    ) -> Result<SealedEntry, VaultError> {
        format::check_name(name)?;
        crate::hygiene::check_entry(secret)?;
        let plain = secret.encode()?;
        if plain.len() + 16 > format::MAX_CIPHERTEXT {
            return Err(VaultError::Limit("secret over 1 MiB"));
        }
        let kind = secret.kind();
        let version = self.header.key_version;
        let aad = entry_aad(&self.header.vault_id, name, kind, version, expires);
        let (nonce, ciphertext) = keys::seal(&self.entry_cipher, &aad, &plain)?;
        Ok(SealedEntry {
            name: name.to_owned(),
            kind,
            key_version: version,
            expires,
            nonce,
            ciphertext,
        })
    }

    /// Adds a new entry. `expires` is in Unix seconds.
    ///
    /// # Errors
    /// [`VaultError::AlreadyExists`], [`VaultError::InvalidName`],
    /// [`VaultError::RejectedSecret`] (hygiene or format), [`VaultError::Limit`].
    pub fn put(
        &mut self,
        name: &str,
        secret: &EntrySecret,
        expires: Option<i64>,
    ) -> Result<(), VaultError> {
        if self.entries.contains_key(name) {
            return Err(VaultError::AlreadyExists(name.to_owned()));
        }
        if self.entries.len() >= format::MAX_ENTRIES {
            return Err(VaultError::Limit("too many entries"));
        }
        let sealed = self.seal_entry(name, secret, expires)?;
        self.bump()?;
        self.entries.insert(name.to_owned(), sealed);
        Ok(())
    }

    /// Replaces an existing entry.
    ///
    /// # Errors
    /// [`VaultError::NotFound`], and as [`Vault::put`].
    pub fn replace(
        &mut self,
        name: &str,
        secret: &EntrySecret,
        expires: Option<i64>,
    ) -> Result<(), VaultError> {
        if !self.entries.contains_key(name) {
            return Err(VaultError::NotFound(name.to_owned()));
        }
        let sealed = self.seal_entry(name, secret, expires)?;
        self.bump()?;
        self.entries.insert(name.to_owned(), sealed);
        Ok(())
    }

    /// Removes an entry.
    ///
    /// # Errors
    /// [`VaultError::NotFound`].
    pub fn remove(&mut self, name: &str) -> Result<(), VaultError> {
        self.entries
            .remove(name)
            .ok_or_else(|| VaultError::NotFound(name.to_owned()))?;
        self.bump()
    }

    fn entry(&self, name: &str) -> Result<&SealedEntry, VaultError> {
        self.entries
            .get(name)
            .ok_or_else(|| VaultError::NotFound(name.to_owned()))
    }

    pub(crate) fn check_expiry(&self, name: &str, expires: Option<i64>) -> Result<(), VaultError> {
        match expires {
            Some(at) if self.clock.now_unix() >= at => Err(VaultError::Expired {
                name: name.to_owned(),
                expired_at: at,
            }),
            _ => Ok(()),
        }
    }

    /// Decrypts an entry without the expiry check.
    fn open_entry(&self, e: &SealedEntry) -> Result<EntrySecret, VaultError> {
        let tampered = || VaultError::EntryTampered {
            name: e.name.clone(),
        };
        if e.key_version != self.header.key_version {
            return Err(VaultError::StaleKeyVersion {
                found: e.key_version,
                current: self.header.key_version,
            });
        }
        let aad = entry_aad(
            &self.header.vault_id,
            &e.name,
            e.kind,
            e.key_version,
            e.expires,
        );
        let plain =
            keys::open(&self.entry_cipher, &e.nonce, &aad, &e.ciphertext).ok_or_else(tampered)?;
        EntrySecret::decode(e.kind, &plain).ok_or_else(tampered)
    }

    /// Decrypts and returns an entry's secret. Prefer [`Vault::signer`],
    /// which never hands the key out.
    ///
    /// # Errors
    /// [`VaultError::NotFound`], [`VaultError::Expired`],
    /// [`VaultError::EntryTampered`].
    pub fn reveal(&self, name: &str) -> Result<EntrySecret, VaultError> {
        let e = self.entry(name)?;
        self.check_expiry(name, e.expires)?;
        self.open_entry(e)
    }

    /// A signer for an HMAC or Ed25519 entry; the key stays inside it.
    ///
    /// # Errors
    /// As [`Vault::reveal`], and [`VaultError::WrongKind`] for a text entry.
    pub fn signer(&self, name: &str) -> Result<crate::Signer, VaultError> {
        let e = self.entry(name)?;
        self.check_expiry(name, e.expires)?;
        let secret = self.open_entry(e)?;
        crate::Signer::new(name, secret, e.expires, Arc::clone(&self.clock))
    }

    /// Decrypts every entry (ignoring expiry) to prove each authenticates;
    /// returns how many there are.
    ///
    /// # Errors
    /// The first [`VaultError::EntryTampered`] found.
    pub fn verify_entries(&self) -> Result<usize, VaultError> {
        for e in self.entries.values() {
            self.open_entry(e)?;
        }
        Ok(self.entries.len())
    }

    /// Makes a new random data key (version + 1), re-seals every entry under
    /// it and wraps it with the same passphrase. Anything sealed under the
    /// old version ([`crate::SealedText`], streams, entries from old copies)
    /// is refused afterwards.
    ///
    /// # Errors
    /// [`VaultError::EntryTampered`] if an entry fails to open, [`VaultError::Limit`].
    pub fn rotate(&mut self) -> Result<(), VaultError> {
        let plains: Vec<(String, EntrySecret, Option<i64>)> = self
            .entries
            .values()
            .map(|e| Ok((e.name.clone(), self.open_entry(e)?, e.expires)))
            .collect::<Result<_, VaultError>>()?;
        let mut header = self.header.clone();
        header.key_version = header
            .key_version
            .checked_add(1)
            .ok_or(VaultError::Limit("key version exhausted"))?;
        let data_key = Key32::random()?;
        wrap(&self.kek, &mut header, &data_key)?;
        let mut next = Self {
            entry_cipher: entry_cipher(&data_key, &header.vault_id)?,
            header,
            kek: Key32::from_bytes(self.kek.expose()),
            data_key,
            entries: BTreeMap::new(),
            clock: Arc::clone(&self.clock),
        };
        for (name, secret, expires) in &plains {
            let sealed = next.seal_entry(name, secret, *expires)?;
            next.entries.insert(name.clone(), sealed);
        }
        next.bump()?;
        *self = next;
        Ok(())
    }

    /// Changes the passphrase (and optionally the KDF parameters): a new salt
    /// and key-encryption key re-wrap the same data key; entries are untouched.
    ///
    /// # Errors
    /// [`VaultError::Crypto`] if random generation or derivation fails.
    pub fn passwd(
        &mut self,
        new_passphrase: &SecretString,
        kdf: KdfParams,
    ) -> Result<(), VaultError> {
        let mut header = self.header.clone();
        header.salt = keys::random()?;
        header.kdf = kdf;
        let kek = kdf.derive(new_passphrase.expose_secret().as_bytes(), &header.salt)?;
        wrap(&kek, &mut header, &self.data_key)?;
        self.header = header;
        self.kek = kek;
        self.bump()
    }

    pub(crate) fn data_key(&self) -> &Key32 {
        &self.data_key
    }

    /// The kind of an entry.
    ///
    /// # Errors
    /// [`VaultError::NotFound`].
    pub fn kind(&self, name: &str) -> Result<EntryKind, VaultError> {
        Ok(self.entry(name)?.kind)
    }
}

#[cfg(test)]
mod tests;
