//! The head of an HTTP request to the metrics endpoint, judged before
//! anything is rendered: only `GET /metrics` (or `HEAD`) is served.

use std::fmt;

/// The most a request head may take; more is refused.
pub const MAX_HEAD: usize = 8 * 1024;

/// What a well-formed request asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// `GET /metrics`: the exposition text.
    Metrics,
    /// `HEAD /metrics`: the headers only.
    MetricsHead,
    /// Any other path: 404.
    NotFound,
}

/// Why a request head was refused (answered 400, 405 or 431).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RequestError {
    /// The head did not end (`\r\n\r\n`) within [`MAX_HEAD`] bytes.
    TooLarge,
    /// The head is not complete yet.
    Incomplete,
    /// The request line is not `METHOD SP TARGET SP HTTP/1.x`.
    Malformed(&'static str),
    /// A method other than GET or HEAD.
    Method(String),
}

impl fmt::Display for RequestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TooLarge => write!(f, "request head longer than {MAX_HEAD} bytes"),
            Self::Incomplete => f.write_str("request head not complete"),
            Self::Malformed(what) => write!(f, "malformed request line: {what}"),
            Self::Method(m) => write!(f, "method {m:?} not allowed (GET or HEAD)"),
        }
    }
}

impl std::error::Error for RequestError {}

impl RequestError {
    /// The status this refusal is answered with.
    pub fn status(&self) -> u16 {
        match self {
            Self::TooLarge => 431,
            Self::Method(_) => 405,
            Self::Incomplete | Self::Malformed(_) => 400,
        }
    }
}

/// Judges a request head (the bytes read so far). Headers are not
/// interpreted: the endpoint needs none.
///
/// ```
/// use supreme_guard::metrics::{Route, route};
/// assert_eq!(route(b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"), Ok(Route::Metrics));
/// assert_eq!(route(b"GET / HTTP/1.1\r\n\r\n"), Ok(Route::NotFound));
/// assert!(route(b"POST /metrics HTTP/1.1\r\n\r\n").is_err());
/// ```
pub fn route(head: &[u8]) -> Result<Route, RequestError> {
    let Some(end) = find(head, b"\r\n\r\n") else {
        return Err(if head.len() >= MAX_HEAD {
            RequestError::TooLarge
        } else {
            RequestError::Incomplete
        });
    };
    if end + 4 > MAX_HEAD {
        return Err(RequestError::TooLarge);
    }
    let line_end = find(head, b"\r\n").unwrap_or(end);
    let line =
        std::str::from_utf8(&head[..line_end]).map_err(|_| RequestError::Malformed("not UTF-8"))?;
    let mut parts = line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(RequestError::Malformed("expected three parts"));
    };
    if version != "HTTP/1.1" && version != "HTTP/1.0" {
        return Err(RequestError::Malformed(
            "version is not HTTP/1.0 or HTTP/1.1",
        ));
    }
    if !target.starts_with('/') {
        return Err(RequestError::Malformed("target is not a path"));
    }
    let head_only = match method {
        "GET" => false,
        "HEAD" => true,
        other => {
            let shown: String = other.chars().take(16).collect();
            return Err(RequestError::Method(shown));
        }
    };
    let path = target.split('?').next().unwrap_or(target);
    Ok(match (path, head_only) {
        ("/metrics", false) => Route::Metrics,
        ("/metrics", true) => Route::MetricsHead,
        _ => Route::NotFound,
    })
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests;
