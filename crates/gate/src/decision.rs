//! A bounded, pre-allocated queue of gate decisions, drained into the audit
//! log off the hot path, as core events ([`Decision::to_event`]).

use std::collections::VecDeque;
use std::sync::{Mutex, PoisonError};

use supreme_core::event::{Event, Severity, Sink, SinkError};
use supreme_order_guard::Order;

use crate::Detail;

/// What the gate decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Approved.
    Approved,
    /// The kill switch is not armed.
    Halted,
    /// Exchange filters or our caps.
    OrderRejected,
    /// A risk limit.
    RiskRejected,
    /// The exchange rate limit.
    RateLimited,
    /// The decision queue was full.
    AuditBacklog,
    /// The gate was not reconciled with the exchange since it started.
    NotReconciled,
}

impl Outcome {
    /// A stable name for logs: `APPROVED`, `HALTED`, ...
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Approved => "APPROVED",
            Self::Halted => "HALTED",
            Self::OrderRejected => "ORDER_REJECTED",
            Self::RiskRejected => "RISK_REJECTED",
            Self::RateLimited => "RATE_LIMITED",
            Self::AuditBacklog => "AUDIT_BACKLOG",
            Self::NotReconciled => "NOT_RECONCILED",
        }
    }

    /// The guard that decided: `kill-switch`, `order-guard`, `risk-limits`,
    /// `rate-limit`, or `gate` for an approval (every guard passed).
    pub const fn guard(self) -> &'static str {
        match self {
            Self::Approved | Self::AuditBacklog | Self::NotReconciled => "gate",
            Self::Halted => "kill-switch",
            Self::OrderRejected => "order-guard",
            Self::RiskRejected => "risk-limits",
            Self::RateLimited => "rate-limit",
        }
    }
}

/// One decision: the order, the outcome, when, and for a rejection the
/// rule, the limit and the observed value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// The order as checked.
    pub order: Order,
    /// What was decided.
    pub outcome: Outcome,
    /// When, Unix ms.
    pub at_ms: u64,
    /// Why it was rejected (`None` for an approval: the accept path does
    /// not allocate).
    pub detail: Option<Box<Detail>>,
}

impl Decision {
    /// This decision as a core event: kind `ORDER_APPROVED` (info) or
    /// `ORDER_REJECTED` (warning), by `gate`, at the decision's time, with
    /// fields `guard` ([`Outcome::guard`]), `outcome` ([`Outcome::as_str`]),
    /// `symbol`, `side`, `type`, and `quantity`, `price`, `client_order_id`
    /// when the order has them; a rejection adds `rule`, and `limit` and
    /// `observed` when the rule has them ([`Detail`]).
    ///
    /// ```
    /// use supreme_gate::{Decision, Detail, Outcome};
    /// use supreme_order_guard::{Order, Side, Symbol};
    ///
    /// let order = Order::market(Symbol::new("BTCUSDT")?, Side::Buy, "0.01".parse()?);
    /// let detail = Detail { rule: "MAX_DRAWDOWN".into(), limit: Some("10%".into()), observed: Some("12%".into()) };
    /// let e = Decision { order, outcome: Outcome::RiskRejected, at_ms: 7, detail: Some(Box::new(detail)) }.to_event();
    /// assert_eq!((e.kind(), e.get("guard"), e.get("outcome")), ("ORDER_REJECTED", Some("risk-limits"), Some("RISK_REJECTED")));
    /// assert_eq!((e.get("rule"), e.get("limit"), e.get("observed")), (Some("MAX_DRAWDOWN"), Some("10%"), Some("12%")));
    /// assert_eq!(e.get("quantity"), Some("0.01"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn to_event(&self) -> Event {
        let (kind, severity) = match self.outcome {
            Outcome::Approved => ("ORDER_APPROVED", Severity::Info),
            _ => ("ORDER_REJECTED", Severity::Warning),
        };
        let o = &self.order;
        let mut e = Event::new(kind, severity, "gate", self.at_ms)
            .field("guard", self.outcome.guard())
            .field("outcome", self.outcome.as_str())
            .field("symbol", o.symbol.to_string())
            .field("side", format!("{:?}", o.side).to_uppercase())
            .field("type", o.order_type.to_string());
        if let Some(q) = o.quantity {
            e = e.field("quantity", q.to_string());
        }
        if let Some(p) = o.price {
            e = e.field("price", p.to_string());
        }
        if let Some(id) = o.client_order_id {
            e = e.field("client_order_id", id.to_string());
        }
        if let Some(d) = &self.detail {
            e = e.field("rule", d.rule.clone());
            if let Some(limit) = &d.limit {
                e = e.field("limit", limit.clone());
            }
            if let Some(observed) = &d.observed {
                e = e.field("observed", observed.clone());
            }
        }
        e
    }
}

