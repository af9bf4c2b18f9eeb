//! The latch file: the tripped state, on disk, written atomically.
//!
//! The file is JSON (`{"format": "supreme-kill-switch-latch/1", "state": ...,
//! "trip": {...}}`). It is written to a temporary file in the same directory,
//! fsynced, renamed over the latch, and the directory is fsynced, so a crash
//! leaves either the old latch or the new one, never half of one.
//!
//! Reading fails closed: a file that exists but cannot be read, is too large,
//! is not valid JSON, has an unknown field or says "armed" counts as tripped.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};

use crate::error::KillSwitchError;
use crate::state::{State, TripRecord};

/// The `format` field of every latch file.
pub const LATCH_FORMAT: &str = "supreme-kill-switch-latch/1";

/// Latch files larger than this are corrupt.
pub const MAX_LATCH_BYTES: u64 = 64 * 1024;

/// What a latch file holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LatchContents {
    /// Always [`LATCH_FORMAT`].
    pub format: String,
    /// The state when last written (never `armed`).
    pub state: State,
    /// The trip.
    pub trip: TripRecord,
}

/// The result of looking for a latch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LatchRead {
    /// No latch file: the switch may start armed.
    Absent,
    /// A valid latch: the switch starts tripped.
    Present(LatchContents),
    /// A latch that exists but cannot be trusted: the switch starts tripped.
    Corrupt {
        /// Why.
        detail: String,
        /// SHA-256 of the bytes read (empty input when unreadable), in hex;
        /// it names this trip for reset tokens.
        digest: String,
    },
}

impl LatchRead {
    /// Whether the latch says the switch is tripped (present or corrupt).
    pub fn is_tripped(&self) -> bool {
        !matches!(self, Self::Absent)
    }
}

/// Parses latch bytes. Never panics; any defect is an `Err` with the reason.
pub fn parse_latch(bytes: &[u8]) -> Result<LatchContents, String> {
    let contents: LatchContents = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
    if contents.format != LATCH_FORMAT {
        return Err(format!("unknown format {:?}", contents.format));
    }
    if contents.state == State::Armed {
        return Err("a latch cannot say armed".to_owned());
    }
    if contents.trip.id.is_empty() || !contents.trip.id.bytes().all(is_id_byte) {
        return Err("bad trip id".to_owned());
    }
    Ok(contents)
}

/// Bytes allowed in a trip id (they also appear in reset tokens).
pub(crate) fn is_id_byte(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'
}

/// Reads the latch at `path`.
pub fn read_latch(path: &Path) -> LatchRead {
    let mut bytes = Vec::new();
    let read = File::open(path).and_then(|f| {
        f.take(MAX_LATCH_BYTES + 1).read_to_end(&mut bytes)?;
        Ok(())
    });
    match read {
        Err(e) if e.kind() == io::ErrorKind::NotFound => LatchRead::Absent,
        Err(e) => LatchRead::Corrupt {
            detail: format!("unreadable: {e}"),
            digest: digest(&bytes),
        },
        Ok(()) if bytes.len() as u64 > MAX_LATCH_BYTES => LatchRead::Corrupt {
            detail: format!("larger than {MAX_LATCH_BYTES} bytes"),
            digest: digest(&bytes),
        },
        Ok(()) => match parse_latch(&bytes) {
            Ok(c) => LatchRead::Present(c),
            Err(detail) => LatchRead::Corrupt {
                detail,
                digest: digest(&bytes),
            },
        },
    }
}

fn digest(bytes: &[u8]) -> String {
    crate::hex::encode(ring::digest::digest(&ring::digest::SHA256, bytes).as_ref())
}

/// Writes the latch atomically: temporary file, fsync, rename, fsync of the
/// directory. The file is created with mode 0600.
pub fn write_latch(path: &Path, contents: &LatchContents) -> Result<(), KillSwitchError> {
    let bytes = serde_json::to_vec_pretty(contents).map_err(|e| latch_err(path, &e))?;
    write_atomic(path, &bytes).map_err(|e| latch_err(path, &e))
}

/// Removes the latch and fsyncs its directory. A missing latch is fine.
pub fn remove_latch(path: &Path) -> Result<(), KillSwitchError> {
    match fs::remove_file(path) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(latch_err(path, &e)),
    }
    sync_dir(path).map_err(|e| latch_err(path, &e))
}

fn latch_err(path: &Path, e: &dyn std::fmt::Display) -> KillSwitchError {
    KillSwitchError::Latch {
        path: path.to_owned(),
        detail: e.to_string(),
    }
}

fn parent(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let name = path.file_name().ok_or_else(|| {
        io::Error::new(io::ErrorKind::InvalidInput, "latch path has no file name")
    })?;
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(name);
    tmp_name.push(format!(
        ".tmp.{}.{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let tmp: PathBuf = parent(path).join(tmp_name);
    let result = (|| {
        let mut f = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        fs::rename(&tmp, path)?;
        sync_dir(path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

fn sync_dir(path: &Path) -> io::Result<()> {
    File::open(parent(path))?.sync_all()
}

#[cfg(test)]
mod tests;
