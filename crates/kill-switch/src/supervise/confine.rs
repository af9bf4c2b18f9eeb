//! How a [`ChildSpec`] becomes a [`Command`]: the resource-limit options,
//! the resolved environment and program, `prlimit(1)` in front.

use std::ffi::{OsStr, OsString};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};

use super::{ChildSpec, Output, env, limits};
use crate::error::Error;

/// Marks this process not dumpable, so a child of the same user cannot read
/// `/proc/<this>/environ` or `/proc/<this>/mem`, nor ptrace it.
pub(super) fn not_dumpable() -> Result<(), String> {
    #[cfg(target_os = "linux")]
    nix::sys::prctl::set_dumpable(false)
        .map_err(|e| format!("cannot mark this process not dumpable: {e}"))?;
    Ok(())
}

impl ChildSpec {
    /// Limits the child to `secs` seconds of CPU time: SIGXCPU when they
    /// are used up, SIGKILL if it goes on. Like every limit here it is per
    /// process: each process the child starts inherits its own `secs`.
    #[must_use]
    pub fn cpu_secs(mut self, secs: u64) -> Self {
        self.limits.cpu_secs = Some(secs);
        self
    }

    /// Limits the child's address space to `bytes`: allocations past it
    /// fail.
    #[must_use]
    pub fn address_space(mut self, bytes: u64) -> Self {
        self.limits.address_space = Some(bytes);
        self
    }

    /// Limits the child's descriptors to numbers below `n`.
    #[must_use]
    pub fn open_files(mut self, n: u64) -> Self {
        self.limits.open_files = Some(n);
        self
    }

    /// Lets the child dump core (off by default: a core file of a strategy
    /// holds its keys). With no other limit, no `prlimit` is needed.
    #[must_use]
    pub fn allow_core_dumps(mut self) -> Self {
        self.limits.core_dumps = true;
        self
    }

    /// Uses this `prlimit(1)` and no other (default: the first of
    /// [`PRLIMIT_PATHS`](super::PRLIMIT_PATHS), else one on `PATH`).
    #[must_use]
    pub fn prlimit_path(mut self, path: impl AsRef<Path>) -> Self {
        self.prlimit = Some(path.as_ref().to_owned());
        self
    }

    pub(super) fn unconfined(&self, detail: impl ToString) -> Error {
        Error::Unconfined {
            program: self.program.to_string_lossy().into_owned(),
            detail: detail.to_string(),
        }
    }

    /// The command to spawn: the environment resolved, the program found,
    /// `prlimit` in front when limits apply.
    pub(super) fn command(&self) -> Result<Command, Error> {
        self.env.check_names().map_err(|e| self.err(e))?;
        let env = self.env.resolve(std::env::vars_os());
        let parent_path = std::env::var_os("PATH");
        let search = env.get(OsStr::new("PATH")).or(parent_path.as_ref());
        let program = env::find_program(&self.program, search.map(OsString::as_os_str))
            .map_err(|e| self.err(e))?;
        let limit_args = self.limits.prlimit_args();
        let mut cmd = if limit_args.is_empty() {
            let mut cmd = Command::new(&program);
            cmd.arg0(&self.program);
            cmd
        } else {
            let prlimit = limits::find_prlimit(self.prlimit.as_deref(), parent_path.as_deref())
                .map_err(|e| self.unconfined(e))?;
            let mut cmd = Command::new(prlimit);
            cmd.args(limit_args).arg("--").arg(&program);
            cmd
        };
        cmd.args(&self.args)
            .env_clear()
            .envs(env)
            .process_group(0)
            .stdin(Stdio::null());
        match self.output {
            Output::Inherit => {}
            Output::Null => {
                cmd.stdout(Stdio::null()).stderr(Stdio::null());
            }
            Output::Capture(_) => {
                cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
            }
        }
        Ok(cmd)
    }
}
