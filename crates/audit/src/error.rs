//! The one error type of this crate.

use std::path::PathBuf;

/// Everything that can go wrong while writing, opening or checking a log.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An I/O operation on a log, key or checkpoint file failed.
    #[error("{op} {path}: {source}")]
    Io {
        /// What was being done (`open`, `write`, `sync`, ...).
        op: &'static str,
        /// The file concerned.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// Writing or syncing the log failed; the log refuses further appends
    /// (fail closed) unless the policy is to block and retry.
    #[error("audit log write failed: {reason}")]
    WriteFailed {
        /// The first failure seen by the writer.
        reason: String,
    },
    /// The bounded queue is full (only from `try_append`).
    #[error("audit queue full ({capacity} events pending)")]
    QueueFull {
        /// The queue capacity.
        capacity: usize,
    },
    /// The log was closed, or its writer thread is gone.
    #[error("audit log is closed")]
    Closed,
    /// Another process or handle held the log's lock file for the whole
    /// bounded wait ([`Options::lock_wait`](crate::Options::lock_wait)).
    #[error("audit log {path} is locked by another writer{}", holder.map(|p| format!(" (pid {p})")).unwrap_or_default())]
    Locked {
        /// The lock file.
        path: PathBuf,
        /// The holder's pid, as it wrote it into the lock file.
        holder: Option<u32>,
    },
    /// Opening found damage that is not a torn last line: someone must look.
    #[error("audit log {path} is damaged at line {line}: {what}")]
    Damaged {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: u64,
        /// What was found.
        what: String,
    },
    /// An event type name is not `UPPER_SNAKE_CASE` of 1 to 64 characters.
    #[error("invalid event type {0:?}: use 1-64 characters A-Z, 0-9 and _")]
    InvalidEventType(String),
    /// An unknown severity name.
    #[error("invalid severity {0:?}")]
    InvalidSeverity(String),
    /// A time was not RFC 3339 (UTC or with an offset) or is out of range.
    #[error("invalid time {0:?}: expected RFC 3339, e.g. 2026-01-31T12:00:00.000Z")]
    InvalidTime(String),
    /// A record line is not a canonical record.
    #[error("malformed record: {0}")]
    MalformedRecord(String),
    /// A checkpoint text is not a well-formed signed checkpoint.
    #[error("malformed checkpoint: {0}")]
    MalformedCheckpoint(String),
    /// A key file or public key is malformed or unsafe.
    #[error("bad key {path}: {reason}")]
    BadKey {
        /// Where the key came from.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// A signature did not verify under the given public key.
    #[error("bad signature on checkpoint from {key_name:?}")]
    BadSignature {
        /// The key name in the signature line.
        key_name: String,
    },
    /// An evidence bundle could not be made (a bad entry path, a file that
    /// changed while it was copied, an unusable operator key).
    #[error("incident bundle: {0}")]
    Bundle(String),
    /// An option value is out of range.
    #[error("invalid option: {0}")]
    InvalidOption(String),
}

impl From<supreme_core::files::Error> for Error {
    fn from(e: supreme_core::files::Error) -> Self {
        use supreme_core::files::Error as F;
        match e {
            F::Io { op, path, source } => Self::Io { op, path, source },
            F::Locked { path, holder, .. } => Self::Locked { path, holder },
            F::Unsafe { ref path, .. } | F::TooLarge { ref path, .. } => Self::BadKey {
                path: path.clone(),
                reason: e.to_string(),
            },
            other => Self::Io {
                op: "file",
                path: PathBuf::new(),
                source: std::io::Error::other(other.to_string()),
            },
        }
    }
}

impl Error {
    pub(crate) fn io(op: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io {
            op,
            path: path.into(),
            source,
        }
    }
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
