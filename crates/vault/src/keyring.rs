//! The data-key ring: every data-key version a vault holds.
//!
//! A vault holds one or more random 32-byte data keys, each with a version
//! number (1, 2, ...; numbers only grow and are never reused). The newest
//! seals everything new (entries, `sv1:` values, serde values, streams) and
//! keys the whole-file MAC; an older one only opens what was sealed under
//! it. Every sealed thing records its version, so it opens with that
//! version's key, and a version the ring does not hold is refused with a
//! typed error: [`Error::UnknownKeyVersion`] when it is newer than the
//! newest (an old copy of the file meeting something sealed after it),
//! [`Error::StaleKeyVersion`] when it was retired.
//!
//! How the operations use it (as Vault transit's `min_decryption_version`:
//! a new version seals, older ones keep opening until the operator retires
//! them):
//!
//! - `passwd` ([`KeyRing::with_new_version`]): a new newest version, every
//!   version re-wrapped under the new passphrase; entries stay where they
//!   are. An old copy of the file plus the old passphrase yields only the
//!   old versions, so it opens nothing sealed or stored after the change.
//! - `rotate` ([`KeyRing::with_new_version`] too): a new newest version,
//!   every entry re-sealed under it; older versions are kept, so `sv1:`
//!   values, serde values and streams sealed before still open. It reports
//!   which older versions remain.
//! - `reseal`: every entry re-sealed under the newest (the re-seal loop of
//!   `rotate`, without a new version); `Vault::reseal_value` and
//!   `Vault::reseal_stream` do the same for what the operator keeps outside
//!   the file.
//! - `retire_below(N)` ([`KeyRing::retired_below`]): every version below `N`
//!   dropped, never the newest, and only once no entry is sealed under one
//!   of them (the vault checks its entries first). Afterwards what they
//!   sealed is refused with [`Error::StaleKeyVersion`].
//!
//! What holds after a retirement: the ring is in the header, so the
//! whole-file MAC covers it and the retirement bumps the generation. An old
//! copy of the file, which still holds the retired keys, is authentic (same
//! passphrase, same newest key) and is refused only by the rollback floor
//! ([`crate::OpenOptions::min_generation`], [`crate::SeenGenerations`], which
//! the CLI uses on every command). Retiring is not erasure: whoever kept a
//! copy of the file and knows the passphrase still holds the retired keys.
//! So if a data key leaked, rotate, reseal, retire, and change the
//! passphrase too.

use ring::hmac;

use crate::error::Error;
use crate::format::{Header, MAX_KEY_VERSIONS, VERSION_1, WrappedKey, wrap_aad};
use crate::keys::{self, Key32, XChaCha};

/// One data-key version, unwrapped, with its entry cipher ready.
pub(crate) struct DataKey {
    version: u32,
    key: Key32,
    entry: XChaCha,
}

impl DataKey {
    fn new(version: u32, key: Key32, vault_id: &[u8; 16]) -> Result<Self, Error> {
        let entry = key
            .derive(vault_id, &[b"supreme-vault v1 entry key"])?
            .xchacha();
        Ok(Self {
            version,
            key,
            entry,
        })
    }

    /// The version number.
    pub(crate) fn version(&self) -> u32 {
        self.version
    }

    /// The raw data key (sub-keys are derived from it, never used directly).
    pub(crate) fn key(&self) -> &Key32 {
        &self.key
    }

    /// The cipher for entries sealed under this version.
    pub(crate) fn entry_cipher(&self) -> &XChaCha {
        &self.entry
    }

    fn copy(&self, vault_id: &[u8; 16]) -> Result<Self, Error> {
        Self::new(self.version, Key32::from_bytes(self.key.expose()), vault_id)
    }
}

/// The versions a vault holds: `older` ascending, then `newest`. Never
/// empty, by construction.
pub(crate) struct KeyRing {
    vault_id: [u8; 16],
    older: Vec<DataKey>,
    newest: DataKey,
}

impl KeyRing {
    /// A ring with one fresh random key, version 1.
    pub(crate) fn first(vault_id: [u8; 16]) -> Result<Self, Error> {
        Ok(Self {
            vault_id,
            older: Vec::new(),
            newest: DataKey::new(1, Key32::random()?, &vault_id)?,
        })
    }

