//! [`Gate::check`]: kill switch, exchange filters, risk, rate, in that order.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use supreme_core::event::{Sink, SinkError};
use supreme_kill_switch as kill_switch;
use supreme_order_guard::{ExchangeInfo, Order, OrderContext, Validator, Violation, Violations};

use crate::journal::Journal;
use crate::live::Registry;
use crate::metrics::GateMetrics;
use crate::{Approval, DecisionLog, Error, GateOptions, Outcome, RateCheck, Rejection, RiskCheck};

/// What a [`Gate`] is built from. Every part is explicit: use
/// [`NoRiskLimits`](crate::NoRiskLimits) or [`NoRateLimit`](crate::NoRateLimit)
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
    /// The gate, with the default options (approvals live 5 s, no journal,
    /// no event sink).
    pub fn build(self) -> Gate<R, L> {
        let inner = Inner::new(self, GateOptions::default(), None);
        Gate {
            inner: Arc::new(inner),
        }
    }

    /// The gate with `options`. With a journal, the orders of the last run
    /// that have no end are loaded ([`Gate::pending`]) and the gate rejects
    /// orders until [`Gate::mark_reconciled`].
    pub fn build_with(self, options: GateOptions) -> Result<Gate<R, L>, Error> {
        let journal = match &options.journal {
            Some(path) => Some(Journal::open(path)?),
            None => None,
        };
        Ok(Gate {
            inner: Arc::new(Inner::new(self, options, journal)),
        })
    }
}

pub(crate) struct Inner<R: RiskCheck, L: RateCheck> {
    pub(crate) parts: GateBuilder<R, L>,
    pub(crate) options: GateOptions,
    pub(crate) journal: Option<Journal>,
    pub(crate) live: Registry<R::Reservation>,
    reconciled: AtomicBool,
    unrecorded: AtomicU64,
    bookkeeping_failures: AtomicU64,
    pub(crate) metrics: GateMetrics,
}

impl<R: RiskCheck, L: RateCheck> Inner<R, L> {
    fn new(
        parts: GateBuilder<R, L>,
        options: GateOptions,
        journal: Option<(Journal, Vec<crate::Pending>)>,
    ) -> Self {
        let journaled = journal.is_some();
        let (journal, pending) = match journal {
            Some((j, p)) => (Some(j), p),
            None => (None, Vec::new()),
        };
        Self {
            parts,
            options,
            journal,
            live: Registry::recovered(pending),
            reconciled: AtomicBool::new(!journaled),
            unrecorded: AtomicU64::new(0),
            bookkeeping_failures: AtomicU64::new(0),
            metrics: GateMetrics::register(),
        }
    }

    /// Counts a journal or sink failure after the exchange answered.
    pub(crate) fn note(&self, r: Result<(), Error>) {
        if r.is_err() {
            self.bookkeeping_failures.fetch_add(1, Ordering::Relaxed);
        }
    }

    pub(crate) fn sink(&self) -> Option<&dyn Sink> {
        self.options.events.as_deref()
    }
}

/// The pre-trade gate: a cheap handle, shared across threads by cloning.
pub struct Gate<R: RiskCheck, L: RateCheck> {
    pub(crate) inner: Arc<Inner<R, L>>,
}

impl<R: RiskCheck, L: RateCheck> Clone for Gate<R, L> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
        }
    }
}

impl<R: RiskCheck, L: RateCheck> std::fmt::Debug for Gate<R, L> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gate")
            .field("options", &self.inner.options)
            .field("live_orders", &self.inner.live.len())
            .finish_non_exhaustive()
    }
}

/// The result of [`Gate::check`].
pub type Verdict<R, L> = Result<Approval<R, L>, Rejection<<R as RiskCheck>::Breach>>;

/// What the risk and rate stages reserved for an order.
type Held<R, L> = (<R as RiskCheck>::Reservation, <L as RateCheck>::Permit);

impl<R: RiskCheck, L: RateCheck> Gate<R, L> {
    /// Checks `order`: kill switch, every exchange filter, then reserves risk
    /// and rate capacity. Synchronous, no I/O, no heap allocation when
    /// approved. The approval is the only way to send the order.
    pub fn check(&self, order: &Order, ctx: &OrderContext<'_>) -> Verdict<R, L> {
        let now_ms = ctx.now_ms;
        let (reservation, permit) = match self.reserve(order, ctx) {
            Ok(held) => held,
            Err(r) => return self.rejected(order, now_ms, r),
        };
        let p = &self.inner.parts;
        if !p.decisions.record(order, Outcome::Approved, now_ms, None) {
            // Unrecorded, so unsent: what was reserved goes back.
            p.risk.release(reservation);
            drop(permit);
            self.inner.unrecorded.fetch_add(1, Ordering::Relaxed);
            return Err(Rejection::AuditBacklog);
        }
        self.inner.metrics.approved();
        // Built in the caller's slot: the approval is moved no further.
        Ok(Approval::new(
            self.clone(),
            *order,
            reservation,
            permit,
            now_ms,
        ))
    }

