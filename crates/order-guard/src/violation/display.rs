//! Human-readable lines for each [`Violation`]: one per line in the CLI.

use std::fmt;

use super::Violation;

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use Violation as V;
        match self {
            V::MissingField { field } => write!(f, "missing {field}: this order type needs it"),
            V::UnexpectedField { field } => write!(f, "{field} not allowed for this order type"),
            V::NotPositive { field } => write!(f, "{field} must be greater than zero"),
            V::IcebergNeedsGtc { time_in_force } => {
                write!(
                    f,
                    "iceberg orders need timeInForce GTC, got {time_in_force:?}"
                )
            }
            V::UnknownSymbol => write!(f, "no exchange rules loaded for this symbol"),
            V::SymbolNotTrading { status } => write!(f, "symbol status is {status}, not TRADING"),
            V::SpotTradingNotAllowed => write!(f, "spot trading is not allowed on this symbol"),
            V::OrderTypeNotAllowed { order_type } => {
                write!(f, "order type {order_type} is not allowed on this symbol")
            }
            V::IcebergNotAllowed => write!(f, "iceberg orders are not allowed on this symbol"),
            V::QuoteQuantityNotAllowed => write!(f, "quoteOrderQty market orders not allowed"),
            V::TrailingStopNotAllowed => write!(f, "trailing stops are not allowed on this symbol"),
            V::UnknownFilter { filter_type } => {
                write!(f, "unknown filter {filter_type}: rejected (fail closed)")
            }
            V::PriceBelowMin { field, price, min } => {
                write!(f, "PRICE_FILTER: {field} {price} below minPrice {min}")
            }
            V::PriceAboveMax { field, price, max } => {
                write!(f, "PRICE_FILTER: {field} {price} above maxPrice {max}")
            }
            V::PriceNotOnTick { field, price, tick } => {
                write!(
                    f,
                    "PRICE_FILTER: {field} {price} not a multiple of tickSize {tick}"
                )
            }
            V::PriceAboveBand {
                price,
                reference,
                multiplier,
            } => write!(
                f,
                "PERCENT_PRICE: price {price} above {multiplier} x reference {reference}"
            ),
            V::PriceBelowBand {
                price,
                reference,
                multiplier,
            } => write!(
                f,
                "PERCENT_PRICE: price {price} below {multiplier} x reference {reference}"
            ),
            V::ReferencePriceMissing => write!(f, "no reference (average) price given"),
            V::ReferencePriceStale { age_ms, max_age_ms } => {
                write!(
                    f,
                    "reference price is {age_ms} ms old, limit {max_age_ms} ms"
                )
            }
            V::QuantityBelowMin {
                filter,
                field,
                quantity,
                min,
            } => {
                write!(f, "{filter}: {field} {quantity} below minQty {min}")
            }
            V::QuantityAboveMax {
                filter,
                field,
                quantity,
                max,
            } => {
                write!(f, "{filter}: {field} {quantity} above maxQty {max}")
            }
            V::QuantityNotOnStep {
                filter,
                field,
                quantity,
                step,
            } => {
                write!(
                    f,
                    "{filter}: {field} {quantity} not a multiple of stepSize {step}"
                )
            }
            V::NotionalBelowMin {
                filter,
                notional,
                min,
            } => {
                write!(f, "{filter}: notional {notional} below minNotional {min}")
            }
            V::NotionalAboveMax {
                filter,
                notional,
                max,
            } => {
                write!(f, "{filter}: notional {notional} above maxNotional {max}")
            }
            V::TooManyIcebergParts { parts, limit } => {
                write!(f, "ICEBERG_PARTS: {parts} parts, limit {limit}")
            }
            V::TooManyOpenOrders {
                scope,
                kind,
                open,
                max,
            } => write!(
                f,
                "{scope:?} {kind:?} open-order limit: {open} open, at most {max}"
            ),
            V::OpenOrdersUnknown => {
                write!(f, "open-order counts not given; a count filter applies")
            }
            V::MaxPositionExceeded {
                position_after,
                max,
            } => {
                write!(
                    f,
                    "MAX_POSITION: position would be {position_after}, limit {max}"
                )
            }
            V::PositionUnknown => write!(f, "position not given; MAX_POSITION applies"),
            V::TrailingDeltaOutOfRange {
                direction,
                delta,
                min,
                max,
            } => write!(
                f,
                "TRAILING_DELTA: {delta} BIPS outside {direction:?} bounds {min}..={max}"
            ),
            V::DuplicateClientOrderId { id } => write!(f, "client order id {id} already in flight"),
            V::FatFingerNotional { notional, max } => {
                write!(f, "fat-finger cap: notional {notional} above {max}")
            }
            V::FatFingerQuantity { quantity, max } => {
                write!(f, "fat-finger cap: quantity {quantity} above {max}")
            }
            V::WorstCasePriceMissing => {
                write!(
                    f,
                    "no worst-case price for a market order; notional cap applies"
                )
            }
        }
    }
}
