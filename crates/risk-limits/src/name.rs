//! Inline names (no heap): [`AccountId`], [`StrategyId`], [`Asset`].

use std::fmt;
use std::str::FromStr;

use crate::Error;

macro_rules! inline_name {
    ($(#[$doc:meta])* $name:ident, $max:expr, $what:expr) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name {
            len: u8,
            bytes: [u8; $max],
        }

        impl $name {
            /// Most characters.
            pub const MAX_LEN: usize = $max;

            /// Validates `s`: 1 to `MAX_LEN` characters of `A-Z a-z 0-9 . _ -`.
            pub fn new(s: &str) -> Result<Self, Error> {
                let ok = (1..=$max).contains(&s.len())
                    && s.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
                if !ok {
                    return Err(Error::InvalidName { what: $what, text: s.chars().take(64).collect() });
                }
                let mut bytes = [0u8; $max];
                bytes.iter_mut().zip(s.bytes()).for_each(|(slot, b)| *slot = b);
                Ok(Self { len: u8::try_from(s.len()).unwrap_or(u8::MAX), bytes })
            }

            /// The validated text.
            pub fn as_str(&self) -> &str {
                let bytes = self.bytes.get(..usize::from(self.len)).unwrap_or_default();
                // Only ASCII is ever stored.
                std::str::from_utf8(bytes).unwrap_or_default()
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

inline_name!(
    /// An asset such as `USDT` or `BTC` (cash balances, conversion rates).
    Asset,
    16,
    "asset"
);
