//! MIN_NOTIONAL and NOTIONAL.

use serde::Serialize;

use crate::{Notional, Quantity, Violation, Violations};

/// MIN_NOTIONAL (older symbols): price × quantity at least `min_notional`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct MinNotional {
    /// `minNotional`, in the quote asset.
    pub min_notional: Quantity,
    /// `applyToMarket`: also check market orders (at the reference price).
    pub apply_to_market: bool,
    /// `avgPriceMins`: minutes of the reference average (0: last price).
    pub avg_price_mins: u32,
}

/// NOTIONAL: price × quantity within `[min_notional, max_notional]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct NotionalFilter {
    /// `minNotional`, in the quote asset.
    pub min_notional: Quantity,
    /// `applyMinToMarket`.
    pub apply_min_to_market: bool,
    /// `maxNotional`, in the quote asset (0 disables it).
    pub max_notional: Quantity,
    /// `applyMaxToMarket`.
    pub apply_max_to_market: bool,
    /// `avgPriceMins`: minutes of the reference average (0: last price).
    pub avg_price_mins: u32,
}

impl MinNotional {
    /// Whether this filter needs a notional for an order (market or not).
    pub fn applies(&self, at_market: bool) -> bool {
        !at_market || self.apply_to_market
    }

    /// Checks `notional` (already known to apply).
    pub fn check(&self, notional: Notional, out: &mut Violations) {
        if notional < Notional::from_quote(self.min_notional) {
            out.push(Violation::NotionalBelowMin {
                filter: "MIN_NOTIONAL",
                notional,
                min: self.min_notional,
            });
        }
    }
}

impl NotionalFilter {
    /// Whether this filter needs a notional for an order (market or not).
    pub fn applies(&self, at_market: bool) -> bool {
        !at_market || self.apply_min_to_market || self.apply_max_to_market
    }

    /// Checks `notional` for an order that is (`at_market`) or is not a
    /// market order.
    pub fn check(&self, notional: Notional, at_market: bool, out: &mut Violations) {
        if (!at_market || self.apply_min_to_market)
            && notional < Notional::from_quote(self.min_notional)
        {
            out.push(Violation::NotionalBelowMin {
                filter: "NOTIONAL",
                notional,
                min: self.min_notional,
            });
        }
        if (!at_market || self.apply_max_to_market)
            && !self.max_notional.is_zero()
            && notional > Notional::from_quote(self.max_notional)
        {
            out.push(Violation::NotionalAboveMax {
                filter: "NOTIONAL",
                notional,
                max: self.max_notional,
            });
        }
    }
}
