//! Form parameters and the signed payload, as Binance reads them.

use std::collections::BTreeMap;

/// Decoded parameters of the query and body together.
#[derive(Debug, Default)]
pub(crate) struct Params {
    values: BTreeMap<String, String>,
    /// The exact bytes the signature covers: query then body, each without
    /// its trailing `signature=` parameter.
    pub(crate) signed_payload: String,
    pub(crate) signature: Option<String>,
}

impl Params {
    /// Parses `query` and `body`; a repeated parameter is an error, as on Binance.
    pub(crate) fn parse(query: &str, body: &str) -> Result<Self, String> {
        let mut p = Params::default();
        let (q, q_sig) = split_signature(query);
        let (b, b_sig) = split_signature(body);
        p.signature = q_sig.or(b_sig).map(decode);
        p.signed_payload = format!("{q}{b}");
        for part in [q, b]
            .into_iter()
            .flat_map(|s| s.split('&'))
            .filter(|s| !s.is_empty())
        {
            let (k, v) = part.split_once('=').unwrap_or((part, ""));
            if p.values.insert(decode(k), decode(v)).is_some() {
                return Err(format!("Duplicate values for parameter '{}'.", decode(k)));
            }
        }
        Ok(p)
    }

    pub(crate) fn get(&self, key: &str) -> Option<&str> {
        self.values
            .get(key)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }
}

/// Splits off a trailing `signature=...` parameter.
fn split_signature(s: &str) -> (&str, Option<&str>) {
    if let Some(sig) = s.strip_prefix("signature=") {
        return ("", Some(sig));
    }
    match s.rfind("&signature=") {
        Some(i) => (&s[..i], Some(&s[i + "&signature=".len()..])),
        None => (s, None),
    }
}

/// Percent-decoding with `+` as space (application/x-www-form-urlencoded).
pub(crate) fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok());
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(v) => {
                        out.push(v);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            _ => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_is_split_from_query_and_body() {
        let p = Params::parse("symbol=LTCBTC&timestamp=1", "quantity=1&signature=abc").unwrap();
        assert_eq!(p.signed_payload, "symbol=LTCBTC&timestamp=1quantity=1");
        assert_eq!(p.signature.as_deref(), Some("abc"));
        assert_eq!(p.get("quantity"), Some("1"));
        assert!(Params::parse("a=1&a=2", "").is_err());
        assert_eq!(decode("a%2Bb+c%3D"), "a+b c=");
    }
}
