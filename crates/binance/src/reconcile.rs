//! Reconciling an order whose outcome is unknown, without sending it again.
//!
//! "Not found" is only an answer once no copy of the order can still be
//! accepted: the exchange refuses a request whose `timestamp` is more than
//! `recvWindow` behind its clock, and accepts one at most 1,000 ms ahead of
//! it, so after `signing time + recvWindow + 1,000 ms` (local clock) the
//! order either exists or never will. Until then `reconcile` asks again,
//! reading time from the client's injected clock and waiting with
//! `tokio::time::sleep`. The engine may still process an
//! order that passed that check later (Binance's -1006/-1007): such an order
//! is found by the next look-up, so a caller that sees `NotFound` for an
//! order answered -1006/-1007 should treat a later fill with that client
//! order id as its own.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use supreme_order_guard::Symbol;

use crate::{BinanceClient, Error, Reconciled};

/// Binance accepts a timestamp at most this far ahead of its clock.
const AHEAD_MS: u64 = 1_000;

/// How long `reconcile` waits between two look-ups, at most.
const POLL_MS: u64 = 1_000;

/// Orders are forgotten beyond this many (the oldest deadlines first).
const MAX_REMEMBERED: usize = 4_096;

/// When each order with an unknown outcome can no longer be accepted
/// (local clock, Unix ms), by client order id.
#[derive(Debug, Default)]
pub(crate) struct Unknowns(Mutex<HashMap<String, u64>>);

impl Unknowns {
    /// Remembers an order signed at `signed_at_ms` with `recv_window_ms`.
    pub(crate) fn record(&self, client_order_id: &str, signed_at_ms: u64, recv_window_ms: u64) {
        let deadline = signed_at_ms
            .saturating_add(recv_window_ms)
            .saturating_add(AHEAD_MS);
        let mut map = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if map.len() >= MAX_REMEMBERED
            && let Some(oldest) = map.iter().min_by_key(|(_, d)| **d).map(|(k, _)| k.clone())
        {
            map.remove(&oldest);
        }
        map.insert(client_order_id.to_owned(), deadline);
    }

    /// The deadline of an order; one not seen by this client (sent by an
    /// earlier process) is given a full window from `now_ms`.
    fn deadline(&self, client_order_id: &str, now_ms: u64, recv_window_ms: u64) -> u64 {
        let mut map = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        *map.entry(client_order_id.to_owned()).or_insert_with(|| {
            now_ms
                .saturating_add(recv_window_ms)
                .saturating_add(AHEAD_MS)
        })
    }

    fn forget(&self, client_order_id: &str) {
        let mut map = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        map.remove(client_order_id);
    }
}

impl BinanceClient {
    /// Resolves an [`Error::OutcomeUnknown`]: asks the exchange
    /// whether the order exists, and answers [`Reconciled::NotFound`] only
    /// when a look-up made after the order's `recvWindow` ran out (from its
    /// signing time, see the module docs) still does not find it; until then
    /// it asks again (at most `recvWindow` + 1 s), reading time from the
    /// client's clock and waiting with `tokio::time::sleep`. An order this client did not send is given a full window from
    /// now. It never re-sends the order.
    pub async fn reconcile(
        &self,
        symbol: &Symbol,
        client_order_id: &str,
    ) -> Result<Reconciled, Error> {
        loop {
            let asked_at = self.now_ms();
            if let Some(state) = self.query_order(symbol, client_order_id).await? {
                self.unknowns().forget(client_order_id);
                return Ok(Reconciled::Found(state));
            }
            let deadline =
                self.unknowns()
                    .deadline(client_order_id, asked_at, self.recv_window_ms());
            if asked_at >= deadline {
                self.unknowns().forget(client_order_id);
                return Ok(Reconciled::NotFound);
            }
            let now = self.now_ms();
            let wait = deadline.saturating_sub(now).clamp(1, POLL_MS);
            tokio::time::sleep(std::time::Duration::from_millis(wait)).await;
        }
    }
}
