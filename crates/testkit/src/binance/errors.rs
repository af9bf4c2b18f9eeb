//! Order-guard violations as Binance answers them (code and message).

use supreme_order_guard::{Field, Violation};

use super::http::SimResponse;

fn field_name(field: Field) -> &'static str {
    match field {
        Field::Price => "price",
        Field::StopPrice | Field::StopPriceOrTrailingDelta => "stopPrice",
        Field::Quantity | Field::QuantityOrQuoteQuantity => "quantity",
        Field::QuoteQuantity => "quoteOrderQty",
        Field::IcebergQuantity => "icebergQty",
        Field::TimeInForce => "timeInForce",
        Field::TrailingDelta => "trailingDelta",
    }
}

/// The error Binance returns for the first violation.
pub(crate) fn rejection(v: &Violation) -> SimResponse {
    use Violation as V;
    let filter = |name: &str| SimResponse::error(400, -1013, &format!("Filter failure: {name}"));
    match v {
        V::MissingField { field } => SimResponse::error(
            400,
            -1102,
            &format!(
                "Mandatory parameter '{}' was not sent, was empty/null, or malformed.",
                field_name(*field)
            ),
        ),
        V::UnexpectedField { field } => SimResponse::error(
            400,
            -1106,
            &format!("Parameter '{}' sent when not required.", field_name(*field)),
        ),
        V::NotPositive { field } => SimResponse::error(
            400,
            -1100,
            &format!(
                "Illegal characters found in parameter '{}'; legal range is '^([0-9]{{1,20}})(\\.[0-9]{{1,20}})?$'.",
                field_name(*field)
            ),
        ),
        V::UnknownSymbol => SimResponse::error(400, -1121, "Invalid symbol."),
        V::SymbolNotTrading { .. } | V::SpotTradingNotAllowed => {
            SimResponse::error(400, -2010, "This symbol is not permitted for this account.")
        }
        V::OrderTypeNotAllowed { .. } => SimResponse::error(400, -1116, "Invalid orderType."),
        V::IcebergNotAllowed | V::IcebergNeedsGtc { .. } => {
            SimResponse::error(400, -1013, "Iceberg order not allowed.")
        }
        V::QuoteQuantityNotAllowed => SimResponse::error(
            400,
            -1013,
            "Quote order qty market orders are not support for this symbol.",
        ),
        V::TrailingStopNotAllowed => SimResponse::error(
            400,
            -2010,
            "Trailing stop orders are not supported for this symbol.",
        ),
        V::PriceBelowMin { .. } | V::PriceAboveMax { .. } | V::PriceNotOnTick { .. } => {
            filter("PRICE_FILTER")
        }
        V::PriceAboveBand { .. } | V::PriceBelowBand { .. } => filter("PERCENT_PRICE_BY_SIDE"),
        V::QuantityBelowMin { filter: f, .. }
        | V::QuantityAboveMax { filter: f, .. }
        | V::QuantityNotOnStep { filter: f, .. } => filter(f),
        V::NotionalBelowMin { filter: f, .. } | V::NotionalAboveMax { filter: f, .. } => filter(f),
        V::TooManyIcebergParts { .. } => filter("ICEBERG_PARTS"),
        V::TooManyOpenOrders { .. } => filter("MAX_NUM_ORDERS"),
        V::MaxPositionExceeded { .. } => filter("MAX_POSITION"),
        V::TrailingDeltaOutOfRange { .. } => filter("TRAILING_DELTA"),
        V::DuplicateClientOrderId { .. } => SimResponse::error(400, -2010, "Duplicate order sent."),
        other => SimResponse::error(400, -1013, &format!("Filter failure: {other}")),
    }
}
