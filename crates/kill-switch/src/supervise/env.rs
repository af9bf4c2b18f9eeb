//! The environment a child gets, and where its program is found.
//!
//! A child never starts from this process's environment by accident: by
//! default it gets only [`BASELINE`] (those of them this process has) plus
//! the variables the caller names, so exchange keys, tokens and
//! `SUPREME_VAULT_PASSPHRASE` stay in the bot.

use std::collections::BTreeMap;
use std::ffi::{OsStr, OsString};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

/// Environment variables starting with this are removed from every child.
pub const VAULT_PASSPHRASE_PREFIX: &str = "SUPREME_VAULT_PASSPHRASE";

/// The new passphrase `supreme vault passwd` reads: removed too (with
/// every name it starts), as it is the vault's passphrase from then on.
const VAULT_NEW_PASSPHRASE_PREFIX: &str = "SUPREME_VAULT_NEW_PASSPHRASE";

/// The variables a child gets by default, when this process has them.
pub const BASELINE_ENV: [&str; 4] = ["PATH", "HOME", "LANG", "TZ"];

/// Where a child's environment starts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) enum EnvMode {
    /// [`BASELINE_ENV`] from this process, then what the caller names.
    #[default]
    Baseline,
    /// Nothing but what the caller names.
    Empty,
    /// All of this process's environment (less the vault passphrases).
    Inherit,
}

/// What the caller asked for, beyond the mode. Its `Debug` shows the names
/// of the variables set, never their values (an API key handed to a
/// strategy through [`ChildSpec::env`](super::ChildSpec::env)).
#[derive(Clone, Default)]
pub(super) struct EnvSpec {
    pub(super) mode: EnvMode,
    /// Names passed through from this process, if set here.
    pub(super) keep: Vec<OsString>,
    /// Variables set explicitly (the last setting of a name wins).
    pub(super) set: Vec<(OsString, OsString)>,
}

impl std::fmt::Debug for EnvSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let set: Vec<&OsStr> = self.set.iter().map(|(k, _)| k.as_os_str()).collect();
        f.debug_struct("EnvSpec")
            .field("mode", &self.mode)
            .field("keep", &self.keep)
            .field("set", &set)
            .finish()
    }
}

fn is_vault_passphrase(name: &OsStr) -> bool {
    let name = name.as_encoded_bytes();
    [VAULT_PASSPHRASE_PREFIX, VAULT_NEW_PASSPHRASE_PREFIX]
        .iter()
        .any(|p| name.starts_with(p.as_bytes()))
}

impl EnvSpec {
    /// Refuses a name the caller gave (kept or set) that is empty or holds
    /// `=`: the child would see the variable named by what comes before the
    /// first `=` (`PATH=/planted:` sets `PATH`), not the one asked for.
    pub(super) fn check_names(&self) -> Result<(), String> {
        let given = self.keep.iter().chain(self.set.iter().map(|(k, _)| k));
        for name in given {
            let bytes = name.as_encoded_bytes();
            if let Some(at) = bytes.iter().position(|&b| b == b'=') {
                // What follows the `=` may be a value: never shown.
                return Err(format!(
                    "environment variable name {:?}... holds '='",
                    String::from_utf8_lossy(&bytes[..at])
                ));
            }
            if bytes.is_empty() {
                return Err("environment variable name is empty".to_owned());
            }
        }
        Ok(())
    }

    /// The child's whole environment, computed from `parent` (this process's
    /// variables): the mode's start, the kept names, the explicit settings,
    /// and never a `SUPREME_VAULT_PASSPHRASE*` or
    /// `SUPREME_VAULT_NEW_PASSPHRASE*` variable, however it came.
    pub(super) fn resolve(
        &self,
        parent: impl IntoIterator<Item = (OsString, OsString)>,
    ) -> BTreeMap<OsString, OsString> {
        let parent: BTreeMap<OsString, OsString> = parent.into_iter().collect();
        let mut env = match self.mode {
            EnvMode::Inherit => parent.clone(),
            EnvMode::Empty => BTreeMap::new(),
            EnvMode::Baseline => BASELINE_ENV
                .iter()
                .filter_map(|k| {
                    let k = OsStr::new(k);
                    parent.get(k).map(|v| (k.to_owned(), v.clone()))
                })
                .collect(),
        };
        for k in &self.keep {
            if let Some(v) = parent.get(k) {
                env.insert(k.clone(), v.clone());
            }
        }
        for (k, v) in &self.set {
            env.insert(k.clone(), v.clone());
        }
        env.retain(|k, _| !is_vault_passphrase(k));
        env
    }
}

/// Whether `p` is a regular file with an execute bit.
pub(super) fn executable(p: &Path) -> bool {
    std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// The file `program` names: itself when it holds a `/`, else the first
/// executable file of that name in `path` (the child's `PATH`, or this
/// process's when the child has none, as `execvp` would). Empty and
/// relative `PATH` entries are skipped: the working directory is not a
/// place programs are taken from.
pub(super) fn find_program(program: &OsStr, path: Option<&OsStr>) -> Result<PathBuf, String> {
    if program.is_empty() {
        return Err("empty program name".to_owned());
    }
    if program.as_encoded_bytes().contains(&b'/') {
        let p = PathBuf::from(program);
        return if executable(&p) {
            Ok(p)
        } else {
            Err("not an executable file".to_owned())
        };
    }
    let path = path.ok_or("no PATH to search")?;
    std::env::split_paths(path)
        .filter(|dir| dir.is_absolute())
        .map(|dir| dir.join(program))
        .find(|p| executable(p))
        .ok_or_else(|| "not found on PATH".to_owned())
}
