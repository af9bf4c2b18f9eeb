//! Child processes in their own process group, with a timeout, killed as a
//! tree: SIGTERM to the group, a grace period, then SIGKILL.

mod group;

use std::ffi::{OsStr, OsString};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use nix::sys::signal::Signal;
use nix::unistd::Pid;

use crate::error::KillSwitchError;
use group::{group_alive, signal_group};

const POLL: Duration = Duration::from_millis(5);

/// How to run a child.
#[derive(Debug, Clone)]
pub struct ChildSpec {
    program: OsString,
    args: Vec<OsString>,
    clean_env: bool,
    env: Vec<(OsString, OsString)>,
    timeout: Option<Duration>,
    grace: Duration,
    quiet: bool,
}

/// Environment variables starting with this are removed from every child.
pub const VAULT_PASSPHRASE_PREFIX: &str = "SUPREME_VAULT_PASSPHRASE";

/// Removes every `SUPREME_VAULT_PASSPHRASE*` variable from `cmd`: those this
/// process has (inherited by default) and those the spec set.
fn strip_vault_passphrases(cmd: &mut Command, explicit: &[(OsString, OsString)]) {
    let inherited = std::env::vars_os().map(|(k, _)| k);
    let set = explicit.iter().map(|(k, _)| k.clone());
    for name in inherited.chain(set) {
        if name
            .as_encoded_bytes()
            .starts_with(VAULT_PASSPHRASE_PREFIX.as_bytes())
        {
            cmd.env_remove(&name);
        }
    }
}

/// How a supervised child ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChildOutcome {
    /// The exit status, `None` when it timed out and was killed.
    pub status: Option<ExitStatus>,
    /// Whether SIGKILL was needed (the group outlived the grace period).
    pub killed_hard: bool,
}

impl ChildSpec {
    /// Runs `program` (found on `PATH` unless a path).
    pub fn new(program: impl AsRef<OsStr>) -> Self {
        Self {
            program: program.as_ref().to_owned(),
            args: Vec::new(),
            clean_env: false,
            env: Vec::new(),
            timeout: None,
            grace: Duration::from_secs(2),
            quiet: false,
        }
    }

    /// Adds an argument.
    #[must_use]
    pub fn arg(mut self, a: impl AsRef<OsStr>) -> Self {
        self.args.push(a.as_ref().to_owned());
        self
    }

    /// Starts from an empty environment (only what [`ChildSpec::env`] adds).
    #[must_use]
    pub fn clean_env(mut self, clean: bool) -> Self {
        self.clean_env = clean;
        self
    }

    /// Sets an environment variable. Variables named
    /// `SUPREME_VAULT_PASSPHRASE*` are never passed (see [`ChildSpec::spawn`]).
    #[must_use]
    pub fn env(mut self, k: impl AsRef<OsStr>, v: impl AsRef<OsStr>) -> Self {
        self.env
            .push((k.as_ref().to_owned(), v.as_ref().to_owned()));
        self
    }

    /// Kills the tree if it runs longer than this ([`ChildSpec::run`]).
    #[must_use]
    pub fn timeout(mut self, d: Duration) -> Self {
        self.timeout = Some(d);
        self
    }

    /// Whether a timeout is set.
    pub fn has_timeout(&self) -> bool {
        self.timeout.is_some()
    }

    /// Time between SIGTERM and SIGKILL (default 2 s).
    #[must_use]
    pub fn grace(mut self, d: Duration) -> Self {
        self.grace = d;
        self
    }

    /// Discards the child's stdout and stderr; stdin is always null.
    #[must_use]
    pub fn quiet(mut self, q: bool) -> Self {
        self.quiet = q;
        self
    }

    fn err(&self, detail: impl ToString) -> KillSwitchError {
        KillSwitchError::Process {
            program: self.program.to_string_lossy().into_owned(),
            detail: detail.to_string(),
        }
    }

