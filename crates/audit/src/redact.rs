//! Redaction of secrets before an event is queued: detail fields named
//! like secrets, and secrets held inside string values.
//!
//! # The rule for names
//!
//! A field name is split into segments: on every byte that is not an ASCII
//! letter or digit (`-`, `_`, `.`, spaces) and on camelCase boundaries, then
//! compared case-insensitively. It is secret when
//!
//! - one segment contains a *word* marker: `secret`, `password`, `passwd`,
//!   `passphrase`, `apikey`, `privatekey`, `listenkey`, `accesskey`,
//!   `secretkey`, `credential`, `authorization`, `signature`, `bearer`,
//!   `cookie`, `token`, `mnemonic` (so `clientSecret`, `X-MBX-APIKEY`,
//!   `accessToken`, `credentials`); or
//! - a run of whole segments is a *sequence* marker: `api key`,
//!   `private key`, `listen key`, `access key`, `signing key`, `auth`,
//!   `oauth`, `pwd`, `pass`, `session`, `sessionid`, `sig`, `seed`, `jwt`,
//!   `otp`, `totp` (so `X-API-KEY`, `private-key`, `db_pwd`, `X-Auth`, but
//!   not `author`, `public_key`, `checks_passed`, `key_id`);
//!
//! unless the segment right after the match is an *evidence* suffix, one
//! that describes the secret without holding it: `start`, `started`, `end`,
//! `ended`, `used`, `count`, `len`, `length`, `age`, `ttl`, `expiry`,
//! `expires`, `expired`, `expiration`, `version`, `created`, `changed`,
//! `rotated`, `type`, `scheme`, `algorithm`, `fingerprint`, `valid`,
//! `verified`, `checked` (so `session_start`, `tokens_used`,
//! `password_changed` survive, and `session_token` does not). `id` is not
//! one: an exchange API key is its key id, so `api_key_id` is redacted.
//!
//! # Secrets inside values
//!
//! Every string value (at any depth) is scanned for `name=value` and
//! `name: value` pairs whose name is secret by the same rule, in query
//! strings and URLs, header lines and JSON (also escaped JSON) held in the
//! string; their values are replaced, as are a URL's user-info password and
//! the credential after `Bearer` or `Basic`. See [`Redactor::redact_str`].

mod grams;
mod names;
mod values;

use std::borrow::Cow;

use serde_json::{Map, Value};

use crate::event::REDACTED;
use names::Matcher;

/// Decides which detail fields and which parts of string values are secret.
///
/// ```
/// use supreme_audit::Redactor;
/// let r = Redactor::default();
/// assert!(r.is_secret("X-MBX-APIKEY") && r.is_secret("listenKey") && r.is_secret("db_pwd"));
/// assert!(!r.is_secret("public_key") && !r.is_secret("session_start") && !r.is_secret("author"));
/// assert_eq!(
///     r.redact_str("GET /api/v3/order?symbol=BTCUSDT&signature=9f86d0"),
///     "GET /api/v3/order?symbol=BTCUSDT&signature=[REDACTED]"
/// );
/// ```
#[derive(Clone)]
pub struct Redactor {
    /// The markers as given, for Debug and equality.
    markers: Vec<String>,
    matcher: Matcher,
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
    /// The word and sequence markers and the evidence suffixes listed in the
    /// module docs.
    fn default() -> Self {
        let mut r = Self::empty();
        for w in names::WORDS {
            r = r.with_word(w);
        }
        for s in names::SEQUENCES {
            r = r.with_marker(s);
        }
        r
    }
}

impl Redactor {
    fn empty() -> Self {
        let mut matcher = Matcher::new();
        for e in names::EVIDENCE {
            matcher.add_evidence(e);
        }
        Self {
            markers: Vec::new(),
            matcher,
        }
    }

