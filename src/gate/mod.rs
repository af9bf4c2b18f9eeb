//! The pre-trade [`Gate`]: one synchronous call before every order.
//!
//! ```text
//! strategy -> Gate::check(order)
//!               kill-switch gate     one atomic load
//!               order-guard          exchange filters, exact decimals
//!               risk limits          reserve against limits   (RiskCheck)
//!               rate limit           reserve an order slot    (RateCheck)
//!             -> Approval (holds the reservations) or Rejection (typed)
//! ```
//!
//! The accept path does no I/O and no heap allocation: the decision is
//! queued in a pre-allocated [`DecisionLog`] that the bot drains into the
//! audit log off the hot path, as core events ([`DecisionLog::drain_into`]
//! a [`Sink`](crate::core::event::Sink): `ORDER_APPROVED`, `ORDER_REJECTED`).
//! A full queue rejects the order (never a silent drop of an audit record),
//! and a record the sink refuses stays queued.

mod adapters;
mod check;
mod decision;
mod stages;

pub use check::{Approval, Gate, GateBuilder, Rejection, Verdict};
pub use decision::{Decision, DecisionLog, Outcome};
pub use stages::{NoRateLimit, NoRiskLimits, RateCheck, RiskCheck};

#[cfg(test)]
mod tests;
