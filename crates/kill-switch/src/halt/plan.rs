//! Planning reduce-only close orders: chunks and a slippage bound.

use rust_decimal::Decimal;

use crate::error::KillSwitchError;
use crate::venue::{CloseOrder, Position, Side};

/// Most close orders planned for one position in one attempt.
const MAX_CHUNKS_PER_ROUND: usize = 1_000;

/// How to close positions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlattenConfig {
    max_slippage_bps: u32,
    max_chunk: Decimal,
}

impl FlattenConfig {
    /// Close orders of at most `max_chunk` each, priced at most
    /// `max_slippage_bps` (1/100 of a percent) worse than the mark price.
    pub fn new(max_slippage_bps: u32, max_chunk: Decimal) -> Result<Self, KillSwitchError> {
        if max_chunk <= Decimal::ZERO {
            return Err(KillSwitchError::Malformed {
                what: "flatten config",
                detail: format!("chunk size {max_chunk} must be positive"),
            });
        }
        if max_slippage_bps >= 10_000 {
            return Err(KillSwitchError::Malformed {
                what: "flatten config",
                detail: format!("slippage {max_slippage_bps} bps must be below 10000"),
            });
        }
        Ok(Self {
            max_slippage_bps,
            max_chunk,
        })
    }

    /// The slippage bound in basis points.
    pub fn max_slippage_bps(&self) -> u32 {
        self.max_slippage_bps
    }

    /// The largest close order.
    pub fn max_chunk(&self) -> Decimal {
        self.max_chunk
    }
}

/// The close orders for one position: opposite side, reduce-only, chunks of
/// at most the configured size, limit price at the slippage bound. Empty for
/// a flat position or when the price cannot be computed exactly.
pub fn close_orders(position: &Position, config: &FlattenConfig) -> Vec<CloseOrder> {
    let (side, mut remaining) = if position.quantity.is_sign_negative() {
        (Side::Buy, -position.quantity)
    } else {
        (Side::Sell, position.quantity)
    };
    let bps = Decimal::from(config.max_slippage_bps);
    let factor = match side {
        Side::Sell => Decimal::from(10_000) - bps,
        Side::Buy => Decimal::from(10_000) + bps,
    };
    let Some(limit_price) = position
        .mark_price
        .checked_mul(factor)
        .and_then(|p| p.checked_div(Decimal::from(10_000)))
    else {
        return Vec::new();
    };
    let mut orders = Vec::new();
    while remaining > Decimal::ZERO && orders.len() < MAX_CHUNKS_PER_ROUND {
        let quantity = remaining.min(config.max_chunk);
        orders.push(CloseOrder {
            symbol: position.symbol.clone(),
            side,
            quantity,
            limit_price,
            reduce_only: true,
        });
        remaining -= quantity;
    }
    orders
}
