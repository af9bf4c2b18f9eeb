//! The private-file policy against the files an attacker would plant: real
//! files, real permission bits, real owners (the owner tests need root, as
//! in CI, to hand a file to `nobody`; they print SKIPPED otherwise).
#![allow(missing_docs, clippy::unwrap_used)]

use std::os::unix::fs::{PermissionsExt, chown, lchown, symlink};
use std::path::{Path, PathBuf};

use supreme_core::files::{Error, PrivateTempFile, Problem, read_private};

const NOBODY: u32 = 65534;

fn private_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    chmod(dir.path(), 0o700);
    dir
}

fn chmod(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

fn key_in(dir: &Path) -> PathBuf {
    let path = dir.join("operator.key");
    std::fs::write(&path, b"secret").unwrap();
    chmod(&path, 0o600);
    path
}

fn is_root() -> bool {
    let root = nix::unistd::geteuid().is_root();
    if !root {
        println!("SKIPPED: not root, cannot give a file to another user");
    }
    root
}

/// The refusal, its problem and its fix (the message must carry both).
fn refusal(path: &Path) -> (PathBuf, Problem, String) {
    match read_private(path, 1024) {
        Err(e @ Error::Unsafe { .. }) => {
            let text = e.to_string();
            let Error::Unsafe { path, problem, fix } = e else {
                unreachable!()
            };
            assert!(text.contains(&fix), "{text}");
            assert!(text.contains(&path.display().to_string()), "{text}");
            (path, problem, fix)
        }
        other => panic!("{} was not refused: {other:?}", path.display()),
    }
}

#[test]
fn symlink_at_the_final_component_is_refused() {
    let dir = private_dir();
    let real = key_in(dir.path());
    let link = dir.path().join("link.key");
    symlink(&real, &link).unwrap();
    let (path, problem, fix) = refusal(&link);
    assert_eq!((path, problem), (link.clone(), Problem::Symlink));
    assert!(fix.contains(&link.display().to_string()), "{fix}");
}

#[test]
fn symlink_at_a_parent_owned_by_another_user_is_refused() {
    if !is_root() {
        return;
    }
    let dir = private_dir();
    let real = dir.path().join("real");
    std::fs::create_dir(&real).unwrap();
    chmod(&real, 0o700);
    key_in(&real);
    let link = dir.path().join("keys");
    symlink(&real, &link).unwrap();
    lchown(&link, Some(NOBODY), Some(NOBODY)).unwrap();
    let (path, problem, fix) = refusal(&link.join("operator.key"));
    assert_eq!(path, link);
    assert!(matches!(problem, Problem::WrongOwner { uid: NOBODY, .. }));
    assert_eq!(fix, format!("chown -h 0 {}", link.display()));
}

#[test]
fn symlink_at_a_parent_into_a_group_writable_directory_is_refused() {
    let dir = private_dir();
    let shared = dir.path().join("shared");
    std::fs::create_dir(&shared).unwrap();
    key_in(&shared);
    chmod(&shared, 0o770);
    let link = dir.path().join("keys");
    symlink(&shared, &link).unwrap();
    let (path, problem, fix) = refusal(&link.join("operator.key"));
    assert_eq!(path, shared.canonicalize().unwrap());
    assert_eq!(problem, Problem::DirectoryWritable { mode: 0o770 });
    assert_eq!(fix, format!("chmod go-w {}", path.display()));
}

#[test]
fn file_owned_by_another_user_is_refused() {
    if !is_root() {
        return;
    }
    let dir = private_dir();
    let key = key_in(dir.path());
    chown(&key, Some(NOBODY), Some(NOBODY)).unwrap();
    let (path, problem, fix) = refusal(&key);
    assert_eq!(path, key);
    assert_eq!(
        problem,
        Problem::WrongOwner {
            uid: NOBODY,
            expected: 0
        }
    );
    assert_eq!(fix, format!("chown 0 {}", key.display()));
}

#[test]
fn parent_directory_owned_by_another_user_is_refused() {
    if !is_root() {
        return;
    }
    let dir = private_dir();
    let theirs = dir.path().join("theirs");
    std::fs::create_dir(&theirs).unwrap();
    chmod(&theirs, 0o700);
    let key = key_in(&theirs);
    chown(&theirs, Some(NOBODY), Some(NOBODY)).unwrap();
    let (path, problem, _) = refusal(&key);
    assert_eq!(path, theirs.canonicalize().unwrap());
    assert!(matches!(problem, Problem::WrongOwner { uid: NOBODY, .. }));
}

#[test]
fn group_readable_file_is_refused() {
    let dir = private_dir();
    let key = key_in(dir.path());
    chmod(&key, 0o640);
    let (path, problem, fix) = refusal(&key);
    assert_eq!(
        (path, problem),
        (key.clone(), Problem::TooOpen { mode: 0o640 })
    );
    assert_eq!(fix, format!("chmod 600 {}", key.display()));
}

#[test]
fn world_readable_file_is_refused() {
    let dir = private_dir();
    let key = key_in(dir.path());
    chmod(&key, 0o604);
    let (_, problem, fix) = refusal(&key);
    assert_eq!(problem, Problem::TooOpen { mode: 0o604 });
    assert_eq!(fix, format!("chmod 600 {}", key.display()));
}

#[test]
fn world_writable_directory_is_refused() {
    let dir = private_dir();
    let key = key_in(dir.path());
    chmod(dir.path(), 0o777);
    let (path, problem, fix) = refusal(&key);
    assert_eq!(path, dir.path().canonicalize().unwrap());
    assert_eq!(problem, Problem::DirectoryWritable { mode: 0o777 });
    assert_eq!(fix, format!("chmod go-w {}", path.display()));
    // Sticky does not save the key's own directory (a key in /tmp itself).
    chmod(dir.path(), 0o1777);
    assert!(matches!(
        refusal(&key).1,
        Problem::DirectoryWritable { mode: 0o1777 }
    ));
}

#[test]
fn private_file_in_a_private_directory_is_read() {
    let dir = private_dir();
    let key = key_in(dir.path());
    assert_eq!(&read_private(&key, 1024).unwrap()[..], b"secret");
}

#[test]
fn temporary_file_in_a_world_readable_directory_is_refused() {
    let dir = private_dir();
    chmod(dir.path(), 0o755);
    let Err(Error::Unsafe { problem, fix, .. }) = PrivateTempFile::new_in(dir.path()) else {
        panic!("a temporary file in a 0755 directory was created");
    };
    assert_eq!(problem, Problem::TooOpen { mode: 0o755 });
    assert_eq!(fix, format!("chmod 700 {}", dir.path().display()));
    chmod(dir.path(), 0o700);
    let tmp = PrivateTempFile::new_in(dir.path()).unwrap();
    let mode = std::fs::metadata(tmp.path()).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
}
