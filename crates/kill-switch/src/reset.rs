//! Authorized reset: operator keys, signed tokens, cooldown.
//!
//! The switch only ever holds operators' *public* keys. A reset needs a token
//! signed offline by an operator's Ed25519 key over the trip id, the
//! operator's name, a nonce and an expiry, so nothing on the trip path (the
//! bot, a trigger, the `trigger` command) can undo a trip.

use std::fmt;

use supreme_core::operator::{KillSwitchReset, Refusal};

use crate::error::Error;

pub use supreme_core::operator::{OperatorKey, OperatorPublicKey};

/// Who may reset, and how long after a trip: core's operator
/// [`Policy`](supreme_core::operator::Policy), the one policy file format
/// shared with risk-limits' breach clearing.
pub type ResetPolicy = supreme_core::operator::Policy;

/// A reset request: the operator and their signed token (`ksr1. ...`).
pub type ResetRequest = supreme_core::operator::Request;

/// A parsed reset token:
/// `ksr1.<trip id>.<operator>.<nonce>.<expires ms>.<signature>`, signed
/// under the kill switch's own domain, so no other purpose's token (a risk
/// breach clear) is one.
pub type ResetToken = supreme_core::operator::Token<KillSwitchReset>;

/// Trip ids of tokens for a first arming start with this.
pub(crate) const INIT_PREFIX: &str = "init-";

/// Signing reset tokens with an [`OperatorKey`].
///
/// ```
/// use supreme_kill_switch::{OperatorKey, ResetToken, SignReset};
/// let key = OperatorKey::generate()?;
/// let text = key.sign_reset("trip-1", "alice", 1_700_000_060_000)?;
/// assert_eq!(ResetToken::parse(&text).unwrap().subject(), "trip-1");
/// # Ok::<(), supreme_kill_switch::Error>(())
/// ```
pub trait SignReset {
    /// Signs a reset token for trip `trip_id` as `operator`, valid until
    /// `expires_ms`, with a fresh random nonce.
    fn sign_reset(&self, trip_id: &str, operator: &str, expires_ms: u64) -> Result<String, Error>;

    /// Signs a token for the first arming of a new switch
    /// ([`KillSwitchBuilder::init`](crate::KillSwitchBuilder::init)) with a
    /// fresh `init-` id. For a quorum, the other operators sign the same id
    /// with [`SignReset::sign_reset`] (read it with [`ResetToken::parse`]).
    fn sign_init(&self, operator: &str, expires_ms: u64) -> Result<String, Error>;
}

impl SignReset for OperatorKey {
    fn sign_reset(&self, trip_id: &str, operator: &str, expires_ms: u64) -> Result<String, Error> {
        Ok(self.sign::<KillSwitchReset>(trip_id, operator, expires_ms)?)
    }

    fn sign_init(&self, operator: &str, expires_ms: u64) -> Result<String, Error> {
        let id = crate::nonce_store::random_id(INIT_PREFIX, 8).ok_or(Error::Setup {
            what: "init token",
            detail: "random source failed".to_owned(),
        })?;
        self.sign_reset(&id, operator, expires_ms)
    }
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
    /// The event sink refused the reset's record: no reset without a
    /// record, so the switch stays tripped (the tokens are spent when a
    /// latch holds them; sign new ones once the sink accepts again).
    NotRecorded(String),
    /// Refused by core's operator policy for a reason not listed above.
    Operator(Refusal),
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
            Self::NotRecorded(d) => write!(f, "the reset could not be recorded: {d}"),
            Self::Operator(r) => r.fmt(f),
        }
    }
}

impl From<Refusal> for ResetRefusal {
    fn from(r: Refusal) -> Self {
        match r {
            Refusal::UnknownOperator => Self::UnknownOperator,
            Refusal::MalformedToken(d) => Self::MalformedToken(d),
            Refusal::OperatorMismatch => Self::OperatorMismatch,
            Refusal::WrongSubject { token, expected } => Self::WrongTrip {
                token,
                current: expected,
            },
            Refusal::Expired { expires_ms } => Self::Expired { expires_ms },
            Refusal::LifetimeTooLong => Self::LifetimeTooLong,
            Refusal::BadSignature => Self::BadSignature,
            Refusal::CoolingDown { remaining_ms } => Self::CoolingDown { remaining_ms },
            Refusal::DuplicateOperator => Self::DuplicateOperator,
            Refusal::SameKey { first, second } => Self::SameKey { first, second },
            Refusal::QuorumNotMet { have, need } => Self::QuorumNotMet { have, need },
            other => Self::Operator(other),
        }
    }
}

/// Checks every request of a (quorum) reset for the trip `trip_id` with
/// core's [`Policy::authorize`](supreme_core::operator::Policy::authorize):
/// each token signed for this trip by a known operator, from distinct
/// operators with distinct keys, at least the policy's quorum of them, after
/// the cooldown since `tripped_at_ms`. Does not check nonce reuse.
pub(crate) fn authorize_all(
    policy: &ResetPolicy,
    reqs: &[ResetRequest],
    trip_id: &str,
    tripped_at_ms: u64,
    now_ms: u64,
) -> Result<Vec<(ResetToken, OperatorPublicKey)>, ResetRefusal> {
    Ok(policy.authorize::<KillSwitchReset>(reqs, trip_id, tripped_at_ms, now_ms)?)
}

/// Checks one request; see [`authorize_all`].
#[cfg(test)]
pub(crate) fn authorize(
    policy: &ResetPolicy,
    req: &ResetRequest,
    trip_id: &str,
    tripped_at_ms: u64,
    now_ms: u64,
) -> Result<ResetToken, ResetRefusal> {
    Ok(policy
        .authorize_one::<KillSwitchReset>(req, trip_id, tripped_at_ms, now_ms)?
        .0)
}

#[cfg(test)]
mod tests;
