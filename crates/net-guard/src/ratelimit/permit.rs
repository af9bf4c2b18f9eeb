//! [`Permit`]: capacity counted once in every window, carried to the request
//! that spends it, so an order reserved at the gate is never counted twice.

use super::{Cost, ExchangeLimiter};
use crate::Error;
use supreme_core::Clock;

/// Capacity already counted in every window of an [`ExchangeLimiter`]
/// (by [`ExchangeLimiter::try_reserve`]), to be spent by one request. Not
/// `Clone`: one reservation, one request. A permit dropped unspent stays
/// counted (the windows only ever over-count).
///
/// ```
/// use supreme_net_guard::{Charge, Cost, ExchangeLimiter, LimitKind, RateLimit};
/// use supreme_core::FakeClock;
///
/// let limits = vec![RateLimit { kind: LimitKind::Orders, interval_ms: 10_000, limit: 10 }];
/// let limiter = ExchangeLimiter::new(limits, FakeClock::new(0))?;
/// let permit = limiter.try_reserve(Cost::order(1))?;
/// assert_eq!(limiter.used(LimitKind::Orders, 10_000), Some(1));
/// assert_eq!(permit.cost(), Cost::order(1));
/// let charge = Charge::Prepaid(permit); // the transport spends it without counting again
/// # let _ = charge;
/// # Ok::<(), supreme_net_guard::Error>(())
/// ```
#[derive(Debug)]
pub struct Permit {
    cost: Cost,
}

impl Permit {
    /// What it counted.
    pub fn cost(&self) -> Cost {
        self.cost
    }
}

/// How a request is charged to the limiter.
#[derive(Debug)]
pub enum Charge {
    /// Count it now, waiting for room.
    Acquire(Cost),
    /// Already counted: spend this permit (a retry, if any, counts again).
    Prepaid(Permit),
}

impl From<Cost> for Charge {
    fn from(cost: Cost) -> Self {
        Self::Acquire(cost)
    }
}

impl From<Permit> for Charge {
    fn from(permit: Permit) -> Self {
        Self::Prepaid(permit)
    }
}

impl<C: Clock> ExchangeLimiter<C> {
    /// Counts `cost` in every window now, or says how long to wait, as
    /// [`try_acquire`](Self::try_acquire); the count travels as a [`Permit`].
    pub fn try_reserve(&self, cost: Cost) -> Result<Permit, Error> {
        self.try_acquire(cost).map(|()| Permit { cost })
    }
}
