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

#[cfg(feature = "net-guard")]
mod rate {
    use std::time::Duration;

    use crate::gate::RateCheck;
    use crate::net_guard::{Clock, Cost, Error, ExchangeLimiter};

    /// The exchange limiter reserves one order (and its request weight) in
    /// every window, or says how long until it fits.
    impl<C: Clock + Send + Sync> RateCheck for ExchangeLimiter<C> {
        type Permit = ();

        fn reserve(&self, weight: u32, _now_ms: u64) -> Result<(), Duration> {
            match self.try_acquire(Cost::order(weight)) {
                Ok(()) => Ok(()),
                Err(
                    Error::RateLimited { wait, .. }
                    | Error::BackedOff { wait }
                    | Error::Banned { wait },
                ) => Err(wait),
                // A cost that can never fit: never send it.
                Err(_) => Err(Duration::MAX),
            }
        }
    }
}

mod shared {
    use std::sync::Arc;
    use std::time::Duration;

    use crate::gate::{RateCheck, RiskCheck};
    use crate::order_guard::Order;

    /// A shared stage (the bot keeps a handle, for fills or header sync).
    impl<T: RiskCheck> RiskCheck for Arc<T> {
        type Reservation = T::Reservation;
        type Breach = T::Breach;

        fn reserve(&self, order: &Order, now_ms: u64) -> Result<T::Reservation, T::Breach> {
            (**self).reserve(order, now_ms)
        }

        fn release(&self, reservation: T::Reservation) {
            (**self).release(reservation);
        }
    }

    /// A shared stage (the bot keeps a handle, for fills or header sync).
    impl<T: RateCheck> RateCheck for Arc<T> {
        type Permit = T::Permit;

        fn reserve(&self, weight: u32, now_ms: u64) -> Result<T::Permit, Duration> {
            (**self).reserve(weight, now_ms)
        }
    }
}
