//! A bounded, pre-allocated queue of gate decisions, drained into the audit
//! log off the hot path.

use std::collections::VecDeque;
use std::sync::{Mutex, PoisonError};

use crate::order_guard::Order;

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
        }
    }
}

/// One decision: the order, the outcome, when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    /// The order as checked.
    pub order: Order,
    /// What was decided.
    pub outcome: Outcome,
    /// When, Unix ms.
    pub at_ms: u64,
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
