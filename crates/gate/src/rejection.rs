//! [`Rejection`]: why the gate stopped an order, one variant per stage.

use std::fmt;
use std::time::Duration;

use supreme_kill_switch::State;
use supreme_order_guard::Violations;

use crate::{Detail, Explain, Outcome};

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
    /// The decision queue is full: flush it into the audit log.
    AuditBacklog,
    /// The gate keeps a journal and has not been reconciled with the
    /// exchange since it started: `pending` orders of the last run have an
    /// unknown outcome ([`Gate::mark_reconciled`](crate::Gate::mark_reconciled)).
    NotReconciled {
        /// Orders of the last run still unresolved.
        pending: usize,
    },
}

impl<B: fmt::Display> fmt::Display for Rejection<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Halted(state) => write!(f, "kill switch: trading halted (state {state:?})"),
            Self::Order(v) => write!(f, "order-guard: {v}"),
            Self::Risk(b) => write!(f, "risk-limits: {b}"),
            Self::RateLimited(wait) => write!(f, "rate limit: wait {} ms", wait.as_millis()),
            Self::AuditBacklog => write!(f, "audit backlog full: flush the decision log"),
            Self::NotReconciled { pending } => write!(
                f,
                "not reconciled with the exchange since start ({pending} orders of the last run unresolved)"
            ),
        }
    }
}

impl<B> Rejection<B> {
    /// The decision outcome this rejection records.
    pub fn outcome(&self) -> Outcome {
        match self {
            Self::Halted(_) => Outcome::Halted,
            Self::Order(_) => Outcome::OrderRejected,
            Self::Risk(_) => Outcome::RiskRejected,
            Self::RateLimited(_) => Outcome::RateLimited,
            Self::AuditBacklog => Outcome::AuditBacklog,
            Self::NotReconciled { .. } => Outcome::NotReconciled,
        }
    }
}

impl<B: Explain> Rejection<B> {
    /// The rule, limit and observed value, for the audit record: the first
    /// violation for order-guard, the breach for risk.
    pub fn detail(&self) -> Detail {
        let text = |rule: &str, limit: Option<String>, observed: Option<String>| Detail {
            rule: rule.to_string(),
            limit,
            observed,
        };
        match self {
            Self::Halted(state) => text("KILL_SWITCH", None, Some(format!("{state:?}"))),
            Self::Order(v) => v.iter().next().map(Explain::explain).unwrap_or_default(),
            Self::Risk(b) => b.explain(),
            Self::RateLimited(wait) => text(
                "RATE_LIMIT",
                None,
                Some(format!("wait {} ms", wait.as_millis())),
            ),
            Self::AuditBacklog => text("AUDIT_BACKLOG", None, None),
            Self::NotReconciled { pending } => {
                text("NOT_RECONCILED", None, Some(pending.to_string()))
            }
        }
    }
}
