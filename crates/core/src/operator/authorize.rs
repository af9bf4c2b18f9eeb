//! Checking [`Request`]s against a [`Policy`]: [`Policy::authorize`].

use std::fmt;

use super::{OperatorPublicKey, Policy, Purpose, Token};

/// One operator's request: their name and their signed token text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The operator asking.
    pub operator: String,
    /// The token text.
    pub token: String,
}

/// Why a request was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Refusal {
    /// The operator is not in the policy.
    UnknownOperator,
    /// The token could not be parsed (or is for another purpose).
    MalformedToken(String),
    /// The token names another operator.
    OperatorMismatch,
    /// The token authorizes something else.
    WrongSubject {
        /// The subject the token names.
        token: String,
        /// The subject asked for.
        expected: String,
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
    /// The cooldown since the event has not passed.
    CoolingDown {
        /// Milliseconds left.
        remaining_ms: u64,
    },
    /// The same operator appears twice in one quorum.
    DuplicateOperator,
    /// Two operators of one quorum have the same key.
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
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnknownOperator => f.write_str("unknown operator"),
            Self::MalformedToken(d) => write!(f, "malformed token: {d}"),
            Self::OperatorMismatch => f.write_str("token is for another operator"),
            Self::WrongSubject { token, expected } => {
                write!(f, "token is for {token}, not {expected}")
            }
            Self::Expired { expires_ms } => write!(f, "token expired at {expires_ms}"),
            Self::LifetimeTooLong => f.write_str("token lifetime exceeds policy"),
            Self::BadSignature => f.write_str("bad signature"),
            Self::CoolingDown { remaining_ms } => write!(f, "cooldown: {remaining_ms} ms left"),
            Self::DuplicateOperator => f.write_str("same operator twice"),
            Self::SameKey { first, second } => {
                write!(f, "operators {first} and {second} share one key")
            }
            Self::QuorumNotMet { have, need } => write!(f, "{have} of {need} required operators"),
        }
    }
}

impl std::error::Error for Refusal {}

fn ms(d: std::time::Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

impl Policy {
    /// Checks every request for `subject` under purpose `P`: each names a
    /// known operator, carries a token of that operator, signed with their
    /// key, for `subject`, not expired, within the lifetime, after the
    /// cooldown since `since_ms`; from distinct operators with distinct keys,
    /// at least the quorum of them. Returns each token with the key it
    /// verified under. Nonce reuse is the caller's check (a
    /// [`NonceStore`](super::NonceStore)), done after this and before acting.
    pub fn authorize<P: Purpose>(
        &self,
        reqs: &[Request],
        subject: &str,
        since_ms: u64,
        now_ms: u64,
    ) -> Result<Vec<(Token<P>, OperatorPublicKey)>, Refusal> {
        let mut tokens: Vec<(Token<P>, OperatorPublicKey)> = Vec::with_capacity(reqs.len());
        for req in reqs {
            if tokens.iter().any(|(t, _)| t.operator() == req.operator) {
                return Err(Refusal::DuplicateOperator);
            }
            let (token, key) = self.authorize_one::<P>(req, subject, since_ms, now_ms)?;
            if let Some((first, _)) = tokens.iter().find(|(_, k)| *k == key) {
                return Err(Refusal::SameKey {
                    first: first.operator().to_owned(),
                    second: req.operator.clone(),
                });
            }
            tokens.push((token, key));
        }
        if tokens.len() < self.required_operators() {
            return Err(Refusal::QuorumNotMet {
                have: tokens.len(),
                need: self.required_operators(),
            });
        }
        Ok(tokens)
    }

    /// Checks one request (no quorum); see [`Policy::authorize`].
    pub fn authorize_one<P: Purpose>(
        &self,
        req: &Request,
        subject: &str,
        since_ms: u64,
        now_ms: u64,
    ) -> Result<(Token<P>, OperatorPublicKey), Refusal> {
        let key = *self.key_of(&req.operator).ok_or(Refusal::UnknownOperator)?;
        let token = Token::<P>::parse(&req.token).map_err(Refusal::MalformedToken)?;
        if token.operator() != req.operator {
            return Err(Refusal::OperatorMismatch);
        }
        if !token.verify(&key) {
            return Err(Refusal::BadSignature);
        }
        if token.subject() != subject {
            return Err(Refusal::WrongSubject {
                token: token.subject().to_owned(),
                expected: subject.to_owned(),
            });
        }
        if now_ms > token.expires_ms() {
            return Err(Refusal::Expired {
                expires_ms: token.expires_ms(),
            });
        }
        if token.expires_ms() > now_ms.saturating_add(ms(self.token_lifetime())) {
            return Err(Refusal::LifetimeTooLong);
        }
        let ready_at = since_ms.saturating_add(ms(self.cooldown()));
        if now_ms < ready_at {
            return Err(Refusal::CoolingDown {
                remaining_ms: ready_at - now_ms,
            });
        }
        Ok((token, key))
    }
}
