//! The private-file policy, as OpenSSH applies it to private keys: no
//! symlink, owned by us, no group or other access, in a directory others
//! cannot write, under directories only we or root own.

use std::fs::{File, Metadata, OpenOptions};
use std::io::Read;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::Path;

use nix::fcntl::OFlag;
use zeroize::Zeroizing;

use super::error::{Error, Problem, Result};

fn me() -> u32 {
    nix::unistd::geteuid().as_raw()
}

/// The directory a file lives in (`.` for a bare file name).
pub fn parent_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Checks the metadata of an opened private file (read with `fstat`, so no
/// race with the path): a regular file, owned by us, no group or other bit.
pub fn check_metadata(path: &Path, meta: &Metadata) -> Result<()> {
    let shown = path.display();
    if !meta.file_type().is_file() {
        return Err(Error::unsafe_file(
            path,
            Problem::NotRegularFile,
            format!("use a regular file, not {shown}"),
        ));
    }
    if meta.uid() != me() {
        return Err(Error::unsafe_file(
            path,
            Problem::WrongOwner {
                uid: meta.uid(),
                expected: me(),
            },
            format!("chown {} {shown}", me()),
        ));
    }
    let mode = meta.mode() & 0o7777;
    if mode & 0o077 != 0 {
        return Err(Error::unsafe_file(
            path,
            Problem::TooOpen { mode },
            format!("chmod 600 {shown}"),
        ));
    }
    Ok(())
}

/// Refuses a file whose directories another user could use to replace it,
/// as OpenSSH's `StrictModes` does for `authorized_keys`:
///
/// - the parent directory must be owned by us or root and not writable by
///   group or others, sticky or not (a key directly in `/tmp` is refused);
/// - every directory above it, up to `/`, must be owned by us or root, and
///   may be writable by group or others only if it is sticky (`/tmp`,
///   mode 1777: others cannot rename or delete what we own in it);
/// - the directories are those of the resolved path (symlinks followed, as
///   `realpath`); a symlink on the way must be owned by us or root (a
///   symlink another user owns could be pointed elsewhere at any time).
pub fn check_parent(path: &Path) -> Result<()> {
    let dir = parent_of(path);
    check_symlinks_on_the_way(dir)?;
    let real = std::fs::canonicalize(dir).map_err(|e| Error::io("resolve", dir, e))?;
    for (i, d) in real.ancestors().enumerate() {
        let meta = std::fs::metadata(d).map_err(|e| Error::io("stat", d, e))?;
        check_dir_owner(d, &meta)?;
        let mode = meta.mode() & 0o7777;
        let sticky = mode & 0o1000 != 0;
        if mode & 0o022 != 0 && (i == 0 || !sticky) {
            return Err(Error::unsafe_file(
                d,
                Problem::DirectoryWritable { mode },
                format!("chmod go-w {}", d.display()),
            ));
        }
    }
    Ok(())
}

/// Checks a directory meant to hold private files: a directory (not a
/// symlink to one), ours, with
/// no group or other bit at all (0700, so no one else can even list it),
/// then [`check_parent`] on a file in it.
pub fn check_private_dir(dir: &Path) -> Result<()> {
    let meta = std::fs::symlink_metadata(dir).map_err(|e| Error::io("stat", dir, e))?;
    let mode = meta.mode() & 0o7777;
    if !meta.file_type().is_dir() {
        return Err(Error::unsafe_file(
            dir,
            Problem::NotRegularFile,
            format!("use a directory, not {}", dir.display()),
        ));
    }
    if meta.uid() != me() {
        return Err(Error::unsafe_file(
            dir,
            Problem::WrongOwner {
                uid: meta.uid(),
                expected: me(),
            },
            format!("chown {} {}", me(), dir.display()),
        ));
    }
    if mode & 0o077 != 0 {
        return Err(Error::unsafe_file(
            dir,
            Problem::TooOpen { mode },
            format!("chmod 700 {}", dir.display()),
        ));
    }
    check_parent(&dir.join("file"))
}

fn check_dir_owner(d: &Path, meta: &Metadata) -> Result<()> {
    if meta.uid() == 0 || meta.uid() == me() {
        return Ok(());
    }
    Err(Error::unsafe_file(
        d,
        Problem::WrongOwner {
            uid: meta.uid(),
            expected: me(),
        },
        format!("chown -h {} {}", me(), d.display()),
    ))
}

/// A symlink among the directories of `dir` (as written) owned by another
/// user could be pointed elsewhere at any time.
fn check_symlinks_on_the_way(dir: &Path) -> Result<()> {
    let absolute = if dir.is_absolute() {
        dir.to_path_buf()
    } else {
        std::env::current_dir()
            .map_err(|e| Error::io("current directory", dir, e))?
            .join(dir)
    };
    for d in absolute.ancestors() {
        let meta = std::fs::symlink_metadata(d).map_err(|e| Error::io("stat", d, e))?;
        if meta.file_type().is_symlink() {
            check_dir_owner(d, &meta)?;
        }
    }
    Ok(())
}

/// Opens a private file for reading after every check of the policy: the
/// final component is not a symlink (`O_NOFOLLOW`), the opened file
/// ([`check_metadata`]) and its directories ([`check_parent`]).
pub fn open_private(path: &Path) -> Result<File> {
    let symlink_fix = || {
        format!(
            "replace the symlink {} with the file itself",
            path.display()
        )
    };
    let link = std::fs::symlink_metadata(path).map_err(|e| Error::io("stat", path, e))?;
    if link.file_type().is_symlink() {
        return Err(Error::unsafe_file(path, Problem::Symlink, symlink_fix()));
    }
    let file = OpenOptions::new()
        .read(true)
        .custom_flags((OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC | OFlag::O_NONBLOCK).bits())
        .open(path)
        .map_err(|e| match e.raw_os_error() {
            Some(code) if code == nix::errno::Errno::ELOOP as i32 => {
                Error::unsafe_file(path, Problem::Symlink, symlink_fix())
            }
            _ => Error::io("open", path, e),
        })?;
    let meta = file.metadata().map_err(|e| Error::io("stat", path, e))?;
    check_metadata(path, &meta)?;
    check_parent(path)?;
    Ok(file)
}

/// Reads a private file (a key, a passphrase, a token) through the policy
/// ([`open_private`]), at most `max` bytes, into memory zeroized on drop.
///
/// ```
/// use std::os::unix::fs::PermissionsExt;
/// use supreme_core::files::{read_private, Error};
///
/// let dir = tempfile::tempdir()?;
/// std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700))?;
/// let key = dir.path().join("operator.key");
/// std::fs::write(&key, b"secret")?;
/// std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644))?;
/// let Err(Error::Unsafe { fix, .. }) = read_private(&key, 1024) else { panic!() };
/// assert_eq!(fix, format!("chmod 600 {}", key.display()));
///
/// std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600))?;
/// assert_eq!(&read_private(&key, 1024)?[..], b"secret");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn read_private(path: &Path, max: usize) -> Result<Zeroizing<Vec<u8>>> {
    read_limited(open_private(path)?, path, max)
}

/// Reads at most `max` bytes of `file` into zeroizing memory sized up front
/// from `fstat` (a reallocation would leave an unzeroized copy of a secret
/// behind in freed memory).
pub(crate) fn read_limited(file: File, path: &Path, max: usize) -> Result<Zeroizing<Vec<u8>>> {
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
        .map_err(|e| Error::io("read", path, e))?;
    if buf.len() > max {
        return Err(Error::TooLarge {
            path: path.to_path_buf(),
            max: u64::try_from(max).unwrap_or(u64::MAX),
        });
    }
    Ok(buf)
}
