//! Authorized reset: operator keys, signed tokens, cooldown.
//!
//! The switch only ever holds operators' *public* keys. A reset needs a token
//! signed offline by an operator's Ed25519 key over the trip id, the
//! operator's name, a nonce and an expiry, so nothing on the trip path (the
//! bot, a trigger, the `trigger` command) can undo a trip.

mod token;

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use serde::Deserialize;

use crate::error::KillSwitchError;
pub(crate) use token::INIT_PREFIX;
pub use token::{OperatorKey, OperatorPublicKey, ResetToken};

/// Who may reset, and how long after a trip.
#[derive(Debug, Clone)]
pub struct ResetPolicy {
    operators: BTreeMap<String, OperatorPublicKey>,
    cooldown: Duration,
    max_token_lifetime: Duration,
    quorum: usize,
}

impl ResetPolicy {
    /// No operators (every reset is refused) and the given cooldown.
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

    /// How many distinct operators a reset needs.
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

    /// This policy without its cooldown (for `init`: there is no trip to
    /// cool down from).
    pub(crate) fn without_cooldown(&self) -> Self {
        Self {
            cooldown: Duration::ZERO,
            ..self.clone()
        }
    }

    /// The cooldown since the trip.
    pub fn cooldown(&self) -> Duration {
        self.cooldown
    }

    /// The longest token lifetime accepted.
    pub fn token_lifetime(&self) -> Duration {
        self.max_token_lifetime
    }

    /// Whether any operator is authorized (an armed latch is then checked
    /// against this policy).
    pub fn has_operators(&self) -> bool {
        !self.operators.is_empty()
    }

    /// The key of `name`, if authorized.
    pub fn key_of(&self, name: &str) -> Option<&OperatorPublicKey> {
        self.operators.get(name)
    }

    /// Parses a policy file: `{"cooldown_secs": 300, "operators": {"alice":
    /// "<64 hex digits of the Ed25519 public key>"}}`, optionally with
    /// `"quorum": 2` and `"max_token_lifetime_secs"`. Unknown fields reject.
    pub fn from_json(text: &str) -> Result<Self, KillSwitchError> {
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
        let malformed = |detail: String| KillSwitchError::Malformed {
            what: "reset policy",
            detail,
        };
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
            if !token::valid_operator_name(&name) {
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

/// A reset request: the operator and their signed token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResetRequest {
    /// The operator asking.
    pub operator: String,
    /// The token text (`ksr1. ...`).
    pub token: String,
}

/// Why a reset was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ResetRefusal {
    /// The switch is armed; there is nothing to reset.
    NotTripped,
    /// A halt or flatten is running; wait for it to finish or fail.
    ActionInProgress(crate::State),
    /// The operator is not in the policy.
    UnknownOperator,
    /// The token could not be parsed.
    MalformedToken(String),
    /// The token names another operator.
    OperatorMismatch,
    /// The token names another trip.
    WrongTrip {
        /// The trip the token names.
        token: String,
        /// The current trip.
        current: String,
    },
    /// The token expired.
    Expired {
        /// Its expiry.
        expires_ms: u64,
    },
    /// The token's expiry is further away than the policy allows.
    LifetimeTooLong,
    /// The signature does not verify with the operator's key.
    BadSignature,
    /// The token was already used.
    Replayed,
    /// The cooldown since the trip has not passed.
    CoolingDown {
        /// Milliseconds left.
        remaining_ms: u64,
    },
    /// The same operator appears twice in one quorum reset.
    DuplicateOperator,
    /// Two operators of one quorum reset have the same key: one person
    /// cannot make a quorum under two names.
    SameKey {
        /// The first operator.
        first: String,
        /// The second operator, whose key is the first's.
        second: String,
    },
    /// Fewer distinct operators than the policy's quorum.
    QuorumNotMet {
        /// Operators whose tokens were valid.
        have: usize,
        /// Operators needed.
        need: usize,
    },
    /// The armed latch could not be written, so the reset would not survive
    /// a restart; the switch stays tripped (the tokens are spent).
    LatchNotWritten(String),
    /// The nonce store is missing or unreadable: no reset can be checked
    /// for replay, so none passes.
    NonceStore(String),
    /// The latch on disk no longer holds the trip being reset.
    LatchChanged {
        /// The trip id on disk now (or "armed").
        on_disk: String,
    },
    /// The latch is missing: there is no written trip to reset. A new
    /// switch is armed with `init`.
    NeedsInit,
}

impl fmt::Display for ResetRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotTripped => f.write_str("not tripped"),
            Self::ActionInProgress(s) => write!(f, "procedure in progress ({s})"),
            Self::UnknownOperator => f.write_str("unknown operator"),
            Self::MalformedToken(d) => write!(f, "malformed token: {d}"),
            Self::OperatorMismatch => f.write_str("token is for another operator"),
            Self::WrongTrip { token, current } => {
                write!(f, "token is for trip {token}, current trip is {current}")
            }
            Self::Expired { expires_ms } => write!(f, "token expired at {expires_ms}"),
            Self::LifetimeTooLong => f.write_str("token lifetime exceeds policy"),
            Self::BadSignature => f.write_str("bad signature"),
            Self::Replayed => f.write_str("token already used"),
            Self::CoolingDown { remaining_ms } => {
                write!(f, "cooldown: {remaining_ms} ms left")
            }
            Self::DuplicateOperator => f.write_str("same operator twice"),
            Self::SameKey { first, second } => {
                write!(f, "operators {first} and {second} share one key")
            }
            Self::QuorumNotMet { have, need } => {
                write!(f, "{have} of {need} required operators")
            }
            Self::LatchNotWritten(d) => write!(f, "armed latch not written: {d}"),
            Self::NonceStore(d) => {
                write!(f, "nonce store unavailable, every reset is refused: {d}")
            }
            Self::LatchChanged { on_disk } => {
                write!(f, "the latch changed on disk (now {on_disk})")
            }
            Self::NeedsInit => f.write_str(
                "no latch on disk: a new switch is armed with `supreme kill-switch init`",
            ),
        }
    }
}

