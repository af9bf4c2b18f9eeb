//! Typed reasons an order is rejected: [`Violation`] and the allocation-free
//! [`Violations`] list.

use std::fmt;
use std::sync::Arc;

use arrayvec::ArrayVec;
use serde::Serialize;

use crate::{
    ClientOrderId, Multiplier, Notional, OrderType, Price, Quantity, SymbolStatus, TimeInForce,
};

/// An order field, named as Binance names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Field {
    /// `price`
    #[serde(rename = "price")]
    Price,
    /// `stopPrice`
    #[serde(rename = "stopPrice")]
    StopPrice,
    /// `quantity`
    #[serde(rename = "quantity")]
    Quantity,
    /// `quoteOrderQty`
    #[serde(rename = "quoteOrderQty")]
    QuoteQuantity,
    /// `icebergQty`
    #[serde(rename = "icebergQty")]
    IcebergQuantity,
    /// `timeInForce`
    #[serde(rename = "timeInForce")]
    TimeInForce,
    /// `trailingDelta`
    #[serde(rename = "trailingDelta")]
    TrailingDelta,
    /// `stopPrice` or `trailingDelta` (a stop needs one of them).
    #[serde(rename = "stopPrice|trailingDelta")]
    StopPriceOrTrailingDelta,
    /// `quantity` or `quoteOrderQty` (a market order needs exactly one).
    #[serde(rename = "quantity|quoteOrderQty")]
    QuantityOrQuoteQuantity,
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            Self::Price => "price",
            Self::StopPrice => "stopPrice",
            Self::Quantity => "quantity",
            Self::QuoteQuantity => "quoteOrderQty",
            Self::IcebergQuantity => "icebergQty",
            Self::TimeInForce => "timeInForce",
            Self::TrailingDelta => "trailingDelta",
            Self::StopPriceOrTrailingDelta => "stopPrice or trailingDelta",
            Self::QuantityOrQuoteQuantity => "quantity or quoteOrderQty",
        };
        f.write_str(name)
    }
}

/// Which open orders a count limit is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OrderCountKind {
    /// All open orders (MAX_NUM_ORDERS, EXCHANGE_MAX_NUM_ORDERS).
    All,
    /// Stop and take-profit orders (MAX_NUM_ALGO_ORDERS, EXCHANGE_MAX_NUM_ALGO_ORDERS).
    Algo,
    /// Iceberg orders (MAX_NUM_ICEBERG_ORDERS, EXCHANGE_MAX_NUM_ICEBERG_ORDERS).
    Iceberg,
}

/// Whether a count limit is the symbol's or the whole account's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CountScope {
    /// A symbol filter.
    Symbol,
    /// An exchange filter.
    Exchange,
}

/// Which trailing-delta bounds applied (TRAILING_DELTA).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TrailingDirection {
    /// BUY stop-loss and SELL take-profit orders.
    Above,
    /// SELL stop-loss and BUY take-profit orders.
    Below,
}

