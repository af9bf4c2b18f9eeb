//! States, triggers and the record of a trip.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

/// Where the switch is in its procedure. Only `Armed` lets orders through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[repr(u8)]
pub enum State {
    /// Normal trading: the gate is open.
    Armed = 1,
    /// Tripped: the gate is closed, nothing else has happened yet.
    Tripped = 2,
    /// Cancelling every open order.
    Halting = 3,
    /// Closing positions with reduce-only orders.
    Flattening = 4,
    /// The venue was verified clean. Stays here until an authorized reset.
    Halted = 5,
}

impl State {
    /// The state stored in the gate's atomic. Any unknown value reads as
    /// `Tripped` (fail closed).
    pub(crate) fn from_u8(v: u8) -> Self {
        match v {
            1 => Self::Armed,
            3 => Self::Halting,
            4 => Self::Flattening,
            5 => Self::Halted,
            _ => Self::Tripped,
        }
    }

    /// The name used on the CLI and in the latch file.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Armed => "armed",
            Self::Tripped => "tripped",
            Self::Halting => "halting",
            Self::Flattening => "flattening",
            Self::Halted => "halted",
        }
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What tripped the switch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Trigger {
    /// An explicit call (API or CLI).
    Manual,
    /// A configured signal such as SIGUSR1.
    Signal,
    /// A risk limit reported a breach.
    RiskBreach,
    /// Too many errors or rejects in a time window.
    ErrorRate,
    /// Market data went stale.
    StaleMarketData,
    /// The dead-man's switch: no heartbeat in time.
    HeartbeatLost,
    /// A trip file appeared on disk.
    TripFile,
    /// The latch file on disk could not be read or parsed, or said armed
    /// without signatures the reset policy accepts.
    CorruptLatch,
    /// The switch has a latch file and it is missing. A new switch is armed
    /// by `init`; a running one resets only from a trip written to the latch.
    LatchMissing,
    /// A part the bot must not trade without failed: the audit log could
    /// not write or sync its records ([`KillSwitch::tripper`](crate::KillSwitch::tripper)).
    AuditFailure,
}

impl Trigger {
    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Manual => "manual",
            Self::Signal => "signal",
            Self::RiskBreach => "risk_breach",
            Self::ErrorRate => "error_rate",
            Self::StaleMarketData => "stale_market_data",
            Self::HeartbeatLost => "heartbeat_lost",
            Self::TripFile => "trip_file",
            Self::CorruptLatch => "corrupt_latch",
            Self::LatchMissing => "latch_missing",
            Self::AuditFailure => "audit_failure",
        }
    }
}

impl fmt::Display for Trigger {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A request to trip: what, why, who, and the values that triggered it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TripRequest {
    /// The trigger.
    pub trigger: Trigger,
    /// Human-readable reason.
    pub reason: String,
    /// Who or what asked (an operator, "risk-limits", "sigusr1", ...).
    pub who: String,
    /// The observed values (limit, observed, window, ...), as text.
    pub values: BTreeMap<String, String>,
}

impl TripRequest {
    /// A request with no values.
    pub fn new(trigger: Trigger, reason: impl Into<String>, who: impl Into<String>) -> Self {
        Self {
            trigger,
            reason: reason.into(),
            who: who.into(),
            values: BTreeMap::new(),
        }
    }

    /// A manual trip.
    pub fn manual(reason: impl Into<String>, who: impl Into<String>) -> Self {
        Self::new(Trigger::Manual, reason, who)
    }

    /// Adds an observed value.
    #[must_use]
    pub fn value(mut self, key: impl Into<String>, value: impl ToString) -> Self {
        self.values.insert(key.into(), value.to_string());
        self
    }
}

/// The record of a trip, as held in memory and written to the latch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TripRecord {
    /// Identifies this trip; a reset token names it, so a token for one trip
    /// cannot reset another.
    pub id: String,
    /// The trigger.
    pub trigger: Trigger,
    /// Why.
    pub reason: String,
    /// Who asked.
    pub who: String,
    /// When, in milliseconds since the Unix epoch.
    pub at_ms: u64,
    /// The values that triggered it.
    pub values: BTreeMap<String, String>,
}
