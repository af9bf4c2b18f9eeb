//! [`Gate::check`]: kill switch, exchange filters, risk, rate, in that order.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use super::{Decision, DecisionLog, Outcome, RateCheck, RiskCheck};
use crate::kill_switch::{self, State};
use crate::order_guard::{ExchangeInfo, Order, OrderContext, Validator, Violation, Violations};

/// Why the gate stopped an order.
#[derive(Debug)]
#[non_exhaustive]
pub enum Rejection<B> {
    /// The kill switch is not armed.
    Halted(State),
    /// Exchange filters or our own caps: every violation.
    Order(Box<Violations>),
    /// A risk limit.
    Risk(B),
    /// The exchange's rate limit: wait this long.
    RateLimited(Duration),
    /// The decision queue is full: drain it into the audit log.
    AuditBacklog,
}

impl<B: fmt::Display> fmt::Display for Rejection<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Halted(state) => write!(f, "kill switch: trading halted (state {state:?})"),
            Self::Order(v) => write!(f, "order-guard: {v}"),
            Self::Risk(b) => write!(f, "risk-limits: {b}"),
            Self::RateLimited(wait) => write!(f, "rate limit: wait {} ms", wait.as_millis()),
            Self::AuditBacklog => write!(f, "audit backlog full: drain the decision log"),
        }
    }
}

impl<B> Rejection<B> {
    /// The decision outcome this rejection records.
    pub fn outcome(&self) -> Outcome {
        match self {
            Self::Halted(_) => Outcome::Halted,
            Self::Order(_) | Self::AuditBacklog => Outcome::OrderRejected,
            Self::Risk(_) => Outcome::RiskRejected,
            Self::RateLimited(_) => Outcome::RateLimited,
        }
    }
}

/// An approved order with what was reserved for it.
#[derive(Debug)]
pub struct Approval<R, P> {
    /// The order, exactly as checked.
    pub order: Order,
    /// The risk reservation (commit on fill, release on cancel/reject).
    pub reservation: R,
    /// The rate-limit slot.
    pub permit: P,
}

/// What a [`Gate`] is built from. Every part is explicit: use
/// [`NoRiskLimits`](super::NoRiskLimits) or [`NoRateLimit`](super::NoRateLimit)
/// to leave one out on purpose.
#[derive(Debug)]
pub struct GateBuilder<R, L> {
    /// The kill switch's gate.
    pub kill_switch: kill_switch::Gate,
    /// Exchange rules.
    pub rules: Arc<ExchangeInfo>,
    /// Filters and caps.
    pub validator: Validator,
    /// Risk limits.
    pub risk: R,
    /// The exchange rate limiter.
    pub rate: L,
    /// Where decisions queue for the audit log.
    pub decisions: Arc<DecisionLog>,
}

impl<R: RiskCheck, L: RateCheck> GateBuilder<R, L> {
    /// The gate.
    pub fn build(self) -> Gate<R, L> {
        Gate {
            parts: self,
            unrecorded: AtomicU64::new(0),
        }
    }
}

/// The pre-trade gate. Shared by reference across threads.
#[derive(Debug)]
pub struct Gate<R, L> {
    parts: GateBuilder<R, L>,
    unrecorded: AtomicU64,
}

/// The result of [`Gate::check`].
pub type Verdict<R, L> = Result<
    Approval<<R as RiskCheck>::Reservation, <L as RateCheck>::Permit>,
    Rejection<<R as RiskCheck>::Breach>,
>;

impl<R: RiskCheck, L: RateCheck> Gate<R, L> {
    /// Checks `order`: kill switch, every exchange filter, then reserves risk
    /// and rate capacity. Synchronous, no I/O, no heap allocation when approved.
    pub fn check(&self, order: &Order, ctx: &OrderContext<'_>) -> Verdict<R, L> {
        let verdict = self.evaluate(order, ctx);
        let outcome = match &verdict {
            Ok(_) => Outcome::Approved,
            Err(r) => r.outcome(),
        };
        let recorded = self.parts.decisions.push(Decision {
            order: *order,
            outcome,
            at_ms: ctx.now_ms,
        });
        match verdict {
            Ok(approval) if !recorded => {
                self.release(approval);
                self.unrecorded.fetch_add(1, Ordering::Relaxed);
                Err(Rejection::AuditBacklog)
            }
            Err(r) if !recorded => {
                self.unrecorded.fetch_add(1, Ordering::Relaxed);
                Err(r)
            }
            v => v,
        }
    }

    fn evaluate(&self, order: &Order, ctx: &OrderContext<'_>) -> Verdict<R, L> {
        let p = &self.parts;
        p.kill_switch.check().map_err(Rejection::Halted)?;
        let mut violations = Violations::new();
        match p.rules.symbol(&order.symbol) {
            Some(rules) => p.validator.check_into(
                rules,
                &p.rules.exchange_filters,
                order,
                ctx,
                &mut violations,
            ),
            None => violations.push(Violation::UnknownSymbol),
        }
        if !violations.is_empty() {
            return Err(Rejection::Order(Box::new(violations)));
        }
        let reservation = p.risk.reserve(order, ctx.now_ms).map_err(Rejection::Risk)?;
        match p.rate.reserve(1, ctx.now_ms) {
            Ok(permit) => Ok(Approval {
                order: *order,
                reservation,
                permit,
            }),
            Err(wait) => {
                p.risk.release(reservation);
                Err(Rejection::RateLimited(wait))
            }
        }
    }

    /// Gives back an approval's risk reservation (the order was not sent).
    pub fn release(&self, approval: Approval<R::Reservation, L::Permit>) {
        self.parts.risk.release(approval.reservation);
    }

    /// The risk limits (to commit fills, record prices).
    pub fn risk(&self) -> &R {
        &self.parts.risk
    }

    /// The decision queue.
    pub fn decisions(&self) -> &DecisionLog {
        &self.parts.decisions
    }

    /// Decisions that found the queue full (their orders were rejected).
    pub fn unrecorded(&self) -> u64 {
        self.unrecorded.load(Ordering::Relaxed)
    }
}
