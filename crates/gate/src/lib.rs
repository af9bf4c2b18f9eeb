//! The pre-trade [`Gate`]: one synchronous call before every order, and the
//! only way to make the [`Approval`] an order is sent with.
//!
//! ```text
//! strategy -> Gate::check(order)
//!               kill-switch gate     one atomic load
//!               order-guard          exchange filters, exact decimals
//!               risk limits          reserve against limits   (RiskCheck)
//!               rate limit           reserve an order slot    (RateCheck)
//!             -> Approval (holds the reservations) or Rejection (typed)
//!          -> client.place_order(approval)
//!               Approval::dispatch   refuses a stale approval, journals the order
//!               (the exchange)       the permit is spent, never taken again
//!               Dispatch::answered   commits fills, releases the rest; unknown: held
//! ```
//!
//! The accept path does no I/O and no heap allocation: the decision is
//! queued in a pre-allocated [`DecisionLog`], recorded into the gate's event
//! [`Sink`](supreme_core::event::Sink) (the audit log) as `ORDER_APPROVED` /
//! `ORDER_REJECTED` core events when the next order is dispatched or on
//! [`Gate::flush`]. A full queue rejects the order (never a silent drop of an
//! audit record), and a record the sink refuses stays queued.
//!
//! An [`Approval`] has no public constructor and is not `Clone`; an
//! exchange client takes it by value, so an order that never passed the gate
//! does not compile:
//!
//! ```compile_fail
//! # use supreme_gate::{Approval, NoRiskLimits, NoRateLimit};
//! # use supreme_order_guard::{Order, Side, Symbol};
//! let order = Order::market(Symbol::new("BTCUSDT").unwrap(), Side::Buy, "1".parse().unwrap());
//! let forged: Approval<NoRiskLimits, NoRateLimit> = Approval { order, reservation: (), permit: () };
//! ```
//!
//! ```compile_fail
//! # use supreme_gate::{Approval, NoRiskLimits, NoRateLimit};
//! fn twice(a: Approval<NoRiskLimits, NoRateLimit>) -> (Approval<NoRiskLimits, NoRateLimit>, Approval<NoRiskLimits, NoRateLimit>) {
//!     (a.clone(), a)
//! }
//! ```
//!
//! What the exchange answers settles the reservation in the gate's
//! registry of live orders ([`Gate::report`]): filled, committed to the risk
//! stage; partially filled, the filled part committed and the rest held while
//! the order rests; rejected, expired or cancelled, released; unknown, held
//! until reconciliation says which. With a journal
//! ([`GateOptions::journal`]) every order is written down before it is sent,
//! so after a crash the orders whose outcome is unknown are found
//! ([`Gate::pending`]), and the gate rejects new orders until they are
//! resolved ([`Gate::mark_reconciled`]).
//!
//! # Features
//!
//! - `risk-limits` (default): a shared `RiskBook` is a [`RiskCheck`].
//! - `net-guard` (default): a shared `ExchangeLimiter` is a [`RateCheck`]
//!   whose permit carries its cost to the transport.

mod adapters;
mod approval;
mod check;
mod decision;
mod detail;
mod dispatch;
mod error;
mod ids;
mod journal;
mod live;
pub mod metrics;
mod options;
mod rejection;
mod stages;

pub use approval::Approval;
pub use check::{Gate, GateBuilder, Verdict};
pub use decision::{Decision, DecisionLog, Outcome};
pub use detail::{Detail, Explain};
pub use dispatch::{Dispatch, SendRefused};
pub use error::Error;
pub use ids::fresh_client_order_id;
pub use journal::{JournalError, Pending, parse_journal};
pub use live::{Applied, LiveOrder, LiveStatus, OrderStatus, Report};
pub use options::GateOptions;
pub use rejection::Rejection;
pub use stages::{NoRateLimit, NoRiskLimits, RateCheck, RiskCheck};

#[cfg(test)]
mod tests;