    /// Records a rejection (with its detail) and returns it.
    #[inline(never)]
    fn rejected(&self, order: &Order, now_ms: u64, r: Rejection<R::Breach>) -> Verdict<R, L> {
        let detail = r.detail();
        GateMetrics::rejected(r.outcome(), &detail.rule);
        tracing::debug!(target: "supreme_gate", outcome = r.outcome().as_str(), rule = %detail.rule, "order rejected");
        let detail = Some(Box::new(detail));
        if !self
            .inner
            .parts
            .decisions
            .record(order, r.outcome(), now_ms, detail)
        {
            self.inner.unrecorded.fetch_add(1, Ordering::Relaxed);
        }
        Err(r)
    }

    /// Every stage in order; what the risk and rate stages reserved.
    #[inline]
    fn reserve(
        &self,
        order: &Order,
        ctx: &OrderContext<'_>,
    ) -> Result<Held<R, L>, Rejection<R::Breach>> {
        let p = &self.inner.parts;
        p.kill_switch.check().map_err(Rejection::Halted)?;
        if !self.inner.reconciled.load(Ordering::Acquire) {
            return Err(Rejection::NotReconciled {
                pending: self.inner.live.count_last_run(),
            });
        }
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
            Ok(permit) => Ok((reservation, permit)),
            Err(wait) => {
                p.risk.release(reservation);
                Err(Rejection::RateLimited(wait))
            }
        }
    }

    /// The risk stage (to record prices and marks).
    pub fn risk(&self) -> &R {
        &self.inner.parts.risk
    }

    /// The rate stage.
    pub fn rate(&self) -> &L {
        &self.inner.parts.rate
    }

    /// The kill switch's gate this gate checks.
    pub fn kill_switch(&self) -> &kill_switch::Gate {
        &self.inner.parts.kill_switch
    }

    /// The decision queue.
    pub fn decisions(&self) -> &DecisionLog {
        &self.inner.parts.decisions
    }

    /// Records every queued decision into the gate's event sink
    /// ([`GateOptions::events`]); without a sink, nothing (drain
    /// [`decisions`](Self::decisions) yourself). A refused record stays queued.
    pub fn flush(&self) -> Result<usize, SinkError> {
        match self.inner.sink() {
            Some(sink) => self.inner.parts.decisions.drain_into(sink),
            None => Ok(0),
        }
    }

    /// Decisions that found the queue full (their orders were rejected).
    pub fn unrecorded(&self) -> u64 {
        self.inner.unrecorded.load(Ordering::Relaxed)
    }

    /// Journal ends and order records that could not be kept after the
    /// exchange had answered (see [`report`](Self::report)).
    pub fn bookkeeping_failures(&self) -> u64 {
        self.inner.bookkeeping_failures.load(Ordering::Relaxed)
    }

    /// True once the gate may approve orders: no journal, or
    /// [`mark_reconciled`](Self::mark_reconciled) was called.
    pub fn is_reconciled(&self) -> bool {
        self.inner.reconciled.load(Ordering::Acquire)
    }

    /// Closes the gate until [`mark_reconciled`](Self::mark_reconciled):
    /// a live input (the user-data stream) had a gap, so fills and ends may
    /// have been missed; new orders are rejected
    /// ([`Rejection::NotReconciled`]) until the bot has reconciled over REST.
    pub fn require_reconciliation(&self) {
        self.inner.reconciled.store(false, Ordering::Release);
    }

    /// Opens the gate after start-up reconciliation: the orders of the last
    /// run were each resolved ([`report`](Self::report) or
    /// [`not_found`](Self::not_found)), and the bot loaded its open orders
    /// and balances from the exchange into its risk stage. Refused while an
    /// order of the last run is unresolved.
    pub fn mark_reconciled(&self) -> Result<(), Error> {
        match self.inner.live.count_last_run() {
            0 => {
                self.inner.reconciled.store(true, Ordering::Release);
                Ok(())
            }
            pending => Err(Error::StillPending { pending }),
        }
    }
}
