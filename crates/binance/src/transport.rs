//! How requests reach the exchange: the [`Transport`] trait.
//!
//! Production code plugs in net-guard's guarded HTTPS client; tests plug in
//! a real TLS client talking to the simulated exchange on loopback.

/// One HTTP request.
#[derive(Debug, Clone, PartialEq, Eq)]
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
pub trait Transport: Send + Sync {
    /// Sends `req` to the exchange's base URL.
    fn send(&self, req: &Request) -> Result<Response, TransportError>;
}

/// A shared transport (a bot keeps a handle for URL checks or its limiter).
impl<T: Transport + ?Sized> Transport for std::sync::Arc<T> {
    fn send(&self, req: &Request) -> Result<Response, TransportError> {
        (**self).send(req)
    }
}
