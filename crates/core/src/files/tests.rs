#![allow(clippy::unwrap_used)]

use std::os::unix::fs::PermissionsExt;
use std::time::{Duration, Instant};

use super::*;

fn private_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
    dir
}

fn names(dir: &std::path::Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    v.sort();
    v
}

#[test]
fn written_file_is_0600_whatever_the_umask() {
    let dir = private_dir();
    let path = dir.path().join("f");
    write_atomic(&path, b"x").unwrap();
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
}

#[test]
fn stale_temp_of_a_dead_writer_is_removed_by_the_next_write() {
    let dir = private_dir();
    let path = dir.path().join("state");
    // A pid that is not running: a reaped child's.
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let dead = child.id();
    child.wait().unwrap();
    let stale = dir
        .path()
        .join(format!(".state.tmp-{dead}-00112233aabbccdd"));
    std::fs::write(&stale, b"half").unwrap();
    // One of our own pid that no thread is writing (a restart reusing a pid).
    let ours = dir.path().join(format!(
        ".state.tmp-{}-0011223344556677",
        std::process::id()
    ));
    std::fs::write(&ours, b"half").unwrap();
    // Someone else's file with a similar name is left alone.
    let other = dir.path().join(".other.tmp-1-00");
    std::fs::write(&other, b"keep").unwrap();
    write_atomic(&path, b"new").unwrap();
    assert_eq!(names(dir.path()), [".other.tmp-1-00", "state"]);
}

#[test]
fn temp_of_a_live_writer_is_kept() {
    let dir = private_dir();
    let path = dir.path().join("state");
    let live = dir.path().join(".state.tmp-1-0011223344556677"); // pid 1 runs
    std::fs::write(&live, b"half").unwrap();
    write_atomic(&path, b"new").unwrap();
    assert!(live.exists());
}

#[test]
fn write_replaces_a_symlink_instead_of_following_it() {
    let dir = private_dir();
    let target = dir.path().join("elsewhere");
    std::fs::write(&target, b"untouched").unwrap();
    let path = dir.path().join("state");
    std::os::unix::fs::symlink(&target, &path).unwrap();
    write_atomic(&path, b"new").unwrap();
    assert_eq!(std::fs::read(&target).unwrap(), b"untouched");
    assert!(
        !std::fs::symlink_metadata(&path)
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

#[test]
fn write_new_never_replaces_even_a_dangling_symlink() {
    let dir = private_dir();
    let path = dir.path().join("key");
    std::os::unix::fs::symlink(dir.path().join("nowhere"), &path).unwrap();
    assert!(matches!(
        write_new(&path, b"k"),
        Err(Error::AlreadyExists { .. })
    ));
    assert!(!dir.path().join("nowhere").exists());
    assert_eq!(names(dir.path()), ["key"]);
}

#[test]
fn lock_wait_is_bounded_and_names_the_holder() {
    let dir = private_dir();
    let lock_path = FileLock::path_for(&dir.path().join("x"));
    assert_eq!(lock_path, dir.path().join(".x.lock"));
    let _held = FileLock::acquire(&lock_path, Duration::ZERO).unwrap();
    let start = Instant::now();
    let err = FileLock::acquire(&lock_path, Duration::from_millis(150)).unwrap_err();
    let waited = start.elapsed();
    assert!(waited >= Duration::from_millis(150), "{waited:?}");
    assert!(waited < Duration::from_secs(2), "{waited:?}");
    let text = err.to_string();
    assert!(
        text.contains(&format!("process {}", std::process::id())),
        "{text}"
    );
}

#[test]
fn lock_released_by_a_holder_in_time_is_taken() {
    let dir = private_dir();
    let lock_path = dir.path().join("l");
    let held = FileLock::acquire(&lock_path, Duration::ZERO).unwrap();
    let t = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(50));
        drop(held);
    });
    FileLock::acquire(&lock_path, Duration::from_secs(2)).unwrap();
    t.join().unwrap();
}

#[test]
fn state_key_file_round_trips_and_is_created_once() {
    let dir = private_dir();
    let path = dir.path().join("state.key");
    let a = StateKey::load_or_create(&path).unwrap();
    let b = StateKey::load_or_create(&path).unwrap();
    assert_eq!(a.tag("l", b"body"), b.tag("l", b"body"));
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    assert_eq!(format!("{a:?}"), "StateKey([REDACTED])");
}

#[test]
fn state_key_file_that_is_not_a_key_is_refused() {
    let dir = private_dir();
    let path = dir.path().join("state.key");
    write_new(&path, b"supreme-state-key 1\nzz\n").unwrap();
    assert!(matches!(
        StateKey::load_or_create(&path),
        Err(Error::BadKey { .. })
    ));
}

#[test]
fn private_read_over_the_limit_is_refused() {
    let dir = private_dir();
    let path = dir.path().join("k");
    write_atomic(&path, &[7u8; 65]).unwrap();
    assert!(matches!(
        read_private(&path, 64),
        Err(Error::TooLarge { max: 64, .. })
    ));
    assert_eq!(read_private(&path, 65).unwrap().len(), 65);
}

#[test]
fn a_write_in_flight_in_this_process_is_not_taken_for_stale() {
    use std::io::Write;
    let dir = private_dir();
    let path = dir.path().join("out");
    let mut slow = AtomicFile::create(&path).unwrap();
    slow.write_all(b"slow ").unwrap();
    // Another writer of the same file, same pid, meanwhile.
    write_atomic(&path, b"fast").unwrap();
    slow.write_all(b"writer").unwrap();
    slow.commit().unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), b"slow writer");
    assert_eq!(names(dir.path()), ["out"]);
}
