//! The registry of live orders, keyed by client order id: each holds its
//! reservation from the send until the exchange says how the order ended.
//! REST answers, reconciliation and (later) the streams report into it
//! ([`Gate::report`]); a report is applied once, by cumulative quantity, so
//! the same fill seen twice commits once.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use supreme_core::event::{Event, Severity};
use supreme_order_guard::{ClientOrderId, ONE, Order, Price, Quantity, Side, Symbol};

use crate::metrics::GateMetrics;
use crate::{Error, Gate, Pending, RateCheck, RiskCheck};

/// How the exchange says an order stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderStatus {
    /// Working on the book (`NEW`, `PARTIALLY_FILLED`, `PENDING_CANCEL`).
    Open,
    /// Filled completely.
    Filled,
    /// Ended without filling completely (`CANCELED`, `EXPIRED`, `REJECTED`, ...).
    Ended,
}

/// What the exchange reported about one order: its status and how much of
/// it has executed so far (cumulative, as Binance reports).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Report {
    /// How it stands.
    pub status: OrderStatus,
    /// Executed base quantity so far.
    pub executed: Quantity,
    /// Executed quote amount so far.
    pub cumulative_quote: Quantity,
}

/// Where a live order is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LiveStatus {
    /// Handed to the exchange; no answer yet.
    Sending,
    /// Resting on the book.
    Open,
    /// Sent, and the answer was lost: held until reconciliation says which.
    Unknown,
}

/// One live order, as the registry holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LiveOrder {
    /// Its client order id.
    pub client_order_id: ClientOrderId,
    /// Its symbol.
    pub symbol: Symbol,
    /// Its side.
    pub side: Side,
    /// Its quantity, if it has one.
    pub quantity: Option<Quantity>,
    /// Its limit price, if it has one.
    pub price: Option<Price>,
    /// Where it is.
    pub status: LiveStatus,
    /// Executed so far.
    pub executed: Quantity,
    /// When it was sent, Unix ms.
    pub sent_at_ms: u64,
    /// Found in the journal at start: sent by the last run, outcome unknown.
    pub from_last_run: bool,
}

/// What applying a report did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Applied {
    /// Newly filled quantity committed to the risk stage (zero: nothing new).
    pub filled: Quantity,
    /// The order ended: its reservation was released and it left the registry.
    pub ended: bool,
    /// The risk stage refused the fill (the exchange's position is the
    /// truth: reload positions from the exchange).
    pub risk_error: Option<String>,
}

struct Entry<Res> {
    view: LiveOrder,
    quote: Quantity,
    reservation: Option<Res>,
}

pub(crate) struct Registry<Res> {
    map: Mutex<HashMap<ClientOrderId, Entry<Res>>>,
}

