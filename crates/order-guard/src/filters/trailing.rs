//! TRAILING_DELTA.

use serde::Serialize;

use crate::{OrderType, Side, TrailingDirection, Violation, Violations};

/// TRAILING_DELTA: bounds on `trailingDelta` (basis points) by direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TrailingDelta {
    /// `minTrailingAboveDelta`.
    pub min_above: u32,
    /// `maxTrailingAboveDelta`.
    pub max_above: u32,
    /// `minTrailingBelowDelta`.
    pub min_below: u32,
    /// `maxTrailingBelowDelta`.
    pub max_below: u32,
}

impl TrailingDelta {
    /// The bounds that apply: "above" for BUY stop-loss and SELL take-profit
    /// orders, "below" for SELL stop-loss and BUY take-profit orders.
    pub fn direction(order_type: OrderType, side: Side) -> Option<TrailingDirection> {
        let stop = matches!(order_type, OrderType::StopLoss | OrderType::StopLossLimit);
        let take = matches!(
            order_type,
            OrderType::TakeProfit | OrderType::TakeProfitLimit
        );
        match (stop, take, side) {
            (true, _, Side::Buy) | (_, true, Side::Sell) => Some(TrailingDirection::Above),
            (true, _, Side::Sell) | (_, true, Side::Buy) => Some(TrailingDirection::Below),
            _ => None,
        }
    }

    /// Checks `delta` for an order of `order_type` on `side`.
    pub fn check(&self, order_type: OrderType, side: Side, delta: u32, out: &mut Violations) {
        let Some(direction) = Self::direction(order_type, side) else {
            return;
        };
        let (min, max) = match direction {
            TrailingDirection::Above => (self.min_above, self.max_above),
            TrailingDirection::Below => (self.min_below, self.max_below),
        };
        if delta < min || delta > max {
            out.push(Violation::TrailingDeltaOutOfRange {
                direction,
                delta,
                min,
                max,
            });
        }
    }
}
