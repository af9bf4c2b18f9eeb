//! An operator's reset key is read through the private-file policy: a key
//! file others can read, a symlink planted in its place, or one in a
//! directory others can write is refused with the command that fixes it.
#![allow(missing_docs, clippy::unwrap_used)]

use std::os::unix::fs::PermissionsExt;

use supreme_kill_switch::OperatorKey;

fn chmod(path: &std::path::Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

fn key_in(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("alice.key");
    OperatorKey::generate()
        .unwrap()
        .write_pkcs8_file(&path)
        .unwrap();
    path
}

#[test]
fn operator_key_written_0600_reads_back() {
    let dir = tempfile::tempdir().unwrap();
    chmod(dir.path(), 0o700);
    let path = key_in(dir.path());
    assert_eq!(
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o600
    );
    OperatorKey::from_pkcs8_file(&path).unwrap();
}

#[test]
fn world_readable_operator_key_is_refused_with_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let path = key_in(dir.path());
    chmod(&path, 0o644);
    let e = OperatorKey::from_pkcs8_file(&path).unwrap_err().to_string();
    assert!(e.contains(&format!("chmod 600 {}", path.display())), "{e}");
}

#[test]
fn symlink_planted_as_the_operator_key_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let planted = key_in(dir.path());
    let path = dir.path().join("operator.key");
    std::os::unix::fs::symlink(&planted, &path).unwrap();
    let e = OperatorKey::from_pkcs8_file(&path).unwrap_err().to_string();
    assert!(e.contains("symbolic link"), "{e}");
}

#[test]
fn operator_key_in_a_world_writable_directory_is_refused_with_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let keys = dir.path().join("keys");
    std::fs::create_dir(&keys).unwrap();
    let path = key_in(&keys);
    chmod(&keys, 0o777);
    let e = OperatorKey::from_pkcs8_file(&path).unwrap_err().to_string();
    let real = keys.canonicalize().unwrap();
    assert!(e.contains(&format!("chmod go-w {}", real.display())), "{e}");
}
