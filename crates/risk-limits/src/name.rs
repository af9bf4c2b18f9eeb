//! Inline names (no heap): [`AccountId`], [`StrategyId`]. An asset is
//! core's [`Asset`](supreme_core::Asset).

use std::fmt;
use std::str::FromStr;

use supreme_core::InlineStr;

use crate::Error;

macro_rules! inline_name {
    ($(#[$doc:meta])* $name:ident, $max:expr, $what:expr) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(InlineStr<$max>);

        impl $name {
            /// Most characters.
            pub const MAX_LEN: usize = $max;

            /// Validates `s`: 1 to `MAX_LEN` characters of `A-Z a-z 0-9 . _ -`.
            pub fn new(s: &str) -> Result<Self, Error> {
                let valid = !s.is_empty()
                    && s.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
                let inline = InlineStr::from_ascii(s).filter(|_| valid);
                inline.map(Self).ok_or_else(|| Error::InvalidName { what: $what, text: s.chars().take(64).collect() })
            }

            /// The validated text.
            pub fn as_str(&self) -> &str {
                self.0.as_str()
            }
        }

        impl FromStr for $name {
            type Err = Error;
            fn from_str(s: &str) -> Result<Self, Error> {
                Self::new(s)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($name), "({:?})"), self.as_str())
            }
        }
    };
}

inline_name!(
    /// An account (a set of balances and positions, one per exchange login).
    ///
    /// ```
    /// use supreme_risk_limits::AccountId;
    /// assert!(AccountId::new("binance-main").is_ok());
    /// assert!(AccountId::new("no spaces").is_err());
    /// ```
    AccountId,
    32,
    "account"
);

inline_name!(
    /// A strategy (the part of a bot that decides orders).
    StrategyId,
    32,
    "strategy"
);
