use std::os::unix::fs::PermissionsExt;

use super::*;

#[test]
fn key_file_is_created_0600_and_reloads() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.key");
    let (k1, created) = SigningKey::load_or_create(&path, "bot").unwrap();
    assert!(created);
    assert_eq!(
        fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let (k2, created) = SigningKey::load_or_create(&path, "bot").unwrap();
    assert!(!created);
    assert_eq!(k1.public_key(), k2.public_key());
    let public = PublicKey::load(&public_path(&path)).unwrap();
    assert_eq!(public, k1.public_key());
    assert_eq!(PublicKey::from_vkey(&public.to_vkey()).unwrap(), public);
    assert!(!format!("{k1:?}").contains("PRIVATE"));
}

#[test]
fn refuses_a_key_file_others_can_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.key");
    SigningKey::create(&path, "bot").unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
    let e = SigningKey::load(&path).unwrap_err();
    assert!(matches!(e, Error::BadKey { .. }), "{e}");
    assert!(
        e.to_string()
            .contains(&format!("chmod 600 {}", path.display())),
        "{e}"
    );
}

#[test]
fn key_file_symlinked_to_an_attackers_key_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let theirs = dir.path().join("planted.key");
    SigningKey::create(&theirs, "bot").unwrap();
    let path = dir.path().join("audit.key");
    std::os::unix::fs::symlink(&theirs, &path).unwrap();
    let e = SigningKey::load(&path).unwrap_err();
    assert!(matches!(e, Error::BadKey { .. }), "{e}");
    assert!(e.to_string().contains("symbolic link"), "{e}");
}

#[test]
fn key_file_in_a_group_writable_directory_is_refused_with_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.key");
    SigningKey::create(&path, "bot").unwrap();
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o770)).unwrap();
    let e = SigningKey::load(&path).unwrap_err();
    let real = dir.path().canonicalize().unwrap();
    assert!(
        e.to_string()
            .contains(&format!("chmod go-w {}", real.display())),
        "{e}"
    );
}

#[test]
fn rejects_bad_names_and_vkeys() {
    assert!(SigningKey::generate("has space").is_err());
    assert!(SigningKey::generate("a+b").is_err());
    assert!(SigningKey::generate("").is_err());
    let vkey = SigningKey::generate("n").unwrap().0.public_key().to_vkey();
    assert!(PublicKey::from_vkey(&vkey.replacen("n+", "m+", 1)).is_err());
    assert!(PublicKey::from_vkey("n+00000000+AAAA").is_err());
}