    /// A redactor with exactly these sequence markers (each split into
    /// segments like a field name, matched as whole segments in a row:
    /// `"card_pin"` matches `cardPin` and `X-Card-Pin`, not `card_pinned`),
    /// and the default evidence suffixes. No markers: nothing is secret.
    pub fn new<I, S>(markers: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut r = Self::empty();
        for m in markers {
            r = r.with_marker(m.as_ref());
        }
        r
    }

    /// Adds a sequence marker (whole segments in a row).
    #[must_use]
    pub fn with_marker(mut self, marker: &str) -> Self {
        if self.matcher.add_sequence(marker) {
            self.markers
                .push(format!("segments:{}", marker.to_ascii_lowercase()));
        }
        self
    }

    /// Adds a word marker, found anywhere inside one segment (`"iban"`
    /// matches `userIban` and `ibans`).
    #[must_use]
    pub fn with_word(mut self, word: &str) -> Self {
        if self.matcher.add_word(word) {
            self.markers
                .push(format!("word:{}", word.to_ascii_lowercase()));
        }
        self
    }

    /// Adds an evidence suffix: a match followed by this segment is not secret.
    #[must_use]
    pub fn with_evidence_suffix(mut self, suffix: &str) -> Self {
        self.matcher.add_evidence(suffix);
        self.markers
            .push(format!("evidence:{}", suffix.to_ascii_lowercase()));
        self
    }

    /// Whether a field of this name is secret.
    pub fn is_secret(&self, field: &str) -> bool {
        self.matcher.is_secret(field.as_bytes())
    }

    /// [`is_secret`](Self::is_secret) for a name held as bytes.
    pub(crate) fn is_secret_name(&self, f: &[u8]) -> bool {
        self.matcher.is_secret(f)
    }

    /// `text` with the secrets it holds replaced by `"[REDACTED]"`: values
    /// of secret-named parameters in query strings, header lines and JSON,
    /// a URL's user-info password, `Bearer` and `Basic` credentials.
    pub fn redact_str<'a>(&self, text: &'a str) -> Cow<'a, str> {
        if self.matcher.is_empty() || !values::may_hold_secret(text.as_bytes()) {
            return Cow::Borrowed(text);
        }
        let spans = values::spans(text.as_bytes(), |n| self.matcher.is_secret(n));
        if spans.is_empty() {
            Cow::Borrowed(text)
        } else {
            Cow::Owned(values::replace(text, &spans, REDACTED))
        }
    }

    /// Writes `s` as a JSON string with its secrets replaced.
    pub(crate) fn write_str(&self, out: &mut Vec<u8>, s: &str) {
        crate::record::write_str(out, &self.redact_str(s));
    }

    /// Copies `json`, the canonical JSON of a scalar, with the secrets of a
    /// string replaced.
    pub(crate) fn write_scalar(&self, out: &mut Vec<u8>, json: &[u8]) {
        let inner = match json {
            [b'"', inner @ .., b'"']
                if !self.matcher.is_empty() && values::json_may_hold_secret(inner) =>
            {
                inner
            }
            _ => return out.extend_from_slice(json),
        };
        let decoded: Cow<'_, str> = if inner.contains(&b'\\') {
            match serde_json::from_slice::<String>(json) {
                Ok(s) => Cow::Owned(s),
                Err(_) => return crate::record::write_str(out, REDACTED),
            }
        } else {
            String::from_utf8_lossy(inner)
        };
        match self.redact_str(&decoded) {
            Cow::Borrowed(_) => out.extend_from_slice(json),
            Cow::Owned(s) => crate::record::write_str(out, &s),
        }
    }

    /// Replaces every secret field (at any depth) with `"[REDACTED]"`, and
    /// the secrets inside every string value (see [`redact_str`](Self::redact_str)).
    pub fn redact(&self, details: &mut Map<String, Value>) {
        if self.matcher.is_empty() {
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
            Value::String(s) => {
                if let Cow::Owned(r) = self.redact_str(s) {
                    *s = r;
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests;
