//! PERCENT_PRICE and PERCENT_PRICE_BY_SIDE.

use serde::Serialize;

use crate::{Multiplier, ONE, Price, Side, Violation, Violations};

/// PERCENT_PRICE: `reference × down ≤ price ≤ reference × up`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PercentPrice {
    /// `multiplierUp`.
    pub multiplier_up: Multiplier,
    /// `multiplierDown`.
    pub multiplier_down: Multiplier,
    /// `avgPriceMins`: minutes of the reference average (0: last price).
    pub avg_price_mins: u32,
}

/// PERCENT_PRICE_BY_SIDE: a band per side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PercentPriceBySide {
    /// `bidMultiplierUp` (BUY orders).
    pub bid_multiplier_up: Multiplier,
    /// `bidMultiplierDown` (BUY orders).
    pub bid_multiplier_down: Multiplier,
    /// `askMultiplierUp` (SELL orders).
    pub ask_multiplier_up: Multiplier,
    /// `askMultiplierDown` (SELL orders).
    pub ask_multiplier_down: Multiplier,
    /// `avgPriceMins`: minutes of the reference average (0: last price).
    pub avg_price_mins: u32,
}

impl PercentPrice {
    /// Checks `price` against the band around `reference`.
    pub fn check(&self, price: Price, reference: Price, out: &mut Violations) {
        check_band(
            price,
            reference,
            self.multiplier_up,
            self.multiplier_down,
            out,
        );
    }
}

impl PercentPriceBySide {
    /// Checks `price` against the band of `side` around `reference`.
    pub fn check(&self, side: Side, price: Price, reference: Price, out: &mut Violations) {
        let (up, down) = match side {
            Side::Buy => (self.bid_multiplier_up, self.bid_multiplier_down),
            Side::Sell => (self.ask_multiplier_up, self.ask_multiplier_down),
        };
        check_band(price, reference, up, down, out);
    }
}

/// Exact: both sides are counts of 10⁻¹⁶ in `u128`.
fn check_band(
    price: Price,
    reference: Price,
    up: Multiplier,
    down: Multiplier,
    out: &mut Violations,
) {
    let p = u128::from(price.units()) * u128::from(ONE);
    let r = u128::from(reference.units());
    if p > r * u128::from(up.units()) {
        out.push(Violation::PriceAboveBand {
            price,
            reference,
            multiplier: up,
        });
    }
    if p < r * u128::from(down.units()) {
        out.push(Violation::PriceBelowBand {
            price,
            reference,
            multiplier: down,
        });
    }
}
