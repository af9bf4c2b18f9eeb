//! State keys kept in the vault: a dedicated 32-byte secret per purpose
//! (`"risk"` for the risk book's state file), created once and stored as an
//! entry, so it survives `vault rotate` (entries are re-sealed, their
//! contents kept) and `vault passwd` (entries are not touched). It is not
//! derived from the data key: rotating that key must not make every state
//! file unreadable.
//!
//! The entry is `state-key.<purpose>`, a text entry holding 64 hex digits;
//! it is listed like any other and never leaves the vault except as a
//! [`StateKey`] (redacted, zeroized on drop).

use secrecy::{ExposeSecret, ExposeSecretMut, SecretBox, SecretString};
use supreme_core::files::StateKey;

use crate::entry::EntrySecret;
use crate::error::Error;
use crate::file::VaultFile;
use crate::vault::Vault;

/// The entry name of the state key for `purpose`.
fn entry_name(purpose: &str) -> String {
    format!("state-key.{purpose}")
}

impl Vault {
    /// The state key for `purpose` (e.g. `"risk"`), created and stored as a
    /// new entry if there is none yet (save the vault afterwards; prefer
    /// [`VaultFile::state_key`], which does).
    ///
    /// ```
    /// use supreme_vault::{KdfParams, Vault, secrecy::SecretString};
    ///
    /// let pass = SecretString::from("correct horse battery staple");
    /// let mut vault = Vault::create(&pass, KdfParams::dangerous().insecure_for_tests())?;
    /// let key = vault.state_key("risk")?;
    /// vault.rotate()?;
    /// let again = vault.state_key("risk")?;
    /// assert_eq!(key.tag("label", b"body"), again.tag("label", b"body"));
    /// # Ok::<(), supreme_vault::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidName`] for a purpose that makes a bad entry
    /// name, [`Error::WrongKind`] or [`Error::RejectedSecret`] if
    /// the entry is not a state key, and as [`Vault::reveal`] and [`Vault::put`].
    pub fn state_key(&mut self, purpose: &str) -> Result<StateKey, Error> {
        match self.existing_state_key(purpose) {
            Err(Error::NotFound(_)) => {}
            other => return other,
        }
        let mut bytes = SecretBox::new(Box::new([0u8; 32]));
        crate::keys::random_fill(bytes.expose_secret_mut())?;
        let hex = SecretString::from(supreme_core::hex::encode(bytes.expose_secret()));
        self.put(&entry_name(purpose), &EntrySecret::Text(hex), None)?;
        Ok(StateKey::from_secret(bytes))
    }

    /// The state key for `purpose` if the vault holds one
    /// ([`Error::NotFound`] otherwise); never changes the vault.
    ///
    /// # Errors
    /// As [`Vault::state_key`].
    pub fn existing_state_key(&self, purpose: &str) -> Result<StateKey, Error> {
        let name = entry_name(purpose);
        let text = match self.reveal(&name)? {
            EntrySecret::Text(text) => text,
            other => {
                return Err(Error::WrongKind {
                    name,
                    found: other.kind().as_str(),
                    expected: "text",
                });
            }
        };
        let mut bytes = SecretBox::new(Box::new([0u8; 32]));
        unhex(text.expose_secret(), bytes.expose_secret_mut()).ok_or_else(|| {
            Error::RejectedSecret(format!("entry {name:?} is not a 32-byte state key"))
        })?;
        Ok(StateKey::from_secret(bytes))
    }
}

impl VaultFile {
    /// The state key for `purpose`, created, stored and saved once if the
    /// vault has none yet.
    ///
    /// # Errors
    /// As [`Vault::state_key`] and [`VaultFile::save`].
    pub fn state_key(&mut self, purpose: &str) -> Result<StateKey, Error> {
        match self.vault().existing_state_key(purpose) {
            Err(Error::NotFound(_)) => {}
            other => return other,
        }
        let key = self.vault_mut().state_key(purpose)?;
        self.save()?;
        Ok(key)
    }
}

fn unhex(text: &str, out: &mut [u8; 32]) -> Option<()> {
    supreme_core::hex::decode_lower_into(text.as_bytes(), out)
}

#[cfg(test)]
mod tests;
