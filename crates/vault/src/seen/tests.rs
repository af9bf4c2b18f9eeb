use std::fs;
use std::os::unix::fs::PermissionsExt;

use super::*;
use crate::error::UnsafeReason;
use crate::test_support::*;

fn bumped(v: &mut Vault, times: u32) {
    for i in 0..times {
        v.put(&format!("e{i}"), &hmac_secret(), None).expect("put");
    }
}

#[test]
fn record_keeps_the_highest_and_check_refuses_older() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let seen = SeenGenerations::open(tmp.path().join("a/b")).expect("open");
    assert_eq!(
        fs::metadata(seen.dir()).expect("meta").permissions().mode() & 0o777,
        0o700
    );
    let mut v = new_vault();
    assert_eq!(seen.highest(&v.id()).expect("none yet"), 0);
    let old = Vault::from_bytes(&v.to_bytes().expect("bytes"), &pass(), &Default::default())
        .expect("old");
    bumped(&mut v, 2);
    assert_eq!(seen.record(&v).expect("record"), 3);
    assert_eq!(seen.record(&old).expect("never lowers"), 3);
    assert!(seen.check(&v).is_ok());
    assert!(matches!(
        seen.check(&old),
        Err(Error::Rollback {
            found: 1,
            expected_at_least: 3
        })
    ));
    let file = seen.dir().join(
        v.id()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>(),
    );
    assert_eq!(fs::read_to_string(&file).expect("record"), "3\n");
    assert_eq!(
        fs::metadata(&file).expect("meta").permissions().mode() & 0o777,
        0o600
    );
    seen.accept(&old).expect("accept");
    assert!(seen.check(&old).is_ok(), "accepted on purpose");
}

#[test]
fn corrupt_record_is_refused_not_ignored() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let seen = SeenGenerations::open(tmp.path().join("s")).expect("open");
    let v = new_vault();
    seen.record(&v).expect("record");
    let file = seen.record_path(&v.id());
    for bad in ["", "x\n", "12", "-1\n", "99999999999999999999999\n", " 1\n"] {
        fs::write(&file, bad).expect("write");
        assert!(
            matches!(seen.check(&v), Err(Error::SeenState { .. })),
            "{bad:?}"
        );
    }
}

#[test]
fn state_directory_others_can_reach_is_refused() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("state");
    SeenGenerations::open(&dir).expect("create");
    for mode in [0o750, 0o705, 0o770] {
        fs::set_permissions(&dir, fs::Permissions::from_mode(mode)).expect("chmod");
        assert!(matches!(
            SeenGenerations::open(&dir),
            Err(Error::UnsafeFile {
                reason: UnsafeReason::TooOpen { .. },
                ..
            })
        ));
    }
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o700)).expect("chmod");
    let link = tmp.path().join("link");
    std::os::unix::fs::symlink(&dir, &link).expect("symlink");
    assert!(
        SeenGenerations::open(&link).is_err(),
        "a symlink is refused"
    );
}
