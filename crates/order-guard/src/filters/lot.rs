//! LOT_SIZE and MARKET_LOT_SIZE.

use serde::Serialize;

use crate::{Field, Quantity, Violation, Violations};

/// LOT_SIZE or MARKET_LOT_SIZE: bounds and step of a quantity. A zero
/// disables that part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LotSize {
    /// `minQty`.
    pub min_qty: Quantity,
    /// `maxQty`.
    pub max_qty: Quantity,
    /// `stepSize`.
    pub step_size: Quantity,
}

impl LotSize {
    /// Checks one quantity field against this filter (`filter` names it in
    /// violations).
    pub fn check(
        &self,
        filter: &'static str,
        field: Field,
        quantity: Quantity,
        out: &mut Violations,
    ) {
        let (q, min, max, step) = (
            quantity.units(),
            self.min_qty.units(),
            self.max_qty.units(),
            self.step_size.units(),
        );
        if min != 0 && q < min {
            out.push(Violation::QuantityBelowMin {
                filter,
                field,
                quantity,
                min: self.min_qty,
            });
        }
        if max != 0 && q > max {
            out.push(Violation::QuantityAboveMax {
                filter,
                field,
                quantity,
                max: self.max_qty,
            });
        }
        if step != 0 && q % step != 0 {
            out.push(Violation::QuantityNotOnStep {
                filter,
                field,
                quantity,
                step: self.step_size,
            });
        }
    }

    /// `quantity` rounded down onto the step.
    pub fn round_down(&self, quantity: Quantity) -> Quantity {
        let step = self.step_size.units();
        let q = quantity.units();
        if step == 0 {
            quantity
        } else {
            Quantity::from_units(q - q % step)
        }
    }
}
