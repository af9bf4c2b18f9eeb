//! Rollback memory: the highest generation seen of each vault, kept outside
//! the vault file, so an older copy put back in its place is noticed.
//!
//! The whole-file MAC proves a file is one the vault wrote, not that it is
//! the newest: an old copy (a backup, a sync conflict, a restored snapshot)
//! authenticates too, and brings back entries that were replaced or
//! removed, and key versions that were retired. [`SeenGenerations`]
//! remembers, per vault id, the highest generation opened or saved, in a
//! directory of 0600 files (one per vault, named by the id in hex), and
//! refuses an older one with [`Error::Rollback`].
//!
//! What it stops: a rollback by anyone who can replace the vault file but
//! not write this directory (another account, a shared or synced volume, a
//! restore from backup). What it does not: someone who can write both as
//! the same user (they can edit the record too); keep an expected
//! generation off the host ([`crate::OpenOptions::min_generation`]) for that.

use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};

use supreme_core::files::{FileLock, check_private_dir, read_private, write_atomic};

use crate::error::Error;
use crate::vault::Vault;

/// The variable naming the rollback-memory directory.
pub const STATE_DIR_ENV: &str = "SUPREME_VAULT_STATE_DIR";

/// The highest generation seen per vault id, in a private directory.
///
/// ```
/// use supreme_vault::{KdfParams, SeenGenerations, Vault, Error};
/// # let pass = supreme_vault::secrecy::SecretString::from("p");
/// # let tmp = tempfile::tempdir().unwrap();
/// let seen = SeenGenerations::open(tmp.path().join("state"))?;
/// let mut vault = Vault::create(&pass, KdfParams::dangerous().insecure_for_tests())?;
/// let old_copy = vault.to_bytes()?;
/// vault.put("note", &supreme_vault::EntrySecret::Text("x".to_owned().into()), None)?;
/// seen.record(&vault)?; // generation 2 seen
/// let old = Vault::from_bytes(&old_copy, &pass, &Default::default())?;
/// assert!(matches!(seen.check(&old), Err(Error::Rollback { found: 1, expected_at_least: 2 })));
/// # Ok::<(), Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct SeenGenerations {
    dir: PathBuf,
}

impl SeenGenerations {
    /// The default directory: `$SUPREME_VAULT_STATE_DIR`, else
    /// `$XDG_STATE_HOME/supreme/vault`, else `$HOME/.local/state/supreme/vault`;
    /// `None` when none of them is set.
    #[must_use]
    pub fn default_dir() -> Option<PathBuf> {
        let set = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty());
        if let Some(d) = set(STATE_DIR_ENV) {
            return Some(PathBuf::from(d));
        }
        if let Some(d) = set("XDG_STATE_HOME") {
            return Some(PathBuf::from(d).join("supreme/vault"));
        }
        set("HOME").map(|h| PathBuf::from(h).join(".local/state/supreme/vault"))
    }

    /// Opens the directory, creating it (and missing parents) with mode
    /// 0700. It must be ours, not a symlink, with no group or other access,
    /// under directories that pass the vault file's checks.
    ///
    /// # Errors
    /// [`Error::UnsafeFile`], [`Error::Io`].
    pub fn open(dir: impl AsRef<Path>) -> Result<Self, Error> {
        let dir = dir.as_ref().to_path_buf();
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&dir)
            .map_err(|e| Error::io(&dir, e))?;
        check_private_dir(&dir)?;
        Ok(Self { dir })
    }

    /// The directory.
    #[must_use]
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn record_path(&self, vault_id: &[u8; 16]) -> PathBuf {
        let hex: String = vault_id.iter().map(|b| format!("{b:02x}")).collect();
        self.dir.join(hex)
    }

    /// The highest generation recorded for `vault_id` (0 if never seen).
    ///
    /// # Errors
    /// [`Error::SeenState`] for a corrupt record, [`Error::UnsafeFile`],
    /// [`Error::Io`].
    pub fn highest(&self, vault_id: &[u8; 16]) -> Result<u64, Error> {
        let path = self.record_path(vault_id);
        if std::fs::symlink_metadata(&path).is_err() {
            return Ok(0);
        }
        let bytes = read_private(&path, 64)?;
        let corrupt = |reason| Error::SeenState {
            path: path.clone(),
            reason,
        };
        let text = std::str::from_utf8(&bytes).map_err(|_| corrupt("not UTF-8"))?;
        let digits = text
            .strip_suffix('\n')
            .ok_or_else(|| corrupt("no final newline"))?;
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(corrupt("not a decimal generation"));
        }
        digits
            .parse()
            .map_err(|_| corrupt("generation out of range"))
    }

    /// Refuses `vault` if its generation is below the highest recorded.
    ///
    /// # Errors
    /// [`Error::Rollback`], and as [`SeenGenerations::highest`].
    pub fn check(&self, vault: &Vault) -> Result<(), Error> {
        let highest = self.highest(&vault.id())?;
        if vault.generation() < highest {
            return Err(Error::Rollback {
                found: vault.generation(),
                expected_at_least: highest,
            });
        }
        Ok(())
    }

    /// Records `vault`'s generation if it is higher than the record (never
    /// lowers it); returns the record. Atomic, under a lock, so concurrent
    /// writers keep the highest.
    ///
    /// # Errors
    /// As [`SeenGenerations::highest`], and [`Error::Io`] on write.
    pub fn record(&self, vault: &Vault) -> Result<u64, Error> {
        let path = self.record_path(&vault.id());
        let _lock = FileLock::acquire(&FileLock::path_for(&path), FileLock::DEFAULT_WAIT)?;
        let highest = self.highest(&vault.id())?;
        if vault.generation() <= highest {
            return Ok(highest);
        }
        write_atomic(&path, format!("{}\n", vault.generation()).as_bytes())?;
        Ok(vault.generation())
    }

    /// Sets the record to `vault`'s generation even if lower: an operator
    /// who restored an older copy on purpose accepts it as the newest.
    ///
    /// # Errors
    /// [`Error::Io`], [`Error::UnsafeFile`].
    pub fn accept(&self, vault: &Vault) -> Result<(), Error> {
        let path = self.record_path(&vault.id());
        let _lock = FileLock::acquire(&FileLock::path_for(&path), FileLock::DEFAULT_WAIT)?;
        write_atomic(&path, format!("{}\n", vault.generation()).as_bytes())?;
        Ok(())
    }
}

#[cfg(test)]
mod tests;
