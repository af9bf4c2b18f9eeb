//! [`Approval`]: what only [`Gate::check`](crate::Gate::check) makes, and
//! what an exchange client takes, by value, to send an order.

use supreme_order_guard::Order;

use crate::{Gate, RateCheck, RiskCheck};

/// An approved order with what was reserved for it: the risk reservation
/// and the rate permit (with its cost). No public constructor, private
/// fields, not `Clone`: the gate is the only way to make one, and sending
/// consumes it ([`dispatch`](Self::dispatch)). Dropped unsent, it gives its
/// risk reservation back.
pub struct Approval<R: RiskCheck, L: RateCheck> {
    pub(crate) gate: Gate<R, L>,
    pub(crate) order: Order,
    pub(crate) held: Option<(R::Reservation, L::Permit)>,
    pub(crate) made_at_ms: u64,
}

impl<R: RiskCheck, L: RateCheck> Approval<R, L> {
    pub(crate) fn new(
        gate: Gate<R, L>,
        order: Order,
        reservation: R::Reservation,
        permit: L::Permit,
        made_at_ms: u64,
    ) -> Self {
        Self {
            gate,
            order,
            held: Some((reservation, permit)),
            made_at_ms,
        }
    }

    /// The order, exactly as checked.
    pub fn order(&self) -> &Order {
        &self.order
    }

    /// The risk reservation (its warnings, for a risk book).
    pub fn reservation(&self) -> &R::Reservation {
        match &self.held {
            Some((reservation, _)) => reservation,
            None => unreachable!("an approval holds its reservation until it is consumed"),
        }
    }

    /// The rate permit.
    pub fn permit(&self) -> &L::Permit {
        match &self.held {
            Some((_, permit)) => permit,
            None => unreachable!("an approval holds its permit until it is consumed"),
        }
    }

    /// When the gate approved it (the check context's time, Unix ms).
    pub fn made_at_ms(&self) -> u64 {
        self.made_at_ms
    }
}

impl<R: RiskCheck, L: RateCheck> std::fmt::Debug for Approval<R, L> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Approval")
            .field("order", &self.order)
            .field("made_at_ms", &self.made_at_ms)
            .finish_non_exhaustive()
    }
}

impl<R: RiskCheck, L: RateCheck> Drop for Approval<R, L> {
    fn drop(&mut self) {
        if let Some((reservation, _permit)) = self.held.take() {
            self.gate.risk().release(reservation);
        }
    }
}
