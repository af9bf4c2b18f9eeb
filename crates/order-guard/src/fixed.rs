//! Exact fixed-point amounts: [`Price`], [`Quantity`], [`Multiplier`], [`Notional`].
//!
//! Binance states every price, quantity and notional with at most eight
//! decimals and keeps them internally as 64-bit integers of 10⁻⁸ units. We do
//! the same: an amount is a `u64` count of 10⁻⁸, so a filter check is integer
//! arithmetic with no rounding and no allocation. A product of two amounts (a
//! notional) is a `u128` count of 10⁻¹⁶ and never overflows.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;

/// Decimal places of every [`Price`], [`Quantity`] and [`Multiplier`].
pub const SCALE: u32 = 8;
/// 10^[`SCALE`]: the number of units in 1.
pub const ONE: u64 = 100_000_000;

/// Why a decimal string or [`Decimal`] is not an amount.
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
    #[error("amount too large")]
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

macro_rules! amount {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
        pub struct $name(u64);

        impl $name {
            /// Zero.
            pub const ZERO: Self = Self(0);

            /// From a count of 10⁻⁸ units (`from_units(150_000_000)` is 1.5).
            pub const fn from_units(units: u64) -> Self {
                Self(units)
            }

            /// The count of 10⁻⁸ units.
            pub const fn units(self) -> u64 {
                self.0
            }

            /// True when zero.
            pub const fn is_zero(self) -> bool {
                self.0 == 0
            }

            /// The exact value as a [`Decimal`].
            pub fn to_decimal(self) -> Decimal {
                Decimal::from_i128_with_scale(i128::from(self.0), SCALE).normalize()
            }
        }

        impl FromStr for $name {
            type Err = AmountError;
            fn from_str(s: &str) -> Result<Self, AmountError> {
                parse_units(s).map(Self)
            }
        }

        impl TryFrom<Decimal> for $name {
            type Error = AmountError;
            fn try_from(d: Decimal) -> Result<Self, AmountError> {
                decimal_to_units(d).map(Self)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt_units(u128::from(self.0), SCALE, f)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
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

amount!(
    /// A price in quote asset per base asset, exact to 10⁻⁸.
    ///
    /// ```
    /// use supreme_order_guard::Price;
    /// let p: Price = "25000.10".parse()?;
    /// assert_eq!(p.to_string(), "25000.1");
    /// assert!("0.000000001".parse::<Price>().is_err()); // finer than 10⁻⁸
    /// # Ok::<(), supreme_order_guard::AmountError>(())
    /// ```
    Price
);
amount!(
    /// A quantity of the base asset (or of the quote asset for a quote-quantity
    /// order), exact to 10⁻⁸.
    ///
    /// ```
    /// use supreme_order_guard::Quantity;
    /// let q: Quantity = "0.0010".parse()?;
    /// assert_eq!(q.units(), 100_000);
    /// # Ok::<(), supreme_order_guard::AmountError>(())
    /// ```
    Quantity
);
amount!(
    /// A multiplier of a reference price (PERCENT_PRICE bands), exact to 10⁻⁸.
    Multiplier
);

/// Price × quantity, exact: a count of 10⁻¹⁶ quote units.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Notional(u128);

impl Notional {
    /// The notional of `quantity` at `price`, exactly.
    ///
    /// ```
    /// use supreme_order_guard::{Notional, Price, Quantity};
    /// let n = Notional::of("0.1".parse::<Price>()?, "3".parse::<Quantity>()?);
    /// assert_eq!(n.to_string(), "0.3");
    /// # Ok::<(), supreme_order_guard::AmountError>(())
    /// ```
    pub const fn of(price: Price, quantity: Quantity) -> Self {
        Self(price.units() as u128 * quantity.units() as u128)
    }

    /// A quote amount (10⁻⁸ units) as a notional.
    pub const fn from_quote(amount: Quantity) -> Self {
        Self(amount.units() as u128 * ONE as u128)
    }

    /// The count of 10⁻¹⁶ units.
    pub const fn units(self) -> u128 {
        self.0
    }

    /// The exact value as a [`Decimal`], or `None` beyond its 96-bit range.
    pub fn to_decimal(self) -> Option<Decimal> {
        let units = i128::try_from(self.0).ok()?;
        Decimal::try_from_i128_with_scale(units, 2 * SCALE)
            .ok()
            .map(|d| d.normalize())
    }
}

impl fmt::Display for Notional {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt_units(self.0, 2 * SCALE, f)
    }
}

impl fmt::Debug for Notional {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Notional({self})")
    }
}

impl serde::Serialize for Notional {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests;