impl<Res> Registry<Res> {
    pub(crate) fn recovered(pending: Vec<Pending>) -> Self {
        let map = pending
            .into_iter()
            .map(|p| {
                let view = LiveOrder {
                    client_order_id: p.client_order_id,
                    symbol: p.symbol,
                    side: p.side,
                    quantity: p.quantity,
                    price: p.price,
                    status: LiveStatus::Unknown,
                    executed: Quantity::ZERO,
                    sent_at_ms: p.sent_at_ms,
                    from_last_run: true,
                };
                let entry = Entry {
                    view,
                    quote: Quantity::ZERO,
                    reservation: None,
                };
                (p.client_order_id, entry)
            })
            .collect();
        Self {
            map: Mutex::new(map),
        }
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<ClientOrderId, Entry<Res>>> {
        self.map.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn len(&self) -> usize {
        self.lock().len()
    }

    pub(crate) fn count_last_run(&self) -> usize {
        self.lock()
            .values()
            .filter(|e| e.view.from_last_run)
            .count()
    }

    /// Registers an order about to be sent; `false` if the id is live.
    pub(crate) fn insert_sending(&self, id: ClientOrderId, order: &Order, now_ms: u64) -> bool {
        let mut map = self.lock();
        if map.contains_key(&id) {
            return false;
        }
        let view = LiveOrder {
            client_order_id: id,
            symbol: order.symbol,
            side: order.side,
            quantity: order.quantity,
            price: order.price,
            status: LiveStatus::Sending,
            executed: Quantity::ZERO,
            sent_at_ms: now_ms,
            from_last_run: false,
        };
        map.insert(
            id,
            Entry {
                view,
                quote: Quantity::ZERO,
                reservation: None,
            },
        );
        true
    }

    pub(crate) fn view(&self, id: &ClientOrderId) -> Option<LiveOrder> {
        self.lock().get(id).map(|e| e.view)
    }

    pub(crate) fn remove(&self, id: &ClientOrderId) -> Option<Res> {
        self.lock().remove(id).and_then(|e| e.reservation)
    }

    pub(crate) fn hold(&self, id: &ClientOrderId, reservation: Option<Res>, status: LiveStatus) {
        if let Some(e) = self.lock().get_mut(id) {
            e.reservation = reservation;
            e.view.status = status;
        }
    }
}

/// The fill a report adds to what was known: (quantity, average price).
fn new_fill(known: (Quantity, Quantity), report: &Report) -> Option<(Quantity, Price)> {
    let qty = report.executed.units().checked_sub(known.0.units())?;
    if qty == 0 {
        return None;
    }
    let quote = report
        .cumulative_quote
        .units()
        .saturating_sub(known.1.units());
    let avg = u128::from(quote) * u128::from(ONE) / u128::from(qty);
    let price = Price::from_units(u64::try_from(avg).unwrap_or(u64::MAX));
    Some((Quantity::from_units(qty), price))
}

impl<R: RiskCheck, L: RateCheck> Gate<R, L> {
    /// Applies what the exchange reported about a live order: a new fill is
    /// committed to the risk stage (once: reports are cumulative, and one
    /// that adds nothing changes nothing); an order that ended releases
    /// what is left of its reservation, leaves the registry and the journal.
    ///
    /// Only an unknown id is an error: the exchange has answered, so a
    /// journal or sink that fails now cannot change the outcome and must not
    /// make it look unsent. Such a failure is counted
    /// ([`bookkeeping_failures`](Self::bookkeeping_failures)); a missing
    /// journal end only means the order is looked up once more at the next
    /// start, and a failing audit log trips the kill switch by its own policy.
    pub fn report(&self, id: &ClientOrderId, report: Report) -> Result<Applied, Error> {
        let inner = &self.inner;
        let mut applied = Applied::default();
        let (view, ended) = {
            let mut map = inner.live.lock();
            let entry = map
                .get_mut(id)
                .ok_or_else(|| Error::UnknownOrder(id.to_string()))?;
            if entry.view.status == LiveStatus::Unknown {
                GateMetrics::reconciled(true);
            }
            if let Some((qty, price)) = new_fill((entry.view.executed, entry.quote), &report) {
                entry.view.executed = report.executed;
                entry.quote = report.cumulative_quote;
                applied.filled = qty;
                if let Some(res) = &entry.reservation {
                    applied.risk_error = inner.parts.risk.fill(res, qty, price).err();
                }
            }
            match report.status {
                OrderStatus::Open => {
                    entry.view.status = LiveStatus::Open;
                    (entry.view, None)
                }
                OrderStatus::Filled | OrderStatus::Ended => {
                    let entry = map
                        .remove(id)
                        .ok_or_else(|| Error::UnknownOrder(id.to_string()))?;
                    (entry.view, Some(entry.reservation))
                }
            }
        };
        let how = match report.status {
            OrderStatus::Open => "OPEN",
            OrderStatus::Filled => "FILLED",
            OrderStatus::Ended => "ENDED",
        };
        if let Some(reservation) = ended {
            if let Some(res) = reservation {
                inner.parts.risk.release(res);
            }
            applied.ended = true;
            if let Some(journal) = &inner.journal {
                inner.note(journal.ended(id, how).map_err(Error::from));
            }
        }
        if applied.filled != Quantity::ZERO || applied.ended {
            let kind = if applied.filled == Quantity::ZERO {
                "ORDER_ENDED"
            } else {
                "ORDER_FILLED"
            };
            let event = self
                .order_event(kind, Severity::Info, &view)
                .field("status", how)
                .field("filled", applied.filled.to_string())
                .field("executed", view.executed.to_string());
            inner.note(self.record(&event));
        }
        Ok(applied)
    }

    /// Reconciliation found that a live order never reached the exchange
    /// (the exchange does not know it, and its `recvWindow` has passed):
    /// its reservation is released and it leaves the registry.
    pub fn not_found(&self, id: &ClientOrderId) -> Result<(), Error> {
        let inner = &self.inner;
        let entry = inner
            .live
            .lock()
            .remove(id)
            .ok_or_else(|| Error::UnknownOrder(id.to_string()))?;
        GateMetrics::reconciled(false);
        if let Some(res) = entry.reservation {
            inner.parts.risk.release(res);
        }
        if let Some(journal) = &inner.journal {
            inner.note(journal.ended(id, "NOT_FOUND").map_err(Error::from));
        }
        let event = self
            .order_event("ORDER_ENDED", Severity::Info, &entry.view)
            .field("status", "NOT_FOUND");
        inner.note(self.record(&event));
        Ok(())
    }

    /// One live order by client order id (`None`: not live, or never was).
    /// A stream that reports an order still [`Sending`](LiveStatus::Sending)
    /// waits for its REST answer, which carries the reservation.
    pub fn live_order(&self, id: &ClientOrderId) -> Option<LiveOrder> {
        self.inner.live.view(id)
    }

    /// Every live order: sending, resting, or of unknown outcome.
    pub fn live_orders(&self) -> Vec<LiveOrder> {
        let mut all: Vec<LiveOrder> = self.inner.live.lock().values().map(|e| e.view).collect();
        all.sort_by(|a, b| {
            (a.sent_at_ms, a.client_order_id.as_str())
                .cmp(&(b.sent_at_ms, b.client_order_id.as_str()))
        });
        all
    }

    /// The orders of the last run whose outcome is still unknown (from the
    /// journal): resolve each before [`mark_reconciled`](Self::mark_reconciled).
    pub fn pending(&self) -> Vec<LiveOrder> {
        let mut all = self.live_orders();
        all.retain(|o| o.from_last_run);
        all
    }

    pub(crate) fn order_event(
        &self,
        kind: &'static str,
        severity: Severity,
        o: &LiveOrder,
    ) -> Event {
        let mut e = Event::new(kind, severity, "gate", self.inner.options.clock.now_ms())
            .field("client_order_id", o.client_order_id.to_string())
            .field("symbol", o.symbol.to_string())
            .field("side", format!("{:?}", o.side).to_uppercase());
        if let Some(q) = o.quantity {
            e = e.field("quantity", q.to_string());
        }
        if let Some(p) = o.price {
            e = e.field("price", p.to_string());
        }
        e
    }

    pub(crate) fn record(&self, event: &Event) -> Result<(), Error> {
        tracing::debug!(target: "supreme_gate", event = event.kind(), severity = ?event.severity(), "order event");
        match self.inner.sink() {
            Some(sink) => sink.record(event).map_err(Error::Sink),
            None => Ok(()),
        }
    }
}
