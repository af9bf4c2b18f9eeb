//! Orders: the names and amounts every crate speaks in.
//!
//! - [`Symbol`] (`BTCUSDT`), [`Asset`] (`BTC`) and [`ClientOrderId`]
//!   (`newClientOrderId`): validated text held inline ([`InlineStr`]), so a
//!   name is `Copy`, hashes fast and never allocates. A text that breaks the
//!   rule is refused with a [`NameError`] naming the kind of name and what
//!   was wrong with it.
//! - [`Side`]: buy or sell, `BUY` / `SELL` on the wire.
//! - [`Price`] and [`Quantity`]: exact unsigned integers of 10⁻⁸
//!   ([`SCALE`] decimals, as Binance keeps them), converted to and from
//!   [`rust_decimal::Decimal`] exactly or refused with an [`AmountError`];
//!   [`Notional`] is their exact product. Never floating point.
//!
//! Each type reads from and writes to its string form: [`FromStr`](std::str::FromStr),
//! [`Display`](std::fmt::Display) and serde (as a JSON string), and the
//! three agree: what one writes, the others read back unchanged.
//!
//! ```
//! use supreme_core::{ClientOrderId, Price, Quantity, Side, Symbol};
//!
//! let symbol: Symbol = "BTCUSDT".parse()?;
//! let price: Price = "25000.10".parse()?;
//! let quantity = Quantity::try_from(rust_decimal::Decimal::new(15, 4))?; // 0.0015
//! assert_eq!(price.to_string(), "25000.1");
//! assert_eq!(quantity.units(), 150_000);
//! assert_eq!(Side::Buy.opposite(), Side::Sell);
//! assert!("btcusdt".parse::<Symbol>().is_err());
//! assert!(ClientOrderId::new("bot-1:42").is_ok());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod amount;
mod asset;
mod client_order_id;
mod inline_str;
mod name;
mod notional;
mod price;
mod quantity;
mod side;
mod symbol;

pub use amount::{AmountError, ONE, SCALE};
pub use asset::Asset;
pub use client_order_id::ClientOrderId;
pub use inline_str::InlineStr;
pub use name::{NameError, NameKind};
pub use notional::Notional;
pub use price::Price;
pub use quantity::Quantity;
pub use side::{ParseSideError, Side};
pub use symbol::Symbol;
