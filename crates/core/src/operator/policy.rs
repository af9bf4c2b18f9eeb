//! [`Policy`]: who may authorize, how many of them, how soon, for how long.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Deserialize;

use super::{Error, OperatorPublicKey, valid_operator_name};

/// The operators' public keys, the quorum, the cooldown and the longest
/// token lifetime. One policy file serves every [`Purpose`](super::Purpose):
/// the kill switch's reset and the risk book's breach clearing.
///
/// ```
/// use std::time::Duration;
/// use supreme_core::operator::Policy;
///
/// let key = "ab".repeat(32);
/// let policy = Policy::from_json(&format!(
///     r#"{{"cooldown_secs": 300, "quorum": 1, "operators": {{"alice": "{key}"}}}}"#
/// ))?;
/// assert_eq!(policy.cooldown(), Duration::from_secs(300));
/// assert!(policy.key_of("alice").is_some());
/// # Ok::<(), supreme_core::operator::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Policy {
    operators: BTreeMap<String, OperatorPublicKey>,
    cooldown: Duration,
    max_token_lifetime: Duration,
    quorum: usize,
}

impl Policy {
    /// No operators (everything is refused) and the given cooldown.
    pub fn new(cooldown: Duration) -> Self {
        Self {
            operators: BTreeMap::new(),
            cooldown,
            max_token_lifetime: Duration::from_secs(3600),
            quorum: 1,
        }
    }

    /// Requires tokens from this many distinct operators (default 1; 2 is
    /// the two-person rule). Values below 1 count as 1. Operators are
    /// counted by key: two names with one key count once.
    #[must_use]
    pub fn quorum(mut self, operators: usize) -> Self {
        self.quorum = operators.max(1);
        self
    }

    /// How many distinct operators an authorization needs.
    pub fn required_operators(&self) -> usize {
        self.quorum
    }

    /// Authorizes an operator's public key.
    #[must_use]
    pub fn operator(mut self, name: impl Into<String>, key: OperatorPublicKey) -> Self {
        self.operators.insert(name.into(), key);
        self
    }

    /// Tokens expiring further in the future than this are refused
    /// (default one hour).
    #[must_use]
    pub fn max_token_lifetime(mut self, d: Duration) -> Self {
        self.max_token_lifetime = d;
        self
    }

    /// This policy without its cooldown (where there is nothing to cool
    /// down from, as the first arming of a kill switch).
    pub fn without_cooldown(&self) -> Self {
        Self {
            cooldown: Duration::ZERO,
            ..self.clone()
        }
    }

    /// The cooldown since the event being undone.
    pub fn cooldown(&self) -> Duration {
        self.cooldown
    }

    /// The longest token lifetime accepted.
    pub fn token_lifetime(&self) -> Duration {
        self.max_token_lifetime
    }

    /// Whether any operator is authorized.
    pub fn has_operators(&self) -> bool {
        !self.operators.is_empty()
    }

    /// The key of `name`, if authorized.
    pub fn key_of(&self, name: &str) -> Option<&OperatorPublicKey> {
        self.operators.get(name)
    }

    /// Parses a policy file: `{"cooldown_secs": 300, "operators": {"alice":
    /// "<64 hex digits of the Ed25519 public key>"}}`, optionally with
    /// `"quorum": 2` and `"max_token_lifetime_secs"`. Unknown fields reject;
    /// so do a quorum above the number of operators and one key under two
    /// names.
    pub fn from_json(text: &str) -> Result<Self, Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct File {
            cooldown_secs: u64,
            #[serde(default)]
            max_token_lifetime_secs: Option<u64>,
            #[serde(default)]
            quorum: Option<usize>,
            operators: BTreeMap<String, String>,
        }
        let malformed = |detail: String| Error::malformed("reset policy", detail);
        let file: File = serde_json::from_str(text).map_err(|e| malformed(e.to_string()))?;
        let mut policy = Self::new(Duration::from_secs(file.cooldown_secs));
        if let Some(s) = file.max_token_lifetime_secs {
            policy = policy.max_token_lifetime(Duration::from_secs(s));
        }
        if let Some(q) = file.quorum {
            if q == 0 || q > file.operators.len() {
                return Err(malformed(format!(
                    "quorum {q} must be between 1 and the number of operators"
                )));
            }
            policy = policy.quorum(q);
        }
        for (name, key) in file.operators {
            if !valid_operator_name(&name) {
                return Err(malformed(format!("bad operator name {name:?}")));
            }
            let key = OperatorPublicKey::from_hex(&key)?;
            if let Some((other, _)) = policy.operators.iter().find(|(_, k)| **k == key) {
                return Err(malformed(format!(
                    "operators {other:?} and {name:?} have the same key: a quorum counts keys, so each operator needs their own"
                )));
            }
            policy = policy.operator(name, key);
        }
        Ok(policy)
    }
}
