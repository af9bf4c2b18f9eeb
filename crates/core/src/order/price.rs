//! [`Price`]: quote asset per base asset, exact to 10⁻⁸.

use super::amount::amount;

amount!(
    /// A price in quote asset per base asset, exact to 10⁻⁸: a `u64` count
    /// of 10⁻⁸ units, never floating point.
    ///
    /// ```
    /// use supreme_core::Price;
    /// let p: Price = "25000.10".parse()?;
    /// assert_eq!(p.to_string(), "25000.1");
    /// assert_eq!(p.units(), 2_500_010_000_000);
    /// assert!("0.000000001".parse::<Price>().is_err()); // finer than 10⁻⁸
    /// assert_eq!(serde_json::to_string(&p).unwrap(), "\"25000.1\"");
    /// # Ok::<(), supreme_core::AmountError>(())
    /// ```
    Price
);
