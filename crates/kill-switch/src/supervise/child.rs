//! A running child that leads its own process group.

use std::process::{Child, ExitStatus};
use std::time::{Duration, Instant};

use nix::sys::signal::Signal;
use nix::unistd::Pid;

use super::capture::{CapturedOutput, Reader};
use super::group::{group_alive, signal_group};
use super::{ChildOutcome, POLL};
use crate::error::Error;

/// A running child leading its own process group. Dropping it kills the
/// tree.
#[derive(Debug)]
pub struct Supervised {
    pub(super) child: Child,
    pub(super) pgid: Pid,
    pub(super) grace: Duration,
    pub(super) program: String,
    pub(super) done: Option<ExitStatus>,
    /// The group was seen empty after the leader was reaped: its id may be
    /// reused by an unrelated group, so it is never signalled again.
    pub(super) gone: bool,
    /// Readers of stdout and stderr, when output is captured.
    pub(super) capture: Option<(Reader, Reader)>,
}

impl Supervised {
    /// The child's pid (also its process group id).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    fn err(&self, detail: impl ToString) -> Error {
        Error::Process {
            program: self.program.clone(),
            detail: detail.to_string(),
        }
    }

    /// The leader's exit status, if it has exited (reaps it).
    pub fn try_wait(&mut self) -> Result<Option<ExitStatus>, Error> {
        if self.done.is_none() {
            self.done = self.child.try_wait().map_err(|e| self.err(e))?;
        }
        Ok(self.done)
    }

    /// Whether any process of the group is still running.
    pub fn group_running(&mut self) -> Result<bool, Error> {
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
    /// grace period if even SIGKILL did not end it). The outcome carries no
    /// output: see [`Supervised::take_output`].
    pub fn kill_tree(&mut self) -> Result<ChildOutcome, Error> {
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
            output: None,
        })
    }

    /// The captured output (once; `None` without
    /// [`ChildSpec::capture_output`](super::ChildSpec::capture_output)).
    /// Waits up to the grace period for each pipe's end of file, which
    /// comes when the whole group has exited; a stream still open then is
    /// returned as far as it was read and marked truncated.
    pub fn take_output(&mut self) -> Option<CapturedOutput> {
        let (out, err) = self.capture.take()?;
        let deadline = Instant::now() + self.grace;
        let stdout = out.finish(self.grace);
        let stderr = err.finish(deadline.saturating_duration_since(Instant::now()));
        Some(CapturedOutput { stdout, stderr })
    }

    /// Waits up to `d` for the group to end; `true` if it did.
    fn wait_group(&mut self, d: Duration) -> Result<bool, Error> {
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
