//! Data-key versions over a vault's life: rotate, reseal, retire (as Vault
//! transit's `min_decryption_version`; see `keyring.rs` for what holds).

use std::sync::Arc;

use super::Vault;
use crate::error::Error;
use crate::format::SealedEntry;
use crate::keys::Key32;

/// What [`Vault::rotate`] did, and what it leaves readable.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Rotation {
    /// The new newest data-key version: every entry is sealed under it now,
    /// and so is everything sealed from now on.
    pub key_version: u32,
    /// The older versions still held, ascending: `sv1:` values, serde
    /// values and streams sealed under them still open, until
    /// [`Vault::retire_below`] drops them (after [`Vault::reseal_value`] and
    /// [`Vault::reseal_stream`] moved what is kept outside the file).
    pub still_readable: Vec<u32>,
    /// How many entries were re-sealed.
    pub resealed: usize,
}

impl Vault {
    /// Every entry not under the newest version, re-sealed under it
    /// (nothing changes until all of them succeed).
    fn resealed_entries(&self) -> Result<Vec<SealedEntry>, Error> {
        let newest = self.ring.newest().version();
        self.entries
            .values()
            .filter(|e| e.key_version != newest)
            .map(|e| {
                let secret = self.open_entry(e)?;
                self.seal_as_is(&e.name, &secret, e.expires)
            })
            .collect()
    }

    fn put_resealed(&mut self, sealed: Vec<SealedEntry>) -> usize {
        let n = sealed.len();
        for e in sealed {
            self.entries.insert(e.name.clone(), e);
        }
        n
    }

    /// Makes a new random data key (the newest version + 1), re-seals every
    /// entry under it and wraps it with the same passphrase. Older versions
    /// are kept: [`crate::SealedText`] values, serde values and streams
    /// sealed under them still open. Move those with
    /// [`Vault::reseal_value`] and [`Vault::reseal_stream`], then drop the
    /// old versions with [`Vault::retire_below`]`(rotation.key_version)`.
    /// Use it when a data key may have leaked; [`Vault::passwd`] when the
    /// passphrase may have.
    ///
    /// ```
    /// # use supreme_vault::{KdfParams, Vault};
    /// # let pass = supreme_vault::secrecy::SecretString::from("p");
    /// let mut v = Vault::create(&pass, KdfParams::dangerous().insecure_for_tests())?;
    /// let before = v.seal_bytes("LABEL", b"sealed under version 1")?;
    /// let rotation = v.rotate()?;
    /// assert_eq!((rotation.key_version, rotation.still_readable), (2, vec![1]));
    /// assert!(v.open_bytes("LABEL", &before).is_ok()); // still readable
    /// # Ok::<(), supreme_vault::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::EntryTampered`] if an entry fails to open,
    /// [`Error::Limit`] when the key ring is full (retire first).
    pub fn rotate(&mut self) -> Result<Rotation, Error> {
        let ring = self.ring.with_new_version()?;
        let mut header = self.header.clone();
        header.generation = self.next_generation()?;
        header.keys = ring.wrap(&self.kek, &header)?;
        let mut next = Self {
            header,
            kek: Key32::from_bytes(self.kek.expose()),
            ring,
            entries: self.entries.clone(),
            clock: Arc::clone(&self.clock),
            events: self.events.clone(),
        };
        let sealed = next.resealed_entries()?;
        let resealed = next.put_resealed(sealed);
        *self = next;
        let mut still_readable = self.ring.versions();
        let key_version = still_readable.pop().unwrap_or_default();
        Ok(Rotation {
            key_version,
            still_readable,
            resealed,
        })
    }

    /// Re-seals every entry that is not under the newest data-key version;
    /// returns how many. With none to move, nothing changes (not even the
    /// generation). Afterwards no entry needs an older version, so
    /// [`Vault::retire_below`] can drop them.
    ///
    /// ```
    /// # use supreme_vault::{EntrySecret, KdfParams, Vault};
    /// # let pass = supreme_vault::secrecy::SecretString::from("p");
    /// let mut v = Vault::create(&pass, KdfParams::dangerous().insecure_for_tests())?;
    /// v.put("note", &EntrySecret::Text("kept".into()), None)?;
    /// v.passwd(&pass, KdfParams::dangerous().insecure_for_tests())?; // version 2; note stays on 1
    /// assert_eq!(v.reseal()?, 1);
    /// assert_eq!(v.list()[0].key_version, 2);
    /// assert_eq!(v.reseal()?, 0);
    /// # Ok::<(), supreme_vault::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::EntryTampered`] if an entry fails to open (nothing is
    /// changed then), [`Error::Limit`].
    pub fn reseal(&mut self) -> Result<usize, Error> {
        let sealed = self.resealed_entries()?;
        if sealed.is_empty() {
            return Ok(0);
        }
        self.bump()?;
        Ok(self.put_resealed(sealed))
    }

    /// Drops every data-key version below `below` (never the newest) and
    /// returns the versions dropped, ascending; with none below, nothing
    /// changes. Everything sealed under a dropped version is refused from
    /// then on with [`Error::StaleKeyVersion`]. The ring is in the
    /// header, so the whole-file MAC covers the change and the generation
    /// grows: an older copy of the file, which still holds those versions,
    /// is refused only by the rollback floor ([`crate::OpenOptions::min_generation`],
    /// [`crate::SeenGenerations`]).
    ///
    /// Only entries are checked: `sv1:` values and streams kept elsewhere
    /// are not seen, and neither is another process that opened the vault
    /// before the last [`Vault::rotate`] (a running bot): it still seals
    /// under the version it holds as newest. Reopen such processes after
    /// rotating, reseal what they sealed, then retire.
    ///
    /// ```
    /// # use supreme_vault::{KdfParams, Vault, Error};
    /// # let pass = supreme_vault::secrecy::SecretString::from("p");
    /// let mut v = Vault::create(&pass, KdfParams::dangerous().insecure_for_tests())?;
    /// let old = v.seal_bytes("LABEL", b"value")?;
    /// let new = v.rotate().and_then(|_| v.reseal_value("LABEL", &old))?;
    /// assert_eq!(v.retire_below(2)?, [1]);
    /// assert!(matches!(v.open_bytes("LABEL", &old), Err(Error::StaleKeyVersion { .. })));
    /// assert_eq!(v.open_bytes("LABEL", &new)?.as_slice(), b"value");
    /// assert!(matches!(v.retire_below(3), Err(Error::RetireNewest { newest: 2, .. })));
    /// # Ok::<(), supreme_vault::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::RetireNewest`] if `below` is above the newest version;
    /// [`Error::KeyVersionInUse`] naming the first entry still sealed
    /// under a version below `below` (run [`Vault::reseal`] first); nothing
    /// is changed then.
    pub fn retire_below(&mut self, below: u32) -> Result<Vec<u32>, Error> {
        let ring = self.ring.retired_below(below)?;
        let retired: Vec<u32> = self
            .ring
            .versions()
            .into_iter()
            .filter(|v| *v < below)
            .collect();
        if retired.is_empty() {
            return Ok(retired);
        }
        if let Some(e) = self.entries.values().find(|e| e.key_version < below) {
            return Err(Error::KeyVersionInUse {
                name: e.name.clone(),
                key_version: e.key_version,
            });
        }
        let mut header = self.header.clone();
        header.generation = self.next_generation()?;
        header.keys = ring.wrap(&self.kek, &header)?;
        self.header = header;
        self.ring = ring;
        Ok(retired)
    }
}

#[cfg(test)]
mod tests;
