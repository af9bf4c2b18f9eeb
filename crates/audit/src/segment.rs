//! The files of a log: the active file, rotated segments, the lock file and
//! the export marker.
//!
//! For a log at `audit.log`: rotated files are `audit.log.<first seq, 20
//! digits>`, the writer holds `audit.log.lock`, and `audit.log.exported`
//! holds the last checkpoint exported (retention deletes a rotated file only
//! when that checkpoint covers all of it).

use std::fs::{self, File};
use std::path::{Path, PathBuf};

use nix::fcntl::{Flock, FlockArg};

use crate::checkpoint::Checkpoint;
use crate::error::{AuditError, Result};

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
        Err(e) => return Err(AuditError::io("list", &dir, e)),
    };
    for entry in entries {
        let entry = entry.map_err(|e| AuditError::io("list", &dir, e))?;
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

/// The exclusive writer lock, released on drop.
#[derive(Debug)]
pub(crate) struct WriterLock {
    _lock: Flock<File>,
}

impl WriterLock {
    pub(crate) fn acquire(active: &Path) -> Result<Self> {
        let path = with_suffix(active, ".lock");
        let file = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| AuditError::io("open lock file", &path, e))?;
        match Flock::lock(file, FlockArg::LockExclusiveNonblock) {
            Ok(lock) => Ok(Self { _lock: lock }),
            Err((_, nix::errno::Errno::EWOULDBLOCK)) => Err(AuditError::Locked { path }),
            Err((_, errno)) => Err(AuditError::io("lock", &path, std::io::Error::from(errno))),
        }
    }
}

/// Syncs a directory so renames and creations in it are durable.
pub(crate) fn sync_dir(path: &Path) -> Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| AuditError::io("sync directory", dir, e))
}

/// Writes `text` to `path` atomically (temp file, fsync, rename, dir fsync).
pub(crate) fn write_atomic(path: &Path, text: &str) -> Result<()> {
    let tmp = with_suffix(path, ".tmp");
    fs::write(&tmp, text)
        .and_then(|()| File::open(&tmp)?.sync_all())
        .map_err(|e| AuditError::io("write", &tmp, e))?;
    fs::rename(&tmp, path).map_err(|e| AuditError::io("rename", path, e))?;
    sync_dir(path)
}

/// The last exported checkpoint, if any.
pub fn last_exported(active: &Path) -> Result<Option<Checkpoint>> {
    let path = exported_path(active);
    match fs::read_to_string(&path) {
        Ok(text) => Checkpoint::parse(&text).map(Some),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(AuditError::io("read", &path, e)),
    }
}

/// Deletes the oldest rotated files beyond `keep`, but only those whose
/// every record is covered by the last exported checkpoint. Returns the
/// deleted paths.
pub(crate) fn apply_retention(
    active: &Path,
    keep: usize,
    active_first_seq: u64,
) -> Result<Vec<PathBuf>> {
    let exported = last_exported(active)?.map_or(0, |c| c.size);
    let segments = list_segments(active)?;
    let excess = segments.len().saturating_sub(keep);
    let mut deleted = Vec::new();
    for i in 0..excess {
        let end = segments.get(i + 1).map_or(active_first_seq, |(s, _)| *s);
        if end > exported {
            break;
        }
        let path = &segments[i].1;
        fs::remove_file(path).map_err(|e| AuditError::io("delete", path, e))?;
        deleted.push(path.clone());
    }
    if !deleted.is_empty() {
        sync_dir(active)?;
    }
    Ok(deleted)
}
