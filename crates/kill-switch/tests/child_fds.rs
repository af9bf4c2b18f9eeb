//! A descriptor the bot holds without close-on-exec (opened by C code, or
//! inherited that way: a key file, a socket to the exchange) does not reach
//! a child started by the kill switch.
//!
//! Alone in its test binary: it clears the flag of one of this process's
//! descriptors on purpose, and another test spawning meanwhile would mark it
//! again.

#![allow(clippy::unwrap_used)] // test helpers: a failed unwrap is a failed test

use std::os::fd::AsRawFd;
use std::process::Command;
use std::time::Duration;

use nix::fcntl::{FcntlArg, FdFlag, fcntl};
use supreme_kill_switch::ChildSpec;

/// What `/bin/sh` reports about descriptor `fd`, and every descriptor `ls`
/// sees with its target.
const PROBE: &str =
    "if test -e /proc/self/fd/$KS_FD; then echo leaked; else echo sealed; fi; ls -l /proc/self/fd/";

#[test]
fn inheritable_descriptor_is_not_leaked_to_the_child() {
    let dir = std::env::temp_dir().join(format!("ks-child-fds-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let secret = dir.join("exchange-secret.key");
    std::fs::write(&secret, "NhqPtmdSJYdKjVHjA7PZj4Mge3R5").unwrap();
    let file = std::fs::File::open(&secret).unwrap();
    // The attack's setup: the descriptor is inheritable.
    fcntl(&file, FcntlArg::F_SETFD(FdFlag::empty())).unwrap();
    let fd = file.as_raw_fd().to_string();

    // Control: a plain std::process::Command child does see it.
    let plain = Command::new("/bin/sh")
        .arg("-c")
        .arg(PROBE)
        .env("KS_FD", &fd)
        .output()
        .unwrap();
    let plain = String::from_utf8_lossy(&plain.stdout);
    assert!(plain.starts_with("leaked\n"), "{plain}");
    assert!(plain.contains("exchange-secret.key"), "{plain}");

    let out = ChildSpec::new("/bin/sh")
        .arg("-c")
        .arg(PROBE)
        .env("KS_FD", &fd)
        .capture_output(64 * 1024)
        .timeout(Duration::from_secs(30))
        .run()
        .unwrap();
    assert!(out.status.unwrap().success());
    let seen = String::from_utf8(out.output.unwrap().stdout.bytes).unwrap();
    assert!(seen.starts_with("sealed\n"), "{seen}");
    assert!(!seen.contains("exchange-secret.key"), "{seen}");
    // The child's own descriptors: stdin, stdout, stderr, and the one `ls`
    // opened to list the directory (its number is 3).
    let fds: Vec<&str> = seen
        .lines()
        .filter_map(|l| l.split_once(" -> ")?.0.rsplit(' ').next())
        .collect();
    assert_eq!(fds, ["0", "1", "2", "3"], "{seen}");

    // The bot's own descriptor is still open, now close-on-exec.
    let flags = fcntl(&file, FcntlArg::F_GETFD).unwrap();
    assert!(FdFlag::from_bits_truncate(flags).contains(FdFlag::FD_CLOEXEC));
}
