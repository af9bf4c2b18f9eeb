//! Process hardening where the platform allows: no core dumps (a core file
//! would hold every secret in memory) and, on Linux, not dumpable (which
//! also stops other processes of the same user from ptrace-attaching).

use nix::sys::resource::{Resource, getrlimit, setrlimit};

use crate::error::Error;

/// What [`harden_process`] achieved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Hardening {
    /// `RLIMIT_CORE` is now 0 (soft and hard).
    pub core_dumps_disabled: bool,
    /// `PR_SET_DUMPABLE` is now 0 (Linux only).
    pub not_dumpable: bool,
}

/// Disables core dumps and marks the process not dumpable. Call it early,
/// before any secret is loaded.
///
/// # Errors
/// [`Error::Crypto`] if the core limit cannot be set to zero.
pub fn harden_process() -> Result<Hardening, Error> {
    setrlimit(Resource::RLIMIT_CORE, 0, 0)
        .map_err(|_| Error::Crypto("setrlimit(RLIMIT_CORE, 0)"))?;
    let core_dumps_disabled = matches!(getrlimit(Resource::RLIMIT_CORE), Ok((0, 0)));
    #[cfg(target_os = "linux")]
    let not_dumpable = nix::sys::prctl::set_dumpable(false).is_ok();
    #[cfg(not(target_os = "linux"))]
    let not_dumpable = false;
    Ok(Hardening {
        core_dumps_disabled,
        not_dumpable,
    })
}
