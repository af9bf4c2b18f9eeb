//! How requests reach the exchange: the [`Transport`] trait.
//!
//! Production code plugs in net-guard's guarded HTTPS client; tests plug in
//! a real TLS client talking to the simulated exchange on loopback.

use std::future::Future;
use std::pin::Pin;

use supreme_net_guard::Permit;

/// The largest response body read by default: 16 MiB. The full spot
/// `exchangeInfo` is the largest document a bot reads; raise the limit
/// ([`BinanceClient::with_max_body_bytes`](crate::BinanceClient::with_max_body_bytes))
/// if it outgrows this.
pub const DEFAULT_MAX_BODY_BYTES: usize = 16 << 20;

/// One HTTP request.
///
/// Its `Debug` output leaves out what lets someone act as the bot: header
/// values (the API key) and a signed query (replayable within `recvWindow`).
///
/// ```
/// use supreme_binance::Request;
/// let req = Request {
///     method: "GET",
///     path: "/api/v3/account",
///     query: "timestamp=1&signature=abc123".into(),
///     headers: vec![("x-mbx-apikey", "my-api-key".into())],
///     weight: 20,
///     max_body_bytes: supreme_binance::DEFAULT_MAX_BODY_BYTES,
/// };
/// let shown = format!("{req:?}");
/// assert!(!shown.contains("abc123") && !shown.contains("my-api-key"));
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Request {
    /// `GET`, `POST`, `DELETE`.
    pub method: &'static str,
    /// Path, such as `/api/v3/order`.
    pub path: &'static str,
    /// Encoded query string (may be empty).
    pub query: String,
    /// Headers to send (the API key among them).
    pub headers: Vec<(&'static str, String)>,
    /// Request weight (for the rate limiter).
    pub weight: u32,
    /// The most bytes of the response body the transport may read: a longer
    /// body is an error ([`TransportError::NoResponse`] for an order, whose
    /// outcome is then unknown), read no further than this limit.
    pub max_body_bytes: usize,
}

impl std::fmt::Debug for Request {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let signed = self.query.contains("signature=");
        let query: &dyn std::fmt::Debug = if signed {
            &format_args!("[signed query, {} bytes]", self.query.len())
        } else {
            &self.query
        };
        let headers: Vec<&str> = self.headers.iter().map(|(k, _)| *k).collect();
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", query)
            .field("headers", &headers)
            .field("weight", &self.weight)
            .field("max_body_bytes", &self.max_body_bytes)
            .finish()
    }
}

/// One HTTP response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// Status code.
    pub status: u16,
    /// Headers, names lower-case.
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: String,
}

impl Response {
    /// The first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Why a request got no response.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TransportError {
    /// Nothing reached the exchange (refused by policy, connect or TLS
    /// failure): safe to retry.
    #[error("request not sent: {0}")]
    NotSent(String),
    /// The request may have reached the exchange, but no answer came back:
    /// its outcome is unknown.
    #[error("no response: {0}")]
    NoResponse(String),
    /// The kill switch refused the order right before it was sent (it
    /// tripped while the order waited): nothing reached the exchange. Do not
    /// retry; the switch stays closed until an operator resets it.
    #[error("order not sent: {0}")]
    KillSwitch(String),
}

/// Sends requests to the exchange.
///
/// Async and `Send`: a transport's futures run on any tokio runtime, from
/// any task. The request is a plain value (sans-IO), so any HTTP client can
/// send it; implement with `async fn` or a block returning `impl Future`.
///
/// ```
/// use supreme_binance::{Request, Response, Transport, TransportError};
/// struct Answer; // stands in for the exchange
/// impl Transport for Answer {
///     async fn send(&self, _: &Request) -> Result<Response, TransportError> {
///         Ok(Response { status: 200, headers: vec![], body: "{}".into() })
///     }
/// }
/// ```
pub trait Transport: Send + Sync {
    /// Sends `req` to the exchange's base URL.
    fn send(&self, req: &Request) -> impl Future<Output = Result<Response, TransportError>> + Send;

    /// Sends `req`, whose rate-limit cost `permit` already counted (the
    /// gate's approval reserved it): a transport with the exchange limiter
    /// spends the permit instead of counting the request again
    /// ([`GuardedTransport`](crate::GuardedTransport) does); one without a
    /// limiter drops it and sends.
    fn send_charged(
        &self,
        req: &Request,
        _permit: Permit,
    ) -> impl Future<Output = Result<Response, TransportError>> + Send {
        self.send(req)
    }
}

/// A shared transport (a bot keeps a handle for URL checks or its limiter).
impl<T: Transport + ?Sized> Transport for std::sync::Arc<T> {
    fn send(&self, req: &Request) -> impl Future<Output = Result<Response, TransportError>> + Send {
        (**self).send(req)
    }

    fn send_charged(
        &self,
        req: &Request,
        permit: Permit,
    ) -> impl Future<Output = Result<Response, TransportError>> + Send {
        (**self).send_charged(req, permit)
    }
}

/// A boxed transport future.
pub(crate) type Sending<'a> =
    Pin<Box<dyn Future<Output = Result<Response, TransportError>> + Send + 'a>>;

/// [`Transport`] as a trait object (its futures boxed): what the client
/// holds. Every `Transport` is one.
pub(crate) trait DynTransport: Send + Sync {
    fn send_dyn<'a>(&'a self, req: &'a Request) -> Sending<'a>;
    fn send_charged_dyn<'a>(&'a self, req: &'a Request, permit: Permit) -> Sending<'a>;
}

impl<T: Transport> DynTransport for T {
    fn send_dyn<'a>(&'a self, req: &'a Request) -> Sending<'a> {
        Box::pin(self.send(req))
    }

    fn send_charged_dyn<'a>(&'a self, req: &'a Request, permit: Permit) -> Sending<'a> {
        Box::pin(self.send_charged(req, permit))
    }
}
