//! Resource limits, applied by util-linux's `prlimit(1)` as the launcher.
//!
//! `Command::pre_exec` would run `setrlimit` between `fork` and `exec`, but it
//! is `unsafe` and this workspace forbids `unsafe`. Calling `setrlimit` (or
//! `prlimit(2)`) on the child's pid after `spawn` is no better: the child
//! would run its first instructions unlimited. So the child is started as
//! `prlimit --core=0 --cpu=N --as=BYTES --nofile=N -- PROGRAM ARGS...`:
//! `prlimit` sets the limits on itself and then `exec`s the program, which
//! inherits them from its first instruction (same pid, same process group).
//!
//! If `prlimit` cannot set a limit (one above this process's hard limit)
//! or cannot `exec` the program, it exits non-zero with its reason on the
//! child's stderr and the program never runs.
//!
//! When limits are asked for (core dumps off is the default) and no
//! `prlimit` can be found, the child is not started: the caller gets
//! [`Error::Unconfined`](crate::Error::Unconfined), never
//! an unlimited child.

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};

use super::env::executable;

/// Where `prlimit(1)` is looked for first, before this process's `PATH`.
pub const PRLIMIT_PATHS: [&str; 2] = ["/usr/bin/prlimit", "/bin/prlimit"];

/// The limits a child runs under. Each is both the soft and the hard limit,
/// so the child cannot raise it again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) struct Limits {
    /// `RLIMIT_CPU`: seconds of CPU time (SIGXCPU, then SIGKILL).
    pub(super) cpu_secs: Option<u64>,
    /// `RLIMIT_AS`: bytes of address space (allocations past it fail).
    pub(super) address_space: Option<u64>,
    /// `RLIMIT_NOFILE`: one more than the highest descriptor it may open.
    pub(super) open_files: Option<u64>,
    /// Whether core dumps are allowed (`RLIMIT_CORE` left as inherited).
    /// Off by default: a core file of a strategy holds its keys.
    pub(super) core_dumps: bool,
}

impl Limits {
    /// The `prlimit` options for these limits; empty when none is asked.
    pub(super) fn prlimit_args(&self) -> Vec<OsString> {
        let mut args = Vec::new();
        if !self.core_dumps {
            args.push("--core=0".into());
        }
        if let Some(n) = self.cpu_secs {
            args.push(format!("--cpu={n}").into());
        }
        if let Some(n) = self.address_space {
            args.push(format!("--as={n}").into());
        }
        if let Some(n) = self.open_files {
            args.push(format!("--nofile={n}").into());
        }
        args
    }
}

/// The `prlimit` to launch with: `explicit` alone when the caller named
/// one, else the first of [`PRLIMIT_PATHS`], else the first on `path` (this
/// process's `PATH`, absolute entries only).
pub(super) fn find_prlimit(
    explicit: Option<&Path>,
    path: Option<&OsStr>,
) -> Result<PathBuf, String> {
    if let Some(p) = explicit {
        return if executable(p) {
            Ok(p.to_owned())
        } else {
            Err(format!(
                "resource limits need prlimit(1), and {} is not an executable file",
                p.display()
            ))
        };
    }
    let fixed = PRLIMIT_PATHS.iter().map(PathBuf::from);
    let searched = path
        .map(|p| std::env::split_paths(p).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .filter(|d| d.is_absolute())
        .map(|d| d.join("prlimit"));
    fixed.chain(searched).find(|p| executable(p)).ok_or_else(|| {
        "resource limits need prlimit(1) (util-linux), found neither in /usr/bin, /bin nor on PATH"
            .to_owned()
    })
}
