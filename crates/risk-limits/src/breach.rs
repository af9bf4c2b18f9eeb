//! [`Breach`]es and [`Drift`] warnings, and where they go.
//!
//! Two places, for two jobs. A [`BreachSink`] *reacts*: it trips a kill
//! switch, typed, with no dependency on one and nothing that could refuse
//! (a trip must never wait on a record). The book's event sink
//! ([`RiskBook::with_events`](crate::RiskBook::with_events), a core
//! [`Sink`](supreme_core::event::Sink) such as the audit log) *records*:
//! every breach and drift as a core event ([`Breach::to_event`],
//! [`Drift::to_event`]). A refused record is counted
//! ([`RiskBook::unrecorded_events`](crate::RiskBook::unrecorded_events));
//! the breach stands (it is latched in the book's state either way).

use supreme_order_guard::Symbol;

mod record;

pub use record::{BREACH_KIND, DRIFT_KIND};

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

/// A warning: a position crossed a share limit (position share of equity,
/// concentration) by price moves alone, from within it to over it, with no
/// order crossing it (an order would have been refused). Reported once per
/// crossing, when a mark, a rate or a fill revalues the book; again only
/// after it was back within the limit. Measured as orders are checked:
/// worst case, positions at the mark plus open increasing orders.
///
/// While over a limit set [`with_reduce_only_on_drift`](crate::PositionLimit::with_reduce_only_on_drift),
/// the symbol is reduce-only at that scope: orders that would grow it are
/// refused with [`Rejection::Drifted`](crate::Rejection::Drifted); reducing
/// orders pass as always. The state lifts by itself once the share is back
/// within the limit (by price or by reducing), and it is not persisted: it
/// follows from positions and marks, which a restart re-applies before
/// [`restore`](crate::RiskBook::restore) (which reports it again).
///
/// A drift only reports: it is recorded as a `RISK_DRIFT` core event in
/// the book's event sink ([`RiskBook::with_events`](crate::RiskBook::with_events)),
/// not handed to the [`BreachSink`] (which reacts, to breaches).
///
/// ```
/// use std::sync::Arc;
/// use supreme_core::event::VecSink;
/// use supreme_order_guard::{Order, Side, Symbol};
/// use supreme_risk_limits::*;
///
/// let usdt = Asset::new("USDT")?;
/// let limit = PositionLimit::new(Pct::percent(10), None)?.with_reduce_only_on_drift(true);
/// let limits = LimitSet { position: Some(limit), ..LimitSet::default() };
/// let config = RiskConfig::new(usdt)?.with_limits(Scope::Global, limits)?;
/// let seen = Arc::new(VecSink::new());
/// let book = RiskBook::new(config, FakeClock::new(0))?.with_events(seen.clone());
/// let btc = Symbol::new("BTCUSDT")?;
/// let main = AccountId::new("main")?;
/// book.add_symbol(btc, Asset::new("BTC")?, usdt)?;
/// book.deposit(main, usdt, "100000".parse()?)?;
/// book.set_mark(btc, "50000".parse()?)?;
/// book.set_position(main, btc, "0.15".parse()?, "50000".parse()?)?; // 7 % of equity
/// book.start_fresh()?;
///
/// book.set_mark(btc, "80000".parse()?)?; // 12,000 of 112,000: 10.7 %
/// book.set_mark(btc, "90000".parse()?)?; // still over: no second warning
/// let warnings = seen.events();
/// assert_eq!(warnings.len(), 1);
/// assert_eq!((warnings[0].kind(), warnings[0].get("symbol")), (DRIFT_KIND, Some("BTCUSDT")));
/// let buy = Order::market(btc, Side::Buy, "0.01".parse()?);
/// assert!(matches!(book.check_and_reserve(&buy), Err(Rejection::Drifted { .. })));
/// let sell = Order::market(btc, Side::Sell, "0.05".parse()?);
/// assert!(book.check_and_reserve(&sell)?.reducing);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Drift {
    /// The scope whose limit was crossed (global, the account, the symbol).
    pub scope: Scope,
    /// The symbol that drifted.
    pub symbol: Symbol,
    /// [`LimitKind::Position`] or [`LimitKind::Concentration`].
    pub kind: LimitKind,
    /// The limit and the share now.
    pub observed: Observed,
    /// When, in ms since the epoch.
    pub at_ms: u64,
    /// The symbol is now reduce-only at `scope`.
    pub reduce_only: bool,
}

impl std::fmt::Display for Drift {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} drifted past {} at {}: {}",
            self.symbol, self.kind, self.scope, self.observed
        )?;
        if self.reduce_only {
            f.write_str(" (reduce-only)")?;
        }
        Ok(())
    }
}

/// Reacts to every breach, outside the book's lock (it may call the
/// book): trip a kill switch here. A closure `Fn(&Breach)` is one.
///
/// It receives no [`Drift`] warning: those only report, and go to the
/// book's event sink as `RISK_DRIFT` records
/// ([`RiskBook::with_events`](crate::RiskBook::with_events)) beside every
/// breach's `RISK_BREACH`.
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
