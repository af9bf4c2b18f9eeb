//! Exact exchange filters for Binance spot orders.
//!
//! `supreme-order-guard` checks an order the way the exchange will, before it
//! leaves the bot: every spot filter with Binance's semantics, exact decimal
//! arithmetic (amounts are integers of 10⁻⁸, never floating point), every
//! violation at once with the rule, the limit and the observed value, and no
//! heap allocation on the check path. It also guards what the exchange does
//! not: a client order id already in flight, and fat-finger caps.
//!
//! ```
//! use supreme_order_guard::*;
//!
//! // Rules come from the exchange's own `exchangeInfo` document.
//! let info = ExchangeInfo::from_json(SAMPLE_EXCHANGE_INFO)?;
//!
//! // What the bot knows right now: the average price and its open orders.
//! let now = 1_694_131_200_000;
//! let ctx = OrderContext::new(now)
//!     .with_reference(ReferencePrice { price: "25000".parse()?, observed_at_ms: now })
//!     .with_open_orders(OpenOrderCounts::default(), OpenOrderCounts::default());
//!
//! let validator = Validator::default();
//! let order = Order::limit(Symbol::new("BTCUSDT")?, Side::Buy, "0.0001".parse()?, "25000.001".parse()?);
//! let violations = validator.validate(&info, &order, &ctx).unwrap_err();
//! for v in &violations {
//!     println!("{v}"); // PRICE_FILTER: price 25000.001 not a multiple of tickSize 0.01
//! }                    // NOTIONAL: notional 2.5000001 below minNotional 5
//! assert_eq!(violations.len(), 2);
//!
//! // Or move it onto the grid toward the safe side first.
//! let order = Order::limit(Symbol::new("BTCUSDT")?, Side::Buy, "0.001".parse()?, "25000.001".parse()?);
//! let fixed = validator.normalize(&info, &order, &ctx)?;
//! assert_eq!(fixed.order.price, Some("25000".parse()?));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # What is checked
//!
//! - Order shape per type: required and refused fields (`price` and
//!   `timeInForce` for LIMIT, `stopPrice` or `trailingDelta` for stops, ...).
//! - Symbol: status TRADING, spot allowed, order type listed, iceberg, quote
//!   quantity and trailing stops allowed.
//! - Filters: PRICE_FILTER, PERCENT_PRICE, PERCENT_PRICE_BY_SIDE, LOT_SIZE,
//!   MARKET_LOT_SIZE, MIN_NOTIONAL, NOTIONAL, ICEBERG_PARTS, MAX_NUM_ORDERS,
//!   MAX_NUM_ALGO_ORDERS, MAX_NUM_ICEBERG_ORDERS, MAX_POSITION, TRAILING_DELTA,
//!   EXCHANGE_MAX_NUM_ORDERS, EXCHANGE_MAX_NUM_ALGO_ORDERS,
//!   EXCHANGE_MAX_NUM_ICEBERG_ORDERS. An unknown filter type rejects by default.
//! - Ours: duplicate client order ids in flight, fat-finger notional and
//!   quantity caps ([`Policy`]).
//!
//! Price bounds come only from the exchange's rules and the reference price
//! the caller supplies: there is no hard-coded band (the Python original
//! pinned BTCUSDT to 10,000..100,000). A missing or stale reference price, or
//! missing open-order counts when a count filter applies, rejects.
//!
//! The names and amounts ([`Symbol`], [`Side`], [`ClientOrderId`],
//! [`Price`], [`Quantity`], [`Notional`]) are `supreme-core`'s, re-exported
//! here: every crate of the workspace speaks the same ones.
//!
//! # Features
//!
//! None: the crate has no optional parts.

mod context;
mod error;
mod exchange_info;
pub mod filters;
mod multiplier;
mod normalize;
mod order;
mod policy;
mod rules;
mod shape;
mod symbol_map;
mod validate;
mod violation;

pub use context::{InFlightOrders, OrderContext, ReferencePrice};
pub use error::{Error, Result};
pub use filters::OpenOrderCounts;
pub use multiplier::Multiplier;
pub use normalize::Normalized;
pub use order::{Order, OrderType, TimeInForce};
pub use policy::{Policy, UnknownFilterPolicy};
pub use rules::{
    ExchangeFilters, ExchangeInfo, OrderTypes, RateLimit, SymbolRules, SymbolStatus, UnknownFilter,
};
pub use validate::Validator;
// The order vocabulary lives in supreme-core, shared with every other crate;
// re-exported so `supreme_order_guard::Price` and friends keep working.
pub use supreme_core::{
    AmountError, Asset, ClientOrderId, InlineStr, NameError, NameKind, Notional, ONE, Price,
    Quantity, SCALE, Side, Symbol,
};
pub use violation::{
    CountScope, Field, MAX_VIOLATIONS, OrderCountKind, TrailingDirection, Violation, Violations,
};

/// A small `exchangeInfo` document written from Binance's documentation:
/// BTCUSDT and ETHBTC (trading; ETHBTC with the older PERCENT_PRICE,
/// MIN_NOTIONAL and a MAX_POSITION), LUNAUSDT (status BREAK) and NEWCOINUSDT
/// (carrying a filter type this version does not know).
pub const SAMPLE_EXCHANGE_INFO: &str = include_str!("../data/exchangeInfo-sample.json");
