//! Error text without what lets someone act as the bot: the API key and a
//! signed query (replayable within its `recvWindow`).
//!
//! A transport error (reqwest names the URL, query included), a proxy's
//! error page, or an exchange message can echo the request. Every string a
//! [`Error`](crate::Error) carries from a request passes here.

use crate::Request;

/// Replaces with this.
const REDACTED: &str = "[REDACTED]";

/// The longest message kept from a response body.
const MAX_MESSAGE: usize = 512;

/// `text` with the request's API key, its signed query and any
/// `signature=` value removed, cut to a readable length.
pub(crate) fn scrub(text: &str, req: &Request) -> String {
    let mut out = text.to_owned();
    if req.query.contains("signature=") {
        out = out.replace(&req.query, "[signed query]");
    }
    for (_, value) in &req.headers {
        if !value.is_empty() {
            out = out.replace(value.as_str(), REDACTED);
        }
    }
    let out = redact_signatures(&out);
    cut(out)
}

/// Every `signature=<value>` (any case) with its value replaced.
fn redact_signatures(text: &str) -> String {
    const NAME: &str = "signature=";
    let lower = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    let mut from = 0;
    while let Some(at) = lower[from..].find(NAME) {
        let value = from + at + NAME.len();
        let end = text[value..]
            .find(|c: char| c == '&' || c == '"' || c == '\'' || c.is_whitespace() || c == ')')
            .map_or(text.len(), |e| value + e);
        out.push_str(&text[last..value]);
        out.push_str(REDACTED);
        last = end;
        from = end.max(value);
    }
    out.push_str(&text[last..]);
    out
}

fn cut(mut s: String) -> String {
    if s.len() > MAX_MESSAGE {
        let at = (0..=MAX_MESSAGE)
            .rev()
            .find(|i| s.is_char_boundary(*i))
            .unwrap_or(0);
        s.truncate(at);
        s.push_str("...");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_query_and_signature_are_removed() {
        let req = Request {
            method: "POST",
            path: "/api/v3/order",
            query: "symbol=BTCUSDT&timestamp=1&signature=abcdef".into(),
            headers: vec![("x-mbx-apikey", "KEY123".into())],
            weight: 1,
            max_body_bytes: 1,
        };
        let text = "error sending request for url \
                    (https://h/api/v3/order?symbol=BTCUSDT&timestamp=1&signature=abcdef) key KEY123 \
                    SIGNATURE=ffff&x=1";
        let out = scrub(text, &req);
        for leak in ["abcdef", "KEY123", "ffff"] {
            assert!(!out.contains(leak), "{out}");
        }
        assert!(
            out.contains("x=1") && out.contains("[signed query]"),
            "{out}"
        );
        assert!(scrub(&"é".repeat(600), &req).len() <= MAX_MESSAGE + 3);
    }
}
