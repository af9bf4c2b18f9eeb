//! API-key hygiene: format checks per exchange, placeholder rejection.
//!
//! The Python original rejected any key containing "test", "demo", "fake"
//! or "123456". A random 64-character alphanumeric key contains one of those
//! about once in 15,000 keys, so that would lock real users out at random.
//! Here they are advisory ([`advisory_substrings`]); the hard rejects are
//! things a real key never is: known placeholders, one repeated character,
//! a short repeating pattern, a long ascending run, too few distinct
//! characters, or too short.

use ring::signature::Ed25519KeyPair;
use secrecy::ExposeSecret;

use crate::entry::EntrySecret;
use crate::error::Error;

/// An exchange's key format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyFormat {
    /// Binance HMAC API key or secret: exactly 64 ASCII alphanumerics.
    Binance,
    /// Any HMAC secret: the placeholder and entropy checks only.
    Generic,
}

const PLACEHOLDERS: &[&str] = &[
    "yourapikey",
    "yourapisecret",
    "yoursecret",
    "yoursecretkey",
    "yourkey",
    "apikey",
    "apisecret",
    "secret",
    "secretkey",
    "password",
    "changeme",
    "replaceme",
    "placeholder",
    "insertkeyhere",
    "insertyourkeyhere",
    "none",
    "null",
    "undefined",
];

fn reject(reason: &str) -> Error {
    Error::RejectedSecret(reason.to_owned())
}

/// Refuses placeholders and low-entropy strings. The error never quotes the value.
///
/// # Errors
/// [`Error::RejectedSecret`] with the reason.
pub fn check_not_placeholder(value: &str) -> Result<(), Error> {
    let folded: String = value
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    if PLACEHOLDERS.contains(&folded.as_str()) || (folded.starts_with("your") && value.len() < 40) {
        return Err(reject("a placeholder, not a real key"));
    }
    let b = value.as_bytes();
    if b.len() < 16 {
        return Err(reject("shorter than 16 characters"));
    }
    if b.iter().all(|&c| c == b[0]) {
        return Err(reject("one repeated character"));
    }
    if (1..=8).any(|p| b.iter().zip(&b[p..]).all(|(x, y)| x == y)) {
        return Err(reject("a short repeating pattern"));
    }
    let ascending = b
        .windows(2)
        .filter(|w| w[1] == w[0].wrapping_add(1))
        .count();
    if ascending * 2 > b.len() {
        return Err(reject("mostly an ascending sequence"));
    }
    let mut seen = [false; 256];
    for &c in b {
        seen[usize::from(c)] = true;
    }
    let distinct = seen.iter().filter(|&&s| s).count();
    if distinct * 4 < b.len().min(64) {
        return Err(reject("too few distinct characters (low entropy)"));
    }
    Ok(())
}

/// Checks an API key or secret against an exchange's format.
///
/// # Errors
/// [`Error::RejectedSecret`] with the reason.
pub fn check_api_key(format: KeyFormat, value: &str) -> Result<(), Error> {
    if format == KeyFormat::Binance
        && (value.len() != 64 || !value.bytes().all(|c| c.is_ascii_alphanumeric()))
    {
        return Err(reject("Binance keys are exactly 64 letters and digits"));
    }
    check_not_placeholder(value)
}

/// Substrings the Python original rejected outright ("test", "demo", "fake",
/// "123456"), found in `value`: worth a warning, never a hard reject.
#[must_use]
pub fn advisory_substrings(value: &str) -> Vec<&'static str> {
    let lower = value.to_ascii_lowercase();
    ["test", "demo", "fake", "123456"]
        .into_iter()
        .filter(|s| lower.contains(s))
        .collect()
}

/// Checks that `der` is an Ed25519 private key in PKCS#8 (v1 or v2).
///
/// # Errors
/// [`Error::RejectedSecret`].
pub fn check_ed25519_pkcs8(der: &[u8]) -> Result<(), Error> {
    Ed25519KeyPair::from_pkcs8_maybe_unchecked(der)
        .map(|_| ())
        .map_err(|_| reject("not an Ed25519 private key in PKCS#8"))
}

/// What every `put` checks, per kind.
pub(crate) fn check_entry(secret: &EntrySecret) -> Result<(), Error> {
    match secret {
        EntrySecret::Hmac { key_id, secret } => {
            if key_id.is_empty()
                || key_id.len() > 256
                || !key_id.bytes().all(|c| c.is_ascii_graphic())
            {
                return Err(reject("key id must be 1 to 256 printable ASCII characters"));
            }
            check_not_placeholder(key_id).map_err(|e| reject(&format!("key id: {e}")))?;
            check_api_key(KeyFormat::Generic, secret.expose_secret())
        }
        EntrySecret::Ed25519 { pkcs8 } => check_ed25519_pkcs8(pkcs8.expose_secret()),
        EntrySecret::Text(s) if s.expose_secret().is_empty() => Err(reject("empty")),
        EntrySecret::Text(_) => Ok(()),
    }
}

#[cfg(test)]
mod tests;
