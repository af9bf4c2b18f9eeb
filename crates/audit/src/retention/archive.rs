//! The archive directory: copies written atomically and never overwritten,
//! read back and compared before a live file goes.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use supreme_core::files::AtomicFile;

use crate::error::{Error, Result};
use crate::record::Record;
use crate::segment::{list_segments, log_files};

fn archived_path(live: &Path, dir: &Path) -> PathBuf {
    dir.join(live.file_name().unwrap_or_default())
}

fn digest_of(path: &Path) -> Result<(u64, crate::Digest)> {
    let mut f = File::open(path).map_err(|e| Error::io("read", path, e))?;
    let len = f.metadata().map_err(|e| Error::io("stat", path, e))?.len();
    let d = crate::bundle::copy_hashed(&mut f, len, &mut std::io::sink())
        .map_err(|e| Error::io("read", path, e))?;
    Ok((len, d))
}

/// Refuses an archive that is the live log's own directory (a file would
/// be "verified" against itself, then deleted) or that is not a directory.
pub(super) fn check_apart(active: &Path, dir: &Path) -> Result<()> {
    let live = supreme_core::files::parent_of(active);
    let (a, b) = (
        std::fs::canonicalize(live).map_err(|e| Error::io("resolve", live, e))?,
        std::fs::canonicalize(dir).map_err(|e| Error::io("resolve", dir, e))?,
    );
    if a == b || !b.is_dir() {
        return Err(Error::InvalidOption(format!(
            "audit archive {}: must be a directory other than the log's own",
            dir.display()
        )));
    }
    Ok(())
}

/// Copies `live` into `dir` unless a file of that name is there; `true`
/// when it copied. The copy is fsynced and renamed into place, then read
/// back and compared.
pub(super) fn copy_if_absent(live: &Path, dir: &Path) -> Result<bool> {
    let dest = archived_path(live, dir);
    if dest.exists() {
        return Ok(false);
    }
    let mut src = File::open(live).map_err(|e| Error::io("read", live, e))?;
    let len = src
        .metadata()
        .map_err(|e| Error::io("stat", live, e))?
        .len();
    let mut out = AtomicFile::create(&dest)?;
    crate::bundle::copy_hashed(&mut src, len, &mut out)
        .map_err(|e| Error::io("archive", &dest, e))?;
    out.commit_new()?;
    verify_copy(live, dir)?;
    Ok(true)
}

/// Whether the archived copy of `live` is there and byte-identical.
pub(super) fn verify_copy(live: &Path, dir: &Path) -> Result<()> {
    let dest = archived_path(live, dir);
    let (a, b) = (digest_of(live)?, digest_of(&dest)?);
    if a != b {
        return Err(Error::Damaged {
            path: dest,
            line: 0,
            what: format!(
                "the archived copy differs from the live segment {} ({} vs {} bytes); nothing deleted",
                live.display(),
                b.0,
                a.0
            ),
        });
    }
    Ok(())
}

/// The time of the first record of `path` (a SEGMENT_START: when the file
/// before it was rotated out).
pub(super) fn first_record_ms(path: &Path) -> Option<i64> {
    let f = File::open(path).ok()?;
    let mut line = Vec::new();
    BufReader::new(f.take(1 << 20))
        .read_until(b'\n', &mut line)
        .ok()?;
    Record::parse(line.strip_suffix(b"\n")?)
        .ok()
        .map(|r| r.time_ms)
}

/// The segments of the log at `active` (by its file name) in the archive
/// directory `dir`, oldest first, with their first seq.
pub fn archived_segments(dir: &Path, active: &Path) -> Result<Vec<(u64, PathBuf)>> {
    list_segments(&dir.join(active.file_name().unwrap_or_default()))
}

/// Every file of the log at `active` with its archive, in order: archived
/// segments no longer live, then the live files, so the two verify as one
/// chain (pass the result to [`verify_files`](crate::verify_files)).
///
/// ```
/// let dir = tempfile::tempdir()?;
/// let files = supreme_audit::log_files_with_archive(&dir.path().join("audit.log"), dir.path())?;
/// assert!(files.is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn log_files_with_archive(active: &Path, dir: &Path) -> Result<Vec<PathBuf>> {
    let live = list_segments(active)?;
    let first_live = live.first().map(|(s, _)| *s);
    let mut out: Vec<PathBuf> = archived_segments(dir, active)?
        .into_iter()
        .filter(|(s, _)| first_live.is_none_or(|f| *s < f))
        .map(|(_, p)| p)
        .collect();
    out.extend(log_files(active)?);
    Ok(out)
}
