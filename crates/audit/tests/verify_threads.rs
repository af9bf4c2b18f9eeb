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
    let baseline = threads();
    for _ in 0..20 {
        let intact = verify_files(std::slice::from_ref(&path), &opts, &mut |_, _| {}).unwrap();
        assert!(intact.is_authenticated(), "{intact}");
        assert_eq!(threads(), baseline, "after an intact run");
        let bad = verify_files(std::slice::from_ref(&tampered), &opts, &mut |_, _| {}).unwrap();
        assert!(!bad.is_intact());
        assert_eq!(threads(), baseline, "after an early finding");
        assert!(verify_files(&[path.clone(), unreadable.clone()], &opts, &mut |_, _| {}).is_err());
        assert_eq!(threads(), baseline, "after a read error");
        assert!(verify_files(std::slice::from_ref(&missing), &opts, &mut |_, _| {}).is_err());
        assert_eq!(threads(), baseline, "after an open error");
    }
}
