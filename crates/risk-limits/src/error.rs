//! The crate's error ([`Error`]), order rejections ([`Rejection`]) and soft
//! warnings ([`Warning`]), each naming the limit, the observed value and the
//! scope.

use std::fmt;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use supreme_core::Symbol;

use crate::{AccountId, Asset, Pct, Ratio, Scope, StrategyId, TradingState, Value};

/// Everything but an order rejection: configuration, bookkeeping, state files.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Not a decimal amount.
    #[error("invalid amount {text:?}")]
    InvalidAmount {
        /// The text (first 64 characters).
        text: String,
    },
    /// Not a valid name.
    #[error("invalid {what} name {text:?}")]
    InvalidName {
        /// What was named.
        what: &'static str,
        /// The text (first 64 characters).
        text: String,
    },
    /// A limit value out of range.
    #[error("invalid {what} limit: {reason}")]
    InvalidLimit {
        /// Which limit.
        what: &'static str,
        /// Why.
        reason: &'static str,
    },
    /// A limit that means nothing at this scope.
    #[error("a {limit} limit does not apply at {scope}")]
    NotApplicable {
        /// The scope.
        scope: Scope,
        /// The limit.
        limit: &'static str,
    },
    /// Registered twice.
    #[error("{what} {name} registered twice")]
    Duplicate {
        /// What.
        what: &'static str,
        /// Its name.
        name: String,
    },
    /// An account the book does not know.
    #[error("unknown account {0}")]
    UnknownAccount(AccountId),
    /// A strategy the book does not know.
    #[error("unknown strategy {0}")]
    UnknownStrategy(StrategyId),
    /// A symbol the book does not know.
    #[error("unknown symbol {0}")]
    UnknownSymbol(Symbol),
    /// An asset the book has no conversion rate for.
    #[error("unknown asset {0} (no conversion rate)")]
    UnknownAsset(Asset),
    /// The reservation was already filled, cancelled or never existed.
    #[error("unknown or closed reservation")]
    UnknownReservation,
    /// `start_fresh` or `restore` was already called.
    #[error("the book was already started")]
    AlreadyStarted,
    /// No state file: the caller decides between a fresh start and stopping.
    #[error("risk state file {path} is missing")]
    StateMissing {
        /// The file.
        path: PathBuf,
    },
    /// The state file is not a state this version wrote.
    #[error("risk state {path:?} is corrupt: {reason}")]
    StateCorrupt {
        /// The file, when read from one.
        path: Option<PathBuf>,
        /// What is wrong.
        reason: String,
    },
    /// The state names a scope the book has not registered (a breach there
    /// would otherwise be lost).
    #[error("risk state names {0}, which is not registered")]
    StateScopeUnknown(Scope),
    /// Clearing the breach at `scope` was refused; it stays latched.
    #[error("clearing the breach at {scope} refused: {refusal}")]
    ClearRefused {
        /// The scope.
        scope: Scope,
        /// Why.
        refusal: crate::ClearRefusal,
    },
    /// Reading or writing the state file failed.
    #[error("risk state file {path}: {source}")]
    StateIo {
        /// The file.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// The state's key file was refused (permissions, owner, format), or
    /// another writer held the state's lock for the whole wait.
    #[error("risk state: {0}")]
    StatePolicy(#[source] supreme_core::files::Error),
}

/// A kind of limit.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LimitKind {
    /// Position as a share of equity.
    Position,
    /// Share of gross exposure.
    Concentration,
    /// Gross exposure.
    GrossExposure,
    /// Net exposure.
    NetExposure,
    /// Open orders.
    OpenOrders,
    /// Orders per window.
    OrderRate,
    /// Loss since the start of the trading day.
    DailyLoss,
    /// Drawdown from the high-water mark.
    Drawdown,
    /// Losing trades in a window (cooldown).
    LosingTrades,
}

