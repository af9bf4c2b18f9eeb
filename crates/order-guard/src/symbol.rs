//! Validated names held inline (no heap): [`Symbol`] and [`ClientOrderId`].

use std::fmt;
use std::str::FromStr;

use crate::InlineStr;

/// Why a text is not a valid [`Symbol`] or [`ClientOrderId`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NameError {
    /// Shorter or longer than allowed.
    #[error("length {len} outside {min}..={max}")]
    Length {
        /// The text's length in bytes.
        len: usize,
        /// Fewest characters allowed.
        min: usize,
        /// Most characters allowed.
        max: usize,
    },
    /// A character outside the allowed set.
    #[error("character {0:?} not allowed")]
    Char(char),
}

macro_rules! inline_name {
    ($(#[$doc:meta])* $name:ident, $min:expr, $max:expr, $allowed:expr) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(InlineStr<$max>);

        impl $name {
            /// Fewest characters.
            pub const MIN_LEN: usize = $min;
            /// Most characters.
            pub const MAX_LEN: usize = $max;

            /// Validates `s`.
            pub fn new(s: &str) -> Result<Self, NameError> {
                let len = s.len();
                if !($min..=$max).contains(&len) {
                    return Err(NameError::Length { len, min: $min, max: $max });
                }
                if let Some(c) = s.chars().find(|&c| !($allowed)(c)) {
                    return Err(NameError::Char(c));
                }
InlineStr::from_ascii(s).map(Self).ok_or(NameError::Length { len, min: $min, max: $max })
            }

            /// The validated text.
            pub fn as_str(&self) -> &str {
                self.0.as_str()
            }
        }

        impl FromStr for $name {
            type Err = NameError;
            fn from_str(s: &str) -> Result<Self, NameError> {
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

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                Self::new(&s).map_err(serde::de::Error::custom)
            }
        }
    };
}

inline_name!(
    /// A trading pair such as `BTCUSDT`: 2 to 20 uppercase ASCII letters or
    /// digits (the seed's `^[A-Z]{2,10}[A-Z]{2,5}$` rejected real symbols such
    /// as `1INCHUSDT`).
    ///
    /// ```
    /// use supreme_order_guard::Symbol;
    /// assert_eq!(Symbol::new("BTCUSDT")?.as_str(), "BTCUSDT");
    /// assert!(Symbol::new("btcusdt").is_err());
    /// assert!(Symbol::new("BTC/USDT").is_err());
    /// # Ok::<(), supreme_order_guard::NameError>(())
    /// ```
    Symbol,
    2,
    20,
    |c: char| c.is_ascii_uppercase() || c.is_ascii_digit()
);

inline_name!(
    /// A client order id (`newClientOrderId`): 1 to 36 characters of
    /// `A-Z a-z 0-9 . : / _ -`, Binance's own rule.
    ///
    /// ```
    /// use supreme_order_guard::ClientOrderId;
    /// assert!(ClientOrderId::new("bot-1:42").is_ok());
    /// assert!(ClientOrderId::new("no spaces").is_err());
    /// # Ok::<(), supreme_order_guard::NameError>(())
    /// ```
    ClientOrderId,
    1,
    36,
    |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | ':' | '/' | '_' | '-')
);

#[cfg(test)]
mod tests;
