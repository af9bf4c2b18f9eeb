//! [`Notional`]: price × quantity, exact.

use std::fmt;

use rust_decimal::Decimal;

use super::amount::{ONE, SCALE, fmt_units};
use crate::{Price, Quantity};

/// Price × quantity, exact: a `u128` count of 10⁻¹⁶ quote units, which no
/// product of two amounts can overflow.
///
/// ```
/// use supreme_core::{Notional, Price, Quantity};
/// let n = Notional::of("0.1".parse::<Price>()?, "3".parse::<Quantity>()?);
/// assert_eq!(n.to_string(), "0.3");
/// # Ok::<(), supreme_core::AmountError>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Notional(u128);

impl Notional {
    /// The notional of `quantity` at `price`, exactly.
    #[inline]
    pub const fn of(price: Price, quantity: Quantity) -> Self {
        Self(price.units() as u128 * quantity.units() as u128)
    }

    /// A quote amount (10⁻⁸ units) as a notional.
    #[inline]
    pub const fn from_quote(amount: Quantity) -> Self {
        Self(amount.units() as u128 * ONE as u128)
    }

    /// The count of 10⁻¹⁶ units.
    #[inline]
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
