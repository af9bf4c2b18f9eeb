//! The exact fixed-point form of [`Price`](crate::Price) and
//! [`Quantity`](crate::Quantity): parsing, formatting and [`Decimal`]
//! conversion, shared by both, and their error, [`AmountError`].
//!
//! Binance states every price and quantity with at most eight decimals and
//! keeps them internally as 64-bit integers of 10⁻⁸ units. We do the same:
//! an amount is a `u64` count of 10⁻⁸, so a filter check is integer
//! arithmetic with no rounding and no allocation.

use std::fmt;

use rust_decimal::Decimal;

/// Decimal places of every [`Price`](crate::Price) and [`Quantity`](crate::Quantity).
pub const SCALE: u32 = 8;
/// 10^[`SCALE`]: the number of units in 1.
pub const ONE: u64 = 100_000_000;

/// Why a decimal string or [`Decimal`] is not an amount.
///
/// ```
/// use supreme_core::{AmountError, Price};
/// assert_eq!("-1".parse::<Price>(), Err(AmountError::Negative));
/// assert_eq!("1e5".parse::<Price>(), Err(AmountError::InvalidChar('e')));
/// assert_eq!("0.000000001".parse::<Price>(), Err(AmountError::TooPrecise));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AmountError {
    /// The text was empty.
    #[error("empty number")]
    Empty,
    /// A character other than digits and one `.`.
    #[error("invalid character {0:?} in number")]
    InvalidChar(char),
    /// Negative amounts do not exist on a spot exchange.
    #[error("negative amount")]
    Negative,
    /// More than eight significant decimal places.
    #[error("more than 8 decimal places")]
    TooPrecise,
    /// Larger than 184,467,440,737.09551615.
    #[error("amount too large (most is 184467440737.09551615)")]
    Overflow,
}

/// Parses `123.4500` into 10⁻⁸ units, exactly. Extra decimal places are
/// accepted only when they are zeros.
pub(crate) fn parse_units(s: &str) -> Result<u64, AmountError> {
    let bytes = s.as_bytes();
    let (int, frac) = match s.find('.') {
        Some(dot) => (&bytes[..dot], &bytes[dot + 1..]),
        None => (bytes, &[][..]),
    };
    if int.is_empty() {
        return Err(match bytes.first() {
            None => AmountError::Empty,
            Some(b'-') => AmountError::Negative,
            Some(&b) => AmountError::InvalidChar(char::from(b)),
        });
    }
    let mut units: u64 = 0;
    for &b in int {
        let digit = digit(b, s)?;
        units = units
            .checked_mul(10)
            .and_then(|u| u.checked_add(digit))
            .ok_or(AmountError::Overflow)?;
    }
    units = units.checked_mul(ONE).ok_or(AmountError::Overflow)?;
    let mut place = ONE / 10;
    for &b in frac {
        let digit = digit(b, s)?;
        if place == 0 {
            if digit != 0 {
                return Err(AmountError::TooPrecise);
            }
            continue;
        }
        units = units
            .checked_add(digit * place)
            .ok_or(AmountError::Overflow)?;
        place /= 10;
    }
    Ok(units)
}

fn digit(b: u8, s: &str) -> Result<u64, AmountError> {
    match b {
        b'0'..=b'9' => Ok(u64::from(b - b'0')),
        b'-' if s.starts_with('-') => Err(AmountError::Negative),
        _ => Err(AmountError::InvalidChar(char::from(b))),
    }
}

/// Converts a [`Decimal`] to 10⁻⁸ units, exactly.
pub(crate) fn decimal_to_units(d: Decimal) -> Result<u64, AmountError> {
    if d.is_sign_negative() && !d.is_zero() {
        return Err(AmountError::Negative);
    }
    let d = d.normalize();
    if d.scale() > SCALE {
        return Err(AmountError::TooPrecise);
    }
    let factor = 10u128.pow(SCALE - d.scale());
    let mantissa = u128::try_from(d.mantissa()).map_err(|_| AmountError::Negative)?;
    mantissa
        .checked_mul(factor)
        .and_then(|u| u64::try_from(u).ok())
        .ok_or(AmountError::Overflow)
}

/// Writes units as a trimmed decimal: `1.5`, `100`, `0.00000001`.
pub(crate) fn fmt_units(units: u128, scale: u32, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let one = 10u128.pow(scale);
    let (int, frac) = (units / one, units % one);
    if frac == 0 {
        return write!(f, "{int}");
    }
    let mut digits = scale as usize;
    let mut frac = frac;
    while frac % 10 == 0 {
        frac /= 10;
        digits -= 1;
    }
    write!(f, "{int}.{frac:0digits$}")
}

/// Defines an amount type: a `u64` of 10⁻⁸ units with its constructors,
/// `FromStr`, `TryFrom<Decimal>`, `Display`, `Debug` and serde as a string.
macro_rules! amount {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
        pub struct $name(u64);

        impl $name {
            /// Zero.
            pub const ZERO: Self = Self(0);
            /// The largest amount, 184,467,440,737.09551615.
            pub const MAX: Self = Self(u64::MAX);

            /// From a count of 10⁻⁸ units (`from_units(150_000_000)` is 1.5).
            #[inline]
            pub const fn from_units(units: u64) -> Self {
                Self(units)
            }

            /// The count of 10⁻⁸ units.
            #[inline]
            pub const fn units(self) -> u64 {
                self.0
            }

            /// True when zero.
            #[inline]
            pub const fn is_zero(self) -> bool {
                self.0 == 0
            }

            /// The exact value as a [`Decimal`](rust_decimal::Decimal).
            pub fn to_decimal(self) -> rust_decimal::Decimal {
                rust_decimal::Decimal::from_i128_with_scale(
                    i128::from(self.0),
                    $crate::order::amount::SCALE,
                )
                .normalize()
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::AmountError;
            fn from_str(s: &str) -> Result<Self, $crate::AmountError> {
                $crate::order::amount::parse_units(s).map(Self)
            }
        }

        impl TryFrom<rust_decimal::Decimal> for $name {
            type Error = $crate::AmountError;
            /// Exactly, or an error: never rounded.
            fn try_from(d: rust_decimal::Decimal) -> Result<Self, $crate::AmountError> {
                $crate::order::amount::decimal_to_units(d).map(Self)
            }
        }

        impl From<$name> for rust_decimal::Decimal {
            fn from(amount: $name) -> Self {
                amount.to_decimal()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                $crate::order::amount::fmt_units(
                    u128::from(self.0),
                    $crate::order::amount::SCALE,
                    f,
                )
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, concat!(stringify!($name), "({})"), self)
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

pub(crate) use amount;

#[cfg(test)]
mod tests;
