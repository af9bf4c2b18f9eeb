//! Child processes confined and supervised: a clean environment, no
//! inherited descriptors, resource limits, output captured with a cap, in
//! their own process group, with a timeout, killed as a tree (SIGTERM to the
//! group, a grace period, then SIGKILL).
//!
//! What a child gets by default:
//!
//! - **Environment**: only `PATH`, `HOME`, `LANG` and `TZ` (those this
//!   process has, [`BASELINE_ENV`]) plus what the caller names with
//!   [`ChildSpec::keep_env`] and [`ChildSpec::env`]. Exchange keys and the
//!   vault passphrase stay in the bot. [`ChildSpec::inherit_env`] passes
//!   everything, and even then no `SUPREME_VAULT_PASSPHRASE*` or
//!   `SUPREME_VAULT_NEW_PASSPHRASE*` variable.
//! - **Descriptors**: stdin (`/dev/null`), stdout and stderr only; every
//!   other descriptor of this process is marked close-on-exec first.
//! - **Limits**: core dumps off; CPU seconds, address space and open files
//!   when asked. They are set by `prlimit(1)` (util-linux) as the launcher,
//!   so the child never runs an instruction unlimited; without `prlimit`
//!   the child is not started ([`Error::Unconfined`]).
//! - **This process**: marked not dumpable (`PR_SET_DUMPABLE` 0, as
//!   `supreme_vault::harden_process` does) before the first spawn, so a
//!   child of the same user can neither read `/proc/<bot>/environ` (the
//!   bot's environment as it started, the vault passphrase included) nor
//!   ptrace the bot. It stays so: no core dumps, and debuggers need root.

mod capture;
mod child;
mod confine;
mod env;
mod fds;
mod group;
mod limits;

use std::ffi::{OsStr, OsString};
use std::path::PathBuf;
use std::process::ExitStatus;
use std::time::{Duration, Instant};

use nix::unistd::Pid;

pub use capture::{Captured, CapturedOutput};
pub use child::Supervised;
pub use env::{BASELINE_ENV, VAULT_PASSPHRASE_PREFIX};
pub use limits::PRLIMIT_PATHS;

use crate::error::Error;
use capture::Reader;
use env::{EnvMode, EnvSpec};
use limits::Limits;

const POLL: Duration = Duration::from_millis(5);

/// Where the child's stdout and stderr go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Output {
    /// This process's stdout and stderr.
    #[default]
    Inherit,
    /// `/dev/null`.
    Null,
    /// Pipes read by threads, keeping this many bytes of each.
    Capture(usize),
}

/// How to run a child.
///
/// ```
/// use std::time::Duration;
/// use supreme_kill_switch::ChildSpec;
///
/// let out = ChildSpec::new("/bin/sh")
///     .arg("-c")
///     .arg("echo \"$GREETING\"; ulimit -c")
///     .env("GREETING", "hello")
///     .capture_output(4096)
///     .cpu_secs(10)
///     .timeout(Duration::from_secs(10))
///     .run()?;
/// assert!(out.status.is_some_and(|s| s.success()));
/// assert_eq!(out.output.unwrap().stdout.bytes, b"hello\n0\n");
/// # Ok::<(), supreme_kill_switch::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct ChildSpec {
    program: OsString,
    args: Vec<OsString>,
    env: EnvSpec,
    timeout: Option<Duration>,
    grace: Duration,
    output: Output,
    limits: Limits,
    prlimit: Option<PathBuf>,
}

/// How a supervised child ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChildOutcome {
    /// The exit status, `None` when it timed out and was killed.
    pub status: Option<ExitStatus>,
    /// Whether SIGKILL was needed (the group outlived the grace period).
    pub killed_hard: bool,
    /// What it wrote, with [`ChildSpec::capture_output`] and
    /// [`ChildSpec::run`].
    pub output: Option<CapturedOutput>,
}

impl ChildSpec {
    /// Runs `program` (found on the child's `PATH`, else this process's,
    /// unless it holds a `/`).
    pub fn new(program: impl AsRef<OsStr>) -> Self {
        Self {
            program: program.as_ref().to_owned(),
            args: Vec::new(),
            env: EnvSpec::default(),
            timeout: None,
            grace: Duration::from_secs(2),
            output: Output::Inherit,
            limits: Limits::default(),
            prlimit: None,
        }
    }

    /// Adds an argument.
    #[must_use]
    pub fn arg(mut self, a: impl AsRef<OsStr>) -> Self {
        self.args.push(a.as_ref().to_owned());
        self
    }

    /// `true`: starts from an empty environment (only what
    /// [`ChildSpec::env`] and [`ChildSpec::keep_env`] add, not even `PATH`).
    /// `false`: back to the default, [`BASELINE_ENV`] plus those.
    #[must_use]
    pub fn clean_env(mut self, clean: bool) -> Self {
        self.env.mode = if clean {
            EnvMode::Empty
        } else {
            EnvMode::Baseline
        };
        self
    }

