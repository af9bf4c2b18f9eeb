//! [`Located`]: a value and where it came from (a span of the file, or an
//! environment variable that overrode it), and [`Decimal`]: an exact
//! decimal written as a string (or an integer), never a TOML float.

use std::ops::Range;

use serde::de::{self, Deserialize, Deserializer, Visitor};
use toml::Spanned;

/// Where a value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum At {
    /// Bytes of the file.
    Span(Range<usize>),
    /// An environment override.
    Env(&'static str),
}

/// A value with its place, deserialized through toml's [`Spanned`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located<T> {
    /// The value.
    pub value: T,
    /// Where it came from.
    pub at: At,
}

impl<T> Located<T> {
    /// `value` set by the environment variable `var`.
    pub fn from_env(value: T, var: &'static str) -> Self {
        Self {
            value,
            at: At::Env(var),
        }
    }

    /// The value.
    pub fn get(&self) -> &T {
        &self.value
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Located<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = Spanned::<T>::deserialize(d)?;
        Ok(Self {
            at: At::Span(s.span()),
            value: s.into_inner(),
        })
    }
}

/// Separates a message from its fix in a custom deserialization error
/// (the loader splits on it).
pub(crate) const FIX: &str = "; fix: ";

/// An exact decimal as written in the file: `"50000.5"` or `50000`, never
/// `50000.5` (a TOML float is binary floating point: refused).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decimal(pub String);

impl Decimal {
    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for Decimal {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Decimal;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an exact decimal as a string, like \"50000.5\"")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Decimal, E> {
                Ok(Decimal(s.to_owned()))
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<Decimal, E> {
                Ok(Decimal(n.to_string()))
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<Decimal, E> {
                Ok(Decimal(n.to_string()))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Decimal, E> {
                Err(E::custom(format!(
                    "money and shares are exact decimals, and a TOML float is not exact{FIX}quote it as a string, e.g. \"50000.5\""
                )))
            }
        }
        d.deserialize_any(V)
    }
}

/// A key that would hold a secret: accepted by the parser only so that
/// validation can refuse it with a message saying where secrets come from.
pub(crate) type SecretKey = Option<Located<de::IgnoredAny>>;

/// Where secrets come from instead.
pub(crate) const SECRET_FIX: &str = "remove it: API keys live in the vault (`supreme vault put`); the vault passphrase comes from the file named by SUPREME_VAULT_PASSPHRASE_FILE or from systemd's $CREDENTIALS_DIRECTORY (LoadCredential=)";

/// The refusal of a [`SecretKey`].
pub(crate) fn refuse_secret(check: &mut crate::Check<'_>, key: &str, at: &At) {
    check.invalid(
        at,
        format!(
            "`{key}` would put a secret in the configuration file, which is never read for secrets"
        ),
        SECRET_FIX,
    );
}
