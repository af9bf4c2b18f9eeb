//! Open-order counts (MAX_NUM_*, EXCHANGE_MAX_NUM_*), ICEBERG_PARTS and
//! MAX_POSITION.

use serde::Serialize;

use crate::{CountScope, Order, OrderCountKind, Quantity, Side, Violation, Violations};

/// How many orders are open now, as the caller knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct OpenOrderCounts {
    /// All open orders.
    pub all: u32,
    /// Open stop and take-profit orders.
    pub algo: u32,
    /// Open iceberg orders.
    pub iceberg: u32,
}

/// The MAX_NUM_ORDERS, MAX_NUM_ALGO_ORDERS and MAX_NUM_ICEBERG_ORDERS limits
/// of a symbol, or their EXCHANGE_ twins for the account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct OrderLimits {
    /// `maxNumOrders`.
    pub max_orders: Option<u32>,
    /// `maxNumAlgoOrders`.
    pub max_algo_orders: Option<u32>,
    /// `maxNumIcebergOrders`.
    pub max_iceberg_orders: Option<u32>,
}

impl OrderLimits {
    /// True when no limit is set.
    pub fn is_empty(&self) -> bool {
        self.max_orders.is_none()
            && self.max_algo_orders.is_none()
            && self.max_iceberg_orders.is_none()
    }

    /// Checks there is room for `order` given `open`; reports
    /// [`Violation::OpenOrdersUnknown`] (once, by returning `false`) when a
    /// limit applies and the counts are unknown.
    pub fn check(
        &self,
        scope: CountScope,
        order: &Order,
        open: Option<&OpenOrderCounts>,
        out: &mut Violations,
    ) -> bool {
        let iceberg = order.iceberg_quantity.is_some();
        let checks = [
            (OrderCountKind::All, self.max_orders, true),
            (
                OrderCountKind::Algo,
                self.max_algo_orders,
                order.order_type.is_algo(),
            ),
            (OrderCountKind::Iceberg, self.max_iceberg_orders, iceberg),
        ];
        for (kind, max, applies) in checks {
            let (Some(max), true) = (max, applies) else {
                continue;
            };
            let Some(open) = open else { return false };
            let count = match kind {
                OrderCountKind::All => open.all,
                OrderCountKind::Algo => open.algo,
                OrderCountKind::Iceberg => open.iceberg,
            };
            if count >= max {
                out.push(Violation::TooManyOpenOrders {
                    scope,
                    kind,
                    open: count,
                    max,
                });
            }
        }
        true
    }
}

/// ICEBERG_PARTS: `ceil(quantity / icebergQty) ≤ limit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct IcebergParts {
    /// `limit`.
    pub limit: u64,
}

impl IcebergParts {
    /// Checks an iceberg order's parts (`iceberg` must be non-zero).
    pub fn check(&self, quantity: Quantity, iceberg: Quantity, out: &mut Violations) {
        let parts = quantity.units().div_ceil(iceberg.units().max(1));
        if parts > self.limit {
            out.push(Violation::TooManyIcebergParts {
                parts,
                limit: self.limit,
            });
        }
    }
}

/// MAX_POSITION: a BUY is rejected when base balance + open BUY quantity +
/// this order's quantity exceeds `max_position`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct MaxPosition {
    /// `maxPosition`.
    pub max_position: Quantity,
}

impl MaxPosition {
    /// Checks a buy; `position` is base balance plus open BUY quantity.
    pub fn check(
        &self,
        side: Side,
        position: Option<Quantity>,
        quantity: Quantity,
        out: &mut Violations,
    ) {
        if side == Side::Sell {
            return;
        }
        let Some(position) = position else {
            out.push(Violation::PositionUnknown);
            return;
        };
        let after = position.units().saturating_add(quantity.units());
        if after > self.max_position.units() {
            out.push(Violation::MaxPositionExceeded {
                position_after: Quantity::from_units(after),
                max: self.max_position,
            });
        }
    }
}
