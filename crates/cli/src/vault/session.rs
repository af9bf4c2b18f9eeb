//! What every vault command does around opening and saving: the rollback
//! memory (highest generation seen per vault id) and the KDF floor warning.

use std::path::Path;

use supreme_vault::{Error, KdfParams, OpenOptions, STATE_DIR_ENV, SeenGenerations, VaultFile};

use super::Failure;
use super::input::{insecure_test_kdf, passphrase};

/// One command's view of the rollback memory.
pub(crate) struct Session {
    accept_rollback: bool,
    seen: SeenGenerations,
}

impl Session {
    /// Opens the rollback memory (`$SUPREME_VAULT_STATE_DIR`, else
    /// `$XDG_STATE_HOME/supreme/vault`, else `~/.local/state/supreme/vault`).
    pub(crate) fn start(accept_rollback: bool) -> Result<Self, Failure> {
        let dir = SeenGenerations::default_dir().ok_or_else(|| {
            Failure::Usage(format!(
                "no place for the rollback memory: set {STATE_DIR_ENV}, XDG_STATE_HOME or HOME"
            ))
        })?;
        Ok(Self {
            accept_rollback,
            seen: SeenGenerations::open(dir)?,
        })
    }

    /// Opens the vault at `path` with the passphrase from the usual sources.
    pub(crate) fn open(&self, path: &Path) -> Result<VaultFile, Failure> {
        self.open_with(path, &OpenOptions::default())
    }

    /// Opens with `opts`, then: warns if the KDF is below the floor, refuses
    /// a generation older than the one remembered (unless accepted), and
    /// remembers this one.
    pub(crate) fn open_with(&self, path: &Path, opts: &OpenOptions) -> Result<VaultFile, Failure> {
        let vf = VaultFile::open_with(path, &passphrase(false)?, opts)?;
        if let Err(e) = kdf_floor(&vf) {
            eprintln!("warning: {}: {e}", path.display());
        }
        self.check_rollback(&vf)?;
        Ok(vf)
    }

    fn check_rollback(&self, vf: &VaultFile) -> Result<(), Failure> {
        let vault = vf.vault();
        match self.seen.check(vault) {
            Ok(()) => {
                self.seen.record(vault)?;
                Ok(())
            }
            Err(Error::Rollback {
                found,
                expected_at_least,
            }) if self.accept_rollback => {
                self.seen.accept(vault)?;
                eprintln!(
                    "warning: accepted a rollback of {}: generation {found}, after {expected_at_least} was seen; {found} is now the newest remembered",
                    vf.path().display()
                );
                Ok(())
            }
            Err(e @ Error::Rollback { .. }) => {
                eprintln!(
                    "refused: {e}: this is an older copy of {} than one already opened here (rollback memory in {}); if you restored it on purpose, run again with --accept-rollback",
                    vf.path().display(),
                    self.seen.dir().display()
                );
                Err(Failure::Reported)
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Saves and remembers the new generation.
    pub(crate) fn save(&self, vf: &mut VaultFile) -> Result<(), Failure> {
        vf.save()?;
        self.seen.record(vf.vault())?;
        Ok(())
    }

    /// Remembers a vault just created.
    pub(crate) fn created(&self, vf: &VaultFile) -> Result<(), Failure> {
        self.seen.record(vf.vault())?;
        Ok(())
    }
}

/// Refuses a vault whose KDF is below the calibrated default, unless
/// `SUPREME_VAULT_INSECURE_TEST_KDF=1` (tests only) allows weak parameters.
pub(crate) fn kdf_floor(vf: &VaultFile) -> Result<(), Error> {
    if insecure_test_kdf() {
        return Ok(());
    }
    vf.vault().kdf_params().check_floor(&KdfParams::CALIBRATED)
}
