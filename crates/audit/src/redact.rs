//! Redaction of secret-marked detail fields before an event is queued.

use serde_json::{Map, Value};

use crate::event::REDACTED;

/// Decides which detail fields are secret by name, at any depth.
///
/// A field is secret when its lower-cased name contains one of the markers.
/// The default markers cover the usual credential names (`secret`,
/// `password`, `passphrase`, `private_key`, `api_key`, `token`, `seed`,
/// `mnemonic`, `cookie`, `authorization`).
#[derive(Clone)]
pub struct Redactor {
    markers: Vec<String>,
    /// Markers by their first byte, so a field name is scanned once.
    by_first: Box<[Vec<Box<[u8]>>; 256]>,
    /// Whether some marker starts with this byte (either ASCII case): most
    /// bytes of a name are passed over with this one lookup.
    starts: Box<[bool; 256]>,
}

impl std::fmt::Debug for Redactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Redactor")
            .field("markers", &self.markers)
            .finish()
    }
}

impl PartialEq for Redactor {
    fn eq(&self, other: &Self) -> bool {
        self.markers == other.markers
    }
}

impl Eq for Redactor {}

impl Default for Redactor {
    fn default() -> Self {
        Self::new([
            "secret",
            "password",
            "passphrase",
            "private_key",
            "privatekey",
            "api_key",
            "apikey",
            "token",
            "seed",
            "mnemonic",
            "cookie",
            "authorization",
        ])
    }
}

impl Redactor {
    /// A redactor with exactly these markers (matched case-insensitively as
    /// substrings of field names).
    pub fn new<I, S>(markers: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut r = Self {
            markers: Vec::new(),
            by_first: Box::new(std::array::from_fn(|_| Vec::new())),
            starts: Box::new([false; 256]),
        };
        for m in markers {
            r.add(m.as_ref());
        }
        r
    }

    fn add(&mut self, marker: &str) {
        let m = marker.to_ascii_lowercase();
        if let Some(&first) = m.as_bytes().first() {
            self.by_first[usize::from(first)].push(m.as_bytes().into());
            self.starts[usize::from(first)] = true;
            self.starts[usize::from(first.to_ascii_uppercase())] = true;
            self.markers.push(m);
        }
    }

    /// Adds a marker.
    #[must_use]
    pub fn with_marker(mut self, marker: &str) -> Self {
        self.add(marker);
        self
    }

    /// Whether a field of this name is secret.
    pub fn is_secret(&self, field: &str) -> bool {
        self.is_secret_name(field.as_bytes())
    }

    /// [`is_secret`](Self::is_secret) for a name held as bytes.
    pub(crate) fn is_secret_name(&self, f: &[u8]) -> bool {
        (0..f.len()).any(|i| {
            let rest = &f[i..];
            self.starts[usize::from(rest[0])]
                && self.by_first[usize::from(rest[0].to_ascii_lowercase())]
                    .iter()
                    .any(|m| {
                        // Second bytes first: most candidates end there.
                        rest.get(..m.len()).is_some_and(|w| {
                            w.get(1).map(u8::to_ascii_lowercase) == m.get(1).copied()
                                && w.eq_ignore_ascii_case(m)
                        })
                    })
        })
    }

    /// Replaces every secret field (at any depth) with `"[REDACTED]"`.
    pub fn redact(&self, details: &mut Map<String, Value>) {
        if self.markers.is_empty() {
            return;
        }
        for (key, value) in details.iter_mut() {
            if self.is_secret(key) {
                *value = Value::from(REDACTED);
            } else {
                self.redact_value(value);
            }
        }
    }

    fn redact_value(&self, value: &mut Value) {
        match value {
            Value::Object(map) => self.redact(map),
            Value::Array(items) => items.iter_mut().for_each(|v| self.redact_value(v)),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests;