impl fmt::Display for LimitKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Position => "position share of equity",
            Self::Concentration => "concentration",
            Self::GrossExposure => "gross exposure",
            Self::NetExposure => "net exposure",
            Self::OpenOrders => "open orders",
            Self::OrderRate => "order rate",
            Self::DailyLoss => "daily loss",
            Self::Drawdown => "drawdown",
            Self::LosingTrades => "losing trades",
        })
    }
}

/// A limit and what was observed against it.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Observed {
    /// A share.
    Share {
        /// The limit.
        limit: Pct,
        /// The observed share after the order (worst case).
        observed: Ratio,
    },
    /// An amount of the valuation currency.
    Amount {
        /// The limit.
        limit: Value,
        /// The observed amount after the order (worst case).
        observed: Value,
    },
    /// A count.
    Count {
        /// The limit.
        limit: u32,
        /// The observed count with the order.
        observed: u32,
    },
}

impl fmt::Display for Observed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Share { limit, observed } => write!(f, "{observed}, limit {limit}"),
            Self::Amount { limit, observed } => write!(f, "{observed}, limit {limit}"),
            Self::Count { limit, observed } => write!(f, "{observed}, limit {limit}"),
        }
    }
}

/// Why an order that would add risk was refused. Orders that only reduce a
/// position are never refused for any of these.
#[derive(Clone, Copy, PartialEq, Eq, Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Rejection {
    /// A hard limit.
    #[error("{kind} at {scope}: {observed}")]
    Limit {
        /// Where.
        scope: Scope,
        /// Which limit.
        kind: LimitKind,
        /// The limit and the value the order would reach.
        observed: Observed,
    },
    /// The scope only takes reducing orders.
    #[error("{scope} is {state:?}: reducing orders only")]
    State {
        /// Where.
        scope: Scope,
        /// Its state.
        state: TradingState,
    },
    /// The symbol drifted past a share limit set reduce-only on drift
    /// (see [`Drift`](crate::Drift)): only reducing orders until it is back
    /// within the limit.
    #[error("reduce-only after drift: {kind} at {scope}: {observed}")]
    Drifted {
        /// The scope whose limit the symbol is over.
        scope: Scope,
        /// Which limit (position share or concentration).
        kind: LimitKind,
        /// The limit and the share before the order.
        observed: Observed,
    },
    /// A losing-trade cooldown.
    #[error("{scope} cooling down after losing trades until {until_ms} ms")]
    CoolingDown {
        /// Where.
        scope: Scope,
        /// When it ends.
        until_ms: u64,
    },
    /// Neither `start_fresh` nor `restore` was called: the book does not
    /// know whether a breach is in force.
    #[error("risk book not started (restore its state or start fresh)")]
    NotStarted,
    /// The last breach could not be written to the state file.
    #[error("a breach could not be persisted; save the state to resume")]
    StateNotPersisted,
    /// An account the book does not know.
    #[error("unknown account {0}")]
    UnknownAccount(AccountId),
    /// A strategy the book does not know.
    #[error("unknown strategy {0}")]
    UnknownStrategy(StrategyId),
    /// A symbol the book does not know.
    #[error("unknown symbol {0}")]
    UnknownSymbol(Symbol),
    /// No mark price yet: exposure cannot be valued.
    #[error("no mark price for {0}")]
    NoMark(Symbol),
    /// No conversion rate for the symbol's quote asset.
    #[error("no conversion rate for {0}")]
    NoRate(Asset),
    /// Neither a quantity nor a quote quantity, or no price where one is needed.
    #[error("order has no quantity or price to value it by")]
    Unpriced,
}

/// A soft threshold crossed by an accepted order.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Warning {
    /// Where.
    pub scope: Scope,
    /// Which limit.
    pub kind: LimitKind,
    /// The threshold and the value the order reaches.
    pub observed: Observed,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "warning: {} at {}: {}",
            self.kind, self.scope, self.observed
        )
    }
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
