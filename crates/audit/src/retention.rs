//! Retention that never loses evidence: rotated segments are copied to an
//! archive directory, and one is deleted only when the policy says so, an
//! exported checkpoint covers it, and its archived copy was read back and
//! found byte-identical.
//!
//! A segment becomes due for deletion (oldest first, so the live log stays
//! one unbroken tail of the chain) when more than
//! [`keep_segments`](Retention::keep_segments) are kept, when it was rotated
//! out longer than [`max_age`](Retention::max_age) ago (the time of the
//! next file's SEGMENT_START record), or while the rotated files together
//! exceed [`max_total_bytes`](Retention::max_total_bytes). Without an
//! archive nothing is ever deleted. An archive that cannot be written, or an
//! archived copy that differs from the live file (it is never overwritten:
//! someone must look), stops deletion there. The archive holds the files
//! under their own names, so the archive and the live log verify as one
//! chain ([`log_files_with_archive`]).
//!
//! ```
//! use std::time::Duration;
//! use supreme_audit::{Retention, Options, SigningKey};
//!
//! let key = SigningKey::generate("bot-audit")?.0;
//! let retention = Retention::archive_to("/var/lib/bot/audit-archive")
//!     .keep_segments(30)
//!     .max_age(Duration::from_secs(90 * 86_400))
//!     .max_total_bytes(10 << 30);
//! let _opts = Options::new(key).retention(retention);
//! # Ok::<(), supreme_audit::Error>(())
//! ```

mod archive;

use std::path::{Path, PathBuf};
use std::time::Duration;

pub use archive::{archived_segments, log_files_with_archive};

use crate::error::{Error, Result};
use crate::segment::{last_exported, list_segments, sync_dir};

/// How long rotated segments are kept, and where they go first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Retention {
    pub(crate) archive: Option<PathBuf>,
    pub(crate) keep_segments: Option<usize>,
    pub(crate) max_age: Option<Duration>,
    pub(crate) max_total_bytes: Option<u64>,
}

/// What one pass of retention did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RetentionOutcome {
    /// Segments copied to the archive in this pass.
    pub archived: Vec<PathBuf>,
    /// Live segments deleted (each archived and verified first).
    pub deleted: Vec<PathBuf>,
}

impl Retention {
    /// Archive every rotated segment to `dir` (an existing directory);
    /// delete nothing until a limit is set.
    pub fn archive_to(dir: impl Into<PathBuf>) -> Self {
        Self {
            archive: Some(dir.into()),
            ..Self::default()
        }
    }

    /// Keep at most this many rotated segments live.
    #[must_use]
    pub fn keep_segments(mut self, keep: usize) -> Self {
        self.keep_segments = Some(keep);
        self
    }

    /// Delete live segments rotated out longer than this ago.
    #[must_use]
    pub fn max_age(mut self, age: Duration) -> Self {
        self.max_age = Some(age);
        self
    }

    /// Keep the rotated live segments under this many bytes in total.
    #[must_use]
    pub fn max_total_bytes(mut self, bytes: u64) -> Self {
        self.max_total_bytes = Some(bytes);
        self
    }

    /// The archive directory, if any.
    pub fn archive(&self) -> Option<&Path> {
        self.archive.as_deref()
    }

    /// Archives the rotated segments of the log at `active` not yet in the
    /// archive, then deletes those due (see the module docs). `active_first_seq`
    /// is the first seq of the active file, `now_ms` the clock's time. The
    /// writer runs this after each rotation; an error leaves every live
    /// file in place.
    pub fn apply(
        &self,
        active: &Path,
        active_first_seq: u64,
        now_ms: i64,
    ) -> Result<RetentionOutcome> {
        let mut out = RetentionOutcome::default();
        let Some(dir) = &self.archive else {
            return Ok(out);
        };
        archive::check_apart(active, dir)?;
        let segments = list_segments(active)?;
        for (_, path) in &segments {
            if archive::copy_if_absent(path, dir)? {
                out.archived.push(path.clone());
            }
        }
        let exported = last_exported(active)?.map_or(0, |c| c.size);
        let mut rest: u64 = segments
            .iter()
            .map(|(_, p)| std::fs::metadata(p).map_or(0, |m| m.len()))
            .sum();
        for (i, (_, path)) in segments.iter().enumerate() {
            let next = segments
                .get(i + 1)
                .map(|(_, p)| p.as_path())
                .unwrap_or(active);
            let end = segments.get(i + 1).map_or(active_first_seq, |(s, _)| *s);
            let by_count = self.keep_segments.is_some_and(|k| segments.len() - i > k);
            let by_size = self.max_total_bytes.is_some_and(|m| rest > m);
            let by_age = self.max_age.is_some_and(|a| {
                archive::first_record_ms(next).is_some_and(|t| {
                    now_ms.saturating_sub(t) >= i64::try_from(a.as_millis()).unwrap_or(i64::MAX)
                })
            });
            if !(by_count || by_size || by_age) || end > exported {
                break;
            }
            archive::verify_copy(path, dir)?;
            let len = std::fs::metadata(path).map_or(0, |m| m.len());
            std::fs::remove_file(path).map_err(|e| Error::io("delete", path, e))?;
            rest = rest.saturating_sub(len);
            out.deleted.push(path.clone());
        }
        if !out.deleted.is_empty() {
            sync_dir(active)?;
        }
        Ok(out)
    }
}
