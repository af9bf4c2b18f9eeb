//! Warning [`Event`]s as core security events, and where they go when the
//! caller names no sink: standard error, once per distinct warning in the
//! process (every client built without a sink shares one memory), so a
//! missing HSTS header or a dropped credential is seen without flooding the
//! terminal on every request.

use std::collections::HashSet;
use std::fmt::{self, Write as _};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use supreme_core::event::{Event as CoreEvent, Severity, Sink, SinkError};

use super::{Event, EventSink};

/// At most this many distinct warnings are remembered; past it every
/// warning is printed (never silently dropped).
pub(super) const MAX_REMEMBERED: usize = 1024;

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Hosts and URLs come from outside: escape anything unprintable.
        match self {
            Self::HstsWarning { host, problem } => write!(
                f,
                "HSTS on {}: {}",
                host.escape_debug(),
                problem.escape_debug()
            ),
            Self::CredentialsDropped { from, to } => write!(
                f,
                "credential headers for {} dropped on a redirect to {}",
                from.escape_debug(),
                to.escape_debug()
            ),
        }
    }
}

impl Event {
    /// This warning as a core security event at `at_ms`: kind
    /// `HSTS_WARNING` (fields `host`, `problem`) or `CREDENTIALS_DROPPED`
    /// (fields `from`, `to`: origins, never a header's value), severity
    /// warning, actor `net-guard`.
    ///
    /// ```
    /// use supreme_net_guard::Event;
    /// let e = Event::HstsWarning { host: "api.binance.com".into(), problem: "missing".into() };
    /// let core = e.to_core(5);
    /// assert_eq!((core.kind(), core.get("host")), ("HSTS_WARNING", Some("api.binance.com")));
    /// ```
    pub fn to_core(&self, at_ms: u64) -> CoreEvent {
        let new = |kind| CoreEvent::new(kind, Severity::Warning, "net-guard", at_ms);
        match self {
            Self::HstsWarning { host, problem } => new("HSTS_WARNING")
                .field("host", host.as_str())
                .field("problem", problem.as_str()),
            Self::CredentialsDropped { from, to } => new("CREDENTIALS_DROPPED")
                .field("from", from.as_str())
                .field("to", to.as_str()),
        }
    }
}

/// The default sink: one `net-guard warning: ...` line on standard error
/// per distinct warning.
pub(super) fn stderr_once() -> EventSink {
    static SINK: OnceLock<EventSink> = OnceLock::new();
    SINK.get_or_init(|| Arc::new(OncePerWarning::new(|line| eprintln!("{line}"))))
        .clone()
}

/// `KIND: name="value", ...` (values escaped as `{:?}` does: hosts and
/// URLs come from outside), without the time, so a warning repeated later is
/// the same line.
fn line(e: &CoreEvent) -> String {
    let mut s = e.kind().to_owned();
    for (i, (name, value)) in e.fields().iter().enumerate() {
        let _ = write!(s, "{}{name}={value:?}", if i == 0 { ": " } else { ", " });
    }
    s
}

/// A sink handing `out` one `net-guard warning: ...` line per distinct
/// warning. It never refuses: the warning is on screen or was already.
struct OncePerWarning<F> {
    seen: Mutex<HashSet<String>>,
    out: F,
}

impl<F: Fn(&str) + Send + Sync> OncePerWarning<F> {
    fn new(out: F) -> Self {
        Self {
            seen: Mutex::default(),
            out,
        }
    }
}

impl<F: Fn(&str) + Send + Sync> Sink for OncePerWarning<F> {
    fn record(&self, e: &CoreEvent) -> Result<(), SinkError> {
        let line = line(e);
        let first = {
            let mut seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
            seen.len() >= MAX_REMEMBERED || seen.insert(line.clone())
        };
        if first {
            (self.out)(&format!("net-guard warning: {line}"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
