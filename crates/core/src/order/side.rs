//! [`Side`]: buy or sell.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Buy or sell: `BUY` / `SELL` on the wire, in `Display`, `FromStr` and serde.
///
/// ```
/// use supreme_core::Side;
/// assert_eq!("SELL".parse::<Side>()?, Side::Sell);
/// assert_eq!(Side::Buy.to_string(), "BUY");
/// assert_eq!(Side::Buy.opposite(), Side::Sell);
/// assert!("buy".parse::<Side>().is_err());
/// # Ok::<(), supreme_core::ParseSideError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Side {
    /// Buy the base asset.
    Buy,
    /// Sell the base asset.
    Sell,
}

impl Side {
    /// `BUY` or `SELL`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Buy => "BUY",
            Self::Sell => "SELL",
        }
    }

    /// The other side: the one that closes what this one opened.
    pub const fn opposite(self) -> Self {
        match self {
            Self::Buy => Self::Sell,
            Self::Sell => Self::Buy,
        }
    }
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A text that is neither `BUY` nor `SELL`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("side {text:?} is neither BUY nor SELL")]
pub struct ParseSideError {
    /// The text (its first 32 characters).
    pub text: String,
}

impl FromStr for Side {
    type Err = ParseSideError;
    /// Exactly `BUY` or `SELL`, as Binance writes them.
    fn from_str(s: &str) -> Result<Self, ParseSideError> {
        match s {
            "BUY" => Ok(Self::Buy),
            "SELL" => Ok(Self::Sell),
            _ => Err(ParseSideError {
                text: s.chars().take(32).collect(),
            }),
        }
    }
}

#[cfg(test)]
mod tests;
