//! Which fields each order type needs, takes, or refuses (the seed's
//! "required fields" check, per order type as Binance defines them).

use crate::{Field, Order, OrderType, TimeInForce, Violation, Violations};

/// Pushes a violation for every missing, unexpected or zero field.
pub(crate) fn check(order: &Order, out: &mut Violations) {
    let t = order.order_type;
    expect(
        out,
        Field::TimeInForce,
        order.time_in_force.is_some(),
        t.needs_time_in_force(),
    );
    expect(out, Field::Price, order.price.is_some(), t.has_price());
    quantities(order, out);
    if t.is_algo() {
        if order.stop_price.is_none() && order.trailing_delta.is_none() {
            out.push(Violation::MissingField {
                field: Field::StopPriceOrTrailingDelta,
            });
        }
    } else {
        expect(out, Field::StopPrice, order.stop_price.is_some(), false);
        expect(
            out,
            Field::TrailingDelta,
            order.trailing_delta.is_some(),
            false,
        );
    }
    if order.iceberg_quantity.is_some() {
        if !t.has_price() {
            out.push(Violation::UnexpectedField {
                field: Field::IcebergQuantity,
            });
        } else if matches!(order.time_in_force, Some(tif) if tif != TimeInForce::Gtc) {
            out.push(Violation::IcebergNeedsGtc {
                time_in_force: order.time_in_force,
            });
        }
    }
    positive(order, out);
}

fn quantities(order: &Order, out: &mut Violations) {
    let (qty, quote) = (order.quantity.is_some(), order.quote_quantity.is_some());
    if order.order_type == OrderType::Market {
        match (qty, quote) {
            (false, false) => out.push(Violation::MissingField {
                field: Field::QuantityOrQuoteQuantity,
            }),
            (true, true) => out.push(Violation::UnexpectedField {
                field: Field::QuoteQuantity,
            }),
            _ => {}
        }
    } else {
        expect(out, Field::Quantity, qty, true);
        expect(out, Field::QuoteQuantity, quote, false);
    }
}

fn expect(out: &mut Violations, field: Field, present: bool, needed: bool) {
    match (present, needed) {
        (false, true) => out.push(Violation::MissingField { field }),
        (true, false) => out.push(Violation::UnexpectedField { field }),
        _ => {}
    }
}

fn positive(order: &Order, out: &mut Violations) {
    let zero = [
        (Field::Quantity, order.quantity.is_some_and(|q| q.is_zero())),
        (
            Field::QuoteQuantity,
            order.quote_quantity.is_some_and(|q| q.is_zero()),
        ),
        (Field::Price, order.price.is_some_and(|p| p.is_zero())),
        (
            Field::StopPrice,
            order.stop_price.is_some_and(|p| p.is_zero()),
        ),
        (
            Field::IcebergQuantity,
            order.iceberg_quantity.is_some_and(|q| q.is_zero()),
        ),
        (Field::TrailingDelta, order.trailing_delta == Some(0)),
    ];
    for (field, is_zero) in zero {
        if is_zero {
            out.push(Violation::NotPositive { field });
        }
    }
}
