//! [`Symbol`]: a trading pair such as `BTCUSDT`.

use super::name::inline_name;
use crate::NameKind;

inline_name!(
    /// A trading pair such as `BTCUSDT`: 2 to 20 uppercase ASCII letters or
    /// digits (the seed's `^[A-Z]{2,10}[A-Z]{2,5}$` rejected real symbols
    /// such as `1INCHUSDT`; the longest of Binance's 2,292 spot symbols has
    /// 13).
    ///
    /// ```
    /// use supreme_core::Symbol;
    /// assert_eq!(Symbol::new("BTCUSDT")?.as_str(), "BTCUSDT");
    /// assert!(Symbol::new("btcusdt").is_err());
    /// assert!(Symbol::new("BTC/USDT").is_err());
    /// # Ok::<(), supreme_core::NameError>(())
    /// ```
    Symbol,
    NameKind::Symbol,
    2,
    20,
    |b: u8| b.is_ascii_uppercase() || b.is_ascii_digit()
);
