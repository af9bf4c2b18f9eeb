//! [`Quantity`]: an amount of an asset, exact to 10⁻⁸.

use super::amount::amount;

amount!(
    /// A quantity of the base asset (or of the quote asset for a
    /// quote-quantity order, or a balance of any asset), exact to 10⁻⁸: a
    /// `u64` count of 10⁻⁸ units, never floating point.
    ///
    /// ```
    /// use rust_decimal::Decimal;
    /// use supreme_core::{AmountError, Quantity};
    /// let q: Quantity = "0.0010".parse()?;
    /// assert_eq!(q.units(), 100_000);
    /// assert_eq!(q.to_decimal(), Decimal::new(1, 3));
    /// assert_eq!(Quantity::try_from(Decimal::new(-1, 0)), Err(AmountError::Negative));
    /// # Ok::<(), AmountError>(())
    /// ```
    Quantity
);
