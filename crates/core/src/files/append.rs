//! [`open_append_private`]: an append-only private file (a journal), opened
//! under the same policy as every other file a bot keeps.

use std::fs::{File, OpenOptions};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use nix::fcntl::OFlag;

use super::{Error, Problem, Result, check_metadata, check_parent, sync_parent};

/// Opens `path` for appending, creating it with mode 0600 if it is missing
/// (then fsyncing its directory so the new name survives a crash). Refuses a
/// symlink (`O_NOFOLLOW`), a file another user owns or that group or others
/// may access, and a directory others can write, as
/// [`open_private`](super::open_private) does. Each `write` goes to the end.
///
/// ```
/// use std::io::Write;
/// use std::os::unix::fs::PermissionsExt;
/// use supreme_core::files::open_append_private;
///
/// let dir = tempfile::tempdir()?;
/// std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700))?;
/// let path = dir.path().join("orders.journal");
/// open_append_private(&path)?.write_all(b"one\n")?;
/// open_append_private(&path)?.write_all(b"two\n")?;
/// assert_eq!(std::fs::read_to_string(&path)?, "one\ntwo\n");
/// assert_eq!(std::fs::metadata(&path)?.permissions().mode() & 0o777, 0o600);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn open_append_private(path: &Path) -> Result<File> {
    check_parent(path)?;
    let existed = std::fs::symlink_metadata(path).is_ok();
    let file = OpenOptions::new()
        .append(true)
        .create(true)
        .mode(0o600)
        .custom_flags((OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC).bits())
        .open(path)
        .map_err(|e| match e.raw_os_error() {
            Some(code) if code == nix::errno::Errno::ELOOP as i32 => Error::unsafe_file(
                path,
                Problem::Symlink,
                format!(
                    "replace the symlink {} with the file itself",
                    path.display()
                ),
            ),
            _ => Error::io("open", path, e),
        })?;
    let meta = file.metadata().map_err(|e| Error::io("stat", path, e))?;
    check_metadata(path, &meta)?;
    if !existed {
        sync_parent(path)?;
    }
    Ok(file)
}
