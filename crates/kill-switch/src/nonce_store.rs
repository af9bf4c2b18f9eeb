//! The nonce store: used reset nonces and the first sighting of a corrupt
//! latch, persisted beside the latch so they hold across processes.
//!
//! `<latch>.nonces` is a private file (mode 0600, refused if group or others
//! have any access), written atomically (temporary file, fsync, rename,
//! fsync of the directory), read and written under an exclusive `flock` of
//! `<latch>.lock`. Only [`KillSwitchBuilder::init`](crate::KillSwitchBuilder::init)
//! creates it: a missing or unreadable store refuses every reset, since a
//! fresh one would let every used token work again.

use std::collections::BTreeSet;
use std::fs::File;
use std::io::{self, Read};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use ring::rand::{SecureRandom, SystemRandom};
use serde::{Deserialize, Serialize};
use supreme_core::files::FileLock;

/// The `format` field of the nonce store.
const FORMAT: &str = "supreme-kill-switch-nonces/1";
/// A store larger than this is unreadable (about 60,000 resets).
const MAX_BYTES: u64 = 4 * 1024 * 1024;
/// How long to wait for another process holding the lock.
const LOCK_WAIT: Duration = Duration::from_secs(5);

/// The nonce store of the latch at `latch`: `<latch>.nonces`.
///
/// ```
/// use std::path::Path;
/// let store = supreme_kill_switch::nonce_store_path(Path::new("/var/lib/bot/kill-switch.latch"));
/// assert_eq!(store, Path::new("/var/lib/bot/kill-switch.latch.nonces"));
/// ```
pub fn nonce_store_path(latch: &Path) -> PathBuf {
    sibling(latch, ".nonces")
}

fn sibling(latch: &Path, suffix: &str) -> PathBuf {
    let mut name = latch.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StoreFile {
    format: String,
    used: BTreeSet<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    corrupt: Option<Sighting>,
}

/// The first sighting of one corrupt latch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Sighting {
    /// SHA-256 of the corrupt bytes, to recognize the same corruption.
    pub(crate) latch_sha256: String,
    /// The random trip id given to it.
    pub(crate) trip_id: String,
    /// When it was first seen.
    pub(crate) first_seen_ms: u64,
}

/// The store, loaded and locked (the lock is held until drop).
#[derive(Debug)]
pub(crate) struct NonceStore {
    path: PathBuf,
    file: StoreFile,
    _lock: FileLock,
}

impl NonceStore {
    /// Locks and loads the store of `latch`. Missing, unreadable, not
    /// private or malformed: `Err` with the reason.
    pub(crate) fn open(latch: &Path) -> Result<Self, String> {
        let lock = lock(latch)?;
        let path = nonce_store_path(latch);
        let file = load(&path)?.ok_or_else(|| format!("{}: missing", path.display()))?;
        Ok(Self {
            path,
            file,
            _lock: lock,
        })
    }

    /// Like [`NonceStore::open`], but a missing store is created (empty).
    pub(crate) fn open_or_create(latch: &Path) -> Result<Self, String> {
        let lock = lock(latch)?;
        let path = nonce_store_path(latch);
        let file = match load(&path)? {
            Some(f) => f,
            None => {
                let f = StoreFile {
                    format: FORMAT.to_owned(),
                    ..StoreFile::default()
                };
                save(&path, &f)?;
                f
            }
        };
        Ok(Self {
            path,
            file,
            _lock: lock,
        })
    }

    /// Whether `nonce` was used.
    pub(crate) fn is_used(&self, nonce: &str) -> bool {
        self.file.used.contains(nonce)
    }

    /// The sighting of the corrupt latch whose bytes hash to `digest`: the
    /// one recorded, or a new one (random trip id, first seen `now_ms`),
    /// persisted before it is returned.
    pub(crate) fn sighting(&mut self, digest: &str, now_ms: u64) -> Result<Sighting, String> {
        if let Some(s) = &self.file.corrupt
            && s.latch_sha256 == digest
        {
            return Ok(s.clone());
        }
        let s = Sighting {
            latch_sha256: digest.to_owned(),
            trip_id: random_id("corrupt-", 16).ok_or("random source failed")?,
            first_seen_ms: now_ms,
        };
        self.file.corrupt = Some(s.clone());
        save(&self.path, &self.file)?;
        Ok(s)
    }

    /// Records `nonces` as used (and forgets the corrupt sighting: the latch
    /// is about to be rewritten), persisted before this returns.
    pub(crate) fn commit<'a>(
        &mut self,
        nonces: impl IntoIterator<Item = &'a str>,
    ) -> Result<(), String> {
        self.file.used.extend(nonces.into_iter().map(str::to_owned));
        self.file.corrupt = None;
        save(&self.path, &self.file)
    }
}

/// `prefix` and `bytes` random bytes in hex, from ring's system random.
pub(crate) fn random_id(prefix: &str, bytes: usize) -> Option<String> {
    let mut buf = vec![0u8; bytes];
    SystemRandom::new().fill(&mut buf).ok()?;
    Some(format!("{prefix}{}", crate::hex::encode(&buf)))
}

/// The store's lock for a trip's latch write, waiting at most `TRIP_WAIT`:
/// a trip never waits long and never fails for want of the lock (it writes
/// anyway), but a reset in another process cannot overwrite it with an armed
/// latch between its check and its write.
pub(crate) fn lock_for_trip(latch: &Path) -> Option<FileLock> {
    lock_within(latch, TRIP_WAIT).ok()
}

/// How long a trip's latch write waits for a reset holding the lock.
const TRIP_WAIT: Duration = Duration::from_millis(500);

fn lock(latch: &Path) -> Result<FileLock, String> {
    lock_within(latch, LOCK_WAIT)
}

/// The exclusive lock of `<latch>.lock`, waiting at most `wait` (core's
/// [`FileLock`]: the holder's pid is in the file and named on timeout).
fn lock_within(latch: &Path, wait: Duration) -> Result<FileLock, String> {
    FileLock::acquire(&sibling(latch, ".lock"), wait).map_err(|e| e.to_string())
}

fn load(path: &Path) -> Result<Option<StoreFile>, String> {
    let err = |e: &dyn std::fmt::Display| format!("{}: {e}", path.display());
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(err(&e)),
    };
    let meta = file.metadata().map_err(|e| err(&e))?;
    if !meta.is_file() {
        return Err(err(&"not a regular file"));
    }
    if meta.mode() & 0o077 != 0 {
        return Err(err(&format!(
            "mode {:o}: the nonce store must be private (0600)",
            meta.mode() & 0o777
        )));
    }
    let mut bytes = Vec::new();
    file.take(MAX_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| err(&e))?;
    if bytes.len() as u64 > MAX_BYTES {
        return Err(err(&format!("larger than {MAX_BYTES} bytes")));
    }
    let store: StoreFile = serde_json::from_slice(&bytes).map_err(|e| err(&e))?;
    if store.format != FORMAT {
        return Err(err(&format!("unknown format {:?}", store.format)));
    }
    Ok(Some(store))
}

fn save(path: &Path, file: &StoreFile) -> Result<(), String> {
    let bytes = serde_json::to_vec(file).map_err(|e| e.to_string())?;
    crate::latch::write_atomic(path, &bytes).map_err(|e| format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests;
