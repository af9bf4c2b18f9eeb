//! Orders whose execution status the exchange itself does not know yet:
//! Binance's -1006 and -1007 ("execution status unknown"). The simulator
//! answers such an error at once and has its "backend" process the order
//! later, as Binance's matching engine may.

use super::http::{SimRequest, SimResponse};
use super::{State, routes};

/// One order held back: processed at `due_ms` (server time).
#[derive(Debug, Clone)]
pub(super) struct Held {
    due_ms: u64,
    req: SimRequest,
}

/// Holds `req` back when the faults ask for it: the unknown-status answer.
pub(super) fn hold_back(st: &mut State, req: &SimRequest, now: u64) -> Option<SimResponse> {
    if st.faults.hold_back_next == 0 || req.method != "POST" || req.path != "/api/v3/order" {
        return None;
    }
    st.faults.hold_back_next -= 1;
    st.held.push(Held {
        due_ms: now.saturating_add(st.faults.hold_back_ms),
        req: req.clone(),
    });
    let code = st.faults.hold_back_code.unwrap_or(-1007);
    let msg = if code == -1006 {
        "An unexpected response was received from the message bus. Execution status unknown."
    } else {
        "Timeout waiting for response from backend server. Send status unknown; execution status unknown."
    };
    // Binance sends these with a 4xx or a 5xx: the code is what matters.
    Some(SimResponse::error(400, code, msg))
}

/// Processes the held orders that are due by `now`, each at its due time
/// (its timestamp is judged then, as the backend would).
pub(super) fn release_due(st: &mut State, now: u64) {
    let (due, later): (Vec<Held>, Vec<Held>) = std::mem::take(&mut st.held)
        .into_iter()
        .partition(|h| h.due_ms <= now);
    st.held = later;
    for h in due {
        let _ = routes::route(st, &h.req, h.due_ms);
    }
}