    /// Passes this process's whole environment, less every
    /// `SUPREME_VAULT_PASSPHRASE*` variable. Prefer [`ChildSpec::keep_env`]:
    /// an inherited environment holds whatever the bot was started with.
    #[must_use]
    pub fn inherit_env(mut self) -> Self {
        self.env.mode = EnvMode::Inherit;
        self
    }

    /// Passes this process's variable `name` (when it is set). A
    /// `SUPREME_VAULT_PASSPHRASE*` name is not passed.
    #[must_use]
    pub fn keep_env(mut self, name: impl AsRef<OsStr>) -> Self {
        self.env.keep.push(name.as_ref().to_owned());
        self
    }

    /// Sets an environment variable. Variables named
    /// `SUPREME_VAULT_PASSPHRASE*` are never passed (see [`ChildSpec::spawn`]).
    #[must_use]
    pub fn env(mut self, k: impl AsRef<OsStr>, v: impl AsRef<OsStr>) -> Self {
        self.env
            .set
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

    /// Time between SIGTERM and SIGKILL (default 2 s); also how long
    /// [`Supervised::take_output`] waits for the pipes to end.
    #[must_use]
    pub fn grace(mut self, d: Duration) -> Self {
        self.grace = d;
        self
    }

    /// Discards the child's stdout and stderr (`false`: back to this
    /// process's); stdin is always null. Replaces
    /// [`ChildSpec::capture_output`].
    #[must_use]
    pub fn quiet(mut self, q: bool) -> Self {
        self.output = if q { Output::Null } else { Output::Inherit };
        self
    }

    /// Captures stdout and stderr, keeping the first `max_bytes` of each
    /// (the rest is read and discarded, so the child never blocks on a full
    /// pipe); [`ChildSpec::run`] returns them in [`ChildOutcome::output`].
    /// Replaces [`ChildSpec::quiet`].
    #[must_use]
    pub fn capture_output(mut self, max_bytes: usize) -> Self {
        self.output = Output::Capture(max_bytes);
        self
    }

    fn err(&self, detail: impl ToString) -> Error {
        Error::Process {
            program: self.program.to_string_lossy().into_owned(),
            detail: detail.to_string(),
        }
    }

    /// Starts the child as the leader of a new process group, confined as
    /// the module documentation says.
    ///
    /// The child never sees a variable whose name starts with
    /// [`VAULT_PASSPHRASE_PREFIX`] (`SUPREME_VAULT_PASSPHRASE`,
    /// `SUPREME_VAULT_PASSPHRASE_FILE`, ...) or `SUPREME_VAULT_NEW_PASSPHRASE`
    /// (what `supreme vault passwd` reads), inherited, kept or set with
    /// [`ChildSpec::env`]: a notifier or a strategy has no business with the
    /// vault's passphrase.
    ///
    /// # Errors
    ///
    /// [`Error::Unconfined`] when limits apply and no `prlimit`
    /// was found, a descriptor stays inheritable, or this process cannot be
    /// marked not dumpable; the child was not
    /// started. [`Error::Process`] when the program is not found
    /// or cannot be started, or a name given to [`ChildSpec::env`] or
    /// [`ChildSpec::keep_env`] is empty or holds `=`.
    pub fn spawn(&self) -> Result<Supervised, Error> {
        let mut cmd = self.command()?;
        fds::seal().map_err(|e| self.unconfined(e))?;
        confine::not_dumpable().map_err(|e| self.unconfined(e))?;
        let child = cmd.spawn().map_err(|e| self.err(e))?;
        let pgid = i32::try_from(child.id()).map_err(|e| self.err(e))?;
        let program = self.program.to_string_lossy().into_owned();
        let mut supervised = Supervised {
            child,
            pgid: Pid::from_raw(pgid),
            grace: self.grace,
            program,
            done: None,
            gone: false,
            capture: None,
        };
        if let Output::Capture(cap) = self.output {
            let pipes = (
                supervised.child.stdout.take(),
                supervised.child.stderr.take(),
            );
            let (Some(out), Some(err)) = pipes else {
                return Err(self.err("stdout or stderr pipe missing"));
            };
            // On an error here, dropping `supervised` kills the tree.
            let out = Reader::start(out, cap).map_err(|e| self.err(e))?;
            let err = Reader::start(err, cap).map_err(|e| self.err(e))?;
            supervised.capture = Some((out, err));
        }
        Ok(supervised)
    }

    /// Spawns, waits up to the timeout, kills the tree if it is still running.
    pub fn run(&self) -> Result<ChildOutcome, Error> {
        let mut child = self.spawn()?;
        let deadline = self.timeout.map(|t| Instant::now() + t);
        loop {
            let exited = child.try_wait()?;
            let timed_out = exited.is_none() && deadline.is_some_and(|d| Instant::now() >= d);
            if exited.is_some() || timed_out {
                // The leader exited (stragglers in its group go too), or
                // the time is up.
                let mut out = child.kill_tree()?;
                if timed_out {
                    out.status = None;
                }
                out.output = child.take_output();
                return Ok(out);
            }
            std::thread::sleep(POLL);
        }
    }
}

#[cfg(test)]
mod tests;
