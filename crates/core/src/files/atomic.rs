//! Atomic replacement of a file: a fresh 0600 temp file with a random name
//! in the target's directory (`O_EXCL | O_NOFOLLOW`), write, fsync, rename
//! over the target, fsync the directory. A crash at any instant leaves the
//! old file or the new one, never a mix; the temp file a crash leaves
//! behind is removed by the next write of the same file.

use std::collections::HashSet;
use std::ffi::OsString;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use nix::fcntl::OFlag;
use ring::rand::{SecureRandom, SystemRandom};

use super::error::{Error, Result};
use super::policy::parent_of;

/// The temp files this process is writing now: never removed as stale, even
/// when their pid (ours) is reused from a dead writer's.
static IN_FLIGHT: Mutex<Option<HashSet<PathBuf>>> = Mutex::new(None);

fn in_flight(f: impl FnOnce(&mut HashSet<PathBuf>)) {
    let mut set = IN_FLIGHT.lock().unwrap_or_else(PoisonError::into_inner);
    f(set.get_or_insert_with(HashSet::new));
}

fn is_in_flight(path: &Path) -> bool {
    let set = IN_FLIGHT.lock().unwrap_or_else(PoisonError::into_inner);
    set.as_ref().is_some_and(|s| s.contains(path))
}

fn file_name(path: &Path) -> Result<&std::ffi::OsStr> {
    path.file_name().ok_or_else(|| {
        Error::io(
            "name",
            path,
            std::io::Error::new(std::io::ErrorKind::InvalidInput, "no file name"),
        )
    })
}

/// The prefix of every temp file of `path`: `.<name>.tmp-`.
fn temp_prefix(name: &std::ffi::OsStr) -> OsString {
    let mut prefix = OsString::from(".");
    prefix.push(name);
    prefix.push(".tmp-");
    prefix
}

/// `.<name>.tmp-<pid>-<16 random hex digits>` beside `path`.
fn temp_path(path: &Path) -> Result<PathBuf> {
    let mut tag = [0u8; 8];
    SystemRandom::new()
        .fill(&mut tag)
        .map_err(|_| Error::Random)?;
    let mut tmp = temp_prefix(file_name(path)?);
    tmp.push(format!("{}-", std::process::id()));
    for b in tag {
        tmp.push(format!("{b:02x}"));
    }
    Ok(parent_of(path).join(tmp))
}

/// Writes `bytes` to `path` atomically and durably, mode 0600, replacing
/// what is there (a symlink at `path` is replaced, never followed).
///
/// ```
/// use supreme_core::files::write_atomic;
///
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("state");
/// write_atomic(&path, b"one")?;
/// write_atomic(&path, b"two")?;
/// assert_eq!(std::fs::read(&path)?, b"two");
/// assert_eq!(std::fs::read_dir(dir.path())?.count(), 1); // no temp file left
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut file = AtomicFile::create(path)?;
    file.write_all(bytes)
        .map_err(|e| Error::io("write", &file.tmp, e))?;
    file.commit()
}

/// Creates `path` with `bytes`, atomically and durably, mode 0600; fails
/// with [`Error::AlreadyExists`] if anything is at `path` (the temp file is
/// hard-linked into place, which never replaces).
///
/// ```
/// use supreme_core::files::{write_new, Error};
///
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("key");
/// write_new(&path, b"first")?;
/// assert!(matches!(write_new(&path, b"second"), Err(Error::AlreadyExists { .. })));
/// assert_eq!(std::fs::read(&path)?, b"first");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn write_new(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut file = AtomicFile::create(path)?;
    file.write_all(bytes)
        .map_err(|e| Error::io("write", &file.tmp, e))?;
    file.commit_new()
}

/// A file being written in place of `path`, for output too large to hold
/// in memory (a decrypted stream): a random 0600 temp file beside `path`
/// that [`commit`](Self::commit) fsyncs and renames into place, and that is
/// removed if dropped uncommitted (a failed or abandoned write never
/// replaces anything).
///
/// ```
/// use std::io::Write;
/// use supreme_core::files::AtomicFile;
///
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("plain.out");
/// let mut out = AtomicFile::create(&path)?;
/// out.write_all(b"chunk one, ")?;
/// out.write_all(b"chunk two")?;
/// assert!(!path.exists()); // nothing in place before the commit
/// out.commit()?;
/// assert_eq!(std::fs::read(&path)?, b"chunk one, chunk two");
///
/// let abandoned = AtomicFile::create(&dir.path().join("other"))?;
/// drop(abandoned);
/// assert_eq!(std::fs::read_dir(dir.path())?.count(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct AtomicFile {
    file: Option<File>,
    tmp: PathBuf,
    path: PathBuf,
}

