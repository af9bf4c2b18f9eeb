//! The latch file: the switch's state on disk, written atomically.
//!
//! A switch with a latch starts armed **only** from a latch that says armed
//! and carries the operator signatures that armed it; everything else (no
//! file, an unreadable one, bad JSON, an unknown field or format, an armed
//! latch without valid signatures, or one the reset policy does not
//! authorize) reads as tripped. Tripping never needs a secret; only "armed"
//! needs the operators' keys.
//!
//! The format is versioned JSON, one document for every state:
//!
//! ```text
//! {"format": "supreme-kill-switch-latch/2", "state": "tripped", "trip": {...}}
//! {"format": "supreme-kill-switch-latch/2", "state": "armed",
//!  "armed": {"trip_id": "...", "at_ms": N,
//!            "signatures": [{"operator": "alice", "public_key": "<hex>", "token": "ksr1...."}]}}
//! ```
//!
//! The signatures are the reset tokens that armed it: tokens for the trip
//! that was reset, or for an `init-` id ([`KillSwitchBuilder::init`](crate::KillSwitchBuilder::init)).
//! Fleet mode stores this same document as its record in Redis; there is no
//! second format. `supreme-kill-switch-latch/1` files (tripped only) still
//! read.
//!
//! Writes go through core's [`write_atomic`](supreme_core::files::write_atomic):
//! a random 0600 temporary file in the same directory, fsynced, renamed over
//! the latch, and the directory is fsynced, so a crash leaves either the old
//! latch or the new one, never half of one (and the next write removes the
//! temporary file a crash left).
//!
//! # Residual risk: replay of an old armed latch
//!
//! The bot's user can write the latch, so it can put back a copy of an
//! armed latch it saved earlier (with the nonce store of that time): the
//! signatures in it are genuine. A file on the bot's host cannot tell an
//! old armed latch from the current one; fleet mode closes this by keeping
//! the authoritative record in Redis, out of the bot user's reach.

mod armed;
mod open;

use std::fs::{self, File};
use std::io::{self, Read};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::state::{State, TripRecord};
pub use armed::{ArmRecord, ArmSignature, MAX_SIGNATURES};
pub(crate) use open::open_locked;
pub use open::{Standing, open_latch};

/// The `format` field written to every latch file.
pub const LATCH_FORMAT: &str = "supreme-kill-switch-latch/2";

/// The first format (tripped latches only); still read.
pub const LATCH_FORMAT_V1: &str = "supreme-kill-switch-latch/1";

/// Latch files larger than this are corrupt.
pub const MAX_LATCH_BYTES: u64 = 64 * 1024;

/// What a latch file holds: `trip` in every state but armed, `armed` in
/// armed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LatchContents {
    /// [`LATCH_FORMAT`] (or [`LATCH_FORMAT_V1`] in an old file).
    pub format: String,
    /// The state when last written.
    pub state: State,
    /// The trip (every state but armed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trip: Option<TripRecord>,
    /// Who armed it (armed only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub armed: Option<ArmRecord>,
}

impl LatchContents {
    /// A latch for a trip in `state` (not armed).
    pub fn tripped(state: State, trip: TripRecord) -> Self {
        Self {
            format: LATCH_FORMAT.to_owned(),
            state,
            trip: Some(trip),
            armed: None,
        }
    }

    /// An armed latch.
    pub fn armed(record: ArmRecord) -> Self {
        Self {
            format: LATCH_FORMAT.to_owned(),
            state: State::Armed,
            trip: None,
            armed: Some(record),
        }
    }
}

/// The result of reading a latch, before the reset policy is applied (see
/// [`open_latch`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LatchRead {
    /// No latch file: reads as tripped (a new switch needs `init`).
    Absent,
    /// A well-formed latch; when armed, its signatures verify under the keys
    /// it names (the policy is checked by [`open_latch`]).
    Present(LatchContents),
    /// A latch that exists but cannot be trusted: reads as tripped.
    Corrupt {
        /// Why.
        detail: String,
        /// SHA-256 of the bytes read (empty input when unreadable), in hex.
        /// It recognizes the same corruption again; it is not the trip id
        /// (that is random, kept in the nonce store).
        digest: String,
    },
}

impl LatchRead {
    /// Whether the latch reads as tripped: absent, corrupt, or any state but
    /// armed. An armed latch must still pass the policy ([`open_latch`]).
    pub fn is_tripped(&self) -> bool {
        !matches!(self, Self::Present(c) if c.state == State::Armed)
    }
}

