//! The one error of [`files`](super): each variant names the path and what
//! a caller (or an operator) needs to act.

use std::path::PathBuf;
use std::time::Duration;

/// Why the private-file policy refused a file or a directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Problem {
    /// The path is a symbolic link (it could be redirected to another file).
    Symlink,
    /// The path is not a regular file (or, for a directory check, not a
    /// directory).
    NotRegularFile,
    /// Group or others may read or write the file (mode shown, e.g. `0o644`).
    TooOpen {
        /// The permission bits found.
        mode: u32,
    },
    /// Another user owns the file, or (other than root) a directory above
    /// it or a symlink on its path.
    WrongOwner {
        /// The owner found.
        uid: u32,
        /// Our effective user id.
        expected: u32,
    },
    /// The containing directory, or a directory above it that is not
    /// sticky, is writable by group or others, so another user could
    /// replace the file (the error's path names that directory).
    DirectoryWritable {
        /// The directory's permission bits.
        mode: u32,
    },
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Symlink => f.write_str("is a symbolic link"),
            Self::NotRegularFile => f.write_str("is not a regular file"),
            Self::TooOpen { mode } => {
                write!(f, "mode {mode:04o} lets group or others access it")
            }
            Self::WrongOwner { uid, expected } => {
                write!(f, "owned by uid {uid}, not by us (uid {expected}) or root")
            }
            Self::DirectoryWritable { mode } => {
                write!(
                    f,
                    "directory mode {mode:04o} lets group or others write in it"
                )
            }
        }
    }
}

/// What can go wrong keeping a file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The private-file policy refused the file or a directory above it.
    #[error("refusing {path}: {problem}; fix: {fix}")]
    Unsafe {
        /// The file or directory refused.
        path: PathBuf,
        /// What is wrong.
        problem: Problem,
        /// The command that fixes it (as OpenSSH prints), e.g. `chmod 600 PATH`.
        fix: String,
    },
    /// A system call on `path` failed.
    #[error("{path}: {op}: {source}")]
    Io {
        /// What was being done (`"open"`, `"rename"`, `"fsync directory"`).
        op: &'static str,
        /// The file concerned.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// Another process held the lock for the whole wait.
    #[error("{path}: locked by {} (waited {waited:?})", holder_text(*.holder))]
    Locked {
        /// The lock file.
        path: PathBuf,
        /// The pid the holder wrote into the lock file, if it did.
        holder: Option<u32>,
        /// How long we waited.
        waited: Duration,
    },
    /// The file is larger than the reader accepts.
    #[error("{path}: larger than {max} bytes")]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// The limit.
        max: u64,
    },
    /// A create-only write found something at the path.
    #[error("{path} already exists")]
    AlreadyExists {
        /// The path.
        path: PathBuf,
    },
    /// A keyed file's tag does not match its contents under the key: the
    /// file was edited (or the key is not the one it was written with).
    #[error("{path}: authentication failed: the file was altered or written under another key")]
    NotAuthentic {
        /// The file.
        path: PathBuf,
    },
    /// A key file holds something other than a key.
    #[error("{path}: not a state key file ({reason})")]
    BadKey {
        /// The key file.
        path: PathBuf,
        /// What is wrong (never the key bytes).
        reason: &'static str,
    },
    /// The system random generator failed.
    #[error("the system random generator failed")]
    Random,
}

fn holder_text(holder: Option<u32>) -> String {
    holder.map_or_else(
        || "another process (no pid in the lock file)".to_owned(),
        |pid| format!("process {pid}"),
    )
}

impl Error {
    pub(crate) fn io(op: &'static str, path: &std::path::Path, source: std::io::Error) -> Self {
        Self::Io {
            op,
            path: path.to_path_buf(),
            source,
        }
    }

    pub(crate) fn unsafe_file(path: &std::path::Path, problem: Problem, fix: String) -> Self {
        Self::Unsafe {
            path: path.to_path_buf(),
            problem,
            fix,
        }
    }
}

/// The result of a file operation.
pub type Result<T, E = Error> = std::result::Result<T, E>;