    /// Starts the child as the leader of a new process group.
    ///
    /// The child never sees a variable whose name starts with
    /// [`VAULT_PASSPHRASE_PREFIX`] (`SUPREME_VAULT_PASSPHRASE`,
    /// `SUPREME_VAULT_PASSPHRASE_FILE`, ...), inherited or set with
    /// [`ChildSpec::env`]: a notifier or a strategy has no business with the
    /// vault's passphrase.
    pub fn spawn(&self) -> Result<Supervised, KillSwitchError> {
        let mut cmd = Command::new(&self.program);
        cmd.args(&self.args).process_group(0).stdin(Stdio::null());
        if self.quiet {
            cmd.stdout(Stdio::null()).stderr(Stdio::null());
        }
        if self.clean_env {
            cmd.env_clear();
        }
        cmd.envs(self.env.iter().map(|(k, v)| (k, v)));
        strip_vault_passphrases(&mut cmd, &self.env);
        let child = cmd.spawn().map_err(|e| self.err(e))?;
        let pgid = i32::try_from(child.id()).map_err(|e| self.err(e))?;
        Ok(Supervised {
            child,
            pgid: Pid::from_raw(pgid),
            grace: self.grace,
            program: self.program.to_string_lossy().into_owned(),
            done: None,
            gone: false,
        })
    }

    /// Spawns, waits up to the timeout, kills the tree if it is still running.
    pub fn run(&self) -> Result<ChildOutcome, KillSwitchError> {
        let mut child = self.spawn()?;
        let deadline = self.timeout.map(|t| Instant::now() + t);
        loop {
            if let Some(status) = child.try_wait()? {
                // The leader exited; stragglers in its group go too.
                let killed_hard = child.kill_tree()?.killed_hard;
                return Ok(ChildOutcome {
                    status: Some(status),
                    killed_hard,
                });
            }
            if deadline.is_some_and(|d| Instant::now() >= d) {
                let out = child.kill_tree()?;
                return Ok(ChildOutcome {
                    status: None,
                    killed_hard: out.killed_hard,
                });
            }
            std::thread::sleep(POLL);
        }
    }
}

/// A running child leading its own process group. Dropping it kills the
/// tree.
#[derive(Debug)]
pub struct Supervised {
    child: Child,
    pgid: Pid,
    grace: Duration,
    program: String,
    done: Option<ExitStatus>,
    /// The group was seen empty after the leader was reaped: its id may be
    /// reused by an unrelated group, so it is never signalled again.
    gone: bool,
}

impl Supervised {
    /// The child's pid (also its process group id).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    fn err(&self, detail: impl ToString) -> KillSwitchError {
        KillSwitchError::Process {
            program: self.program.clone(),
            detail: detail.to_string(),
        }
    }

    /// The leader's exit status, if it has exited (reaps it).
    pub fn try_wait(&mut self) -> Result<Option<ExitStatus>, KillSwitchError> {
        if self.done.is_none() {
            self.done = self.child.try_wait().map_err(|e| self.err(e))?;
        }
        Ok(self.done)
    }

    /// Whether any process of the group is still running.
    pub fn group_running(&mut self) -> Result<bool, KillSwitchError> {
        if self.gone {
            return Ok(false);
        }
        let reaped = self.try_wait()?.is_some();
        let alive = group_alive(self.pgid);
        if reaped && !alive {
            self.gone = true;
        }
        Ok(alive)
    }

    /// SIGTERM to the whole group; after the grace period, SIGKILL. Returns
    /// once no process of the group is running (or errs after a further
    /// grace period if even SIGKILL did not end it).
    pub fn kill_tree(&mut self) -> Result<ChildOutcome, KillSwitchError> {
        let mut killed_hard = false;
        if self.group_running()? {
            signal_group(self.pgid, Signal::SIGTERM).map_err(|e| self.err(e))?;
            if !self.wait_group(self.grace)? {
                killed_hard = true;
                signal_group(self.pgid, Signal::SIGKILL).map_err(|e| self.err(e))?;
                if !self.wait_group(self.grace.max(Duration::from_secs(1)))? {
                    return Err(self.err("process group survived SIGKILL"));
                }
            }
        }
        Ok(ChildOutcome {
            status: self.try_wait()?,
            killed_hard,
        })
    }

    /// Waits up to `d` for the group to end; `true` if it did.
    fn wait_group(&mut self, d: Duration) -> Result<bool, KillSwitchError> {
        let deadline = Instant::now() + d;
        loop {
            if !self.group_running()? {
                return Ok(true);
            }
            if Instant::now() >= deadline {
                return Ok(false);
            }
            std::thread::sleep(POLL);
        }
    }
}

impl Drop for Supervised {
    fn drop(&mut self) {
        let _ = self.kill_tree();
    }
}

#[cfg(test)]
mod tests;
