//! Real files, real permission bits.

use std::fs;
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::Path;

use secrecy::{ExposeSecret, SecretString};
use supreme_vault::{EntrySecret, Error, KdfParams, UnsafeReason, VaultFile};

fn pass() -> SecretString {
    SecretString::from("file test passphrase")
}

fn create(path: &Path) -> VaultFile {
    VaultFile::create(path, &pass(), KdfParams::dangerous().insecure_for_tests()).expect("create")
}

fn mode(path: &Path) -> u32 {
    fs::metadata(path).expect("metadata").permissions().mode() & 0o7777
}

#[test]
fn created_0600_in_new_0700_directory_and_saved_atomically() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let path = tmp.path().join("sub/dir/bot.vault");
    let mut vf = create(&path);
    assert_eq!(mode(&path), 0o600);
    assert_eq!(mode(path.parent().expect("parent")), 0o700);
    vf.vault_mut()
        .put(
            "note",
            &EntrySecret::Text(SecretString::from("hello")),
            None,
        )
        .expect("put");
    vf.save().expect("save");
    assert_eq!(mode(&path), 0o600);
    let mut leftovers: Vec<_> = fs::read_dir(path.parent().expect("parent"))
        .expect("read_dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    leftovers.sort();
    assert_eq!(
        leftovers,
        [".bot.vault.lock", "bot.vault"],
        "no temp files left behind"
    );
    let again = VaultFile::open(&path, &pass()).expect("open");
    match again.vault().reveal("note").expect("reveal") {
        EntrySecret::Text(s) => assert_eq!(s.expose_secret(), "hello"),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        VaultFile::create(&path, &pass(), KdfParams::dangerous().insecure_for_tests()),
        Err(Error::AlreadyExists(_))
    ));
}

#[test]
fn group_or_world_access_refused_with_fix() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let path = tmp.path().join("v.vault");
    create(&path);
    for bad in [0o644, 0o640, 0o604, 0o660, 0o606, 0o610] {
        fs::set_permissions(&path, fs::Permissions::from_mode(bad)).expect("chmod");
        match VaultFile::open(&path, &pass()) {
            Err(Error::UnsafeFile {
                reason: UnsafeReason::TooOpen { mode },
                fix,
                ..
            }) => {
                assert_eq!(mode, bad);
                assert_eq!(fix, format!("chmod 600 {}", path.display()));
            }
            other => panic!("mode {bad:o}: {other:?}"),
        }
    }
    fs::set_permissions(&path, fs::Permissions::from_mode(0o400)).expect("chmod");
    assert!(VaultFile::open(&path, &pass()).is_ok(), "0400 is fine");
}

#[test]
fn symlink_refused() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let real = tmp.path().join("real.vault");
    create(&real);
    let link = tmp.path().join("link.vault");
    symlink(&real, &link).expect("symlink");
    assert!(matches!(
        VaultFile::open(&link, &pass()),
        Err(Error::UnsafeFile {
            reason: UnsafeReason::Symlink,
            ..
        })
    ));
}

#[test]
fn other_owner_refused() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let path = tmp.path().join("v.vault");
    create(&path);
    if nix::unistd::geteuid().is_root() {
        std::os::unix::fs::chown(&path, Some(65534), Some(65534)).expect("chown");
        assert!(matches!(
            VaultFile::open(&path, &pass()),
            Err(Error::UnsafeFile {
                reason: UnsafeReason::WrongOwner { uid: 65534, .. },
                ..
            })
        ));
    } else {
        // Not root: a root-owned file is "another user's".
        assert!(matches!(
            VaultFile::open("/etc/passwd", &pass()),
            Err(Error::UnsafeFile {
                reason: UnsafeReason::WrongOwner { uid: 0, .. },
                ..
            })
        ));
    }
}

#[test]
fn writable_directory_refused() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let path = tmp.path().join("v.vault");
    create(&path);
    fs::set_permissions(tmp.path(), fs::Permissions::from_mode(0o777)).expect("chmod dir");
    assert!(matches!(
        VaultFile::open(&path, &pass()),
        Err(Error::UnsafeFile {
            reason: UnsafeReason::DirectoryWritable { mode: 0o777 },
            ..
        })
    ));
    fs::set_permissions(tmp.path(), fs::Permissions::from_mode(0o700)).expect("chmod dir");
}

#[test]
fn not_a_regular_file_refused() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("d");
    fs::create_dir(&dir).expect("mkdir");
    assert!(VaultFile::open(&dir, &pass()).is_err());
}

#[test]
fn wrong_passphrase_refused_on_file() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let path = tmp.path().join("v.vault");
    create(&path);
    let err = VaultFile::open(&path, &SecretString::from("wrong")).expect_err("refused");
    assert!(matches!(err, Error::WrongPassphrase));
    assert!(err.is_refusal());
}

#[test]
fn passphrase_file_checked_and_newline_stripped() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let file = tmp.path().join("pass");
    fs::write(&file, "from a file\n").expect("write");
    fs::set_permissions(&file, fs::Permissions::from_mode(0o644)).expect("chmod");
    assert!(matches!(
        supreme_vault::read_passphrase_file(&file),
        Err(Error::UnsafeFile {
            reason: UnsafeReason::TooOpen { .. },
            ..
        })
    ));
    fs::set_permissions(&file, fs::Permissions::from_mode(0o600)).expect("chmod");
    let p = supreme_vault::read_passphrase_file(&file).expect("read");
    assert_eq!(p.expose_secret(), "from a file");
}

#[test]
fn process_hardening_disables_core_dumps() {
    let h = supreme_vault::harden_process().expect("harden");
    assert!(h.core_dumps_disabled);
    let (soft, hard) = nix::sys::resource::getrlimit(nix::sys::resource::Resource::RLIMIT_CORE)
        .expect("getrlimit");
    assert_eq!((soft, hard), (0, 0));
}

#[test]
fn concurrent_writer_cannot_lose_an_update() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let path = tmp.path().join("v.vault");
    create(&path);
    let mut first = VaultFile::open(&path, &pass()).expect("open 1");
    let mut second = VaultFile::open(&path, &pass()).expect("open 2");
    first
        .vault_mut()
        .put("a", &EntrySecret::Text(SecretString::from("one")), None)
        .expect("put");
    second
        .vault_mut()
        .put("b", &EntrySecret::Text(SecretString::from("two")), None)
        .expect("put");
    first.save().expect("first save");
    assert!(matches!(
        second.save(),
        Err(Error::Conflict {
            expected: 1,
            found: 2
        })
    ));
    // The first writer can keep saving.
    first.vault_mut().remove("a").expect("remove");
    first.save().expect("second save");
    let names: Vec<_> = VaultFile::open(&path, &pass())
        .expect("open")
        .vault()
        .list()
        .into_iter()
        .map(|e| e.name)
        .collect();
    assert!(names.is_empty());
}
