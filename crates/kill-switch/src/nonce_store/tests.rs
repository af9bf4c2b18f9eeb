use std::os::unix::fs::PermissionsExt;

use std::time::Instant;

use super::*;

fn latch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("ks-nonces-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d.join("latch.json")
}

#[test]
fn a_missing_store_is_an_error_and_only_init_creates_one() {
    let path = latch("missing");
    let err = NonceStore::open(&path).unwrap_err();
    assert!(err.contains("missing"), "{err}");
    drop(NonceStore::open_or_create(&path).unwrap());
    let mode = std::fs::metadata(nonce_store_path(&path))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    assert!(NonceStore::open(&path).is_ok());
}

#[test]
fn used_nonces_and_sightings_persist_across_opens() {
    let path = latch("persist");
    let mut store = NonceStore::open_or_create(&path).unwrap();
    let first = store.sighting("d1", 10).unwrap();
    assert!(first.trip_id.starts_with("corrupt-"));
    assert_eq!(first.trip_id.len(), "corrupt-".len() + 32);
    drop(store);
    let mut store = NonceStore::open(&path).unwrap();
    assert_eq!(
        store.sighting("d1", 99).unwrap(),
        first,
        "first sighting kept"
    );
    let other = store.sighting("d2", 50).unwrap();
    assert_ne!(other.trip_id, first.trip_id);
    assert_eq!(other.first_seen_ms, 50);
    store.commit(["aa", "bb"]).unwrap();
    drop(store);
    let store = NonceStore::open(&path).unwrap();
    assert!(store.is_used("aa") && store.is_used("bb") && !store.is_used("cc"));
    assert_eq!(store.file.corrupt, None, "a reset forgets the sighting");
}

#[test]
fn a_store_others_can_read_or_a_malformed_one_is_refused() {
    let path = latch("bad");
    drop(NonceStore::open_or_create(&path).unwrap());
    let store = nonce_store_path(&path);
    std::fs::set_permissions(&store, std::fs::Permissions::from_mode(0o644)).unwrap();
    assert!(NonceStore::open(&path).unwrap_err().contains("private"));
    std::fs::set_permissions(&store, std::fs::Permissions::from_mode(0o600)).unwrap();
    for bad in [
        "",
        "{",
        r#"{"format":"other","used":[]}"#,
        r#"{"format":"supreme-kill-switch-nonces/1","used":[],"x":1}"#,
    ] {
        std::fs::write(&store, bad).unwrap();
        assert!(NonceStore::open(&path).is_err(), "{bad:?}");
        assert!(NonceStore::open_or_create(&path).is_err(), "{bad:?}");
    }
}

#[test]
fn a_trip_waits_briefly_for_a_reset_holding_the_lock() {
    let path = latch("lock");
    let store = NonceStore::open_or_create(&path).unwrap();
    let p = path.clone();
    let start = Instant::now();
    let trip = std::thread::spawn(move || (lock_for_trip(&p).is_some(), start.elapsed()));
    std::thread::sleep(Duration::from_millis(150));
    drop(store);
    let (locked, waited) = trip.join().unwrap();
    assert!(locked);
    assert!(waited >= Duration::from_millis(140), "{waited:?}");
    // Never longer than TRIP_WAIT: a trip writes anyway.
    let held = NonceStore::open(&path).unwrap();
    let start = Instant::now();
    assert!(lock_for_trip(&path).is_none());
    assert!(start.elapsed() < TRIP_WAIT + Duration::from_millis(400));
    drop(held);
}
