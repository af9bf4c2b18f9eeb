//! PRICE_FILTER.

use serde::Serialize;

use crate::{Field, Price, Violation, Violations};

/// PRICE_FILTER: bounds and tick of `price` and `stopPrice`. A zero disables
/// that part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PriceFilter {
    /// `minPrice`.
    pub min_price: Price,
    /// `maxPrice`.
    pub max_price: Price,
    /// `tickSize`.
    pub tick_size: Price,
}

impl PriceFilter {
    /// Checks one price field.
    pub fn check(&self, field: Field, price: Price, out: &mut Violations) {
        let (p, min, max, tick) = (
            price.units(),
            self.min_price.units(),
            self.max_price.units(),
            self.tick_size.units(),
        );
        if min != 0 && p < min {
            out.push(Violation::PriceBelowMin {
                field,
                price,
                min: self.min_price,
            });
        }
        if max != 0 && p > max {
            out.push(Violation::PriceAboveMax {
                field,
                price,
                max: self.max_price,
            });
        }
        if tick != 0 && p % tick != 0 {
            out.push(Violation::PriceNotOnTick {
                field,
                price,
                tick: self.tick_size,
            });
        }
    }

    /// `price` moved onto the tick: down when `down`, else up. `None` if
    /// rounding up would overflow.
    pub fn round(&self, price: Price, down: bool) -> Option<Price> {
        round_to_step(price.units(), self.tick_size.units(), down).map(Price::from_units)
    }
}

/// Rounds `value` to a multiple of `step` (unchanged when `step` is 0).
pub(crate) fn round_to_step(value: u64, step: u64, down: bool) -> Option<u64> {
    if step == 0 {
        return Some(value);
    }
    let floor = value - value % step;
    if down || floor == value {
        Some(floor)
    } else {
        floor.checked_add(step)
    }
}
