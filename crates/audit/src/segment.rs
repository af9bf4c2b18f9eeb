//! The files of a log: the active file, rotated segments, the lock file and
//! the export marker.
//!
//! For a log at `audit.log`: rotated files are `audit.log.<first seq, 20
//! digits>`, the writer holds `audit.log.lock`, and `audit.log.exported`
//! holds the last checkpoint exported (retention deletes a rotated file only
//! when that checkpoint covers all of it, see [`Retention`](crate::Retention)).

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use supreme_core::files::FileLock;

use crate::checkpoint::Checkpoint;
use crate::error::{Error, Result};

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// The rotated file that starts at `first_seq`.
pub fn segment_path(active: &Path, first_seq: u64) -> PathBuf {
    with_suffix(active, &format!(".{first_seq:020}"))
}

/// Where the last exported checkpoint is remembered.
pub fn exported_path(active: &Path) -> PathBuf {
    with_suffix(active, ".exported")
}

/// Rotated files of the log at `active`, oldest first, with their first seq.
pub fn list_segments(active: &Path) -> Result<Vec<(u64, PathBuf)>> {
    let dir = match active.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    let Some(name) = active.file_name().and_then(|n| n.to_str()) else {
        return Ok(Vec::new());
    };
    let prefix = format!("{name}.");
    let mut out = Vec::new();
    let entries = match fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(Error::io("list", &dir, e)),
    };
    for entry in entries {
        let entry = entry.map_err(|e| Error::io("list", &dir, e))?;
        let file_name = entry.file_name();
        let Some(digits) = file_name.to_str().and_then(|n| n.strip_prefix(&prefix)) else {
            continue;
        };
        if digits.len() == 20
            && digits.bytes().all(|b| b.is_ascii_digit())
            && let Ok(seq) = digits.parse()
        {
            out.push((seq, dir.join(&file_name)));
        }
    }
    out.sort();
    Ok(out)
}

/// All files of a log in order: rotated ones, then the active one if present.
pub fn log_files(active: &Path) -> Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = list_segments(active)?.into_iter().map(|(_, p)| p).collect();
    if active.exists() {
        files.push(active.to_owned());
    }
    Ok(files)
}

/// The exclusive writer lock (`<log>.lock`, holding the writer's pid),
/// released on drop.
#[derive(Debug)]
pub(crate) struct WriterLock {
    _lock: FileLock,
}

impl WriterLock {
    /// Takes the lock, waiting at most `wait` for a writer that is exiting
    /// (a restart right after `kill -9`).
    pub(crate) fn acquire(active: &Path, wait: Duration) -> Result<Self> {
        let lock = FileLock::acquire(&with_suffix(active, ".lock"), wait)?;
        Ok(Self { _lock: lock })
    }
}

/// Syncs the directory of `path` so renames and creations in it are durable.
pub(crate) fn sync_dir(path: &Path) -> Result<()> {
    Ok(supreme_core::files::sync_parent(path)?)
}

/// Writes `text` to `path` atomically and durably, mode 0600 (core's
/// [`write_atomic`](supreme_core::files::write_atomic)).
pub(crate) fn write_atomic(path: &Path, text: &str) -> Result<()> {
    Ok(supreme_core::files::write_atomic(path, text.as_bytes())?)
}

/// The last exported checkpoint, if any.
pub fn last_exported(active: &Path) -> Result<Option<Checkpoint>> {
    let path = exported_path(active);
    match fs::read_to_string(&path) {
        Ok(text) => Checkpoint::parse(&text).map(Some),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io("read", &path, e)),
    }
}
