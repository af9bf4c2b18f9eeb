//! Redaction of secret-marked detail fields before an event is queued.

use serde_json::{Map, Value};

use crate::event::REDACTED;

/// Decides which detail fields are secret by name, at any depth.
///
/// A field is secret when its lower-cased name contains one of the markers.
/// The default markers cover the usual credential names (`secret`,
/// `password`, `passphrase`, `private_key`, `api_key`, `token`, `seed`,
/// `mnemonic`, `cookie`, `authorization`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redactor {
    markers: Vec<String>,
}

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
        Self {
            markers: markers
                .into_iter()
                .map(|m| m.as_ref().to_ascii_lowercase())
                .filter(|m| !m.is_empty())
                .collect(),
        }
    }

    /// Adds a marker.
    #[must_use]
    pub fn with_marker(mut self, marker: &str) -> Self {
        if !marker.is_empty() {
            self.markers.push(marker.to_ascii_lowercase());
        }
        self
    }

    /// Whether a field of this name is secret.
    pub fn is_secret(&self, field: &str) -> bool {
        let mut buf = [0u8; 64];
        let lower: &[u8] = match buf.get_mut(..field.len()) {
            Some(b) => {
                b.copy_from_slice(field.as_bytes());
                b.make_ascii_lowercase();
                b
            }
            None => return self.is_secret_slow(field),
        };
        self.markers
            .iter()
            .any(|m| memchr::memmem::find(lower, m.as_bytes()).is_some())
    }

    fn is_secret_slow(&self, field: &str) -> bool {
        let lower = field.to_ascii_lowercase();
        self.markers.iter().any(|m| lower.contains(m.as_str()))
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
