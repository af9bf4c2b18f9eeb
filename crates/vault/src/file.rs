//! A vault bound to its file on disk.

use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};

use secrecy::SecretString;
use supreme_core::files::{
    FileLock, check_parent, parent_of, read_private, sync_dir, write_atomic, write_new,
};

use crate::error::Error;
use crate::format::MAX_FILE;
use crate::kdf::KdfParams;
use crate::vault::{OpenOptions, Vault};

/// A [`Vault`] and the path it is saved to. Files are 0600, in a directory
/// that group and others cannot write; saves are atomic and durable.
#[derive(Debug)]
pub struct VaultFile {
    path: PathBuf,
    vault: Vault,
    /// The generation of the file as we last read or wrote it.
    disk_generation: u64,
}

impl VaultFile {
    /// Creates a new vault at `path` (refusing to overwrite). A missing
    /// parent directory is created with mode 0700.
    ///
    /// # Errors
    /// [`Error::AlreadyExists`], [`Error::Io`],
    /// [`Error::UnsafeFile`] for an unsafe directory.
    pub fn create(
        path: impl AsRef<Path>,
        passphrase: &SecretString,
        kdf: KdfParams,
    ) -> Result<Self, Error> {
        let path = path.as_ref().to_path_buf();
        if std::fs::symlink_metadata(&path).is_ok() {
            return Err(Error::AlreadyExists(path.display().to_string()));
        }
        let dir = parent_of(&path);
        if !dir.exists() {
            // Nothing is created under a directory others could rename.
            let existing = dir
                .ancestors()
                .skip(1)
                .map(|a| {
                    if a.as_os_str().is_empty() {
                        Path::new(".")
                    } else {
                        a
                    }
                })
                .find(|a| a.is_dir());
            if let Some(existing) = existing {
                check_parent(&existing.join("new"))?;
            }
            std::fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(dir)
                .map_err(|e| Error::io(dir, e))?;
            if let Some(grand) = dir.parent() {
                sync_dir(if grand.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    grand
                })?;
            }
        }
        check_parent(&path)?;
        let vault = Vault::create(passphrase, kdf)?;
        write_new(&path, &vault.to_bytes()?)?;
        let disk_generation = vault.generation();
        Ok(Self {
            path,
            vault,
            disk_generation,
        })
    }

    /// Opens with default options (default caps, system clock, no rollback floor).
    ///
    /// # Errors
    /// As [`VaultFile::open_with`].
    pub fn open(path: impl AsRef<Path>, passphrase: &SecretString) -> Result<Self, Error> {
        Self::open_with(path, passphrase, &OpenOptions::default())
    }

    /// Opens the file: refuses symlinks, other owners, group/other access and
    /// unsafe directories, then everything [`Vault::from_bytes`] checks.
    ///
    /// # Errors
    /// [`Error::UnsafeFile`], [`Error::Io`], and those of [`Vault::from_bytes`].
    pub fn open_with(
        path: impl AsRef<Path>,
        passphrase: &SecretString,
        opts: &OpenOptions,
    ) -> Result<Self, Error> {
        let path = path.as_ref().to_path_buf();
        let bytes = read_private(&path, MAX_FILE)?;
        let vault = Vault::open_file_bytes(&bytes, passphrase, opts, Some(&path))?;
        let disk_generation = vault.generation();
        Ok(Self {
            path,
            vault,
            disk_generation,
        })
    }

    /// Writes the current state atomically (temp file, fsync, rename, fsync
    /// dir), under an advisory lock, refusing if another writer saved the
    /// file since we read it (no lost updates).
    ///
    /// # Errors
    /// [`Error::Conflict`], [`Error::Io`], [`Error::UnsafeFile`].
    pub fn save(&mut self) -> Result<(), Error> {
        let bytes = self.vault.to_bytes()?;
        let _lock = FileLock::acquire(&FileLock::path_for(&self.path), FileLock::DEFAULT_WAIT)?;
        let on_disk = read_private(&self.path, MAX_FILE)?;
        let found = crate::format::peek_generation(&on_disk)?;
        if found != self.disk_generation {
            return Err(Error::Conflict {
                expected: self.disk_generation,
                found,
            });
        }
        write_atomic(&self.path, &bytes)?;
        self.disk_generation = self.vault.generation();
        Ok(())
    }

    /// The vault.
    #[must_use]
    pub fn vault(&self) -> &Vault {
        &self.vault
    }

    /// The vault, to change it (then [`VaultFile::save`]).
    pub fn vault_mut(&mut self) -> &mut Vault {
        &mut self.vault
    }

    /// The file's path.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Gives up the file binding.
    #[must_use]
    pub fn into_vault(self) -> Vault {
        self.vault
    }
}
