//! [`Asset`]: a coin or currency such as `BTC` or `USDT`.

use super::name::inline_name;
use crate::NameKind;

inline_name!(
    /// An asset such as `BTC`, `USDT` or `1INCH`: 1 to 16 uppercase ASCII
    /// letters or digits (Binance's spot assets run from `T` to
    /// `SUSHIDOWN`). Balances, conversion rates and the halt's report name
    /// their asset with it.
    ///
    /// ```
    /// use supreme_core::Asset;
    /// assert_eq!(Asset::new("USDT")?.to_string(), "USDT");
    /// assert!(Asset::new("usdt").is_err());
    /// assert!(Asset::new("").is_err());
    /// # Ok::<(), supreme_core::NameError>(())
    /// ```
    Asset,
    NameKind::Asset,
    1,
    16,
    |b: u8| b.is_ascii_uppercase() || b.is_ascii_digit()
);
