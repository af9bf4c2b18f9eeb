//! Changing a vault: entries, data-key rotation, passphrase change.

use std::collections::BTreeMap;
use std::sync::Arc;

use secrecy::{ExposeSecret, SecretString};

use super::Vault;
use crate::entry::{EntrySecret, entry_aad};
use crate::error::VaultError;
use crate::format::{self, SealedEntry};
use crate::kdf::KdfParams;
use crate::keys::{self, Key32};

impl Vault {
    fn next_generation(&self) -> Result<u64, VaultError> {
        self.header
            .generation
            .checked_add(1)
            .ok_or(VaultError::Limit("generation counter exhausted"))
    }

    fn bump(&mut self) -> Result<(), VaultError> {
        self.header.generation = self.next_generation()?;
        Ok(())
    }

    /// Seals an entry under the newest data-key version.
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
        let key = self.ring.newest();
        let version = key.version();
        let aad = entry_aad(&self.header.vault_id, name, kind, version, expires);
        let (nonce, ciphertext) = keys::seal(key.entry_cipher(), &aad, &plain)?;
        Ok(SealedEntry {
            name: name.to_owned(),
            kind,
            key_version: version,
            expires,
            nonce,
            ciphertext,
        })
    }

    /// Adds a new entry, sealed under the newest data-key version. `expires`
    /// is in Unix seconds.
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

    /// Replaces an existing entry (sealed under the newest data-key version).
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

    /// Makes a new random data key (the newest version + 1), re-seals every
    /// entry under it, drops every older version and wraps the new one with
    /// the same passphrase. Anything sealed under an older version
    /// ([`crate::SealedText`], serde values, streams, entries from old
    /// copies) is refused afterwards with [`VaultError::StaleKeyVersion`].
    /// Use it when a data key may have leaked; [`Vault::passwd`] when the
    /// passphrase may have.
    ///
    /// # Errors
    /// [`VaultError::EntryTampered`] if an entry fails to open, [`VaultError::Limit`].
    pub fn rotate(&mut self) -> Result<(), VaultError> {
        let plains: Vec<(String, EntrySecret, Option<i64>)> = self
            .entries
            .values()
            .map(|e| Ok((e.name.clone(), self.open_entry(e)?, e.expires)))
            .collect::<Result<_, VaultError>>()?;
        let ring = self.ring.only_new_version()?;
        let mut header = self.header.clone();
        header.generation = self.next_generation()?;
        header.keys = ring.wrap(&self.kek, &header)?;
        let mut next = Self {
            header,
            kek: Key32::from_bytes(self.kek.expose()),
            ring,
            entries: BTreeMap::new(),
            clock: Arc::clone(&self.clock),
        };
        for (name, secret, expires) in &plains {
            let sealed = next.seal_entry(name, secret, *expires)?;
            next.entries.insert(name.clone(), sealed);
        }
        *self = next;
        Ok(())
    }

    /// Changes the passphrase (and the KDF parameters): a new salt and
    /// key-encryption key, and a new data-key version (the newest + 1) that
    /// seals everything from now on. Every older version stays readable,
    /// re-wrapped under the new passphrase; entries are not re-sealed.
    ///
    /// So an old copy of the file opened with the old passphrase holds only
    /// the older versions: it opens nothing sealed or stored after the
    /// change (refused with [`VaultError::UnknownKeyVersion`]), and the new
    /// file's MAC is keyed by a version it does not hold.
    ///
    /// # Errors
    /// [`VaultError::Crypto`] if random generation or derivation fails,
    /// [`VaultError::Limit`] when the key ring is full.
    pub fn passwd(
        &mut self,
        new_passphrase: &SecretString,
        kdf: KdfParams,
    ) -> Result<(), VaultError> {
        let ring = self.ring.with_new_version()?;
        let mut header = self.header.clone();
        header.generation = self.next_generation()?;
        header.salt = keys::random()?;
        header.kdf = kdf;
        let kek = kdf.derive(new_passphrase.expose_secret().as_bytes(), &header.salt)?;
        header.keys = ring.wrap(&kek, &header)?;
        self.header = header;
        self.kek = kek;
        self.ring = ring;
        Ok(())
    }
}

#[cfg(test)]
mod tests;
