//! [`Dispatch`]: an approved order on its way to the exchange. The client
//! that sends it reports how the exchange answered, and the reservation's
//! life follows that answer.

use std::time::Duration;

use supreme_core::event::{Severity, SinkError};
use supreme_kill_switch::{InFlight, State};
use supreme_order_guard::{ClientOrderId, Order};

use crate::{
    Applied, Approval, Error, Gate, JournalError, LiveStatus, Pending, RateCheck, Report,
    RiskCheck, fresh_client_order_id,
};

/// Why an approved order was not handed to the exchange. Nothing was sent,
/// and the reservation was given back.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SendRefused {
    /// The approval is older than the gate allows: its reference price is
    /// stale. Check the order again.
    #[error("approval is {age_ms} ms old, over the {max_ms} ms allowed: check the order again")]
    Stale {
        /// Its age.
        age_ms: u64,
        /// The most allowed ([`GateOptions::max_approval_age`](crate::GateOptions::max_approval_age)).
        max_ms: u64,
    },
    /// An order with this client order id is still live.
    #[error("client order id {0} is already live")]
    DuplicateLive(ClientOrderId),
    /// The journal could not record the order: it is not sent unrecorded.
    #[error("not sent: {0}")]
    Journal(#[from] JournalError),
    /// The audit sink refused the decision or the send record.
    #[error("not sent: the audit sink refused a record: {0}")]
    Sink(#[from] SinkError),
    /// The kill switch tripped after the approval.
    #[error("not sent: kill switch {0:?}")]
    Halted(State),
}

impl From<Error> for SendRefused {
    fn from(e: Error) -> Self {
        match e {
            Error::Journal(j) => Self::Journal(j),
            Error::Sink(s) => Self::Sink(s),
            other => Self::Sink(SinkError::new("gate", other.to_string())),
        }
    }
}

/// An order handed to a client to send: it has its client order id, it is
/// in the live-order registry (and the journal), and it holds its risk
/// reservation. Tell it how the exchange answered: [`answered`](Self::answered),
/// [`not_accepted`](Self::not_accepted) or [`unknown`](Self::unknown).
/// Dropped without one, the order is held as unknown (never released on a
/// guess).
pub struct Dispatch<R: RiskCheck, L: RateCheck> {
    gate: Gate<R, L>,
    order: Order,
    id: ClientOrderId,
    reservation: Option<R::Reservation>,
    reported: bool,
}

impl<R: RiskCheck, L: RateCheck> Approval<R, L> {
    /// Starts sending: refuses an approval older than the gate allows or
    /// after a trip, gives the order a client order id if it had none,
    /// records the queued decisions, the risk warnings (`RISK_WARNING`) and
    /// an `ORDER_SENT` event in the gate's sink, and journals the order. Returns the dispatch and the rate
    /// permit for the transport to spend. On refusal nothing is sent and
    /// the reservation is given back.
    pub fn dispatch(mut self) -> Result<(Dispatch<R, L>, L::Permit), SendRefused> {
        let gate = self.gate.clone();
        let (reservation, permit) = match self.held.take() {
            Some(held) => held,
            None => unreachable!("an approval holds its reservation until it is consumed"),
        };
        let mut order = self.order;
        let made_at_ms = self.made_at_ms;
        drop(self);
        let refuse = |reservation, why: SendRefused| {
            gate.risk().release(reservation);
            Err(why)
        };
        let inner = &gate.inner;
        let now_ms = inner.options.clock.now_ms();
        let age_ms = now_ms.saturating_sub(made_at_ms);
        let max_ms = duration_ms(inner.options.max_approval_age);
        if age_ms > max_ms {
            return refuse(reservation, SendRefused::Stale { age_ms, max_ms });
        }
        if let Err(state) = gate.kill_switch().check() {
            return refuse(reservation, SendRefused::Halted(state));
        }
        let id = *order
            .client_order_id
            .get_or_insert_with(|| fresh_client_order_id(now_ms));
        if let Err(e) = gate.flush() {
            return refuse(reservation, SendRefused::Sink(e));
        }
        if !inner.live.insert_sending(id, &order, now_ms) {
            return refuse(reservation, SendRefused::DuplicateLive(id));
        }
        let journaled = inner.journal.as_ref().map(|j| {
            j.sent(&Pending {
                client_order_id: id,
                symbol: order.symbol,
                side: order.side,
                quantity: order.quantity,
                price: order.price,
                sent_at_ms: now_ms,
            })
        });
        if let Some(Err(e)) = journaled {
            inner.live.remove(&id);
            return refuse(reservation, SendRefused::Journal(e));
        }
        // The records are built only when there is a sink to keep them.
        let view = inner.sink().and_then(|_| inner.live.view(&id));
        if let Some(view) = view {
            let warnings = gate.risk().warnings(&reservation).into_iter().map(|w| {
                gate.order_event("RISK_WARNING", Severity::Warning, &view)
                    .field("warning", w)
            });
            let sent = gate.order_event("ORDER_SENT", Severity::Info, &view);
            let recorded = warnings
                .chain(std::iter::once(sent))
                .try_for_each(|e| gate.record(&e));
            if let Err(e) = recorded {
                inner.live.remove(&id);
                if let Some(j) = &inner.journal {
                    let _ = j.ended(&id, "NOT_SENT");
                }
                return refuse(reservation, e.into());
            }
        }
        let dispatch = Dispatch {
            gate: gate.clone(),
            order,
            id,
            reservation: Some(reservation),
            reported: false,
        };
        Ok((dispatch, permit))
    }
}

fn duration_ms(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

impl<R: RiskCheck, L: RateCheck> Dispatch<R, L> {
    /// The order to send, with its client order id.
    pub fn order(&self) -> &Order {
        &self.order
    }

    /// Its client order id.
    pub fn client_order_id(&self) -> ClientOrderId {
        self.id
    }

    /// Admits the order through the kill switch right before its bytes are
    /// written: counted in flight while the guard lives (the halt waits for
    /// it), refused once the switch has tripped.
    pub fn enter(&self) -> Result<InFlight, State> {
        self.gate.kill_switch().enter_order()
    }

    /// The exchange answered with the order's state: a fill is committed,
    /// a resting order keeps its reservation, an ended one releases it.
    pub fn answered(mut self, report: Report) -> Result<Applied, Error> {
        self.reported = true;
        self.gate
            .inner
            .live
            .hold(&self.id, self.reservation.take(), LiveStatus::Sending);
        self.gate.report(&self.id, report)
    }

    /// Nothing reached the exchange, or the exchange refused the order: the
    /// reservation is released.
    pub fn not_accepted(mut self, why: &str) -> Result<(), Error> {
        self.reported = true;
        let inner = &self.gate.inner;
        let view = self.gate.inner.live.view(&self.id);
        inner.live.remove(&self.id);
        if let Some(res) = self.reservation.take() {
            self.gate.risk().release(res);
        }
        if let Some(j) = &inner.journal {
            inner.note(j.ended(&self.id, "NOT_ACCEPTED").map_err(Error::from));
        }
        if let Some(view) = view {
            let e = self
                .gate
                .order_event("ORDER_NOT_ACCEPTED", Severity::Warning, &view)
                .field("reason", why.to_string());
            inner.note(self.gate.record(&e));
        }
        Ok(())
    }

    /// The order may have reached the exchange but its answer was lost: it
    /// is held, with its reservation, until reconciliation reports it
    /// ([`Gate::report`] or [`Gate::not_found`]).
    pub fn unknown(mut self, why: &str) -> Result<(), Error> {
        self.reported = true;
        self.hold_unknown(why)
    }

    fn hold_unknown(&mut self, why: &str) -> Result<(), Error> {
        let inner = &self.gate.inner;
        inner
            .live
            .hold(&self.id, self.reservation.take(), LiveStatus::Unknown);
        inner.metrics.unknown();
        let view = self.gate.inner.live.view(&self.id);
        if let Some(view) = view {
            let e = self
                .gate
                .order_event("ORDER_UNKNOWN", Severity::Warning, &view)
                .field("reason", why.to_string());
            inner.note(self.gate.record(&e));
        }
        Ok(())
    }
}

impl<R: RiskCheck, L: RateCheck> std::fmt::Debug for Dispatch<R, L> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dispatch")
            .field("client_order_id", &self.id)
            .field("order", &self.order)
            .finish_non_exhaustive()
    }
}

impl<R: RiskCheck, L: RateCheck> Drop for Dispatch<R, L> {
    fn drop(&mut self) {
        if !self.reported {
            let _ = self.hold_unknown("dropped before its answer was reported");
        }
    }
}
