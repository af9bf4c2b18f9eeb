//! One policy for every file a bot keeps: the vault, the kill-switch latch,
//! the risk state, audit segments and keys, operator keys, exports.
//!
//! - [`write_atomic`] / [`write_new`]: a random `O_EXCL | O_NOFOLLOW` temp
//!   file (mode 0600) in the target's directory, fsync, rename (or link),
//!   fsync of the directory. A crash leaves the old file or the new one;
//!   the temp file it leaves is removed by the next write of that file.
//! - [`read_private`] / [`open_private`]: a private file (key, passphrase,
//!   token) is read only if it is not a symlink, is ours, has no group or
//!   other bit, and sits in directories no one else can write; a refusal
//!   ([`Error::Unsafe`]) names the path, the [`Problem`] and the command that
//!   fixes it.
//! - [`open_append_private`]: an append-only private file (a journal),
//!   created 0600, under the same checks.
//! - [`FileLock`]: an exclusive lock that waits a bounded time for a holder
//!   that is exiting (a restart right after `kill -9`) and names the
//!   holder's pid when it gives up.
//! - [`StateKey`]: the HMAC-SHA256 key of keyed state files, so an edited
//!   file with a recomputed checksum is refused (see its module docs for
//!   what the tag does not protect against).
//! - [`PrivateTempFile`]: a 0600 temporary file in a private directory,
//!   removed on drop.
//!
//! ```
//! use std::os::unix::fs::PermissionsExt;
//! use supreme_core::files::{read_private, write_atomic, FileLock};
//!
//! let dir = tempfile::tempdir()?;
//! std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700))?;
//! let path = dir.path().join("operator.key");
//! let _lock = FileLock::acquire(&FileLock::path_for(&path), FileLock::DEFAULT_WAIT)?;
//! write_atomic(&path, b"key bytes")?; // 0600
//! assert_eq!(std::fs::metadata(&path)?.permissions().mode() & 0o777, 0o600);
//! assert_eq!(&read_private(&path, 4096)?[..], b"key bytes");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod append;
mod atomic;
mod error;
mod lock;
mod policy;
mod state_key;
mod temp;

pub use append::open_append_private;
pub use atomic::{AtomicFile, sync_dir, sync_parent, write_atomic, write_new};
pub use error::{Error, Problem, Result};
pub use lock::FileLock;
pub use policy::{
    check_metadata, check_parent, check_private_dir, open_private, parent_of, read_private,
};
pub use state_key::StateKey;
pub use temp::PrivateTempFile;

#[cfg(test)]
mod tests;
