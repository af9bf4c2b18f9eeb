//! Where warning [`Event`]s go when the caller names no sink: standard
//! error, once per distinct warning in the process (every client built
//! without a sink shares one memory), so a missing HSTS header or a dropped
//! credential is seen without flooding the terminal on every request.

use std::collections::HashSet;
use std::fmt;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use super::{Event, EventSink};

/// At most this many distinct warnings are remembered; past it every
/// warning is printed (never silently dropped).
const MAX_REMEMBERED: usize = 1024;

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

/// The default sink: one `net-guard warning: ...` line on standard error
/// per distinct warning.
pub(super) fn stderr_once() -> EventSink {
    static SINK: OnceLock<EventSink> = OnceLock::new();
    SINK.get_or_init(|| once_per_warning(|line| eprintln!("{line}")))
        .clone()
}

/// A sink handing `out` one `net-guard warning: ...` line per distinct
/// warning.
fn once_per_warning(out: impl Fn(&str) + Send + Sync + 'static) -> EventSink {
    let seen = Mutex::new(HashSet::<String>::new());
    Arc::new(move |e: &Event| {
        let line = e.to_string();
        let first = {
            let mut seen = seen.lock().unwrap_or_else(PoisonError::into_inner);
            seen.len() >= MAX_REMEMBERED || seen.insert(line.clone())
        };
        if first {
            out(&format!("net-guard warning: {line}"));
        }
    })
}

#[cfg(test)]
mod tests;
