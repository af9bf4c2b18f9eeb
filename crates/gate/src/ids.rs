//! Fresh client order ids for orders that came without one.

use std::sync::atomic::{AtomicU64, Ordering};

use supreme_order_guard::ClientOrderId;

static NEXT: AtomicU64 = AtomicU64::new(1);

/// A fresh client order id, `sup-<ms>-<n>`: the time and a per-process
/// counter, so ids differ across restarts as long as the clock moves on.
///
/// ```
/// let a = supreme_gate::fresh_client_order_id(1_700_000_000_000);
/// let b = supreme_gate::fresh_client_order_id(1_700_000_000_000);
/// assert!(a.as_str().starts_with("sup-1700000000000-") && a != b);
/// ```
pub fn fresh_client_order_id(now_ms: u64) -> ClientOrderId {
    let n = NEXT.fetch_add(1, Ordering::Relaxed) % 1_000_000_000_000_000_000;
    let ms = now_ms % 10_000_000_000_000;
    #[allow(clippy::unwrap_used)]
    // at most 4 + 13 + 1 + 18 = 36 characters of [a-z0-9-]: always valid
    ClientOrderId::new(&format!("sup-{ms}-{n}")).unwrap()
}
