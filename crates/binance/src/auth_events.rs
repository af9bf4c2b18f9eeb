//! One `AUTH_FAILURE` core event when the exchange refuses the key or the
//! signature (-2014, -2015, -1022), for the audit log.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use supreme_core::event::{Event, Severity, Sink};

use crate::Request;

/// The kind of the event for a refused key or signature.
pub const AUTH_FAILURE: &str = "AUTH_FAILURE";

/// What the exchange's code means, for the codes that are authentication
/// failures: `-2014` API-key format invalid, `-2015` invalid API key, IP
/// or permissions, `-1022` invalid signature.
fn reason(code: i64) -> Option<&'static str> {
    match code {
        -2014 => Some("api key format invalid"),
        -2015 => Some("invalid api key, ip or permissions"),
        -1022 => Some("invalid signature"),
        _ => None,
    }
}

/// The event for the exchange answering `req` with `status` and `code`, or
/// `None` when `code` is no authentication failure.
///
/// Fields: `method`, `path` (the route, never the query), `status`, `code`,
/// `reason` (fixed text for the code, not the exchange's message). Never
/// the API key, the signature or the signed query.
pub(crate) fn auth_failure_event(
    req: &Request,
    status: u16,
    code: i64,
    at_ms: u64,
) -> Option<Event> {
    let why = reason(code)?;
    Some(
        Event::new(AUTH_FAILURE, Severity::Error, "binance", at_ms)
            .field("method", req.method)
            .field("path", req.path)
            .field("status", status.to_string())
            .field("code", code.to_string())
            .field("reason", why),
    )
}

/// Records the authentication failure (if `code` is one) into `sink`; a
/// refusal is counted in `unrecorded` (the answer is in: the error goes
/// back to the caller either way).
pub(crate) fn record(
    sink: Option<&Arc<dyn Sink>>,
    unrecorded: &AtomicU64,
    req: &Request,
    status: u16,
    code: i64,
    at_ms: u64,
) {
    let Some(sink) = sink else { return };
    if let Some(event) = auth_failure_event(req, status, code, at_ms)
        && sink.record(&event).is_err()
    {
        unrecorded.fetch_add(1, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req() -> Request {
        Request {
            method: "GET",
            path: "/api/v3/account",
            query: "timestamp=1&signature=abcd".into(),
            headers: vec![("x-mbx-apikey", "KEY".into())],
            weight: 20,
            max_body_bytes: 1024,
        }
    }

    #[test]
    fn only_the_three_codes_are_authentication_failures() {
        for code in [-2014, -2015, -1022] {
            let e = auth_failure_event(&req(), 401, code, 5).unwrap();
            assert_eq!(e.kind(), AUTH_FAILURE);
            assert_eq!(e.get("code"), Some(code.to_string().as_str()));
            let text = e.to_string();
            assert!(!text.contains("KEY") && !text.contains("abcd"), "{text}");
        }
        for code in [-1021, -2010, -1013, 0] {
            assert!(auth_failure_event(&req(), 400, code, 5).is_none());
        }
    }
}
