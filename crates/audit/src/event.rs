//! What the caller records: event types, severities and the event builder.

use std::fmt;
use std::str::FromStr;

use serde_json::Value;

use crate::details::{DetailValue, Details};

use crate::error::Error;

macro_rules! event_types {
    ($($(#[$doc:meta])* $variant:ident => $name:literal,)*) => {
        /// The kind of a security event. The well-known kinds are variants;
        /// [`EventType::Other`] holds any other `UPPER_SNAKE_CASE` name.
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum EventType {
            $($(#[$doc])* $variant,)*
            /// Any other kind, validated by [`EventType::new`].
            Other(String),
        }

        impl EventType {
            /// The name written in records.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $name,)*
                    Self::Other(s) => s,
                }
            }

            /// Parses a name: a well-known kind or any `UPPER_SNAKE_CASE`
            /// name of 1 to 64 characters (`A-Z`, `0-9`, `_`).
            pub fn new(name: &str) -> Result<Self, Error> {
                match name {
                    $($name => Ok(Self::$variant),)*
                    _ if valid_name(name) => Ok(Self::Other(name.to_owned())),
                    _ => Err(Error::InvalidEventType(name.to_owned())),
                }
            }
        }
    };
}

event_types! {
    /// A call to an exchange or internal API.
    ApiAccess => "API_ACCESS",
    /// A failed authentication (the seed's FAILED_LOGIN).
    AuthFailure => "AUTH_FAILURE",
    /// An order left the bot.
    OrderSent => "ORDER_SENT",
    /// An order was refused by a guard or by the exchange.
    OrderRejected => "ORDER_REJECTED",
    /// A risk limit was breached.
    RiskBreach => "RISK_BREACH",
    /// The kill switch tripped. Synced before `append` returns by default.
    KillSwitchTriggered => "KILL_SWITCH_TRIGGERED",
    /// The kill switch was reset. Synced before `append` returns by default.
    KillSwitchReset => "KILL_SWITCH_RESET",
    /// A credential vault was opened.
    VaultOpened => "VAULT_OPENED",
    /// A secret was read. Synced before `append` returns by default.
    SecretAccessed => "SECRET_ACCESSED",
    /// Something was signed with a held key.
    SignatureMade => "SIGNATURE_MADE",
    /// Configuration changed.
    ConfigChanged => "CONFIG_CHANGED",
    /// Written by the log: a signed checkpoint of everything before it.
    Checkpoint => "CHECKPOINT",
    /// Written by the log: first record of a rotated-to file.
    SegmentStart => "SEGMENT_START",
    /// Written by the log: a torn last line was cut after a crash.
    LogRecovered => "LOG_RECOVERED",
}

fn valid_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
}

impl EventType {
    /// Whether only the log itself may write this kind.
    pub fn is_reserved(&self) -> bool {
        matches!(
            self,
            Self::Checkpoint | Self::SegmentStart | Self::LogRecovered
        )
    }
}

impl fmt::Display for EventType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for EventType {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        Self::new(s)
    }
}

/// How serious an event is: the workspace's one severity, from
/// supreme-core (the log's levels, syslog-like; `Critical` is synced before
/// `append` returns).
pub use supreme_core::event::Severity;

impl From<supreme_core::event::UnknownSeverity> for Error {
    fn from(e: supreme_core::event::UnknownSeverity) -> Self {
        Error::InvalidSeverity(e.0)
    }
}

/// The value written in place of a secret-marked field.
pub const REDACTED: &str = "[REDACTED]";

/// One event to record. Build it, then hand it to
/// [`AuditLog::append`](crate::AuditLog::append).
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub(crate) event_type: EventType,
    pub(crate) severity: Severity,
    pub(crate) actor: Option<String>,
    pub(crate) details: Details,
    pub(crate) require_sync: bool,
}

impl Event {
    /// A new event of `event_type`, severity INFO, no details.
    pub fn new(event_type: EventType) -> Self {
        Self {
            event_type,
            severity: Severity::Info,
            actor: None,
            details: Details::default(),
            require_sync: false,
        }
    }

    /// Sets the severity.
    #[must_use]
    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    /// Sets who acted (a user, a strategy, a component); the log's default
    /// actor is used otherwise.
    #[must_use]
    pub fn actor(mut self, actor: impl Into<String>) -> Self {
        self.actor = Some(actor.into());
        self
    }

    /// Adds a detail field. Fields whose name the log's redactor marks secret
    /// (see [`Redactor`](crate::Redactor)) are replaced before queueing.
    #[must_use]
    pub fn detail(mut self, key: impl AsRef<str>, value: impl DetailValue) -> Self {
        self.details.insert(key.as_ref(), value.into_detail());
        self
    }

    /// Adds all fields of a JSON object as details (other JSON values are
    /// stored under the key `value`).
    #[must_use]
    pub fn details(mut self, details: Value) -> Self {
        match details {
            Value::Object(map) => self.details.extend(map),
            Value::Null => {}
            other => {
                self.details.insert("value", other.into_detail());
            }
        }
        self
    }

    /// Marks a field secret: the record shows `key` with the value
    /// `"[REDACTED]"`; the secret is never read, so it cannot reach the file.
    #[must_use]
    pub fn secret<S>(mut self, key: impl AsRef<str>, _secret: &secrecy::SecretBox<S>) -> Self
    where
        S: secrecy::zeroize::Zeroize + ?Sized,
    {
        self.details.insert(key.as_ref(), REDACTED.into_detail());
        self
    }

    /// Requires the record to be synced to disk before `append` returns.
    #[must_use]
    pub fn require_sync(mut self) -> Self {
        self.require_sync = true;
        self
    }

    /// The event type.
    pub fn event_type(&self) -> &EventType {
        &self.event_type
    }
}
