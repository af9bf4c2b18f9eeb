//! Exclusive locks on a lock file (`flock`), held while the guard lives,
//! that wait a bounded time for a holder that is exiting.
//!
//! A process killed with `kill -9` still holds its locks until the kernel
//! has closed its files, which can take some milliseconds after the kill
//! returns (longer with a large address space to tear down). A restart in
//! that window must not fail: [`FileLock::acquire`] retries until the
//! wait ([`FileLock::DEFAULT_WAIT`] unless configured) runs out, then names
//! the holder's pid, which every holder writes into the lock file.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::fcntl::{Flock, FlockArg, OFlag};

use super::error::{Error, Result};
use super::policy::parent_of;

/// An exclusive advisory lock, released on drop (or when the process dies).
///
/// ```
/// use std::time::Duration;
/// use supreme_core::files::{Error, FileLock};
///
/// let dir = tempfile::tempdir()?;
/// let lock_path = FileLock::path_for(&dir.path().join("risk.state"));
/// let held = FileLock::acquire(&lock_path, FileLock::DEFAULT_WAIT)?;
///
/// // A second holder gives up after its wait and names the first one's pid.
/// let Err(Error::Locked { holder, .. }) = FileLock::acquire(&lock_path, Duration::from_millis(20))
/// else { panic!() };
/// assert_eq!(holder, Some(std::process::id()));
///
/// drop(held);
/// FileLock::acquire(&lock_path, Duration::ZERO)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct FileLock {
    _lock: Flock<File>,
    path: PathBuf,
}

impl FileLock {
    /// How long [`acquire`](Self::acquire) waits by default for a holder
    /// that is exiting.
    pub const DEFAULT_WAIT: Duration = Duration::from_secs(2);

    /// The conventional lock file of `target`: `.<name>.lock` beside it.
    pub fn path_for(target: &Path) -> PathBuf {
        let mut name = std::ffi::OsString::from(".");
        name.push(target.file_name().unwrap_or_default());
        name.push(".lock");
        parent_of(target).join(name)
    }

    /// Takes the lock on `lock_path` (created 0600 if missing, a symlink
    /// refused), retrying for at most `wait`; then writes our pid in it.
    /// Gives up with [`Error::Locked`], naming the holder's pid.
    pub fn acquire(lock_path: &Path, wait: Duration) -> Result<Self> {
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o600)
            .custom_flags((OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC).bits())
            .open(lock_path)
            .map_err(|e| Error::io("open lock file", lock_path, e))?;
        let start = Instant::now();
        let mut pause = Duration::from_micros(500);
        loop {
            match Flock::lock(file, FlockArg::LockExclusiveNonblock) {
                Ok(lock) => return Self::claim(lock, lock_path),
                Err((f, Errno::EWOULDBLOCK | Errno::EINTR)) if start.elapsed() < wait => {
                    file = f;
                    std::thread::sleep(pause.min(wait.saturating_sub(start.elapsed())));
                    pause = (pause * 2).min(Duration::from_millis(20));
                }
                Err((mut f, Errno::EWOULDBLOCK)) => {
                    return Err(Error::Locked {
                        path: lock_path.to_path_buf(),
                        holder: holder_pid(&mut f),
                        waited: start.elapsed(),
                    });
                }
                Err((_, errno)) => {
                    return Err(Error::io("lock", lock_path, std::io::Error::from(errno)));
                }
            }
        }
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn claim(mut lock: Flock<File>, lock_path: &Path) -> Result<Self> {
        let pid = format!("{}\n", std::process::id());
        lock.set_len(0)
            .and_then(|()| lock.rewind())
            .and_then(|()| lock.write_all(pid.as_bytes()))
            .map_err(|e| Error::io("write pid to lock file", lock_path, e))?;
        Ok(Self {
            _lock: lock,
            path: lock_path.to_path_buf(),
        })
    }
}

/// The pid the holder wrote (none if it has not written it yet).
fn holder_pid(file: &mut File) -> Option<u32> {
    let mut text = String::new();
    file.rewind().ok()?;
    file.take(32).read_to_string(&mut text).ok()?;
    text.trim().parse().ok()
}
