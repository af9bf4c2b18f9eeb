//! Planning reduce-only close orders: chunks and a slippage bound.

use supreme_core::{Price, Quantity, Side};

use crate::error::Error;
use crate::venue::{CloseOrder, Position};

/// Most close orders planned for one position in one attempt.
const MAX_CHUNKS_PER_ROUND: usize = 1_000;

/// How to close positions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlattenConfig {
    max_slippage_bps: u32,
    max_chunk: Quantity,
}

impl FlattenConfig {
    /// Close orders of at most `max_chunk` each, priced at most
    /// `max_slippage_bps` (1/100 of a percent) worse than the mark price.
    pub fn new(max_slippage_bps: u32, max_chunk: Quantity) -> Result<Self, Error> {
        if max_chunk.is_zero() {
            return Err(Error::Malformed {
                what: "flatten config",
                detail: format!("chunk size {max_chunk} must be positive"),
            });
        }
        if max_slippage_bps >= 10_000 {
            return Err(Error::Malformed {
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
    pub fn max_chunk(&self) -> Quantity {
        self.max_chunk
    }
}

/// The close orders for one position: opposite side, reduce-only, chunks of
/// at most the configured size, limit price at the slippage bound. Empty for
/// a flat position or when the bound does not fit a [`Price`].
pub(crate) fn close_orders(position: &Position, config: &FlattenConfig) -> Vec<CloseOrder> {
    let side = position.side.opposite();
    let Some(limit_price) = slippage_bound(position.mark_price, side, config.max_slippage_bps)
    else {
        return Vec::new();
    };
    let chunk = config.max_chunk.units();
    let mut remaining = position.quantity.units();
    let mut orders = Vec::new();
    while remaining > 0 && orders.len() < MAX_CHUNKS_PER_ROUND {
        let quantity = remaining.min(chunk);
        orders.push(CloseOrder::new(
            position.symbol,
            side,
            Quantity::from_units(quantity),
            limit_price,
        ));
        remaining -= quantity;
    }
    orders
}

/// `mark × (1 ∓ bps / 10⁴)` for an order on `side`, exact to 10⁻⁸ and
/// rounded toward the mark, so the bound is never looser than configured: a
/// sell's floor rounds up, a buy's ceiling rounds down. `None` when it does
/// not fit a [`Price`].
fn slippage_bound(mark: Price, side: Side, bps: u32) -> Option<Price> {
    const FULL: u128 = 10_000;
    let bps = u128::from(bps);
    let units = match side {
        Side::Sell => (u128::from(mark.units()) * (FULL - bps.min(FULL))).div_ceil(FULL),
        Side::Buy => u128::from(mark.units()) * (FULL + bps) / FULL,
    };
    u64::try_from(units).ok().map(Price::from_units)
}
