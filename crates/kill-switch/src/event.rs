//! Everything the switch does, as events for the audit log.
//!
//! The switch reports to one core [`Sink`](supreme_core::event::Sink)
//! ([`KillSwitchBuilder::events`](crate::KillSwitchBuilder::events)); each
//! [`Event`] here reaches it as a core
//! [`Event`](supreme_core::event::Event) ([`Event::to_core`] names the kinds).

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use supreme_core::event::{Sink, SinkError};

use crate::reset::ResetRefusal;
use crate::state::{State, TripRecord, TripRequest};

mod to_core;

/// Where the switch's events go: any core sink (an audit log, a
/// [`FanOut`](supreme_core::event::FanOut), a closure in an
/// [`FnSink`](supreme_core::event::FnSink)).
pub type EventSink = Arc<dyn Sink>;

/// One thing that happened.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event {
    /// The process started tripped because a latch file was found.
    StartedTripped {
        /// The trip restored from the latch (or made up for a corrupt one).
        record: TripRecord,
    },
    /// The switch tripped.
    Tripped {
        /// What, why, who, when.
        record: TripRecord,
    },
    /// A trip was requested while already tripped; the first record stands.
    TripRepeated {
        /// The new request.
        request: TripRequest,
        /// When.
        at_ms: u64,
    },
    /// The latch file was written.
    LatchWritten {
        /// The latch file.
        path: PathBuf,
        /// The state written.
        state: State,
    },
    /// The latch file could not be written or removed.
    LatchFailed {
        /// The latch file.
        path: PathBuf,
        /// The error.
        detail: String,
    },
    /// The procedure moved on.
    StateChanged {
        /// From.
        from: State,
        /// To.
        to: State,
        /// When.
        at_ms: u64,
    },
    /// A venue action was attempted.
    Action {
        /// What.
        action: Action,
        /// Attempt number within its phase, from 1.
        attempt: u32,
        /// `Ok` or the venue's error.
        outcome: Result<(), String>,
    },
    /// The venue was checked after an attempt.
    Verified {
        /// The phase checked.
        state: State,
        /// Open orders reported.
        open_orders: usize,
        /// Non-zero positions reported.
        open_positions: usize,
        /// Whether the phase is done.
        clean: bool,
    },
    /// The procedure gave up without a clean venue.
    HaltIncomplete {
        /// The phase that failed.
        state: State,
        /// The error text.
        detail: String,
    },
    /// A shutdown hook ran.
    Hook {
        /// Its name.
        name: String,
        /// `Ok` or its error.
        outcome: Result<(), String>,
    },
    /// A notifier was called (once per attempt), or suppressed by its rate
    /// limit.
    Notified {
        /// The notifier's name.
        notifier: String,
        /// The notice's subject.
        subject: String,
        /// 1 for the first attempt, 2 for the first retry, ...
        attempt: u32,
        /// `Ok`, its error, or "suppressed by rate limit (N so far)".
        outcome: Result<(), String>,
    },
    /// A reset was attempted.
    ResetAttempt {
        /// The operator named in the request.
        operator: String,
        /// When.
        at_ms: u64,
        /// `Ok` when accepted.
        outcome: Result<(), ResetRefusal>,
    },
}

/// A venue action taken by the procedure.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Action {
    /// Listed open orders.
    ListOpenOrders,
    /// Cancelled every order on one symbol.
    CancelAll {
        /// The symbol.
        symbol: supreme_core::Symbol,
    },
    /// Listed positions.
    ListPositions,
    /// Sent a reduce-only close order (what it said: the order itself was
    /// the venue's to spend).
    ClosePosition {
        /// Its symbol.
        symbol: supreme_core::Symbol,
        /// Its side.
        side: supreme_core::Side,
        /// Its quantity.
        quantity: supreme_core::Quantity,
        /// Its worst acceptable price.
        limit_price: supreme_core::Price,
    },
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ListOpenOrders => f.write_str("list open orders"),
            Self::CancelAll { symbol } => write!(f, "cancel all {symbol}"),
            Self::ListPositions => f.write_str("list positions"),
            Self::ClosePosition {
                symbol,
                side,
                quantity,
                limit_price,
            } => write!(f, "close {symbol} {side} {quantity} limit {limit_price}"),
        }
    }
}

/// Sends to an optional sink, as a core event stamped `now_ms` where the
/// event carries no time of its own.
pub(crate) fn emit(sink: Option<&EventSink>, now_ms: u64, event: &Event) -> Result<(), SinkError> {
    let core = event.to_core(now_ms);
    tracing::info!(target: "supreme_kill_switch", event = core.kind(), severity = ?core.severity(), "kill switch");
    match sink {
        Some(sink) => sink.record(&core),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests;
