//! Atomic replacement of a file: a 0600 temp file in the same directory,
//! fsync, rename over the target, fsync the directory. A crash at any
//! instant leaves either the old or the new file, never a mix.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use nix::fcntl::OFlag;

use crate::error::VaultError;
use crate::fs_policy::parent_of;
use crate::keys;

fn temp_path(path: &Path) -> Result<PathBuf, VaultError> {
    let name = path.file_name().ok_or(VaultError::Io {
        path: path.to_path_buf(),
        source: std::io::Error::new(std::io::ErrorKind::InvalidInput, "no file name"),
    })?;
    let tag = keys::random::<8>()?;
    let hex: String = tag.iter().map(|b| format!("{b:02x}")).collect();
    let mut tmp = std::ffi::OsString::from(".");
    tmp.push(name);
    tmp.push(format!(".tmp.{}.{hex}", std::process::id()));
    Ok(parent_of(path).join(tmp))
}

/// Writes `bytes` to `path` atomically and durably, mode 0600.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), VaultError> {
    remove_stale_temps(path);
    let tmp = temp_path(path)?;
    let result = write_then_rename(&tmp, path, bytes, false);
    if result.is_err() {
        // Best effort: the temp file never replaces anything on failure.
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Creates `path` with `bytes`, atomically and durably, mode 0600; fails
/// if `path` already exists (a hard link never replaces a file).
pub(crate) fn write_new_atomic(path: &Path, bytes: &[u8]) -> Result<(), VaultError> {
    let tmp = temp_path(path)?;
    let result = write_then_rename(&tmp, path, bytes, true);
    let _ = std::fs::remove_file(&tmp);
    result
}

fn write_then_rename(
    tmp: &Path,
    path: &Path,
    bytes: &[u8],
    no_replace: bool,
) -> Result<(), VaultError> {
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .custom_flags((OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC).bits())
        .open(tmp)
        .map_err(|e| VaultError::io(tmp, e))?;
    file.write_all(bytes).map_err(|e| VaultError::io(tmp, e))?;
    file.sync_all().map_err(|e| VaultError::io(tmp, e))?;
    drop(file);
    if no_replace {
        std::fs::hard_link(tmp, path).map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => {
                VaultError::AlreadyExists(path.display().to_string())
            }
            _ => VaultError::io(path, e),
        })?;
        std::fs::remove_file(tmp).map_err(|e| VaultError::io(tmp, e))?;
    } else {
        std::fs::rename(tmp, path).map_err(|e| VaultError::io(path, e))?;
    }
    sync_dir(parent_of(path))
}

/// fsync a directory so a rename in it is durable.
pub(crate) fn sync_dir(dir: &Path) -> Result<(), VaultError> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| VaultError::io(dir, e))
}

/// Removes temp files left by a writer that died (its pid no longer exists).
/// Best effort: a failure here never blocks a save.
fn remove_stale_temps(path: &Path) {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return;
    };
    let prefix = format!(".{name}.tmp.");
    let Ok(dir) = std::fs::read_dir(parent_of(path)) else {
        return;
    };
    for entry in dir.flatten() {
        let file_name = entry.file_name();
        let Some(rest) = file_name.to_str().and_then(|n| n.strip_prefix(&prefix)) else {
            continue;
        };
        let Some(pid) = rest.split('.').next().and_then(|p| p.parse::<i32>().ok()) else {
            continue;
        };
        let dead = nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), None)
            == Err(nix::errno::Errno::ESRCH);
        if dead && pid != i32::try_from(std::process::id()).unwrap_or(0) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// An exclusive advisory lock on `.NAME.lock` beside `path`, held while the
/// guard lives. Writers take it around check-and-replace, so two writers
/// cannot both replace the same generation.
pub(crate) fn lock_for(path: &Path) -> Result<nix::fcntl::Flock<File>, VaultError> {
    let name = path.file_name().ok_or(VaultError::Io {
        path: path.to_path_buf(),
        source: std::io::Error::new(std::io::ErrorKind::InvalidInput, "no file name"),
    })?;
    let mut lock_name = std::ffi::OsString::from(".");
    lock_name.push(name);
    lock_name.push(".lock");
    let lock_path = parent_of(path).join(lock_name);
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .custom_flags((OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC).bits())
        .open(&lock_path)
        .map_err(|e| VaultError::io(&lock_path, e))?;
    nix::fcntl::Flock::lock(file, nix::fcntl::FlockArg::LockExclusive)
        .map_err(|(_, errno)| VaultError::io(&lock_path, std::io::Error::from(errno)))
}
