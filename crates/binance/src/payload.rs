//! The canonical request payload Binance signs.
//!
//! Parameters are joined as `key=value` pairs with `&`, keys and values
//! percent-encoded (everything but RFC 3986 unreserved characters, upper-case
//! hex), `timestamp` and `recvWindow` appended last; the signature covers
//! exactly those bytes and is appended as the final `signature` parameter.

use std::fmt::Write as _;

/// An ordered list of request parameters.
///
/// ```
/// use supreme_binance::Params;
/// let p = Params::new().with("symbol", "BTCUSDT").with("newClientOrderId", "bot 1/é");
/// assert_eq!(p.encode(), "symbol=BTCUSDT&newClientOrderId=bot%201%2F%C3%A9");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params(Vec<(String, String)>);

impl Params {
    /// No parameters.
    pub fn new() -> Self {
        Self(Vec::new())
    }

    /// Appends `key=value`.
    pub fn with(mut self, key: &str, value: impl ToString) -> Self {
        self.0.push((key.to_string(), value.to_string()));
        self
    }

    /// Appends `key=value` when `value` is `Some`.
    pub fn with_opt(self, key: &str, value: Option<impl ToString>) -> Self {
        match value {
            Some(v) => self.with(key, v),
            None => self,
        }
    }

    /// The value of `key`, if present.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The percent-encoded query string.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        for (i, (k, v)) in self.0.iter().enumerate() {
            if i > 0 {
                out.push('&');
            }
            encode_into(&mut out, k);
            out.push('=');
            encode_into(&mut out, v);
        }
        out
    }
}

/// Percent-encodes `s` (RFC 3986 unreserved characters stay as they are).
pub(crate) fn encode_into(out: &mut String, s: &str) {
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn binance_documented_payload() {
        let p = Params::new()
            .with("symbol", "LTCBTC")
            .with("side", "BUY")
            .with("type", "LIMIT")
            .with("timeInForce", "GTC")
            .with("quantity", "1")
            .with("price", "0.1")
            .with("recvWindow", 5000)
            .with("timestamp", 1_499_827_319_559_u64);
        assert_eq!(
            p.encode(),
            "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559"
        );
    }

    proptest! {
        #[test]
        fn encoding_is_unambiguous(k in "\\PC{0,12}", v in "\\PC{0,24}") {
            let enc = Params::new().with(&k, &v).encode();
            prop_assert_eq!(enc.matches('=').count(), 1);
            prop_assert!(!enc.contains('&'));
            prop_assert!(enc.bytes().all(|b| b.is_ascii_graphic()));
        }
    }
}