    /// Unwraps every key of `header` with `kek`.
    ///
    /// # Errors
    /// [`Error::WrongPassphrase`] if any wrap fails to open (a wrong
    /// passphrase, or an altered header).
    pub(crate) fn unwrap(kek: &Key32, header: &Header) -> Result<Self, Error> {
        let cipher = kek.xchacha();
        let mut keys = Vec::with_capacity(header.keys.len());
        for w in &header.keys {
            let plain = keys::open(&cipher, &w.nonce, &wrap_aad(header, w.version), &w.wrapped)
                .ok_or(Error::WrongPassphrase)?;
            let raw: zeroize::Zeroizing<[u8; 32]> = zeroize::Zeroizing::new(
                plain
                    .as_slice()
                    .try_into()
                    .map_err(|_| Error::WrongPassphrase)?,
            );
            keys.push(DataKey::new(
                w.version,
                Key32::from_bytes(&raw),
                &header.vault_id,
            )?);
        }
        let newest = keys.pop().ok_or(Error::Malformed("empty key ring"))?;
        Ok(Self {
            vault_id: header.vault_id,
            older: keys,
            newest,
        })
    }

    /// Every key wrapped under `kek`, with fresh nonces, for `header`'s
    /// format, vault id and KDF parameters.
    ///
    /// # Errors
    /// [`Error::Crypto`] if the random generator fails.
    pub(crate) fn wrap(&self, kek: &Key32, header: &Header) -> Result<Vec<WrappedKey>, Error> {
        let cipher = kek.xchacha();
        self.iter()
            .map(|k| {
                let (nonce, ct) = keys::seal(
                    &cipher,
                    &wrap_aad(header, k.version),
                    k.key.expose().as_slice(),
                )?;
                let wrapped = ct
                    .try_into()
                    .map_err(|_| Error::Crypto("wrapped key length"))?;
                Ok(WrappedKey {
                    version: k.version,
                    nonce,
                    wrapped,
                })
            })
            .collect()
    }

    /// Every version held, ascending.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &DataKey> {
        self.older.iter().chain(std::iter::once(&self.newest))
    }

    /// The newest version: what new seals use.
    pub(crate) fn newest(&self) -> &DataKey {
        &self.newest
    }

    /// Every version number held, ascending.
    pub(crate) fn versions(&self) -> Vec<u32> {
        self.iter().map(DataKey::version).collect()
    }

    /// The key of `version`.
    ///
    /// # Errors
    /// [`Error::UnknownKeyVersion`] for a version newer than the newest,
    /// [`Error::StaleKeyVersion`] for one no longer held.
    pub(crate) fn get(&self, version: u32) -> Result<&DataKey, Error> {
        let newest = self.newest.version;
        if version == newest {
            return Ok(&self.newest);
        }
        if version > newest {
            return Err(Error::UnknownKeyVersion {
                found: version,
                newest,
            });
        }
        self.older
            .binary_search_by_key(&version, DataKey::version)
            .map(|i| &self.older[i])
            .map_err(|_| Error::StaleKeyVersion {
                found: version,
                current: newest,
            })
    }

    fn next_key(&self) -> Result<DataKey, Error> {
        let version = self
            .newest
            .version
            .checked_add(1)
            .ok_or(Error::Limit("key version exhausted"))?;
        DataKey::new(version, Key32::random()?, &self.vault_id)
    }

    /// This ring plus a fresh newest version (for `passwd` and `rotate`).
    ///
    /// # Errors
    /// [`Error::Limit`] past 1,024 versions or version `u32::MAX`.
    pub(crate) fn with_new_version(&self) -> Result<Self, Error> {
        if self.older.len() + 1 >= MAX_KEY_VERSIONS {
            return Err(Error::Limit(
                "key ring full (1,024 versions): reseal, then retire older versions",
            ));
        }
        let older = self
            .iter()
            .map(|k| k.copy(&self.vault_id))
            .collect::<Result<Vec<_>, _>>()?;
        let newest = self.next_key()?;
        Ok(Self {
            vault_id: self.vault_id,
            older,
            newest,
        })
    }

    /// This ring without the versions below `below` (for `retire`). The
    /// newest is never dropped; the caller checks that no entry needs a
    /// dropped version.
    ///
    /// # Errors
    /// [`Error::RetireNewest`] if `below` is above the newest version.
    pub(crate) fn retired_below(&self, below: u32) -> Result<Self, Error> {
        let newest = self.newest.version;
        if below > newest {
            return Err(Error::RetireNewest { below, newest });
        }
        let older = self
            .older
            .iter()
            .filter(|k| k.version >= below)
            .map(|k| k.copy(&self.vault_id))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            vault_id: self.vault_id,
            older,
            newest: self.newest.copy(&self.vault_id)?,
        })
    }

    /// The whole-file MAC key: a sub-key of the newest data key, labelled
    /// with the file's format version and the key's version.
    pub(crate) fn mac_key(&self, header: &Header) -> Result<hmac::Key, Error> {
        let label: &[u8] = if header.format == VERSION_1 {
            b"supreme-vault v1 file mac"
        } else {
            b"supreme-vault v2 file mac"
        };
        let version = self.newest.version.to_be_bytes();
        Ok(self
            .newest
            .key
            .derive(&header.vault_id, &[label, &version])?
            .hmac_key())
    }
}

#[cfg(test)]
mod tests;
