//! Binance spot filters, one type per filter, each with its exact check.
//!
//! Semantics follow <https://developers.binance.com/docs/binance-spot-api-docs/filters>.
//! A zero in a bound means "disabled" for that bound, as Binance specifies for
//! PRICE_FILTER; we read LOT_SIZE and MARKET_LOT_SIZE the same way (the real
//! MARKET_LOT_SIZE filters carry `stepSize` 0).

mod counts;
mod lot;
mod notional;
mod percent;
mod price;
mod trailing;

pub use counts::{IcebergParts, MaxPosition, OpenOrderCounts, OrderLimits};
pub use lot::LotSize;
pub use notional::{MinNotional, NotionalFilter};
pub use percent::{PercentPrice, PercentPriceBySide};
pub use price::PriceFilter;
pub use trailing::TrailingDelta;

#[cfg(test)]
mod tests;
