//! One `API_ACCESS` core event per exchange request, for the audit log.

use supreme_core::event::{Event, Severity};

use crate::{Request, Response, TransportError};

/// The kind of every request's event.
pub const API_ACCESS: &str = "API_ACCESS";

/// The event for `req`, answered by `outcome`, after `latency_ms`.
///
/// Fields: `method`, `path` (the route, never the query), `signed`, `weight`
/// (the request's), `status` (or `none` when nothing came back),
/// `used_weight_1m` (the exchange's count, when it sent one), `latency_ms`,
/// and `error` for a transport failure (its kind only: its text may quote
/// the request). Never the API key, the signature or the signed query.
pub(crate) fn access_event(
    req: &Request,
    outcome: &Result<Response, TransportError>,
    latency_ms: u64,
    at_ms: u64,
) -> Event {
    let signed = req.query.contains("signature=");
    let severity = match outcome {
        Ok(r) if (200..300).contains(&r.status) => Severity::Info,
        _ => Severity::Warning,
    };
    let e = Event::new(API_ACCESS, severity, "binance", at_ms)
        .field("method", req.method)
        .field("path", req.path)
        .field("signed", signed.to_string())
        .field("weight", req.weight.to_string());
    let e = match outcome {
        Ok(r) => {
            let e = e.field("status", r.status.to_string());
            match r
                .header("x-mbx-used-weight-1m")
                .and_then(|v| v.parse::<u32>().ok())
            {
                Some(w) => e.field("used_weight_1m", w.to_string()),
                None => e,
            }
        }
        Err(err) => e.field("status", "none").field(
            "error",
            match err {
                TransportError::NotSent(_) => "not sent",
                TransportError::NoResponse(_) => "no response",
                TransportError::KillSwitch(_) => "kill switch",
            },
        ),
    };
    e.field("latency_ms", latency_ms.to_string())
}
