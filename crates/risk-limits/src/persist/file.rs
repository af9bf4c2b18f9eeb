//! The state file: keyed, written atomically under a bounded lock.

use std::path::{Path, PathBuf};
use std::time::Duration;

use supreme_core::files::{self, FileLock, StateKey};

use super::PersistedState;
use crate::Error;

/// The state file and the key its tag is made under.
///
/// The key is a dedicated secret: keep it in the vault
/// (`Vault::state_key("risk")`), or, standalone, in a 0600 key file
/// ([`with_key_file`](Self::with_key_file)) outside the state directory.
///
/// ```
/// use supreme_risk_limits::{Error, StateFile, StateKey};
///
/// let dir = tempfile::tempdir()?;
/// let file = StateFile::new(dir.path().join("risk.state"), StateKey::generate()?);
/// assert!(matches!(file.load(), Err(Error::StateMissing { .. })));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct StateFile {
    path: PathBuf,
    key: StateKey,
    lock_wait: Duration,
}

impl StateFile {
    /// The file at `path` (its directory must exist), tagged under `key`.
    pub fn new(path: impl Into<PathBuf>, key: StateKey) -> Self {
        Self {
            path: path.into(),
            key,
            lock_wait: FileLock::DEFAULT_WAIT,
        }
    }

    /// The file at `path`, keyed by the key file at `key_file`: read through
    /// the private-file policy if it exists, else created once (0600).
    pub fn with_key_file(path: impl Into<PathBuf>, key_file: &Path) -> Result<Self, Error> {
        let key = StateKey::load_or_create(key_file).map_err(Error::StatePolicy)?;
        Ok(Self::new(path, key))
    }

    /// How long a save waits for another writer's lock (one that is exiting
    /// after a `kill -9`) before failing; 2 s by default.
    #[must_use]
    pub fn lock_wait(mut self, wait: Duration) -> Self {
        self.lock_wait = wait;
        self
    }

    /// Its path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Reads the state. A missing file is [`Error::StateMissing`], an
    /// unreadable, altered or unauthentic one [`Error::StateCorrupt`]: the
    /// caller decides (a book not started refuses every order that adds
    /// risk, so it trades reduce-only until then).
    pub fn load(&self) -> Result<PersistedState, Error> {
        let bytes = match std::fs::read(&self.path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(Error::StateMissing {
                    path: self.path.clone(),
                });
            }
            Err(source) => {
                return Err(Error::StateIo {
                    path: self.path.clone(),
                    source,
                });
            }
        };
        PersistedState::parse(&bytes, &self.key).map_err(|e| match e {
            Error::StateCorrupt { reason, .. } => Error::StateCorrupt {
                path: Some(self.path.clone()),
                reason,
            },
            other => other,
        })
    }

    /// Writes `state` atomically ([`files::write_atomic`]: a random 0600
    /// temp file beside it, fsync, rename, fsync of the directory), under
    /// the file's lock (`.<name>.lock`).
    pub fn save(&self, state: &PersistedState) -> Result<(), Error> {
        let bytes = state.to_bytes(&self.key);
        let _lock = FileLock::acquire(&FileLock::path_for(&self.path), self.lock_wait)
            .map_err(|e| self.error(e))?;
        files::write_atomic(&self.path, &bytes).map_err(|e| self.error(e))
    }

    fn error(&self, e: files::Error) -> Error {
        match e {
            files::Error::Io { source, .. } => Error::StateIo {
                path: self.path.clone(),
                source,
            },
            other => Error::StatePolicy(other),
        }
    }
}
