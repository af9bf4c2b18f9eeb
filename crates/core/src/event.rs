//! Security events: one [`Event`] type and one [`Sink`] that can refuse.
//!
//! Every part of a bot reports what it did (a trip, a reset, a refused
//! order, a breach, a policy warning) as an [`Event`]: a kind, a
//! [`Severity`], an actor, a time and a few named fields. It hands them to a
//! [`Sink`], which may refuse ([`SinkError`]): a caller that must not act
//! unrecorded (a reset, a secret read) acts only after `record` returned
//! `Ok`, so it fails closed when the audit log cannot keep the record.
//! `supreme_audit::AuditLog` is a sink; [`FanOut`] sends to several,
//! [`FnSink`] adapts a closure and [`VecSink`] collects events for tests.
//!
//! # No secrets in events
//!
//! A field's value is a plain `String` the caller chose to write: nothing
//! here reads a value out of a secret, and `secrecy` types cannot be turned
//! into one without an explicit `expose_secret()`. Never put a secret, a
//! token, a key or a passphrase in a field: write what identifies it (a key
//! id, an operator's name, a hash prefix) instead. Field names are
//! `&'static str`, chosen in code, never from input.
//!
//! ```
//! use supreme_core::event::{Event, FanOut, Severity, Sink, VecSink};
//! use std::sync::Arc;
//!
//! let seen = Arc::new(VecSink::new());
//! let sink = FanOut::new(vec![seen.clone()]);
//! let trip = Event::new("KILL_SWITCH_TRIGGERED", Severity::Critical, "kill-switch", 1_700_000_000_000)
//!     .field("reason", "daily loss")
//!     .field("trip_id", "18bcfe568c0-0011");
//! sink.record(&trip)?; // act only once the record is kept
//! assert_eq!(seen.events()[0].get("reason"), Some("daily loss"));
//! # Ok::<(), supreme_core::event::SinkError>(())
//! ```

mod sink;

use std::fmt;

pub use sink::{FanOut, FnSink, Sink, SinkError, VecSink};

/// How serious an event is (the audit log's levels, syslog-like).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Diagnostic detail.
    Debug,
    /// Normal operation.
    Info,
    /// Normal but significant (a reset, a rotation).
    Notice,
    /// Something to look at (a policy warning, drift).
    Warning,
    /// A failure.
    Error,
    /// A failure that stops trading (a trip, a breach).
    Critical,
}

impl Severity {
    /// The upper-case name (`"CRITICAL"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Debug => "DEBUG",
            Self::Info => "INFO",
            Self::Notice => "NOTICE",
            Self::Warning => "WARNING",
            Self::Error => "ERROR",
            Self::Critical => "CRITICAL",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A severity name that is none of the six (see [`Severity`]'s `FromStr`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown severity {0:?} (DEBUG, INFO, NOTICE, WARNING, ERROR or CRITICAL)")]
pub struct UnknownSeverity(pub String);

impl std::str::FromStr for Severity {
    type Err = UnknownSeverity;

    /// The six names in any case; `WARN` also reads as `Warning`.
    ///
    /// ```
    /// use supreme_core::event::Severity;
    /// assert_eq!("warn".parse::<Severity>(), Ok(Severity::Warning));
    /// assert!("LOUD".parse::<Severity>().is_err());
    /// ```
    fn from_str(s: &str) -> Result<Self, UnknownSeverity> {
        Ok(match s.to_ascii_uppercase().as_str() {
            "DEBUG" => Self::Debug,
            "INFO" => Self::Info,
            "NOTICE" => Self::Notice,
            "WARNING" | "WARN" => Self::Warning,
            "ERROR" => Self::Error,
            "CRITICAL" => Self::Critical,
            _ => return Err(UnknownSeverity(s.to_owned())),
        })
    }
}

/// One security event: what happened ([`kind`](Event::kind), an
/// `UPPER_SNAKE_CASE` name such as `KILL_SWITCH_TRIGGERED`), how serious,
/// who acted, when (ms since the Unix epoch, from the bot's one
/// [`Clock`](crate::Clock)) and named fields. Fields never hold secrets (see
/// the [module docs](self)).
///
/// ```
/// use supreme_core::event::{Event, Severity};
/// let e = Event::new("RISK_BREACH", Severity::Critical, "risk-limits", 5)
///     .field("scope", "global")
///     .field("limit", "drawdown");
/// assert_eq!(e.kind(), "RISK_BREACH");
/// assert!(e.kind_is_valid());
/// assert_eq!(e.fields().len(), 2);
/// assert_eq!(e.get("scope"), Some("global"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    kind: &'static str,
    severity: Severity,
    actor: String,
    at_ms: u64,
    fields: Vec<(&'static str, String)>,
}

impl Event {
    /// An event of `kind` by `actor` at `at_ms`, with no fields.
    pub fn new(
        kind: &'static str,
        severity: Severity,
        actor: impl Into<String>,
        at_ms: u64,
    ) -> Self {
        Self {
            kind,
            severity,
            actor: actor.into(),
            at_ms,
            fields: Vec::new(),
        }
    }

    /// Sets the field `name` to `value`, a plain string the caller chose
    /// (never a secret). A name given again replaces its value, in place.
    #[must_use]
    pub fn field(mut self, name: &'static str, value: impl Into<String>) -> Self {
        let value = value.into();
        match self.fields.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = value,
            None => self.fields.push((name, value)),
        }
        self
    }

    /// What happened.
    pub fn kind(&self) -> &'static str {
        self.kind
    }

    /// Whether the kind is `UPPER_SNAKE_CASE`, 1 to 64 of `A-Z 0-9 _` (what
    /// the audit log accepts; a sink may refuse any other).
    pub fn kind_is_valid(&self) -> bool {
        (1..=64).contains(&self.kind.len())
            && self
                .kind
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
    }

    /// How serious it is.
    pub fn severity(&self) -> Severity {
        self.severity
    }

    /// Who acted (a component, an operator, a strategy).
    pub fn actor(&self) -> &str {
        &self.actor
    }

    /// When, in ms since the Unix epoch.
    pub fn at_ms(&self) -> u64 {
        self.at_ms
    }

    /// The fields, in the order they were added.
    pub fn fields(&self) -> &[(&'static str, String)] {
        &self.fields
    }

    /// The value of field `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }
}

impl fmt::Display for Event {
    /// `SEVERITY KIND by ACTOR at MS: name="value", ...` (values quoted and
    /// escaped as Rust's `{:?}` does).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} by {:?} at {}",
            self.severity, self.kind, self.actor, self.at_ms
        )?;
        for (i, (name, value)) in self.fields.iter().enumerate() {
            write!(f, "{}{name}={value:?}", if i == 0 { ": " } else { ", " })?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
