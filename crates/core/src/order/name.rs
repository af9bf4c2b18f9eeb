//! What validated names share: their error ([`NameError`], naming the
//! [`NameKind`] and what was wrong) and the definition of a name type held
//! inline.

use std::fmt;

/// Which kind of name a text was read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum NameKind {
    /// A [`Symbol`](crate::Symbol).
    Symbol,
    /// An [`Asset`](crate::Asset).
    Asset,
    /// A [`ClientOrderId`](crate::ClientOrderId).
    ClientOrderId,
}

impl NameKind {
    /// The characters this kind allows, as a person reads them.
    pub const fn allowed(self) -> &'static str {
        match self {
            Self::Symbol | Self::Asset => "A-Z 0-9",
            Self::ClientOrderId => "A-Z a-z 0-9 . : / _ -",
        }
    }
}

impl fmt::Display for NameKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Symbol => "symbol",
            Self::Asset => "asset",
            Self::ClientOrderId => "client order id",
        })
    }
}

/// Why a text is not a valid [`Symbol`](crate::Symbol),
/// [`Asset`](crate::Asset) or [`ClientOrderId`](crate::ClientOrderId).
///
/// ```
/// use supreme_core::{NameError, NameKind, Symbol};
/// let e = Symbol::new("BTCusdt").unwrap_err();
/// assert_eq!(e, NameError::Char { kind: NameKind::Symbol, found: 'u', at: 3 });
/// assert_eq!(e.to_string(), "symbol: character 'u' at byte 3 not allowed (only A-Z 0-9)");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NameError {
    /// Shorter or longer than allowed.
    #[error("{kind}: length {len} outside {min}..={max}")]
    Length {
        /// What the text was read as.
        kind: NameKind,
        /// The text's length in bytes.
        len: usize,
        /// Fewest characters allowed.
        min: usize,
        /// Most characters allowed.
        max: usize,
    },
    /// A character outside the allowed set.
    #[error("{kind}: character {found:?} at byte {at} not allowed (only {})", kind.allowed())]
    Char {
        /// What the text was read as.
        kind: NameKind,
        /// The first character refused.
        found: char,
        /// Its byte offset in the text.
        at: usize,
    },
}

/// Checks `s` against a name rule: `min..=max` bytes (checked first, so
/// the scan is bounded), then every character `allowed` (which must only
/// allow ASCII).
pub(crate) fn check(
    s: &str,
    kind: NameKind,
    min: usize,
    max: usize,
    allowed: fn(u8) -> bool,
) -> Result<(), NameError> {
    let len = s.len();
    if !(min..=max).contains(&len) {
        return Err(NameError::Length {
            kind,
            len,
            min,
            max,
        });
    }
    match s
        .char_indices()
        .find(|&(_, c)| !u8::try_from(c).is_ok_and(allowed))
    {
        Some((at, found)) => Err(NameError::Char { kind, found, at }),
        None => Ok(()),
    }
}

/// Defines a name type: validated ASCII held in an `InlineStr`, with
/// `new`, `as_str`, `FromStr`, `Display`, `Debug` and serde as a string.
macro_rules! inline_name {
    ($(#[$doc:meta])* $name:ident, $kind:expr, $min:expr, $max:expr, $allowed:expr) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name($crate::InlineStr<$max>);

        impl $name {
            /// Fewest characters.
            pub const MIN_LEN: usize = $min;
            /// Most characters.
            pub const MAX_LEN: usize = $max;

            /// Validates `s`, or says what is wrong with it.
            pub fn new(s: &str) -> Result<Self, $crate::NameError> {
                $crate::order::name::check(s, $kind, $min, $max, $allowed)?;
                $crate::InlineStr::from_ascii(s)
                    .map(Self)
                    .ok_or($crate::NameError::Length {
                        kind: $kind,
                        len: s.len(),
                        min: $min,
                        max: $max,
                    })
            }

            /// The validated text.
            #[inline]
            pub fn as_str(&self) -> &str {
                self.0.as_str()
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::NameError;
            fn from_str(s: &str) -> Result<Self, $crate::NameError> {
                Self::new(s)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
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

pub(crate) use inline_name;

#[cfg(test)]
mod tests;
