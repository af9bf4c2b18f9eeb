//! A supervised child runs under resource limits from its first
//! instruction (set by `prlimit(1)` as the launcher), without core dumps,
//! and its output is captured up to a cap: real children, real limits.

#![allow(clippy::unwrap_used)] // test helpers: a failed unwrap is a failed test

use std::os::unix::process::ExitStatusExt;
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use supreme_kill_switch::{ChildOutcome, ChildSpec, Error};

const ALLOC: &str = "KS_CHILD_LIMITS_ALLOC";
const CORE_OUT: &str = "KS_CHILD_LIMITS_CORE_OUT";
/// The inner allocation's exit code when the allocation was refused.
const REFUSED: i32 = 3;

fn sh(script: &str) -> ChildSpec {
    ChildSpec::new("/bin/sh")
        .arg("-c")
        .arg(script)
        .timeout(Duration::from_secs(60))
}

/// A fresh directory for one test.
fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ks-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn stdout(out: &ChildOutcome) -> String {
    String::from_utf8_lossy(&out.output.as_ref().unwrap().stdout.bytes).into_owned()
}

/// The inner half: reserves `ALLOC` bytes, exits 0 if it got them.
#[test]
fn inner_allocates() {
    let Some(bytes) = std::env::var_os(ALLOC) else {
        return;
    };
    let bytes: usize = bytes.to_str().unwrap().parse().unwrap();
    let mut v: Vec<u8> = Vec::new();
    let code = if v.try_reserve_exact(bytes).is_ok() {
        0
    } else {
        REFUSED
    };
    std::process::exit(code);
}

fn allocate(bytes: usize, limit: Option<u64>) -> ChildOutcome {
    let mut spec = ChildSpec::new(std::env::current_exe().unwrap())
        .arg("--exact")
        .arg("inner_allocates")
        .arg("--test-threads=1")
        .env(ALLOC, bytes.to_string())
        .quiet(true)
        .timeout(Duration::from_secs(60));
    if let Some(limit) = limit {
        spec = spec.address_space(limit);
    }
    spec.run().unwrap()
}

#[test]
fn child_that_allocates_past_its_address_space_limit_is_refused() {
    const GIB: usize = 1 << 30;
    // Control: without the limit, reserving 1 GiB succeeds.
    let free = allocate(GIB, None);
    assert_eq!(free.status.unwrap().code(), Some(0), "{free:?}");
    let limited = allocate(GIB, Some(512 << 20));
    assert_eq!(limited.status.unwrap().code(), Some(REFUSED), "{limited:?}");
}

#[test]
fn child_exceeding_its_cpu_seconds_is_killed() {
    let started = Instant::now();
    let out = sh("while :; do :; done").cpu_secs(1).run().unwrap();
    let status = out.status.expect("ended by its CPU limit, not the timeout");
    let signal = status.signal();
    assert!(
        signal == Some(nix::libc::SIGXCPU) || signal == Some(nix::libc::SIGKILL),
        "{status:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(60));
}

#[test]
fn open_files_and_cpu_limits_reach_the_child_as_hard_limits() {
    let out = sh("ulimit -n; ulimit -Hn; ulimit -t; ulimit -Ht")
        .open_files(32)
        .cpu_secs(7)
        .capture_output(1024)
        .run()
        .unwrap();
    assert!(out.status.unwrap().success());
    assert_eq!(stdout(&out), "32\n32\n7\n7\n");
}

/// The inner half: with core dumps allowed in this process (the test runs
/// it under `prlimit --core=unlimited`), what `ulimit -c` says in a child.
#[test]
fn inner_reports_core_limits() {
    let Some(path) = std::env::var_os(CORE_OUT) else {
        return;
    };
    let default = sh("ulimit -c; ulimit -Hc")
        .capture_output(1024)
        .run()
        .unwrap();
    let allowed = sh("ulimit -c")
        .allow_core_dumps()
        .capture_output(1024)
        .run()
        .unwrap();
    std::fs::write(path, format!("{}{}", stdout(&default), stdout(&allowed))).unwrap();
}

#[test]
fn core_dumps_are_off_in_a_child_of_a_bot_that_allows_them() {
    let dir = temp("core");
    let out = dir.join("core.txt");
    let run = Command::new("prlimit")
        .arg("--core=unlimited")
        .arg("--")
        .arg(std::env::current_exe().unwrap())
        .args(["--exact", "inner_reports_core_limits"])
        .env(CORE_OUT, &out)
        .output()
        .unwrap();
    assert!(run.status.success(), "{run:?}");
    // Default: soft and hard 0, so the child cannot turn them back on; the
    // control with core dumps allowed shows the bot's own limit.
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "0\n0\nunlimited\n");
}

