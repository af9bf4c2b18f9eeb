//! The stages the gate composes beyond the kill switch and order-guard,
//! as traits: risk-limits and the exchange rate limiter plug in here.

use std::fmt;
use std::time::Duration;

use crate::order_guard::Order;

/// Risk limits that reserve an order's worst-case exposure.
pub trait RiskCheck: Send + Sync {
    /// What a successful reservation holds (commit or release it later).
    type Reservation: Send;
    /// Why an order breaks a limit.
    type Breach: fmt::Display + fmt::Debug + Send;

    /// Reserves `order` against every limit, or says which one it breaks.
    /// Must not allocate on success.
    fn reserve(&self, order: &Order, now_ms: u64) -> Result<Self::Reservation, Self::Breach>;

    /// Gives a reservation back (the order was not sent).
    fn release(&self, reservation: Self::Reservation);
}

/// The exchange's rate limits, reserving capacity for one order.
pub trait RateCheck: Send + Sync {
    /// A reserved slot.
    type Permit: Send;

    /// Reserves one order and `weight` request weight, or says how long to wait.
    fn reserve(&self, weight: u32, now_ms: u64) -> Result<Self::Permit, Duration>;
}

/// No risk limits (say so explicitly: the builder has no silent default).
#[derive(Debug, Clone, Copy, Default)]
pub struct NoRiskLimits;

impl RiskCheck for NoRiskLimits {
    type Reservation = ();
    type Breach = std::convert::Infallible;

    fn reserve(&self, _: &Order, _: u64) -> Result<(), Self::Breach> {
        Ok(())
    }

    fn release(&self, (): ()) {}
}

/// No rate limiting (say so explicitly: the builder has no silent default).
#[derive(Debug, Clone, Copy, Default)]
pub struct NoRateLimit;

impl RateCheck for NoRateLimit {
    type Permit = ();

    fn reserve(&self, _: u32, _: u64) -> Result<(), Duration> {
        Ok(())
    }
}
