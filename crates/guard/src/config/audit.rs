//! `[audit]`: the tamper-evident log, its key, durability, rotation,
//! retention and where checkpoints are anchored.

use std::num::NonZeroU64;
use std::path::PathBuf;
use std::time::Duration;

use serde::Deserialize;
use supreme_audit::{FlushPolicy, Options, Rotation};

use crate::Check;
use crate::located::Located;

/// `[audit]`.
///
/// ```toml
/// [audit]
/// log = "audit/security.log"       # SUPREME_AUDIT_LOG overrides
/// key = "audit.key"                # SUPREME_AUDIT_KEY overrides
/// anchors = "anchors"              # a directory; SUPREME_AUDIT_ANCHORS overrides
/// fsync = "batch"                  # "none", "batch" (default) or "every_record"
/// fsync_batch_records = 512        # with "batch"
/// fsync_interval_ms = 50           # with "batch"
/// rotate_max_bytes = 104857600
/// rotate_max_age_secs = 86400
/// keep_segments = 30               # needs a rotation
/// ```
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditSection {
    /// The log file.
    pub log: Located<PathBuf>,
    /// The signing key file.
    pub key: Located<PathBuf>,
    /// The directory checkpoints are exported to.
    pub anchors: Located<PathBuf>,
    /// When records reach the disk.
    #[serde(default)]
    pub fsync: Option<Located<Fsync>>,
    /// Records per group commit.
    #[serde(default)]
    pub fsync_batch_records: Option<Located<u64>>,
    /// Longest a record stays unsynced.
    #[serde(default)]
    pub fsync_interval_ms: Option<Located<u64>>,
    /// Rotate at this size.
    #[serde(default)]
    pub rotate_max_bytes: Option<Located<u64>>,
    /// Rotate at this age.
    #[serde(default)]
    pub rotate_max_age_secs: Option<Located<u64>>,
    /// Rotated files kept.
    #[serde(default)]
    pub keep_segments: Option<Located<usize>>,
}

/// `fsync`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fsync {
    /// Never fsync (except sync-required events).
    None,
    /// Group commit.
    Batch,
    /// After every record.
    EveryRecord,
}

/// The audit settings, built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Audit {
    /// The log file.
    pub log: PathBuf,
    /// The key file.
    pub key: PathBuf,
    /// The anchors directory.
    pub anchors: PathBuf,
    /// Durability.
    pub flush: FlushPolicy,
    /// Rotation.
    pub rotation: Rotation,
    /// Retention.
    pub keep_segments: Option<usize>,
}

impl Audit {
    /// `options` with this file's durability, rotation and retention.
    ///
    /// ```
    /// # fn f(audit: &supreme_guard::config::Audit) -> Result<(), Box<dyn std::error::Error>> {
    /// let key = supreme_audit::SigningKey::load(&audit.key)?;
    /// let options = audit.apply(supreme_audit::Options::new(key));
    /// # let _ = options; Ok(()) }
    /// ```
    pub fn apply(&self, options: Options) -> Options {
        options
            .flush(self.flush)
            .rotation(self.rotation)
            .keep_segments(self.keep_segments)
    }
}

fn positive(check: &mut Check<'_>, what: &str, v: &Option<Located<u64>>) -> Option<Option<u64>> {
    match v {
        Some(v) if v.value == 0 => {
            check.invalid(
                &v.at,
                format!("{what} 0 makes no sense"),
                "remove it or set it above zero",
            );
            None
        }
        v => Some(v.as_ref().map(|v| v.value)),
    }
}

impl AuditSection {
    /// The paths (their directories checked), durability, rotation and retention.
    pub fn to_audit(&self, check: &mut Check<'_>) -> Option<Audit> {
        let log = check.path("audit log", &self.log);
        let key = check.path("audit key", &self.key);
        let anchors = check.dir("audit anchors directory", &self.anchors);
        let records = positive(check, "fsync_batch_records", &self.fsync_batch_records);
        let interval = positive(check, "fsync_interval_ms", &self.fsync_interval_ms);
        let max_bytes = positive(check, "rotate_max_bytes", &self.rotate_max_bytes);
        let max_age = positive(check, "rotate_max_age_secs", &self.rotate_max_age_secs);
        let kind = self.fsync.as_ref().map_or(Fsync::Batch, |f| f.value);
        if kind != Fsync::Batch {
            for v in [&self.fsync_batch_records, &self.fsync_interval_ms]
                .into_iter()
                .flatten()
            {
                check.invalid(
                    &v.at,
                    "fsync_batch_records and fsync_interval_ms apply only to fsync = \"batch\"",
                    "remove it, or set fsync = \"batch\"",
                );
            }
        }
        let (records, interval, max_bytes, max_age) = (records?, interval?, max_bytes?, max_age?);
        let flush = match kind {
            Fsync::None => FlushPolicy::None,
            Fsync::EveryRecord => FlushPolicy::EveryRecord,
            Fsync::Batch => match FlushPolicy::DEFAULT_BATCH {
                FlushPolicy::Batch {
                    records: r,
                    interval: i,
                } => FlushPolicy::Batch {
                    records: records.and_then(NonZeroU64::new).unwrap_or(r),
                    interval: interval.map_or(i, Duration::from_millis),
                },
                other => other,
            },
        };
        let rotation = Rotation {
            max_bytes,
            max_age: max_age.map(Duration::from_secs),
        };
        if let Some(k) = &self.keep_segments {
            if rotation == Rotation::default() {
                check.invalid(
                    &k.at,
                    "keep_segments without a rotation: there is only ever one segment",
                    "add rotate_max_bytes or rotate_max_age_secs",
                );
                return None;
            }
            if k.value == 0 {
                check.invalid(
                    &k.at,
                    "keep_segments 0 would delete the log's history",
                    "keep at least 1 rotated file, e.g. 30",
                );
                return None;
            }
        }
        Some(Audit {
            log,
            key,
            anchors,
            flush,
            rotation,
            keep_segments: self.keep_segments.as_ref().map(|k| k.value),
        })
    }
}
