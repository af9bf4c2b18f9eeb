//! The stages the gate composes beyond the kill switch and order-guard,
//! as traits: risk-limits and the exchange rate limiter plug in here.

use std::fmt;
use std::time::Duration;

use supreme_order_guard::{Order, Price, Quantity};

use crate::Explain;

/// Risk limits that reserve an order's worst-case exposure.
pub trait RiskCheck: Send + Sync + 'static {
    /// What a successful reservation holds (filled, then released).
    type Reservation: Send + 'static;
    /// Why an order breaks a limit.
    type Breach: Explain + fmt::Display + fmt::Debug + Send;

    /// Reserves `order` against every limit, or says which one it breaks.
    /// Must not allocate on success.
    fn reserve(&self, order: &Order, now_ms: u64) -> Result<Self::Reservation, Self::Breach>;

    /// The exchange filled `quantity` more of the order at `price` on
    /// average: commit it (the reservation shrinks by as much).
    fn fill(
        &self,
        reservation: &Self::Reservation,
        quantity: Quantity,
        price: Price,
    ) -> Result<(), String>;

    /// Gives back what is left of a reservation (the order was not sent,
    /// was refused, or ended).
    fn release(&self, reservation: Self::Reservation);

    /// Soft limits the reserved order crossed (a position share above its
    /// warning level), recorded as `RISK_WARNING` events when the order is
    /// dispatched (off the check's hot path). None by default.
    fn warnings(&self, reservation: &Self::Reservation) -> Vec<String> {
        let _ = reservation;
        Vec::new()
    }
}

/// The exchange's rate limits, reserving capacity for one order.
pub trait RateCheck: Send + Sync + 'static {
    /// A reserved slot, spent by the transport when the order is sent.
    type Permit: Send + 'static;

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

    fn fill(&self, (): &(), _: Quantity, _: Price) -> Result<(), String> {
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
