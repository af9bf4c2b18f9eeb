//! Process-group signalling and liveness (Linux `/proc` aware).

use nix::errno::Errno;
use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;

/// Sends `sig` to the group; an already empty group is not an error.
pub(super) fn signal_group(pgid: Pid, sig: Signal) -> Result<(), Errno> {
    match killpg(pgid, sig) {
        Ok(()) | Err(Errno::ESRCH) => Ok(()),
        Err(e) => Err(e),
    }
}

/// Whether a process of the group is running. Zombies (dead, not yet reaped
/// by whoever inherited them) do not count. Without `/proc`, any member that
/// can still be signalled counts.
pub(super) fn group_alive(pgid: Pid) -> bool {
    if let Err(Errno::ESRCH) = killpg(pgid, None) {
        return false;
    }
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return true;
    };
    let mut seen_any = false;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .filter(|s| s.bytes().all(|b| b.is_ascii_digit()))
        else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        if let Some((state, pgrp)) = parse_stat(&stat) {
            seen_any = true;
            if pgrp == pgid.as_raw() && state != 'Z' && state != 'X' {
                return true;
            }
        }
    }
    // If /proc showed nothing parseable, trust the signal probe.
    !seen_any
}

/// (state, pgrp) from `/proc/<pid>/stat`; the command name may hold spaces
/// and parentheses, so parse after the last `)`.
fn parse_stat(stat: &str) -> Option<(char, i32)> {
    let rest = &stat[stat.rfind(')')? + 1..];
    let mut fields = rest.split_whitespace();
    let state = fields.next()?.chars().next()?;
    let _ppid = fields.next()?;
    let pgrp = fields.next()?.parse().ok()?;
    Some((state, pgrp))
}

#[cfg(test)]
pub(super) fn parse_stat_for_tests(stat: &str) -> Option<(char, i32)> {
    parse_stat(stat)
}
