//! The crates' own types as gate stages.

#[cfg(feature = "risk-limits")]
mod risk {
    use supreme_order_guard::{Order, Price, Quantity};
    use supreme_risk_limits::{Accepted, Clock, LimitKind, Observed, Rejection, RiskBook};

    use crate::{Detail, Explain, RiskCheck};

    /// A [`RiskBook`] reserves each approved order's worst-case exposure,
    /// commits its fills, and cancels what is left when it ends.
    impl<C: Clock + Send + Sync + 'static> RiskCheck for RiskBook<C> {
        type Reservation = Accepted;
        type Breach = Rejection;

        fn reserve(&self, order: &Order, _now_ms: u64) -> Result<Accepted, Rejection> {
            self.check_and_reserve(order)
        }

        fn fill(
            &self,
            reservation: &Accepted,
            quantity: Quantity,
            price: Price,
        ) -> Result<(), String> {
            RiskBook::fill(self, reservation.id, quantity, price, None)
                .map(|_| ())
                .map_err(|e| e.to_string())
        }

        fn release(&self, reservation: Accepted) {
            // Cancelling a reservation the book no longer holds can only mean
            // it was filled completely; there is nothing left to give back.
            let _ = self.cancel(reservation.id);
        }

        fn warnings(&self, reservation: &Accepted) -> Vec<String> {
            reservation.warnings.iter().map(|w| w.to_string()).collect()
        }
    }

    fn observed(o: &Observed) -> (Option<String>, Option<String>) {
        match o {
            Observed::Share { limit, observed } => {
                (Some(limit.to_string()), Some(observed.to_string()))
            }
            Observed::Amount { limit, observed } => {
                (Some(limit.to_string()), Some(observed.to_string()))
            }
            Observed::Count { limit, observed } => {
                (Some(limit.to_string()), Some(observed.to_string()))
            }
        }
    }

    /// The limit's name (`max_drawdown`), its value and the value the order
    /// would reach; a state or cooldown names the state.
    impl Explain for Rejection {
        fn explain(&self) -> Detail {
            match self {
                Rejection::Limit {
                    kind: k,
                    observed: o,
                    ..
                }
                | Rejection::Drifted {
                    kind: k,
                    observed: o,
                    ..
                } => {
                    let (limit, observed) = observed(o);
                    Detail {
                        rule: limit_name(*k),
                        limit,
                        observed,
                    }
                }
                other => Detail {
                    rule: "RISK_STATE".into(),
                    limit: None,
                    observed: Some(other.to_string()),
                },
            }
        }
    }

    fn limit_name(kind: LimitKind) -> String {
        serde_json::to_value(kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_uppercase))
            .unwrap_or_else(|| format!("{kind:?}"))
    }
}

#[cfg(feature = "net-guard")]
mod rate {
    use std::time::Duration;

    use supreme_net_guard::{Clock, Cost, Error, ExchangeLimiter, Permit};

    use crate::RateCheck;

    /// The exchange limiter counts one order (and its request weight) in
    /// every window, or says how long until it fits. The permit carries the
    /// count to the transport, which spends it instead of counting again.
    impl<C: Clock + Send + Sync + 'static> RateCheck for ExchangeLimiter<C> {
        type Permit = Permit;

        fn reserve(&self, weight: u32, _now_ms: u64) -> Result<Permit, Duration> {
            match self.try_reserve(Cost::order(weight)) {
                Ok(permit) => Ok(permit),
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

    use supreme_order_guard::{Order, Price, Quantity};

    use crate::{RateCheck, RiskCheck};

    /// A shared stage (the bot keeps a handle, for marks or header sync).
    impl<T: RiskCheck> RiskCheck for Arc<T> {
        type Reservation = T::Reservation;
        type Breach = T::Breach;

        fn reserve(&self, order: &Order, now_ms: u64) -> Result<T::Reservation, T::Breach> {
            (**self).reserve(order, now_ms)
        }

        fn fill(
            &self,
            reservation: &T::Reservation,
            quantity: Quantity,
            price: Price,
        ) -> Result<(), String> {
            (**self).fill(reservation, quantity, price)
        }

        fn release(&self, reservation: T::Reservation) {
            (**self).release(reservation);
        }

        fn warnings(&self, reservation: &T::Reservation) -> Vec<String> {
            (**self).warnings(reservation)
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
