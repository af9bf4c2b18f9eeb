//! Where a limit applies ([`Scope`]) and what a scope may do ([`TradingState`]).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use supreme_core::Symbol;

use crate::{AccountId, Error, StrategyId};

/// Where a limit applies. An order is checked against every scope it belongs
/// to: the book (global), its account, its strategy and its symbol; each
/// applicable limit must hold, so a narrower scope can only tighten.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Scope {
    /// The whole book: every account.
    Global,
    /// One account (its cash and positions).
    Account(AccountId),
    /// One strategy (its orders and realized P&L).
    Strategy(StrategyId),
    /// One symbol across every account.
    Symbol(Symbol),
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Global => f.write_str("global"),
            Self::Account(a) => write!(f, "account:{a}"),
            Self::Strategy(s) => write!(f, "strategy:{s}"),
            Self::Symbol(s) => write!(f, "symbol:{s}"),
        }
    }
}

impl FromStr for Scope {
    type Err = Error;
    /// `global`, `account:NAME`, `strategy:NAME` or `symbol:BTCUSDT`.
    fn from_str(s: &str) -> Result<Self, Error> {
        let bad = || Error::InvalidName {
            what: "scope",
            text: s.chars().take(64).collect(),
        };
        if s == "global" {
            return Ok(Self::Global);
        }
        let (kind, name) = s.split_once(':').ok_or_else(bad)?;
        match kind {
            "account" => Ok(Self::Account(AccountId::new(name)?)),
            "strategy" => Ok(Self::Strategy(StrategyId::new(name)?)),
            "symbol" => Ok(Self::Symbol(Symbol::new(name).map_err(|_| bad())?)),
            _ => Err(bad()),
        }
    }
}

impl Serialize for Scope {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Scope {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// What a scope may do. Orders that only reduce a position pass in every
/// state: a halt never blocks the way out.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TradingState {
    /// Any order within the limits.
    #[default]
    Active,
    /// Only reducing orders; set by an operator or a cooldown, lifted by them.
    ReduceOnly,
    /// Only reducing orders; set by an operator or a loss or drawdown breach,
    /// latched (persisted) until its reset.
    Halted,
}
