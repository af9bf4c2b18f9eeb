//! The verifier joins the reader thread it starts on every path (intact,
//! tampered early, unreadable file), so no thread of it is still running,
//! thread-local destructors and all, when `verify_files` returns. (A fuzz
//! run once stopped on a LeakSanitizer report from such a thread.)

mod common;

use common::*;
use supreme_audit::*;

fn threads() -> usize {
    std::fs::read_dir("/proc/self/task")
        .expect("/proc/self/task")
        .count()
}

/// The thread count once it is back at `baseline`, waiting up to 250 ms: a
/// thread that was joined has finished running, but the kernel may list it
/// in /proc for a moment after the join returns (it wakes the joiner before
/// it is reaped). A thread that was not joined, still blocked or running,
/// stays listed and fails the test.
fn settled(baseline: usize) -> usize {
    let deadline = std::time::Instant::now() + std::time::Duration::from_millis(250);
    loop {
        let n = threads();
        if n == baseline || std::time::Instant::now() > deadline {
            return n;
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
}

#[test]
fn no_verifier_thread_outlives_the_call_on_any_path() {
    let dir = tempfile::tempdir().unwrap();
    let (path, public, _) = write_log(dir.path(), 1_000, 100);
    let opts = VerifyOptions {
        public_key: Some(public),
        ..Default::default()
    };
    // Tampered in the first line: the checker stops while the reader has
    // more to send.
    let tampered = dir.path().join("tampered.log");
    let mut bytes = std::fs::read(&path).unwrap();
    bytes[10] ^= 1;
    std::fs::write(&tampered, &bytes).unwrap();
    let missing = dir.path().join("missing.log");
    let unreadable = dir.path().join("a-directory.log");
    std::fs::create_dir(&unreadable).unwrap();
    // The log's writer threads may still be leaving: wait for a steady count.
    let mut baseline = threads();
    while settled(baseline.saturating_sub(1)) != baseline {
        baseline = threads();
    }
    for _ in 0..20 {
        let intact = verify_files(std::slice::from_ref(&path), &opts, &mut |_, _| {}).unwrap();
        assert!(intact.is_authenticated(), "{intact}");
        assert_eq!(settled(baseline), baseline, "after an intact run");
        let bad = verify_files(std::slice::from_ref(&tampered), &opts, &mut |_, _| {}).unwrap();
        assert!(!bad.is_intact());
        assert_eq!(settled(baseline), baseline, "after an early finding");
        assert!(verify_files(&[path.clone(), unreadable.clone()], &opts, &mut |_, _| {}).is_err());
        assert_eq!(settled(baseline), baseline, "after a read error");
        assert!(verify_files(std::slice::from_ref(&missing), &opts, &mut |_, _| {}).is_err());
        assert_eq!(settled(baseline), baseline, "after an open error");
    }
}
