use std::collections::BTreeMap;

use proptest::prelude::*;

use std::path::PathBuf;

use super::*;
use crate::reset::SignReset;
use crate::state::Trigger;

fn contents() -> LatchContents {
    LatchContents::tripped(
        State::Tripped,
        TripRecord {
            id: "18bcfe568c0-0011223344556677".to_owned(),
            trigger: Trigger::Manual,
            reason: "test".to_owned(),
            who: "alice".to_owned(),
            at_ms: 1_700_000_000_000,
            values: BTreeMap::from([("k".to_owned(), "v".to_owned())]),
        },
    )
}

/// An armed latch signed by `key` as alice, for trip `id`.
fn armed(key: &crate::OperatorKey, id: &str) -> LatchContents {
    let token = key.sign_reset(id, "alice", 1).unwrap();
    LatchContents::armed(ArmRecord {
        trip_id: id.to_owned(),
        at_ms: 5,
        signatures: vec![ArmSignature {
            operator: "alice".to_owned(),
            public_key: key.public_key().to_hex(),
            token,
        }],
    })
}

fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("ks-latch-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&d);
    fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn write_read_remove_round_trip() {
    let d = dir("rt");
    let path = d.join("latch.json");
    assert_eq!(read_latch(&path), LatchRead::Absent);
    write_latch(&path, &contents()).unwrap();
    assert_eq!(read_latch(&path), LatchRead::Present(contents()));
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o600
    );
    // No temporary file left behind.
    assert_eq!(fs::read_dir(&d).unwrap().count(), 1);
    remove_latch(&path).unwrap();
    assert_eq!(read_latch(&path), LatchRead::Absent);
    remove_latch(&path).unwrap();
}

#[test]
fn overwrite_replaces_whole_file() {
    let d = dir("ow");
    let path = d.join("latch.json");
    write_latch(&path, &contents()).unwrap();
    let mut c = contents();
    c.state = State::Halted;
    write_latch(&path, &c).unwrap();
    assert_eq!(read_latch(&path), LatchRead::Present(c));
}

#[test]
fn corrupt_and_unreadable_count_as_tripped() {
    let d = dir("bad");
    let path = d.join("latch.json");
    for bad in [
        &b""[..],
        b"{",
        b"not json",
        br#"{"format":"other","state":"tripped","trip":{}}"#,
    ] {
        fs::write(&path, bad).unwrap();
        let r = read_latch(&path);
        assert!(matches!(r, LatchRead::Corrupt { .. }), "{r:?}");
        assert!(r.is_tripped());
    }
    // Says armed with a trip and no signatures: corrupt.
    let mut c = contents();
    c.state = State::Armed;
    fs::write(&path, serde_json::to_vec(&c).unwrap()).unwrap();
    assert!(matches!(read_latch(&path), LatchRead::Corrupt { .. }));
    // Hand-written armed latches: corrupt.
    for text in [
        format!(r#"{{"format":"{LATCH_FORMAT}","state":"armed"}}"#),
        format!(
            r#"{{"format":"{LATCH_FORMAT}","state":"armed","armed":{{"trip_id":"x","at_ms":1,"signatures":[]}}}}"#
        ),
        format!(
            r#"{{"format":"{LATCH_FORMAT_V1}","state":"armed","armed":{{"trip_id":"x","at_ms":1,"signatures":[]}}}}"#
        ),
    ] {
        fs::write(&path, text).unwrap();
        let r = read_latch(&path);
        assert!(matches!(r, LatchRead::Corrupt { .. }), "{r:?}");
        assert!(r.is_tripped());
    }
    // Unknown field: corrupt.
    let mut v = serde_json::to_value(contents()).unwrap();
    v["extra"] = 1.into();
    fs::write(&path, v.to_string()).unwrap();
    assert!(matches!(read_latch(&path), LatchRead::Corrupt { .. }));
    // Too large: corrupt.
    fs::write(&path, vec![b' '; 70_000]).unwrap();
    assert!(matches!(read_latch(&path), LatchRead::Corrupt { .. }));
    // A directory where the file should be: unreadable, corrupt.
    fs::remove_file(&path).unwrap();
    fs::create_dir(&path).unwrap();
    assert!(matches!(read_latch(&path), LatchRead::Corrupt { .. }));
}

#[test]
fn a_signed_armed_latch_reads_as_armed_and_a_forged_one_is_corrupt() {
    let d = dir("armed");
    let path = d.join("latch.json");
    let alice = crate::OperatorKey::generate().unwrap();
    let good = armed(&alice, "trip-1");
    write_latch(&path, &good).unwrap();
    let r = read_latch(&path);
    assert_eq!(r, LatchRead::Present(good.clone()));
    assert!(!r.is_tripped());

    // Signed by another key than the one it names.
    let mallory = crate::OperatorKey::generate().unwrap();
    let mut forged = armed(&mallory, "trip-1");
    forged.armed.as_mut().unwrap().signatures[0].public_key = alice.public_key().to_hex();
    // A genuine token moved to another trip.
    let mut moved = good.clone();
    moved.armed.as_mut().unwrap().trip_id = "trip-2".to_owned();
    // The same key twice.
    let mut twice = good.clone();
    let sig = twice.armed.as_ref().unwrap().signatures[0].clone();
    twice.armed.as_mut().unwrap().signatures.push(sig);
    for bad in [forged, moved, twice] {
        fs::write(&path, serde_json::to_vec(&bad).unwrap()).unwrap();
        let r = read_latch(&path);
        assert!(matches!(r, LatchRead::Corrupt { .. }), "{r:?}");
    }
}

#[test]
fn a_version_1_tripped_latch_still_reads() {
    let d = dir("v1");
    let path = d.join("latch.json");
    let mut c = contents();
    c.format = LATCH_FORMAT_V1.to_owned();
    fs::write(&path, serde_json::to_vec(&c).unwrap()).unwrap();
    assert_eq!(read_latch(&path), LatchRead::Present(c));
}

#[test]
fn write_into_missing_directory_fails() {
    let path = dir("missing").join("no/such/latch.json");
    assert!(matches!(
        write_latch(&path, &contents()),
        Err(Error::Latch { .. })
    ));
}

proptest! {
    #[test]
    fn parse_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = parse_latch(&bytes);
    }

    #[test]
    fn records_round_trip(reason in ".{0,64}", who in "[a-z]{1,16}", at in any::<u64>()) {
        let mut c = contents();
        let trip = c.trip.as_mut().unwrap();
        trip.reason = reason;
        trip.who = who;
        trip.at_ms = at;
        let bytes = serde_json::to_vec(&c).unwrap();
        prop_assert_eq!(parse_latch(&bytes).unwrap(), c);
    }
}
