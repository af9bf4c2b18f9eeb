//! Fills seen, keyed by (orderId, tradeId): each is applied once, whether
//! it arrives on the stream, in a REST answer, or through reconciliation.

use std::collections::{HashSet, VecDeque};
use std::sync::{Mutex, PoisonError};

/// How many fills a ledger remembers (the oldest are forgotten first).
pub const LEDGER_CAPACITY: usize = 1 << 16;

/// (orderId, tradeId).
type Key = (u64, u64);

/// The fills already applied.
///
/// ```
/// use supreme_binance::stream::FillLedger;
///
/// let ledger = FillLedger::default();
/// assert!(ledger.record(7, 1), "new");
/// assert!(!ledger.record(7, 1), "seen: not applied again");
/// assert!(ledger.record(7, 2));
/// ```
#[derive(Debug, Default)]
pub struct FillLedger {
    inner: Mutex<(HashSet<Key>, VecDeque<Key>)>,
}

impl FillLedger {
    /// Records fill `trade_id` of order `order_id`: true if it is new (apply
    /// it), false if it was seen already (do not).
    pub fn record(&self, order_id: u64, trade_id: u64) -> bool {
        let mut guard = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        let (seen, order) = &mut *guard;
        if !seen.insert((order_id, trade_id)) {
            return false;
        }
        order.push_back((order_id, trade_id));
        if order.len() > LEDGER_CAPACITY
            && let Some(old) = order.pop_front()
        {
            seen.remove(&old);
        }
        true
    }

    /// True if the fill was recorded.
    pub fn contains(&self, order_id: u64, trade_id: u64) -> bool {
        self.inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .0
            .contains(&(order_id, trade_id))
    }

    /// Fills remembered.
    pub fn len(&self) -> usize {
        self.inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .1
            .len()
    }

    /// True when none is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
