//! What a latch says, once judged against the reset policy.

use std::collections::BTreeMap;
use std::path::Path;

use super::{ArmRecord, LatchRead, classify, digest, read_bytes};
use crate::nonce_store::{NonceStore, random_id};
use crate::reset::ResetPolicy;
use crate::state::{State, Trigger, TripRecord};

/// Where a switch with this latch stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Standing {
    /// An armed latch whose signatures verify and satisfy the policy.
    Armed(ArmRecord),
    /// Anything else: a trip (with the state written, `Tripped` when made
    /// up for a missing or untrusted latch).
    Tripped {
        /// The state in the latch.
        state: State,
        /// The trip. For a missing latch its trigger is
        /// [`Trigger::LatchMissing`] (no reset: a new switch needs `init`);
        /// for an untrusted one [`Trigger::CorruptLatch`], with the random
        /// id and the first sighting kept in the nonce store.
        record: TripRecord,
    },
}

impl Standing {
    /// The state.
    pub fn state(&self) -> State {
        match self {
            Self::Armed(_) => State::Armed,
            Self::Tripped { state, .. } => *state,
        }
    }
}

/// Reads the latch at `path` and judges it against `policy` at `now_ms`.
///
/// A corrupt or unauthorized latch gets a random trip id and the time it was
/// first seen, both kept in the nonce store (recorded by the first process
/// that sees it), so a reset token for it stays valid, and its cooldown runs,
/// across processes. Without a readable nonce store the id is random for this
/// process only (no reset can pass anyway).
///
/// ```
/// use std::time::Duration;
/// use supreme_kill_switch::latch::{Standing, open_latch};
/// use supreme_kill_switch::{ResetPolicy, State, Trigger};
///
/// let path = std::env::temp_dir().join("ks-open-latch-doc-no-such-latch.json");
/// let policy = ResetPolicy::new(Duration::from_secs(60));
/// match open_latch(&path, &policy, 1_700_000_000_000) {
///     Standing::Tripped { state, record } => {
///         assert_eq!(state, State::Tripped);
///         assert_eq!(record.trigger, Trigger::LatchMissing);
///     }
///     Standing::Armed(_) => unreachable!("a missing latch never reads as armed"),
/// }
/// ```
pub fn open_latch(path: &Path, policy: &ResetPolicy, now_ms: u64) -> Standing {
    judge(path, policy, now_ms, |digest| {
        let mut store = NonceStore::open(path)?;
        store.sighting(digest, now_ms)
    })
}

/// [`open_latch`] with the nonce store already locked by the caller.
pub(crate) fn open_locked(
    path: &Path,
    policy: &ResetPolicy,
    now_ms: u64,
    store: &mut NonceStore,
) -> Standing {
    judge(path, policy, now_ms, |digest| {
        store.sighting(digest, now_ms)
    })
}

fn judge(
    path: &Path,
    policy: &ResetPolicy,
    now_ms: u64,
    sighting: impl FnOnce(&str) -> Result<crate::nonce_store::Sighting, String>,
) -> Standing {
    let (read, bytes) = match read_bytes(path) {
        Ok(None) => (LatchRead::Absent, Vec::new()),
        Ok(Some(b)) => (classify(&b), b),
        Err(e) => (
            LatchRead::Corrupt {
                detail: format!("unreadable: {e}"),
                digest: digest(&[]),
            },
            Vec::new(),
        ),
    };
    let untrusted = |detail: String, digest: String| {
        let (id, at_ms, note) = match sighting(&digest) {
            Ok(s) => (s.trip_id, s.first_seen_ms, String::new()),
            Err(e) => (
                random_id("corrupt-", 16).unwrap_or_else(|| "corrupt-unidentified".to_owned()),
                now_ms,
                format!(" (nonce store: {e}; every reset is refused)"),
            ),
        };
        Standing::Tripped {
            state: State::Tripped,
            record: TripRecord {
                id,
                trigger: Trigger::CorruptLatch,
                reason: format!("latch {} cannot be trusted: {detail}{note}", path.display()),
                who: "latch".to_owned(),
                at_ms,
                values: BTreeMap::from([("latch_sha256".to_owned(), digest)]),
            },
        }
    };
    match read {
        LatchRead::Absent => Standing::Tripped {
            state: State::Tripped,
            record: TripRecord {
                id: random_id("missing-", 8).unwrap_or_else(|| "missing".to_owned()),
                trigger: Trigger::LatchMissing,
                reason: format!(
                    "no latch at {}: a missing latch reads as tripped (a new switch needs `supreme kill-switch init`)",
                    path.display()
                ),
                who: "latch".to_owned(),
                at_ms: now_ms,
                values: BTreeMap::new(),
            },
        },
        LatchRead::Corrupt { detail, digest } => untrusted(detail, digest),
        LatchRead::Present(c) => match (c.armed, c.trip) {
            (Some(armed), _) => match armed.check_policy(policy) {
                Ok(()) => Standing::Armed(armed),
                Err(detail) => untrusted(detail, digest(&bytes)),
            },
            (None, Some(record)) => Standing::Tripped {
                state: c.state,
                record,
            },
            // parse_latch refuses this shape.
            (None, None) => untrusted("neither armed nor a trip".to_owned(), digest(&bytes)),
        },
    }
}
