//! The directories above a vault: anyone who can rename entries in one of
//! them can swap the vault (or its directory) for a copy of their choosing.
//! Real directories, real permission bits; ownership tests need root (as
//! root they chown to uid 65534; otherwise they check what a user can).

use std::fs;
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::Path;

use secrecy::SecretString;
use supreme_vault::{Error, KdfParams, UnsafeReason, VaultFile};

fn pass() -> SecretString {
    SecretString::from("directory test passphrase")
}

fn create(path: &Path) {
    VaultFile::create(path, &pass(), KdfParams::dangerous().insecure_for_tests()).expect("create");
}

fn chmod(path: &Path, mode: u32) {
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).expect("chmod");
}

fn is_root() -> bool {
    nix::unistd::geteuid().is_root()
}

/// The directory (or file) the refusal names, and why.
fn refusal(path: &Path) -> (std::path::PathBuf, UnsafeReason) {
    match VaultFile::open(path, &pass()) {
        Err(Error::UnsafeFile { path, reason, .. }) => (path, reason),
        other => panic!("expected a refusal of the path, got {other:?}"),
    }
}

#[test]
fn swap_through_a_group_or_world_writable_grandparent_is_refused() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let top = tmp.path().join("shared");
    let path = top.join("keys/bot.vault");
    create(&path);
    for mode in [0o770, 0o707, 0o777] {
        chmod(&top, mode);
        let (dir, reason) = refusal(&path);
        assert_eq!(dir, fs::canonicalize(&top).expect("canonical"));
        assert_eq!(reason, UnsafeReason::DirectoryWritable { mode });
    }
    chmod(&top, 0o755);
    assert!(
        VaultFile::open(&path, &pass()).is_ok(),
        "0755 above is fine"
    );
}

#[test]
fn sticky_world_writable_dir_is_allowed_above_but_never_as_the_parent() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let sticky = tmp.path().join("like-tmp");
    let path = sticky.join("mine/bot.vault");
    create(&path);
    chmod(&sticky, 0o1777);
    assert!(
        VaultFile::open(&path, &pass()).is_ok(),
        "others cannot rename what we own inside a sticky directory"
    );
    let direct = sticky.join("bot.vault");
    fs::copy(&path, &direct).expect("copy");
    chmod(&direct, 0o600);
    let (dir, reason) = refusal(&direct);
    assert_eq!(dir, fs::canonicalize(&sticky).expect("canonical"));
    assert_eq!(reason, UnsafeReason::DirectoryWritable { mode: 0o1777 });
    // Sticky but not world-writable above: fine; writable, not sticky: refused.
    chmod(&sticky, 0o1755);
    assert!(VaultFile::open(&path, &pass()).is_ok());
    chmod(&sticky, 0o0777);
    assert!(matches!(
        refusal(&path).1,
        UnsafeReason::DirectoryWritable { mode: 0o777 }
    ));
}

#[test]
fn parent_or_grandparent_owned_by_another_user_is_refused() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let top = tmp.path().join("top");
    let parent = top.join("keys");
    let path = parent.join("bot.vault");
    create(&path);
    if !is_root() {
        // A user cannot give a directory away; root-owned ones are trusted.
        assert!(VaultFile::open(&path, &pass()).is_ok());
        return;
    }
    for dir in [&parent, &top] {
        std::os::unix::fs::chown(dir, Some(65534), Some(65534)).expect("chown");
        let (named, reason) = refusal(&path);
        assert_eq!(&named, dir);
        assert!(matches!(
            reason,
            UnsafeReason::WrongOwner { uid: 65534, .. }
        ));
        std::os::unix::fs::chown(dir, Some(0), Some(0)).expect("chown back");
    }
    assert!(
        VaultFile::open(&path, &pass()).is_ok(),
        "root-owned is trusted"
    );
}

#[test]
fn symlink_on_the_path_owned_by_another_user_is_refused() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let real = tmp.path().join("real");
    let path = real.join("bot.vault");
    create(&path);
    let link = tmp.path().join("link");
    symlink(&real, &link).expect("symlink");
    let through = link.join("bot.vault");
    assert!(
        VaultFile::open(&through, &pass()).is_ok(),
        "our own symlink is fine"
    );
    if !is_root() {
        return;
    }
    std::os::unix::fs::lchown(&link, Some(65534), Some(65534)).expect("lchown");
    let (named, reason) = refusal(&through);
    assert_eq!(named, link);
    assert!(matches!(
        reason,
        UnsafeReason::WrongOwner { uid: 65534, .. }
    ));
}

#[test]
fn a_new_vault_is_not_created_under_a_writable_ancestor() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let top = tmp.path().join("open");
    fs::create_dir(&top).expect("mkdir");
    chmod(&top, 0o777);
    let err = VaultFile::create(
        top.join("keys/bot.vault"),
        &pass(),
        KdfParams::dangerous().insecure_for_tests(),
    )
    .expect_err("refused");
    assert!(matches!(
        err,
        Error::UnsafeFile {
            reason: UnsafeReason::DirectoryWritable { mode: 0o777 },
            ..
        }
    ));
    assert!(!top.join("keys").exists(), "nothing created under it");
}
