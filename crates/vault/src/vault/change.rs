//! Changing a vault: entries and the passphrase (key versions in `rekey.rs`).

use secrecy::{ExposeSecret, SecretString};

use super::Vault;
use crate::entry::{EntrySecret, entry_aad};
use crate::error::Error;
use crate::format::{self, SealedEntry};
use crate::kdf::KdfParams;
use crate::keys;

impl Vault {
    pub(super) fn next_generation(&self) -> Result<u64, Error> {
        self.header
            .generation
            .checked_add(1)
            .ok_or(Error::Limit("generation counter exhausted"))
    }

    pub(super) fn bump(&mut self) -> Result<(), Error> {
        self.header.generation = self.next_generation()?;
        Ok(())
    }

    /// Seals an entry under the newest data-key version.
    fn seal_entry(
        &self,
        name: &str,
        secret: &EntrySecret,
        expires: Option<i64>,
    ) -> Result<SealedEntry, Error> {
        format::check_name(name)?;
        crate::hygiene::check_entry(secret)?;
        self.seal_as_is(name, secret, expires)
    }

    /// Seals an entry under the newest data-key version without the input
    /// checks: for re-sealing what is already stored (a hygiene rule added
    /// since it was stored must not block a rotation).
    pub(super) fn seal_as_is(
        &self,
        name: &str,
        secret: &EntrySecret,
        expires: Option<i64>,
    ) -> Result<SealedEntry, Error> {
        let plain = secret.encode()?;
        if plain.len() + 16 > format::MAX_CIPHERTEXT {
            return Err(Error::Limit("secret over 1 MiB"));
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
    /// [`Error::AlreadyExists`], [`Error::InvalidName`],
    /// [`Error::RejectedSecret`] (hygiene or format), [`Error::Limit`].
    pub fn put(
        &mut self,
        name: &str,
        secret: &EntrySecret,
        expires: Option<i64>,
    ) -> Result<(), Error> {
        if self.entries.contains_key(name) {
            return Err(Error::AlreadyExists(name.to_owned()));
        }
        if self.entries.len() >= format::MAX_ENTRIES {
            return Err(Error::Limit("too many entries"));
        }
        let sealed = self.seal_entry(name, secret, expires)?;
        self.bump()?;
        self.entries.insert(name.to_owned(), sealed);
        Ok(())
    }

    /// Replaces an existing entry (sealed under the newest data-key version).
    ///
    /// # Errors
    /// [`Error::NotFound`], and as [`Vault::put`].
    pub fn replace(
        &mut self,
        name: &str,
        secret: &EntrySecret,
        expires: Option<i64>,
    ) -> Result<(), Error> {
        if !self.entries.contains_key(name) {
            return Err(Error::NotFound(name.to_owned()));
        }
        let sealed = self.seal_entry(name, secret, expires)?;
        self.bump()?;
        self.entries.insert(name.to_owned(), sealed);
        Ok(())
    }

    /// Removes an entry.
    ///
    /// # Errors
    /// [`Error::NotFound`].
    pub fn remove(&mut self, name: &str) -> Result<(), Error> {
        self.entries
            .remove(name)
            .ok_or_else(|| Error::NotFound(name.to_owned()))?;
        self.bump()
    }

    /// Changes the passphrase (and the KDF parameters): a new salt and
    /// key-encryption key, and a new data-key version (the newest + 1) that
    /// seals everything from now on. Every older version stays readable,
    /// re-wrapped under the new passphrase; entries are not re-sealed.
    ///
    /// So an old copy of the file opened with the old passphrase holds only
    /// the older versions: it opens nothing sealed or stored after the
    /// change (refused with [`Error::UnknownKeyVersion`]), and the new
    /// file's MAC is keyed by a version it does not hold.
    ///
    /// # Errors
    /// [`Error::Crypto`] if random generation or derivation fails,
    /// [`Error::Limit`] when the key ring is full.
    pub fn passwd(&mut self, new_passphrase: &SecretString, kdf: KdfParams) -> Result<(), Error> {
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
