//! Notifiers: log and command, each rate-limited.

use std::io::Write;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use crate::clock::{Clock, duration_ms};
use crate::supervise::ChildSpec;

/// A message to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// One line.
    pub subject: String,
    /// Details.
    pub body: String,
}

/// Somewhere to send notices.
pub trait Notifier: Send + Sync {
    /// A short name for events.
    fn name(&self) -> &str;
    /// Sends; `Err` with the reason when it did not.
    fn notify(&self, notice: &Notice) -> Result<(), String>;
}

/// Writes one line per notice to a writer (standard error, a file).
pub struct LogNotifier {
    out: Mutex<Box<dyn Write + Send>>,
}

impl LogNotifier {
    /// Logs to `out`.
    pub fn new(out: Box<dyn Write + Send>) -> Self {
        Self {
            out: Mutex::new(out),
        }
    }

    /// Logs to standard error.
    pub fn stderr() -> Self {
        Self::new(Box::new(std::io::stderr()))
    }
}

impl std::fmt::Debug for LogNotifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LogNotifier")
    }
}

impl Notifier for LogNotifier {
    fn name(&self) -> &str {
        "log"
    }

    fn notify(&self, n: &Notice) -> Result<(), String> {
        let mut out = self.out.lock().unwrap_or_else(PoisonError::into_inner);
        let body = n.body.replace('\n', " | ");
        writeln!(out, "kill-switch: {}: {body}", n.subject)
            .and_then(|()| out.flush())
            .map_err(|e| e.to_string())
    }
}

/// Runs a command per notice (a pager script, `logger`, a chat CLI), with a
/// clean environment plus `SUPREME_KS_SUBJECT` and `SUPREME_KS_BODY`, in its
/// own process group, killed as a tree if it outlives its timeout.
#[derive(Debug, Clone)]
pub struct CommandNotifier {
    spec: ChildSpec,
}

impl CommandNotifier {
    /// Runs `spec` (its environment is cleared; add what it needs). Without
    /// a timeout of its own, it gets 10 seconds.
    pub fn new(spec: ChildSpec) -> Self {
        let spec = if spec.has_timeout() {
            spec
        } else {
            spec.timeout(Duration::from_secs(10))
        };
        Self {
            spec: spec.clean_env(true),
        }
    }
}

impl Notifier for CommandNotifier {
    fn name(&self) -> &str {
        "command"
    }

    fn notify(&self, n: &Notice) -> Result<(), String> {
        let spec = self
            .spec
            .clone()
            .env("SUPREME_KS_SUBJECT", &n.subject)
            .env("SUPREME_KS_BODY", &n.body);
        let outcome = spec.run().map_err(|e| e.to_string())?;
        match outcome.status {
            Some(s) if s.success() => Ok(()),
            Some(s) => Err(format!("exited with {s}")),
            None => Err("timed out, killed".to_owned()),
        }
    }
}

/// A notifier from a closure: how a webhook is plugged in, through the
/// bot's own HTTPS client (net-guard's allowlisted, pinned client), since
/// this crate does no network I/O of its own.
pub struct FnNotifier<F> {
    name: String,
    send: F,
}

impl<F: Fn(&Notice) -> Result<(), String> + Send + Sync> FnNotifier<F> {
    /// A notifier called `name` that runs `send`.
    pub fn new(name: impl Into<String>, send: F) -> Self {
        Self {
            name: name.into(),
            send,
        }
    }
}

impl<F> std::fmt::Debug for FnNotifier<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FnNotifier")
            .field("name", &self.name)
            .finish()
    }
}

impl<F: Fn(&Notice) -> Result<(), String> + Send + Sync> Notifier for FnNotifier<F> {
    fn name(&self) -> &str {
        &self.name
    }

    fn notify(&self, notice: &Notice) -> Result<(), String> {
        (self.send)(notice)
    }
}

/// At most one notice per interval through the inner notifier; the rest are
/// suppressed and counted, and the count is appended to the next one sent.
pub struct RateLimited<N> {
    inner: N,
    clock: Arc<dyn Clock>,
    interval_ms: u64,
    state: Mutex<(Option<u64>, u64)>,
}

impl<N: Notifier> RateLimited<N> {
    /// Wraps `inner`.
    pub fn new(inner: N, interval: Duration, clock: Arc<dyn Clock>) -> Self {
        Self {
            inner,
            clock,
            interval_ms: duration_ms(interval),
            state: Mutex::new((None, 0)),
        }
    }
}

impl<N> std::fmt::Debug for RateLimited<N> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RateLimited")
            .field("interval_ms", &self.interval_ms)
            .finish_non_exhaustive()
    }
}

impl<N: Notifier> Notifier for RateLimited<N> {
    fn name(&self) -> &str {
        self.inner.name()
    }

    fn notify(&self, n: &Notice) -> Result<(), String> {
        let now = self.clock.now_ms();
        let suppressed = {
            let mut st = self.state.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some(last) = st.0
                && now.saturating_sub(last) < self.interval_ms
            {
                st.1 += 1;
                return Err(format!("suppressed by rate limit ({} so far)", st.1));
            }
            st.0 = Some(now);
            std::mem::take(&mut st.1)
        };
        if suppressed == 0 {
            return self.inner.notify(n);
        }
        let mut n = n.clone();
        n.body
            .push_str(&format!("\n({suppressed} earlier notices suppressed)"));
        self.inner.notify(&n)
    }
}

#[cfg(test)]
mod tests;