/// One reason an order is rejected, with the rule, the limit and the value
/// observed.
///
/// Field names follow one pattern throughout: the value observed (`price`,
/// `quantity`, `notional`, `open`, `delta`), the limit it broke (`min`, `max`,
/// `tick`, `step`, `limit`), the order `field` it is about, and the exchange
/// `filter` that holds the rule.
// Variant fields are named by the pattern above; documenting each would repeat it.
#[allow(missing_docs)]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "violation", rename_all = "SCREAMING_SNAKE_CASE")]
#[non_exhaustive]
pub enum Violation {
    /// The order type needs this field.
    MissingField { field: Field },
    /// The order type does not take this field.
    UnexpectedField { field: Field },
    /// Zero where a positive amount is needed.
    NotPositive { field: Field },
    /// Iceberg orders must be good-till-cancelled.
    IcebergNeedsGtc { time_in_force: Option<TimeInForce> },
    /// No rules are loaded for the symbol.
    UnknownSymbol,
    /// The symbol is not in TRADING status.
    SymbolNotTrading { status: SymbolStatus },
    /// Spot trading is not allowed on the symbol.
    SpotTradingNotAllowed,
    /// The symbol does not list the order type.
    OrderTypeNotAllowed { order_type: OrderType },
    /// The symbol does not allow iceberg orders.
    IcebergNotAllowed,
    /// The symbol does not allow quote-quantity market orders.
    QuoteQuantityNotAllowed,
    /// The symbol does not allow trailing stops.
    TrailingStopNotAllowed,
    /// A filter type this version does not know; rejected by policy.
    UnknownFilter { filter_type: Arc<str> },
    /// PRICE_FILTER: below `minPrice`.
    PriceBelowMin {
        field: Field,
        price: Price,
        min: Price,
    },
    /// PRICE_FILTER: above `maxPrice`.
    PriceAboveMax {
        field: Field,
        price: Price,
        max: Price,
    },
    /// PRICE_FILTER: not a multiple of `tickSize`.
    PriceNotOnTick {
        field: Field,
        price: Price,
        tick: Price,
    },
    /// PERCENT_PRICE(_BY_SIDE): above reference × multiplier-up.
    PriceAboveBand {
        price: Price,
        reference: Price,
        multiplier: Multiplier,
    },
    /// PERCENT_PRICE(_BY_SIDE): below reference × multiplier-down.
    PriceBelowBand {
        price: Price,
        reference: Price,
        multiplier: Multiplier,
    },
    /// A filter needs the reference (average) price and none was given.
    ReferencePriceMissing,
    /// The reference price is older than the policy allows.
    ReferencePriceStale { age_ms: u64, max_age_ms: u64 },
    /// LOT_SIZE / MARKET_LOT_SIZE: below `minQty`.
    QuantityBelowMin {
        filter: &'static str,
        field: Field,
        quantity: Quantity,
        min: Quantity,
    },
    /// LOT_SIZE / MARKET_LOT_SIZE: above `maxQty`.
    QuantityAboveMax {
        filter: &'static str,
        field: Field,
        quantity: Quantity,
        max: Quantity,
    },
    /// LOT_SIZE / MARKET_LOT_SIZE: not a multiple of `stepSize`.
    QuantityNotOnStep {
        filter: &'static str,
        field: Field,
        quantity: Quantity,
        step: Quantity,
    },
    /// MIN_NOTIONAL / NOTIONAL: price × quantity below the minimum.
    NotionalBelowMin {
        filter: &'static str,
        notional: Notional,
        min: Quantity,
    },
    /// NOTIONAL: price × quantity above the maximum.
    NotionalAboveMax {
        filter: &'static str,
        notional: Notional,
        max: Quantity,
    },
    /// ICEBERG_PARTS: quantity / icebergQty, rounded up, above the limit.
    TooManyIcebergParts { parts: u64, limit: u64 },
    /// MAX_NUM_* and EXCHANGE_MAX_NUM_*: no room for one more open order.
    TooManyOpenOrders {
        scope: CountScope,
        kind: OrderCountKind,
        open: u32,
        max: u32,
    },
    /// A count filter applies and the caller gave no open-order counts.
    OpenOrdersUnknown,
    /// MAX_POSITION: base position + open buys + this order above the maximum.
    MaxPositionExceeded {
        position_after: Quantity,
        max: Quantity,
    },
    /// MAX_POSITION applies to a buy and the caller gave no position.
    PositionUnknown,
    /// TRAILING_DELTA: outside the bounds for this side and type.
    TrailingDeltaOutOfRange {
        direction: TrailingDirection,
        delta: u32,
        min: u32,
        max: u32,
    },
    /// A client order id that is already in flight.
    DuplicateClientOrderId { id: ClientOrderId },
    /// Our fat-finger cap on notional (worst-case price for market orders).
    FatFingerNotional { notional: Notional, max: Notional },
    /// Our fat-finger cap on quantity.
    FatFingerQuantity { quantity: Quantity, max: Quantity },
    /// A notional cap applies to a market order and no worst-case price was given.
    WorstCasePriceMissing,
}

/// Capacity of [`Violations`]; beyond it violations are counted, not kept.
pub const MAX_VIOLATIONS: usize = 32;

/// Every violation of one order, held inline (no heap allocation).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Violations {
    list: ArrayVec<Violation, MAX_VIOLATIONS>,
    overflow: usize,
}

impl Violations {
    /// An empty list.
    pub const fn new() -> Self {
        Self {
            list: ArrayVec::new_const(),
            overflow: 0,
        }
    }

    /// Adds a violation (counted only, once the list is full).
    pub fn push(&mut self, v: Violation) {
        if self.list.try_push(v).is_err() {
            self.overflow += 1;
        }
    }

    /// True when nothing was violated.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty() && self.overflow == 0
    }

    /// Number of violations, including any beyond [`MAX_VIOLATIONS`].
    pub fn len(&self) -> usize {
        self.list.len() + self.overflow
    }

    /// Violations past the capacity, counted but not kept.
    pub fn overflow(&self) -> usize {
        self.overflow
    }

    /// The kept violations.
    pub fn iter(&self) -> std::slice::Iter<'_, Violation> {
        self.list.iter()
    }

    /// True if any kept violation matches `pred`.
    pub fn any(&self, pred: impl FnMut(&Violation) -> bool) -> bool {
        self.list.iter().any(pred)
    }

    /// Empties the list for reuse.
    pub fn clear(&mut self) {
        self.list.clear();
        self.overflow = 0;
    }
}

impl<'a> IntoIterator for &'a Violations {
    type Item = &'a Violation;
    type IntoIter = std::slice::Iter<'a, Violation>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl fmt::Display for Violations {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, v) in self.list.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{v}")?;
        }
        if self.overflow > 0 {
            write!(f, "; and {} more", self.overflow)?;
        }
        Ok(())
    }
}

impl std::error::Error for Violations {}

impl Serialize for Violations {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.list.iter())
    }
}

mod display;
