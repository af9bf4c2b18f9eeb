//! No descriptor beyond stdin, stdout and stderr reaches a child.
//!
//! Everything the standard library opens is close-on-exec already; what
//! leaks is a descriptor opened by C code, or one this process inherited
//! without the flag (a socket, a key file, a lock). Before every spawn, each
//! descriptor from 3 up is marked `FD_CLOEXEC`.
//!
//! Why the `close_fds` crate: marking takes `fcntl(fd, F_SETFD, FD_CLOEXEC)`
//! on descriptors this code does not own. `nix` 0.32's `fcntl` (and
//! `rustix`'s `fcntl_setfd`) take `AsFd`, and the only way to get a
//! `BorrowedFd` for a number read from `/proc/self/fd` is the `unsafe`
//! `BorrowedFd::borrow_raw`, which this workspace forbids; neither crate
//! offers `close_range(2)`. `close_fds::set_fds_cloexec_threadsafe` is a
//! safe function for exactly this (setting the flag invalidates nothing):
//! `close_range(3, ~0, CLOSE_RANGE_CLOEXEC)` on Linux 5.11 and later, else
//! `fcntl` over the descriptors listed in `/proc/self/fd`.
//!
//! The result is then checked, not trusted: `/proc/self/fdinfo/N` shows
//! `O_CLOEXEC` in its `flags:` line for a close-on-exec descriptor. One still
//! inheritable after a second pass stops the spawn. Without `/proc` the
//! check is skipped (the marking does not need it).
//!
//! The flag stays set in this process afterwards: a descriptor some library
//! meant its own children to inherit is not inherited any more. A
//! descriptor opened by another thread between this check and the `exec`
//! (only C code opens them without the flag) is not covered.

use std::io;

/// `O_CLOEXEC` as `/proc/self/fdinfo` prints it (octal flags).
const O_CLOEXEC: u32 = 0o2_000_000;

/// Descriptors from 3 up that a child would inherit now, per
/// `/proc/self/fdinfo` (an error when it cannot be read).
pub(super) fn inheritable() -> io::Result<Vec<i32>> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc/self/fdinfo")? {
        let entry = entry?;
        let Some(fd) = entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<i32>().ok())
        else {
            continue;
        };
        if fd < 3 {
            continue;
        }
        // The descriptor may be closed meanwhile (the listing's own one is).
        let Ok(info) = std::fs::read_to_string(entry.path()) else {
            continue;
        };
        if let Some(flags) = parse_flags(&info)
            && flags & O_CLOEXEC == 0
        {
            found.push(fd);
        }
    }
    Ok(found)
}

/// The octal `flags:` value of an fdinfo text.
pub(super) fn parse_flags(info: &str) -> Option<u32> {
    let line = info.lines().find_map(|l| l.strip_prefix("flags:"))?;
    u32::from_str_radix(line.trim(), 8).ok()
}

/// Marks every descriptor from 3 up close-on-exec and checks that none is
/// left inheritable; the error names those that are.
pub(super) fn seal() -> Result<(), String> {
    for _ in 0..2 {
        close_fds::set_fds_cloexec_threadsafe(3, &[]);
        match inheritable() {
            Ok(left) if left.is_empty() => return Ok(()),
            Ok(_) => continue,
            // No /proc to check against: the marking above still ran.
            Err(_) => return Ok(()),
        }
    }
    match inheritable() {
        Ok(left) if !left.is_empty() => Err(format!(
            "descriptors {left:?} stay inheritable after marking them close-on-exec"
        )),
        _ => Ok(()),
    }
}
