//! The crates' own types as gate stages.

#[cfg(feature = "risk-limits")]
mod risk {
    use crate::gate::RiskCheck;
    use crate::order_guard::Order;
    use crate::risk_limits::{Accepted, Clock, Rejection, RiskBook};

    /// A [`RiskBook`] reserves each approved order's worst-case exposure;
    /// a released approval is cancelled in the book.
    impl<C: Clock + Send + Sync> RiskCheck for RiskBook<C> {
        type Reservation = Accepted;
        type Breach = Rejection;

        fn reserve(&self, order: &Order, _now_ms: u64) -> Result<Accepted, Rejection> {
            self.check_and_reserve(order)
        }

        fn release(&self, reservation: Accepted) {
            // Cancelling an unknown reservation can only mean it was already
            // settled; there is nothing left to give back.
            let _ = self.cancel(reservation.id);
        }
    }
}
