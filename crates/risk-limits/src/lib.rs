//! Risk limits for trading bots that hold under concurrency and restarts,
//! and never block the way out of a position.
//!
//! A [`RiskBook`] holds the portfolio (positions with quantity, cost and
//! mark; cash per asset; open orders as reserved worst-case exposure;
//! equity valued in one currency at rates the caller supplies) and the
//! limits of every [`Scope`]: global, account, strategy, symbol. Amounts
//! are exact integers ([`Value`]: 10⁻¹⁶ of the valuation currency, [`Pct`]:
//! 10⁻⁸ of 1), never floating point.
//!
//! ```
//! use supreme_order_guard::{Order, Side, Symbol};
//! use supreme_risk_limits::*;
//!
//! let usdt = Asset::new("USDT")?;
//! let config = RiskConfig::new(usdt)?.with_limits(Scope::Global, LimitSet::SEED)?;
//! let book = RiskBook::new(config, FakeClock::new(1_700_000_000_000))?;
//! let btc = Symbol::new("BTCUSDT")?;
//! book.add_symbol(btc, Asset::new("BTC")?, usdt)?;
//! book.deposit(AccountId::new("main")?, usdt, "100000".parse()?)?;
//! book.set_mark(btc, "50000".parse()?)?;
//! book.start_fresh()?; // first run; later runs restore from a StateFile
//!
//! // 0.1 BTC = 5,000 USDT = 5 % of equity: accepted, no warning yet.
//! let ok = book.check_and_reserve(&Order::limit(btc, Side::Buy, "0.1".parse()?, "50000".parse()?))?;
//! assert!(ok.warnings.is_empty());
//! // Another 0.15 BTC would make 12.5 %: refused, with the limit and the value.
//! let no = book
//!     .check_and_reserve(&Order::limit(btc, Side::Buy, "0.15".parse()?, "50000".parse()?))
//!     .unwrap_err();
//! assert_eq!(no.to_string(), "position share of equity at global: 12.5%, limit 10%");
//!
//! book.fill(ok.id, "0.1".parse()?, "50000".parse()?, None)?;
//! book.set_state(Scope::Global, TradingState::Halted)?;
//! // Halted, yet selling what is held is always allowed.
//! let exit = book.check_and_reserve(&Order::market(btc, Side::Sell, "0.1".parse()?))?;
//! assert!(exit.reducing);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Limits ([`LimitSet`])
//!
//! Position share of equity (seed: 10 %, warning at 5 %), concentration
//! (seed: 20 % of gross exposure, applying from a gross of 50 % of equity),
//! gross and net exposure caps, open orders, order rate, daily loss
//! (realized + unrealized, reset at a time of day and UTC offset), max
//! drawdown from the high-water mark, and a StoplossGuard-style cooldown
//! after N losing trades in a window. Each may be set per scope; every
//! applicable limit of every scope of an order must hold.
//!
//! # Reservations and states
//!
//! [`RiskBook::check_and_reserve`] reserves an order's worst-case value
//! under one lock, so concurrent orders cannot jointly slip past a limit;
//! [`RiskBook::fill`], [`RiskBook::cancel`] and [`RiskBook::reject`] commit
//! or release it. A scope is [`TradingState::Active`], `ReduceOnly` or
//! `Halted`; an order that only reduces a position passes in every state
//! and over every limit. Breaches (daily loss, drawdown, losing trades) go
//! to a [`BreachSink`] (trip a kill switch there) and, as core events, to
//! the book's event sink ([`RiskBook::with_events`]: the audit log). A latched breach is
//! cleared only with operators' signed tokens ([`RiskBook::clear_breach`],
//! [`StateFile::clear_breach`], `supreme risk clear`; see [`breach_subject`]).
//!
//! # Drift
//!
//! Marks, rates and fills revalue every position; one that moves from
//! within a position-share or concentration limit to over it, with no order
//! crossing it, is reported once per crossing as a [`Drift`] warning
//! (a `RISK_DRIFT` event in the book's event sink, [`RiskBook::with_events`];
//! it only reports, so it is no [`BreachSink`] call). A limit set
//! [`with_reduce_only_on_drift`](PositionLimit::with_reduce_only_on_drift)
//! also makes the symbol reduce-only at that scope while it stays over
//! ([`Rejection::Drifted`]), lifting by itself once it is back within.
//! Detection is incremental, not a scan of the book: a revaluation costs
//! O(log n) in the number of positions for each position whose value moved
//! and each crossing, plus a constant per account and per distinct
//! symbol-scope share limit.
//!
//! # Persistence
//!
//! [`StateFile`] keeps breaches, states, high-water marks and the day's
//! P&L base, written atomically after every breach and tagged with an
//! HMAC-SHA256 under a [`StateKey`] (kept in the vault, or in a 0600 key
//! file), so a breach edited out of the file is refused even with its
//! checksum recomputed. A missing, corrupt or unauthentic file is an error,
//! and until [`RiskBook::restore`] or [`RiskBook::start_fresh`] the book
//! refuses every order that adds risk.
//!
//! # Features
//!
//! None: the crate has no optional parts.

mod amount;
mod book;
mod breach;
mod clear;
mod error;
mod limits;
mod name;
mod persist;
mod scope;

pub use amount::{Pct, Ratio, Value};
pub use book::{
    Accepted, Fee, FillReport, Origin, PositionView, ReservationId, RiskBook, RiskConfig,
    ScopeView, Warnings,
};
pub use breach::{BREACH_KIND, Breach, BreachSink, DRIFT_KIND, Drift};
pub use clear::{ClearRefusal, breach_subject, clear_nonce_path};
pub use error::{Error, LimitKind, Observed, Rejection, Result, Warning};
pub use limits::{
    ConcentrationLimit, CooldownLimit, DailyReset, LimitSet, OrderRateLimit, PositionLimit,
};
pub use name::{AccountId, StrategyId};
pub use persist::{LatchRecord, PersistedState, ScopeRecord, StateFile};
pub use scope::{Scope, TradingState};
pub use supreme_core::Asset;
pub use supreme_core::files::StateKey;
/// Operator keys, signed tokens and the policy (supreme-core's, shared with
/// the kill switch's reset): what [`RiskBook::clear_breach`] takes.
pub use supreme_core::operator;
pub use supreme_core::{Clock, CoarseClock, FakeClock, SystemClock};