#[test]
fn limits_without_prlimit_are_refused_not_run_unlimited() {
    let dir = temp("noprlimit");
    let ran = dir.join("ran");
    let script = format!("touch '{}'", ran.display());
    for spec in [
        sh(&script).cpu_secs(5),
        sh(&script), // core dumps off by default is a limit too
    ] {
        let err = spec
            .prlimit_path(dir.join("no-such-prlimit"))
            .run()
            .unwrap_err();
        assert!(matches!(err, Error::Unconfined { .. }), "{err}");
        assert!(err.to_string().contains("prlimit"), "{err}");
        assert!(!ran.exists(), "the child ran unconfined");
    }
    // Nothing to limit: no prlimit needed.
    let out = sh(&script)
        .allow_core_dumps()
        .prlimit_path(dir.join("no-such-prlimit"))
        .run()
        .unwrap();
    assert!(out.status.unwrap().success());
    assert!(ran.exists());
}

#[test]
fn output_past_the_cap_is_truncated_and_the_child_still_exits() {
    let started = Instant::now();
    // 8 MiB on each stream, far past a pipe's 64 KiB: a child whose output
    // is not drained would block until the timeout.
    let out = sh("head -c 8388608 /dev/zero; head -c 8388608 /dev/zero >&2; echo done")
        .capture_output(1000)
        .timeout(Duration::from_secs(30))
        .run()
        .unwrap();
    assert!(out.status.unwrap().success(), "{:?}", out.status);
    let captured = out.output.unwrap();
    assert_eq!(captured.stdout.bytes, vec![0u8; 1000]);
    assert!(captured.stdout.truncated);
    assert_eq!(captured.stderr.bytes.len(), 1000);
    assert!(captured.stderr.truncated);
    assert!(started.elapsed() < Duration::from_secs(30));

    let small = sh("echo out; echo err >&2")
        .capture_output(1000)
        .run()
        .unwrap()
        .output
        .unwrap();
    assert_eq!(small.stdout.bytes, b"out\n");
    assert!(!small.stdout.truncated);
    assert_eq!(small.stderr.bytes, b"err\n");
    assert!(!small.stderr.truncated);
}

/// A descendant that leaves the process group (`setsid`) and keeps the
/// output pipe open cannot hold the run: after the grace period the stream
/// is returned as read so far, marked truncated.
#[test]
fn escaped_descendant_holding_the_pipe_does_not_hang_the_run() {
    let started = Instant::now();
    // The leader waits until the descendant has left the group: exiting
    // before would let the kill of the group end it (flaky under load).
    let escaped = temp("escaped").join("escaped");
    let out = sh(&format!(
        "echo before; setsid sh -c ': > {0}; exec sleep 20' & \
         while [ ! -e {0} ]; do sleep 0.01; done; echo after",
        escaped.display()
    ))
    .capture_output(1000)
    .grace(Duration::from_millis(300))
    .run()
    .unwrap();
    assert!(out.status.unwrap().success());
    let captured = out.output.unwrap();
    assert_eq!(captured.stdout.bytes, b"before\nafter\n");
    assert!(captured.stdout.truncated, "the pipe was still open");
    assert!(started.elapsed() < Duration::from_secs(10));
}

/// The cap is exact: a child writing exactly the cap keeps all of it, not
/// truncated; one byte more is truncated to the cap.
#[test]
fn output_of_exactly_the_cap_is_kept_whole_and_one_byte_more_is_truncated() {
    for (len, truncated) in [(4096, false), (4097, true)] {
        let out = sh(&format!("head -c {len} /dev/zero >&2"))
            .capture_output(4096)
            .timeout(Duration::from_secs(30))
            .run()
            .unwrap()
            .output
            .unwrap();
        assert_eq!(out.stderr.bytes, vec![0u8; 4096], "len {len}");
        assert_eq!(out.stderr.truncated, truncated, "len {len}");
        assert!(out.stdout.bytes.is_empty() && !out.stdout.truncated);
    }
}

/// A child that writes to stderr forever (nothing on stdout) neither blocks
/// on the pipe nor outlives its timeout, and its capture stays at the cap.
#[test]
fn child_writing_forever_to_stderr_only_is_capped_and_killed_at_its_timeout() {
    let started = Instant::now();
    let out = sh("exec yes flood >&2")
        .capture_output(100)
        .timeout(Duration::from_millis(500))
        .grace(Duration::from_millis(300))
        .run()
        .unwrap();
    assert_eq!(out.status, None, "timed out");
    let captured = out.output.unwrap();
    assert_eq!(captured.stderr.bytes, b"flood\n".repeat(17)[..100]);
    assert!(captured.stderr.truncated);
    assert!(captured.stdout.bytes.is_empty());
    assert!(started.elapsed() < Duration::from_secs(10));
}
