//! [`Multiplier`]: a factor of a reference price (PERCENT_PRICE bands).
//!
//! It has the exact form of core's amounts (a `u64` of 10⁻⁸, at most eight
//! decimals), so it reads and writes through [`Quantity`]'s parser and
//! formatter instead of a copy of them.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;

use crate::{AmountError, Quantity};

/// A multiplier of a reference price (PERCENT_PRICE bands), exact to 10⁻⁸.
///
/// ```
/// use supreme_order_guard::Multiplier;
/// let up: Multiplier = "5".parse()?;
/// assert_eq!(up.units(), 500_000_000);
/// assert_eq!("0.2".parse::<Multiplier>()?.to_string(), "0.2");
/// # Ok::<(), supreme_order_guard::AmountError>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Multiplier(u64);

impl Multiplier {
    /// Zero.
    pub const ZERO: Self = Self(0);

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

    /// The exact value as a [`Decimal`].
    pub fn to_decimal(self) -> Decimal {
        Quantity::from_units(self.0).to_decimal()
    }
}

impl FromStr for Multiplier {
    type Err = AmountError;
    fn from_str(s: &str) -> Result<Self, AmountError> {
        s.parse::<Quantity>().map(|q| Self(q.units()))
    }
}

impl TryFrom<Decimal> for Multiplier {
    type Error = AmountError;
    fn try_from(d: Decimal) -> Result<Self, AmountError> {
        Quantity::try_from(d).map(|q| Self(q.units()))
    }
}

impl fmt::Display for Multiplier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&Quantity::from_units(self.0), f)
    }
}

impl fmt::Debug for Multiplier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Multiplier({self})")
    }
}

impl serde::Serialize for Multiplier {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Multiplier {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests;
