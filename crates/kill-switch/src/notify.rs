//! Notifiers: log, command and closure, each rate-limited.
//!
//! A [`Notice`] is [`Urgency::Critical`] (the trip, the halt's outcome) or
//! [`Urgency::Routine`]. [`RateLimited`] never suppresses a critical notice;
//! routine ones beyond its rate are counted, and the count goes out with the
//! next notice or, on a timer, on its own ([`RateLimited::flush_every`]).
//! A notifier that fails is retried by the [`Responder`](crate::Responder),
//! and every attempt is an [`Event::Notified`](crate::Event::Notified).

use std::io::Write;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use crate::supervise::ChildSpec;

mod rate;

pub use rate::{Flusher, RateLimited};

/// A message to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// One line.
    pub subject: String,
    /// Details.
    pub body: String,
    /// Whether a rate limit may hold it back.
    pub urgency: Urgency,
}

impl Notice {
    /// A notice a rate limit may hold back (and count).
    pub fn routine(subject: impl Into<String>, body: impl Into<String>) -> Self {
        Self {
            subject: subject.into(),
            body: body.into(),
            urgency: Urgency::Routine,
        }
    }

    /// A notice no rate limit holds back: the trip, the halt's outcome.
    pub fn critical(subject: impl Into<String>, body: impl Into<String>) -> Self {
        Self {
            urgency: Urgency::Critical,
            ..Self::routine(subject, body)
        }
    }
}

/// How much a notice matters to a rate limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Urgency {
    /// May be suppressed (and counted) by a rate limit.
    #[default]
    Routine,
    /// Always sent: a trip, a halt verified or NOT VERIFIED.
    Critical,
}

/// Why a notice did not go out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NotifyError {
    /// Held back by a rate limit (not retried: it is counted and flushed).
    #[error("suppressed by rate limit ({so_far} so far)")]
    Suppressed {
        /// Routine notices suppressed since the last one sent.
        so_far: u64,
    },
    /// The notifier failed (retried by the responder).
    #[error("{0}")]
    Failed(String),
}

/// Somewhere to send notices.
pub trait Notifier: Send + Sync {
    /// A short name for events.
    fn name(&self) -> &str;
    /// Sends; `Err` with the reason when it did not.
    fn notify(&self, notice: &Notice) -> Result<(), NotifyError>;
}

impl<T: Notifier + ?Sized> Notifier for Arc<T> {
    fn name(&self) -> &str {
        (**self).name()
    }

    fn notify(&self, notice: &Notice) -> Result<(), NotifyError> {
        (**self).notify(notice)
    }
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

    fn notify(&self, n: &Notice) -> Result<(), NotifyError> {
        let mut out = self.out.lock().unwrap_or_else(PoisonError::into_inner);
        let body = n.body.replace('\n', " | ");
        writeln!(out, "kill-switch: {}: {body}", n.subject)
            .and_then(|()| out.flush())
            .map_err(|e| NotifyError::Failed(e.to_string()))
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

    fn notify(&self, n: &Notice) -> Result<(), NotifyError> {
        let spec = self
            .spec
            .clone()
            .env("SUPREME_KS_SUBJECT", &n.subject)
            .env("SUPREME_KS_BODY", &n.body);
        let outcome = spec.run().map_err(|e| NotifyError::Failed(e.to_string()))?;
        match outcome.status {
            Some(s) if s.success() => Ok(()),
            Some(s) => Err(NotifyError::Failed(format!("exited with {s}"))),
            None => Err(NotifyError::Failed("timed out, killed".to_owned())),
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

    fn notify(&self, notice: &Notice) -> Result<(), NotifyError> {
        (self.send)(notice).map_err(NotifyError::Failed)
    }
}

#[cfg(test)]
mod tests;
