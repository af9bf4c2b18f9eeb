//! File safety checks, as OpenSSH does for private keys: no symlinks, owned
//! by us, no group or other access, in a directory others cannot write,
//! under directories only we or root own.

use std::fs::{File, Metadata, OpenOptions};
use std::io::Read;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::Path;

use nix::fcntl::OFlag;
use zeroize::Zeroizing;

use crate::error::{UnsafeReason, VaultError};

fn unsafe_file(path: &Path, reason: UnsafeReason, fix: String) -> VaultError {
    VaultError::UnsafeFile {
        path: path.to_path_buf(),
        reason,
        fix,
    }
}

/// Checks the metadata of an opened file (fstat, so no race with the path).
pub(crate) fn check_metadata(path: &Path, meta: &Metadata) -> Result<(), VaultError> {
    let shown = path.display();
    if !meta.file_type().is_file() {
        return Err(unsafe_file(
            path,
            UnsafeReason::NotRegularFile,
            format!("use a regular file, not {shown}"),
        ));
    }
    let me = nix::unistd::geteuid().as_raw();
    if meta.uid() != me {
        return Err(unsafe_file(
            path,
            UnsafeReason::WrongOwner {
                uid: meta.uid(),
                expected: me,
            },
            format!("chown {me} {shown}"),
        ));
    }
    let mode = meta.mode() & 0o7777;
    if mode & 0o077 != 0 {
        return Err(unsafe_file(
            path,
            UnsafeReason::TooOpen { mode },
            format!("chmod 600 {shown}"),
        ));
    }
    Ok(())
}

/// Refuses a file whose directories another user could use to replace it,
/// as OpenSSH's `StrictModes` does for `authorized_keys`:
///
/// - the parent directory must be owned by us or root and not writable by
///   group or others, sticky or not (a vault directly in `/tmp` is refused);
/// - every directory above it, up to `/`, must be owned by us or root, and
///   may be writable by group or others only if it is sticky (`/tmp`,
///   mode 1777: others cannot rename or delete what we own in it);
/// - the directories are those of the resolved path (symlinks followed, as
///   `realpath`); a symlink on the way must be owned by us or root.
pub(crate) fn check_parent(path: &Path) -> Result<(), VaultError> {
    let dir = parent_of(path);
    check_symlinks_on_the_way(dir)?;
    let real = std::fs::canonicalize(dir).map_err(|e| VaultError::io(dir, e))?;
    for (i, d) in real.ancestors().enumerate() {
        let meta = std::fs::metadata(d).map_err(|e| VaultError::io(d, e))?;
        check_dir_owner(d, &meta)?;
        let mode = meta.mode() & 0o7777;
        let sticky = mode & 0o1000 != 0;
        if mode & 0o022 != 0 && (i == 0 || !sticky) {
            return Err(unsafe_file(
                d,
                UnsafeReason::DirectoryWritable { mode },
                format!("chmod go-w {}", d.display()),
            ));
        }
    }
    Ok(())
}

fn trusted_owner(uid: u32) -> bool {
    uid == 0 || uid == nix::unistd::geteuid().as_raw()
}

fn check_dir_owner(d: &Path, meta: &Metadata) -> Result<(), VaultError> {
    if trusted_owner(meta.uid()) {
        return Ok(());
    }
    let me = nix::unistd::geteuid().as_raw();
    Err(unsafe_file(
        d,
        UnsafeReason::WrongOwner {
            uid: meta.uid(),
            expected: me,
        },
        format!("chown {me} {}", d.display()),
    ))
}

/// A symlink among the directories of `dir` (as written) owned by another
/// user could be pointed elsewhere at any time.
fn check_symlinks_on_the_way(dir: &Path) -> Result<(), VaultError> {
    let absolute = if dir.is_absolute() {
        dir.to_path_buf()
    } else {
        std::env::current_dir()
            .map_err(|e| VaultError::io(dir, e))?
            .join(dir)
    };
    for d in absolute.ancestors() {
        let meta = std::fs::symlink_metadata(d).map_err(|e| VaultError::io(d, e))?;
        if meta.file_type().is_symlink() {
            check_dir_owner(d, &meta)?;
        }
    }
    Ok(())
}

pub(crate) fn parent_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Opens `path` without following a final symlink, checks it, and reads at
/// most `max` bytes into zeroizing memory.
pub(crate) fn read_checked(path: &Path, max: usize) -> Result<Zeroizing<Vec<u8>>, VaultError> {
    let link = std::fs::symlink_metadata(path).map_err(|e| VaultError::io(path, e))?;
    if link.file_type().is_symlink() {
        return Err(unsafe_file(
            path,
            UnsafeReason::Symlink,
            format!(
                "replace the symlink {} with the file itself",
                path.display()
            ),
        ));
    }
    let file = OpenOptions::new()
        .read(true)
        .custom_flags((OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC | OFlag::O_NONBLOCK).bits())
        .open(path)
        .map_err(|e| match e.raw_os_error() {
            Some(code) if code == nix::errno::Errno::ELOOP as i32 => unsafe_file(
                path,
                UnsafeReason::Symlink,
                format!("replace the symlink {}", path.display()),
            ),
            _ => VaultError::io(path, e),
        })?;
    let meta = file.metadata().map_err(|e| VaultError::io(path, e))?;
    check_metadata(path, &meta)?;
    check_parent(path)?;
    read_limited(file, path, max)
}

fn read_limited(file: File, path: &Path, max: usize) -> Result<Zeroizing<Vec<u8>>, VaultError> {
    // Sized from fstat up front so the read does not reallocate (which would
    // leave an unzeroized copy of a passphrase file behind in freed memory).
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let mut buf = Zeroizing::new(Vec::with_capacity(
        usize::try_from(size)
            .unwrap_or(max)
            .min(max)
            .saturating_add(1),
    ));
    let limit = u64::try_from(max).unwrap_or(u64::MAX).saturating_add(1);
    file.take(limit)
        .read_to_end(&mut buf)
        .map_err(|e| VaultError::io(path, e))?;
    if buf.len() > max {
        return Err(VaultError::Limit("file too large"));
    }
    Ok(buf)
}
