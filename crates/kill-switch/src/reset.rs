//! Authorized reset: operator keys, signed tokens, cooldown.
//!
//! The switch only ever holds operators' *public* keys. A reset needs a token
//! signed offline by an operator's Ed25519 key over the trip id, the
//! operator's name, a nonce and an expiry, so nothing on the trip path (the
//! bot, a trigger, the `trigger` command) can undo a trip.

use std::fmt;

use supreme_core::operator::KillSwitchReset;

use crate::error::Error;

pub use supreme_core::operator::{OperatorKey, OperatorPublicKey, Refusal};

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

/// Why a reset was refused: the kill switch's own reasons, and core's
/// operator [`Refusal`] for everything the policy judges (unknown operator,
/// bad signature, wrong trip, cooldown, quorum, ...), listed once, in core,
/// as risk-limits' `ClearRefusal` does.
///
/// ```
/// use supreme_kill_switch::{Refusal, ResetRefusal};
/// let r = ResetRefusal::from(Refusal::CoolingDown { remaining_ms: 5 });
/// assert_eq!(r, ResetRefusal::Operator(Refusal::CoolingDown { remaining_ms: 5 }));
/// assert_eq!(r.to_string(), "cooldown: 5 ms left");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ResetRefusal {
    /// The switch is armed; there is nothing to reset.
    NotTripped,
    /// A halt or flatten is running; wait for it to finish or fail.
    ActionInProgress(crate::State),
    /// A token did not pass core's operator policy. Its subject is the
    /// trip id: [`Refusal::WrongSubject`] is a token for another trip.
    Operator(Refusal),
    /// The token was already used.
    Replayed,
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
}

impl fmt::Display for ResetRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotTripped => f.write_str("not tripped"),
            Self::ActionInProgress(s) => write!(f, "procedure in progress ({s})"),
            // The subject of a reset token is a trip: said so.
            Self::Operator(Refusal::WrongSubject { token, expected }) => {
                write!(f, "token is for trip {token}, current trip is {expected}")
            }
            Self::Operator(r) => r.fmt(f),
            Self::Replayed => f.write_str("token already used"),
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
        }
    }
}

impl From<Refusal> for ResetRefusal {
    fn from(r: Refusal) -> Self {
        Self::Operator(r)
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
