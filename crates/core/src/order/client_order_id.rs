//! [`ClientOrderId`]: the bot's own name for an order (`newClientOrderId`).

use super::name::inline_name;
use crate::NameKind;

inline_name!(
    /// A client order id (`newClientOrderId`): Binance's own rule,
    /// `^[\.A-Z\:/a-z0-9_-]{1,36}$`, so an id the exchange would refuse is
    /// refused before the order is built.
    ///
    /// ```
    /// use supreme_core::ClientOrderId;
    /// assert!(ClientOrderId::new("bot-1:42").is_ok());
    /// assert!(ClientOrderId::new("no spaces").is_err());
    /// assert!(ClientOrderId::new(&"x".repeat(37)).is_err());
    /// ```
    ClientOrderId,
    NameKind::ClientOrderId,
    1,
    36,
    |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'.' | b':' | b'/' | b'_' | b'-')
);