impl AtomicFile {
    /// Removes the temp files a dead writer of `path` left, then creates a
    /// new temp file (`O_EXCL | O_NOFOLLOW`, mode 0600) beside it.
    pub fn create(path: &Path) -> Result<Self> {
        remove_stale_temps(path);
        let tmp = temp_path(path)?;
        in_flight(|s| {
            s.insert(tmp.clone());
        });
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .custom_flags((OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC).bits())
            .open(&tmp);
        let file = match file {
            Ok(f) => f,
            Err(e) => {
                in_flight(|s| {
                    s.remove(&tmp);
                });
                return Err(Error::io("create", &tmp, e));
            }
        };
        Ok(Self {
            file: Some(file),
            tmp,
            path: path.to_path_buf(),
        })
    }

    /// fsyncs the file, renames it over `path` (replacing what is there),
    /// and fsyncs the directory.
    pub fn commit(self) -> Result<()> {
        self.place(|tmp, path| std::fs::rename(tmp, path).map_err(|e| Error::io("rename", path, e)))
    }

    /// Like [`commit`](Self::commit), but fails with
    /// [`Error::AlreadyExists`] if anything is at `path`.
    pub fn commit_new(self) -> Result<()> {
        self.place(|tmp, path| {
            std::fs::hard_link(tmp, path).map_err(|e| match e.kind() {
                std::io::ErrorKind::AlreadyExists => Error::AlreadyExists {
                    path: path.to_path_buf(),
                },
                _ => Error::io("link", path, e),
            })?;
            std::fs::remove_file(tmp).map_err(|e| Error::io("remove", tmp, e))
        })
    }

    fn place(mut self, put: impl FnOnce(&Path, &Path) -> Result<()>) -> Result<()> {
        // Drop removes the temp file whatever happens below.
        let file = self.file.take();
        if let Some(file) = file {
            file.sync_all()
                .map_err(|e| Error::io("fsync", &self.tmp, e))?;
        }
        put(&self.tmp, &self.path)?;
        sync_parent(&self.path)
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match &mut self.file {
            Some(f) => f.write(buf),
            None => Err(std::io::ErrorKind::BrokenPipe.into()),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match &mut self.file {
            Some(f) => f.flush(),
            None => Ok(()),
        }
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        drop(self.file.take());
        // After a rename this finds nothing; after a failure or without a
        // commit it removes the temp file. Best effort.
        let _ = std::fs::remove_file(&self.tmp);
        in_flight(|s| {
            s.remove(&self.tmp);
        });
    }
}

/// fsyncs a directory, so a rename, a creation or a removal in it is
/// durable.
pub fn sync_dir(dir: &Path) -> Result<()> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| Error::io("fsync directory", dir, e))
}

/// fsyncs the directory holding `path`.
pub fn sync_parent(path: &Path) -> Result<()> {
    sync_dir(parent_of(path))
}

/// Removes the temp files of `path` a writer left when it died: those whose
/// pid no longer runs, and those of our own pid (reused after a restart)
/// that no thread of ours is writing. Best effort: a failure here never
/// blocks a write.
fn remove_stale_temps(path: &Path) {
    let Ok(name) = file_name(path) else {
        return;
    };
    let prefix = temp_prefix(name);
    let Some(prefix) = prefix.to_str() else {
        return;
    };
    let Ok(dir) = std::fs::read_dir(parent_of(path)) else {
        return;
    };
    let me = std::process::id();
    for entry in dir.flatten() {
        let entry_name = entry.file_name();
        let Some(rest) = entry_name.to_str().and_then(|n| n.strip_prefix(prefix)) else {
            continue;
        };
        let Some(pid) = rest.split('-').next().and_then(|p| p.parse::<u32>().ok()) else {
            continue;
        };
        let stale = if pid == me {
            !is_in_flight(&entry.path())
        } else {
            i32::try_from(pid).is_ok_and(|raw| {
                nix::sys::signal::kill(nix::unistd::Pid::from_raw(raw), None)
                    == Err(nix::errno::Errno::ESRCH)
            })
        };
        if stale {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}
