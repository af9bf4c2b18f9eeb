//! The simulator's view of an HTTP exchange: [`SimRequest`] in,
//! [`SimResponse`] out, independent of the transport that carries them.

use std::time::Duration;

/// One request as the simulator sees it.
#[derive(Debug, Clone, Default)]
pub struct SimRequest {
    /// `GET`, `POST`, `DELETE`, ...
    pub method: String,
    /// The path, without the query: `/api/v3/order`.
    pub path: String,
    /// The raw query string, without `?`.
    pub query: String,
    /// Header names (lowercase) and values.
    pub headers: Vec<(String, String)>,
    /// The raw body (form-encoded for signed POSTs).
    pub body: String,
}

impl SimRequest {
    /// A request with no headers or body.
    pub fn new(method: &str, path_and_query: &str) -> Self {
        let (path, query) = path_and_query
            .split_once('?')
            .unwrap_or((path_and_query, ""));
        Self {
            method: method.into(),
            path: path.into(),
            query: query.into(),
            ..Self::default()
        }
    }

    /// Adds a header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_ascii_lowercase(), value.into()));
        self
    }

    /// Sets the body.
    pub fn body(mut self, body: &str) -> Self {
        self.body = body.into();
        self
    }

    /// The first header named `name` (case-insensitive).
    pub fn header_value(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What the transport should do with a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// Send it.
    Send,
    /// Close the connection without answering (the order may have been
    /// accepted: the client cannot know).
    Drop,
}

/// One response.
#[derive(Debug, Clone)]
pub struct SimResponse {
    /// HTTP status.
    pub status: u16,
    /// Headers to send.
    pub headers: Vec<(String, String)>,
    /// JSON body.
    pub body: String,
    /// Wait this long before answering (latency injection).
    pub delay: Duration,
    /// Send or drop.
    pub delivery: Delivery,
}

impl SimResponse {
    /// A JSON response.
    pub fn json(status: u16, body: impl Into<String>) -> Self {
        Self {
            status,
            headers: vec![(
                "content-type".into(),
                "application/json;charset=UTF-8".into(),
            )],
            body: body.into(),
            delay: Duration::ZERO,
            delivery: Delivery::Send,
        }
    }

    /// A Binance error: `{"code":-1013,"msg":"..."}`.
    pub fn error(status: u16, code: i32, msg: &str) -> Self {
        Self::json(
            status,
            serde_json::json!({ "code": code, "msg": msg }).to_string(),
        )
    }

    /// The first header named `name` (case-insensitive).
    pub fn header_value(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as JSON (for tests).
    pub fn json_body(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or(serde_json::Value::Null)
    }
}
