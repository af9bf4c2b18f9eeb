//! The record of an arming: the tokens of the operators who armed it.

use serde::{Deserialize, Serialize};

use crate::reset::{OperatorPublicKey, ResetPolicy, ResetToken};

/// Signatures an armed latch may carry (a quorum is at most this).
pub const MAX_SIGNATURES: usize = 16;

/// Who armed the switch, and for which trip.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArmRecord {
    /// The trip the signatures reset, or an `init-` id for the first arming.
    pub trip_id: String,
    /// When it was armed, in milliseconds since the Unix epoch.
    pub at_ms: u64,
    /// One per operator, each a reset token for `trip_id`.
    pub signatures: Vec<ArmSignature>,
}

/// One operator's signature on an arming.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArmSignature {
    /// The operator's name.
    pub operator: String,
    /// The operator's Ed25519 public key, 64 hex digits.
    pub public_key: String,
    /// The reset token the operator signed (`ksr1. ...`).
    pub token: String,
}

impl ArmRecord {
    /// The record of an arming by `signed` (tokens already authorized,
    /// each with the key it verified under).
    pub(crate) fn new(
        trip_id: &str,
        at_ms: u64,
        signed: &[(ResetToken, OperatorPublicKey)],
    ) -> Self {
        Self {
            trip_id: trip_id.to_owned(),
            at_ms,
            signatures: signed
                .iter()
                .map(|(token, key)| ArmSignature {
                    operator: token.operator().to_owned(),
                    public_key: key.to_hex(),
                    token: token.to_text(),
                })
                .collect(),
        }
    }

    /// The operators who signed, in order.
    pub fn operators(&self) -> Vec<&str> {
        self.signatures
            .iter()
            .map(|s| s.operator.as_str())
            .collect()
    }

    /// Checks that every signature is a reset token for `trip_id` by the
    /// operator it names, verifying under the key it names, with no key
    /// twice. Says nothing about whether those keys are trusted.
    pub(crate) fn verify_signatures(&self) -> Result<(), String> {
        if !crate::latch::valid_id(&self.trip_id) {
            return Err("armed latch: bad trip id".to_owned());
        }
        if self.signatures.is_empty() {
            return Err("armed latch without operator signatures".to_owned());
        }
        if self.signatures.len() > MAX_SIGNATURES {
            return Err(format!(
                "armed latch with more than {MAX_SIGNATURES} signatures"
            ));
        }
        let mut keys = Vec::with_capacity(self.signatures.len());
        for s in &self.signatures {
            let bad = |why: &str| format!("armed latch: signature of {:?} {why}", s.operator);
            let key =
                OperatorPublicKey::from_hex(&s.public_key).map_err(|_| bad("has a bad key"))?;
            let token = ResetToken::parse(&s.token).map_err(|e| bad(&e))?;
            if token.operator() != s.operator {
                return Err(bad("is a token for another operator"));
            }
            if token.subject() != self.trip_id {
                return Err(bad("is for another trip"));
            }
            if !token.verify(&key) {
                return Err(bad("does not verify"));
            }
            if keys.contains(&key) {
                return Err(bad("repeats a key"));
            }
            keys.push(key);
        }
        Ok(())
    }

    /// Checks the signers against `policy`: when the policy names operators,
    /// at least its quorum of distinct policy keys must have signed (each
    /// signature's key must be the policy's key for that name). A policy
    /// with no operators checks nothing beyond [`parse_latch`](super::parse_latch).
    pub fn check_policy(&self, policy: &ResetPolicy) -> Result<(), String> {
        if !policy.has_operators() {
            return Ok(());
        }
        let mut trusted: Vec<&str> = Vec::new();
        for s in &self.signatures {
            let ours = policy.key_of(&s.operator).map(OperatorPublicKey::to_hex);
            if ours.as_deref() == Some(s.public_key.as_str())
                && !trusted.contains(&s.public_key.as_str())
            {
                trusted.push(&s.public_key);
            }
        }
        let need = policy.required_operators();
        if trusted.len() < need {
            return Err(format!(
                "armed latch signed by {} of the reset policy's operators, {need} required",
                trusted.len()
            ));
        }
        Ok(())
    }
}