/// Checks every request of a (quorum) reset for the trip `trip_id`: each
/// passes [`authorize`], from distinct operators with distinct keys, at least
/// the policy's quorum of them. Returns each token with the key it verified
/// under. Does not check nonce reuse.
pub(crate) fn authorize_all(
    policy: &ResetPolicy,
    reqs: &[ResetRequest],
    trip_id: &str,
    tripped_at_ms: u64,
    now_ms: u64,
) -> Result<Vec<(ResetToken, OperatorPublicKey)>, ResetRefusal> {
    let mut tokens: Vec<(ResetToken, OperatorPublicKey)> = Vec::with_capacity(reqs.len());
    for req in reqs {
        if tokens.iter().any(|(t, _)| t.operator() == req.operator) {
            return Err(ResetRefusal::DuplicateOperator);
        }
        let token = authorize(policy, req, trip_id, tripped_at_ms, now_ms)?;
        let key = *policy
            .key_of(&req.operator)
            .ok_or(ResetRefusal::UnknownOperator)?;
        if let Some((first, _)) = tokens.iter().find(|(_, k)| *k == key) {
            return Err(ResetRefusal::SameKey {
                first: first.operator().to_owned(),
                second: req.operator.clone(),
            });
        }
        tokens.push((token, key));
    }
    if tokens.len() < policy.required_operators() {
        return Err(ResetRefusal::QuorumNotMet {
            have: tokens.len(),
            need: policy.required_operators(),
        });
    }
    Ok(tokens)
}

/// Checks `req` against `policy` for the trip `trip_id` tripped at
/// `tripped_at_ms`, at `now_ms`. Does not check state, nonce reuse or the
/// latch; the switch does.
pub(crate) fn authorize(
    policy: &ResetPolicy,
    req: &ResetRequest,
    trip_id: &str,
    tripped_at_ms: u64,
    now_ms: u64,
) -> Result<ResetToken, ResetRefusal> {
    let key = policy
        .key_of(&req.operator)
        .ok_or(ResetRefusal::UnknownOperator)?;
    let token = ResetToken::parse(&req.token).map_err(ResetRefusal::MalformedToken)?;
    if token.operator() != req.operator {
        return Err(ResetRefusal::OperatorMismatch);
    }
    if !token.verify(key) {
        return Err(ResetRefusal::BadSignature);
    }
    if token.trip_id() != trip_id {
        return Err(ResetRefusal::WrongTrip {
            token: token.trip_id().to_owned(),
            current: trip_id.to_owned(),
        });
    }
    if now_ms > token.expires_ms() {
        return Err(ResetRefusal::Expired {
            expires_ms: token.expires_ms(),
        });
    }
    let lifetime = supreme_core::time::duration_ms(policy.max_token_lifetime);
    if token.expires_ms() > now_ms.saturating_add(lifetime) {
        return Err(ResetRefusal::LifetimeTooLong);
    }
    let ready_at = tripped_at_ms.saturating_add(supreme_core::time::duration_ms(policy.cooldown));
    if now_ms < ready_at {
        return Err(ResetRefusal::CoolingDown {
            remaining_ms: ready_at - now_ms,
        });
    }
    Ok(token)
}

#[cfg(test)]
mod tests;