/// A fixed-capacity queue of decisions: pushing never allocates.
#[derive(Debug)]
pub struct DecisionLog {
    queue: Mutex<VecDeque<Decision>>,
    capacity: usize,
}

impl DecisionLog {
    /// A log holding up to `capacity` undrained decisions.
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            queue: Mutex::new(VecDeque::with_capacity(capacity)),
            capacity,
        }
    }

    /// Queues a decision; `false` when the queue is full (drain it).
    pub fn push(&self, d: Decision) -> bool {
        let mut q = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
        if q.len() >= self.capacity {
            return false;
        }
        q.push_back(d);
        true
    }

    /// [`push`](Self::push), with the decision built in its place in the
    /// queue (the order is copied once, not moved through a temporary).
    #[inline]
    pub(crate) fn record(
        &self,
        order: &Order,
        outcome: Outcome,
        at_ms: u64,
        detail: Option<Box<Detail>>,
    ) -> bool {
        let mut q = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
        if q.len() >= self.capacity {
            return false;
        }
        q.push_back(Decision {
            order: *order,
            outcome,
            at_ms,
            detail,
        });
        true
    }

    /// Takes every queued decision, oldest first, into `f` (write them to
    /// the audit log here).
    pub fn drain(&self, mut f: impl FnMut(&Decision)) -> usize {
        let taken: Vec<Decision> = {
            let mut q = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
            q.drain(..).collect()
        };
        taken.iter().for_each(&mut f);
        taken.len()
    }

    /// Records every queued decision, oldest first, in `sink` (the audit
    /// log) as a core event ([`Decision::to_event`]), outside the queue's
    /// lock. When the sink refuses one, that one and those after it go back
    /// to the front of the queue, in order, and the refusal is returned: no
    /// decision is lost, and a queue the sink cannot empty fills up, so
    /// [`Gate::check`](crate::Gate::check) rejects orders
    /// ([`Rejection::AuditBacklog`](crate::Rejection::AuditBacklog)) rather
    /// than trade unrecorded.
    ///
    /// ```
    /// use supreme_core::event::VecSink;
    /// use supreme_gate::{Decision, DecisionLog, Outcome};
    /// use supreme_order_guard::{Order, Side, Symbol};
    ///
    /// let log = DecisionLog::with_capacity(16);
    /// let order = Order::market(Symbol::new("BTCUSDT")?, Side::Sell, "1".parse()?);
    /// assert!(log.push(Decision { order, outcome: Outcome::Approved, at_ms: 1, detail: None }));
    /// let audit = VecSink::new();
    /// assert_eq!(log.drain_into(&audit)?, 1);
    /// assert_eq!(audit.events()[0].kind(), "ORDER_APPROVED");
    /// assert!(log.is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn drain_into(&self, sink: &dyn Sink) -> Result<usize, SinkError> {
        let mut taken: Vec<Decision> = {
            let mut q = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
            q.drain(..).collect()
        };
        for i in 0..taken.len() {
            if let Err(e) = sink.record(&taken[i].to_event()) {
                let mut q = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
                for back in taken.drain(i..).rev() {
                    q.push_front(back);
                }
                return Err(e);
            }
        }
        Ok(taken.len())
    }

    /// Decisions waiting to be drained.
    pub fn len(&self) -> usize {
        self.queue
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    /// True when nothing waits.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
