//! [`Breach`]es and where they go ([`BreachSink`]): trip a kill switch from
//! a sink without this crate depending on one.

use crate::{LimitKind, Observed, Scope, TradingState};

/// A limit the portfolio itself crossed (not an order refused): a daily
/// loss or drawdown (the scope halts) or a run of losing trades (cooldown).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Breach {
    /// Where.
    pub scope: Scope,
    /// Which limit.
    pub kind: LimitKind,
    /// The limit and the observed value.
    pub observed: Observed,
    /// When, in ms since the epoch.
    pub at_ms: u64,
    /// The state the scope is now in.
    pub state: TradingState,
    /// When the state lifts by itself (cooldowns), if it does.
    pub until_ms: Option<u64>,
}

impl std::fmt::Display for Breach {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} breached at {}: {} -> {:?}",
            self.kind, self.scope, self.observed, self.state
        )
    }
}

/// Receives every breach, outside the book's lock (it may call the book).
///
/// ```
/// use std::sync::atomic::{AtomicBool, Ordering};
/// use std::sync::Arc;
/// use supreme_risk_limits::{Breach, BreachSink};
///
/// struct Trip(Arc<AtomicBool>); // stands in for a kill switch
/// impl BreachSink for Trip {
///     fn on_breach(&self, _breach: &Breach) {
///         self.0.store(true, Ordering::SeqCst);
///     }
/// }
/// ```
pub trait BreachSink: Send + Sync {
    /// Called once per breach.
    fn on_breach(&self, breach: &Breach);
}

impl<F: Fn(&Breach) + Send + Sync> BreachSink for F {
    fn on_breach(&self, breach: &Breach) {
        self(breach);
    }
}