/// Parses latch bytes. Never panics; any defect is an `Err` with the reason.
/// An armed latch parses only if it carries at least one signature and every
/// signature verifies under the key it names, for the trip it names.
pub fn parse_latch(bytes: &[u8]) -> Result<LatchContents, String> {
    let contents: LatchContents = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
    match (contents.format.as_str(), contents.state) {
        (LATCH_FORMAT, _) => {}
        (LATCH_FORMAT_V1, s) if s != State::Armed => {}
        (f, _) => return Err(format!("unknown format {f:?} for state {}", contents.state)),
    }
    match (&contents.trip, &contents.armed, contents.state) {
        (None, Some(armed), State::Armed) => armed.verify_signatures()?,
        (Some(trip), None, s) if s != State::Armed => {
            if !valid_id(&trip.id) {
                return Err("bad trip id".to_owned());
            }
        }
        (_, _, State::Armed) => {
            return Err("an armed latch needs \"armed\" and no \"trip\"".to_owned());
        }
        _ => return Err("a tripped latch needs \"trip\" and no \"armed\"".to_owned()),
    }
    Ok(contents)
}

/// A trip id: 1 to 128 of `a-z 0-9 -`.
pub(crate) fn valid_id(id: &str) -> bool {
    (1..=128).contains(&id.len()) && id.bytes().all(is_id_byte)
}

/// Bytes allowed in a trip id (they also appear in reset tokens).
pub(crate) fn is_id_byte(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'
}

/// Reads up to [`MAX_LATCH_BYTES`] + 1 bytes; `Ok(None)` when there is no file.
pub(crate) fn read_bytes(path: &Path) -> io::Result<Option<Vec<u8>>> {
    let mut bytes = Vec::new();
    match File::open(path).and_then(|f| f.take(MAX_LATCH_BYTES + 1).read_to_end(&mut bytes)) {
        Ok(_) => Ok(Some(bytes)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// Reads the latch at `path`.
pub fn read_latch(path: &Path) -> LatchRead {
    match read_bytes(path) {
        Ok(None) => LatchRead::Absent,
        Ok(Some(bytes)) => classify(&bytes),
        Err(e) => LatchRead::Corrupt {
            detail: format!("unreadable: {e}"),
            digest: digest(&[]),
        },
    }
}

/// Parses bytes read from a latch file.
pub(crate) fn classify(bytes: &[u8]) -> LatchRead {
    if bytes.len() as u64 > MAX_LATCH_BYTES {
        return LatchRead::Corrupt {
            detail: format!("larger than {MAX_LATCH_BYTES} bytes"),
            digest: digest(bytes),
        };
    }
    match parse_latch(bytes) {
        Ok(c) => LatchRead::Present(c),
        Err(detail) => LatchRead::Corrupt {
            detail,
            digest: digest(bytes),
        },
    }
}

pub(crate) fn digest(bytes: &[u8]) -> String {
    crate::hex::encode(ring::digest::digest(&ring::digest::SHA256, bytes).as_ref())
}

/// Writes the latch atomically: temporary file, fsync, rename, fsync of the
/// directory. The file is created with mode 0600.
pub fn write_latch(path: &Path, contents: &LatchContents) -> Result<(), Error> {
    let bytes = serde_json::to_vec_pretty(contents).map_err(|e| latch_err(path, &e))?;
    write_atomic(path, &bytes).map_err(|e| latch_err(path, &e))
}

/// Removes the latch and fsyncs its directory. A missing latch is fine.
/// A switch with a latch reads a missing one as tripped: this does not
/// re-arm anything (arm with `init` or a reset).
pub fn remove_latch(path: &Path) -> Result<(), Error> {
    match fs::remove_file(path) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(latch_err(path, &e)),
    }
    sync_dir(path).map_err(|e| latch_err(path, &e))
}

pub(crate) fn latch_err(path: &Path, e: &dyn std::fmt::Display) -> Error {
    Error::Latch {
        path: path.to_owned(),
        detail: e.to_string(),
    }
}

pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), supreme_core::files::Error> {
    supreme_core::files::write_atomic(path, bytes)
}

/// Writes a latch that must not exist yet (`init`): the temporary file is
/// hard-linked to `path`, which fails if anything is there.
pub(crate) fn write_new_latch(path: &Path, contents: &LatchContents) -> Result<(), Error> {
    let bytes = serde_json::to_vec_pretty(contents).map_err(|e| latch_err(path, &e))?;
    supreme_core::files::write_new(path, &bytes).map_err(|e| latch_err(path, &e))
}

fn sync_dir(path: &Path) -> Result<(), supreme_core::files::Error> {
    supreme_core::files::sync_parent(path)
}

#[cfg(test)]
mod tests;
