use std::sync::Arc;

use secrecy::{ExposeSecret, SecretString};

use super::*;
use crate::{FakeClock, KdfLimits};

use crate::test_support::*;

fn reopen(bytes: &[u8]) -> Result<Vault, Error> {
    Vault::from_bytes(bytes, &pass(), &OpenOptions::default())
}

#[test]
fn round_trip_every_kind() {
    let mut v = new_vault();
    v.put("api", &hmac_secret(), None).expect("put hmac");
    v.put(
        "ed",
        &EntrySecret::Ed25519 {
            pkcs8: ed25519_pkcs8().into(),
        },
        Some(4_000_000_000),
    )
    .expect("put ed");
    v.put(
        "cfg",
        &EntrySecret::Text(SecretString::from(r#"{"db":"postgres://u:p@h/db"}"#)),
        None,
    )
    .expect("put text");
    let again = reopen(&v.to_bytes().expect("bytes")).expect("reopen");
    let names: Vec<_> = again
        .list()
        .into_iter()
        .map(|e| (e.name, e.kind, e.expires))
        .collect();
    assert_eq!(
        names,
        vec![
            ("api".into(), EntryKind::Hmac, None),
            ("cfg".into(), EntryKind::Text, None),
            ("ed".into(), EntryKind::Ed25519, Some(4_000_000_000)),
        ]
    );
    match again.reveal("api").expect("reveal") {
        EntrySecret::Hmac { key_id, secret } => {
            assert_eq!(key_id, BINANCE_KEY_ID);
            assert_eq!(secret.expose_secret(), BINANCE_SECRET);
        }
        other => panic!("wrong kind {other:?}"),
    }
    match again.reveal("cfg").expect("reveal") {
        EntrySecret::Text(s) => assert!(s.expose_secret().contains("postgres")),
        other => panic!("wrong kind {other:?}"),
    }
    match again.reveal("ed").expect("reveal") {
        EntrySecret::Ed25519 { pkcs8 } => {
            assert_eq!(pkcs8.expose_secret(), ed25519_pkcs8())
        }
        other => panic!("wrong kind {other:?}"),
    }
    assert_eq!(again.verify_entries().expect("verify"), 3);
}

#[test]
fn wrong_passphrase_refused() {
    let v = new_vault();
    let err = Vault::from_bytes(
        &v.to_bytes().expect("bytes"),
        &SecretString::from("nope"),
        &OpenOptions::default(),
    );
    assert!(matches!(err, Err(Error::WrongPassphrase)));
}

#[test]
fn duplicate_and_missing_names() {
    let mut v = new_vault();
    v.put("a", &hmac_secret(), None).expect("put");
    assert!(matches!(
        v.put("a", &hmac_secret(), None),
        Err(Error::AlreadyExists(_))
    ));
    assert!(matches!(v.reveal("b"), Err(Error::NotFound(_))));
    assert!(matches!(
        v.put("bad name", &hmac_secret(), None),
        Err(Error::InvalidName(_))
    ));
    assert!(matches!(
        v.put("", &hmac_secret(), None),
        Err(Error::InvalidName(_))
    ));
    v.replace("a", &EntrySecret::Text(SecretString::from("x")), None)
        .expect("replace");
    assert_eq!(v.kind("a").expect("kind"), EntryKind::Text);
    v.remove("a").expect("remove");
    assert!(v.list().is_empty());
}

#[test]
fn expiry_is_enforced_with_injected_clock() {
    let clock = Arc::new(FakeClock::new(1_000_000));
    let mut v = new_vault().with_clock(clock.clone());
    v.put("api", &hmac_secret(), Some(2_000)).expect("put");
    let signer = v.signer("api").expect("signer before expiry");
    assert!(v.reveal("api").is_ok());
    clock.advance(std::time::Duration::from_secs(1_000));
    assert!(matches!(
        v.reveal("api"),
        Err(Error::Expired {
            expired_at: 2_000,
            ..
        })
    ));
    assert!(matches!(v.signer("api"), Err(Error::Expired { .. })));
    assert!(
        matches!(signer.sign(b"x"), Err(Error::Expired { .. })),
        "a live signer stops at expiry"
    );
}

#[test]
fn expiry_cannot_be_changed_in_the_file() {
    let mut v = new_vault();
    v.put("api", &hmac_secret(), Some(2_000)).expect("put");
    // Re-seal the same ciphertext under other metadata: the AD no longer matches.
    let mut moved = v.entries.get("api").expect("entry").clone();
    moved.expires = Some(9_999_999_999);
    v.entries.insert("api".into(), moved);
    let again = reopen(&v.to_bytes().expect("bytes")).expect("MAC is recomputed by to_bytes");
    assert!(matches!(
        again.reveal("api"),
        Err(Error::EntryTampered { .. })
    ));
}

#[test]
fn entry_cannot_be_renamed_or_moved() {
    let mut v = new_vault();
    v.put("a", &hmac_secret(), None).expect("put");
    let mut e = v.entries.remove("a").expect("entry");
    e.name = "b".into();
    v.entries.insert("b".into(), e.clone());
    assert!(matches!(v.reveal("b"), Err(Error::EntryTampered { .. })));
    // Into another vault (other id and key): refused too.
    let mut other = new_vault();
    e.name = "a".into();
    other.entries.insert("a".into(), e);
    assert!(matches!(
        other.reveal("a"),
        Err(Error::EntryTampered { .. })
    ));
}

#[test]
fn rotate_reseals_then_retire_refuses_old_versions() {
    let mut v = new_vault();
    v.put("api", &hmac_secret(), None).expect("put");
    let sealed = v.seal_bytes("LABEL", b"hello").expect("seal");
    let old_entry = v.entries.get("api").expect("entry").clone();
    let before = v.generation();
    v.rotate().expect("rotate");
    assert_eq!(v.key_version(), 2);
    assert!(v.generation() > before);
    assert_eq!(v.list()[0].key_version, 2);
    let sig = v.signer("api").expect("signer").sign(b"p").expect("sign");
    assert_eq!(sig.as_str().len(), 64);
    assert_eq!(
        v.open_bytes("LABEL", &sealed).expect("kept").as_slice(),
        b"hello"
    );
    v.retire_below(2).expect("retire");
    assert!(matches!(
        v.open_bytes("LABEL", &sealed),
        Err(Error::StaleKeyVersion {
            found: 1,
            current: 2
        })
    ));
    // An old-version entry spliced back in is refused.
    v.entries.insert("api".into(), old_entry);
    assert!(matches!(
        v.reveal("api"),
        Err(Error::StaleKeyVersion {
            found: 1,
            current: 2
        })
    ));
    let bytes = v.to_bytes().expect("bytes");
    assert!(matches!(reopen(&bytes), Err(Error::StaleKeyVersion { .. })));
}

#[test]
fn passwd_rewraps_without_touching_entries() {
    let mut v = new_vault();
    v.put("api", &hmac_secret(), None).expect("put");
    let ct = v.entries.get("api").expect("entry").ciphertext.clone();
    let new_pass = SecretString::from("a new passphrase");
    v.passwd(&new_pass, KdfParams::dangerous().insecure_for_tests())
        .expect("passwd");
    let bytes = v.to_bytes().expect("bytes");
    assert!(matches!(reopen(&bytes), Err(Error::WrongPassphrase)));
    let again = Vault::from_bytes(&bytes, &new_pass, &OpenOptions::default()).expect("new pass");
    assert_eq!(again.entries.get("api").expect("entry").ciphertext, ct);
    assert!(again.reveal("api").is_ok());
}

#[test]
fn whole_file_rollback_detected_with_floor() {
    let mut v = new_vault();
    let old = v.to_bytes().expect("bytes");
    v.put("api", &hmac_secret(), None).expect("put");
    let seen = v.generation();
    let opts = OpenOptions::default().min_generation(seen);
    assert!(Vault::from_bytes(&v.to_bytes().expect("bytes"), &pass(), &opts).is_ok());
    assert!(matches!(
        Vault::from_bytes(&old, &pass(), &opts),
        Err(Error::Rollback {
            found: 1,
            expected_at_least: 2
        })
    ));
}

#[test]
fn kdf_caps_refuse_before_work() {
    let v = Vault::create(&pass(), KdfParams::dangerous().insecure_for_tests()).expect("create");
    let bytes = v.to_bytes().expect("bytes");
    let tiny = KdfLimits {
        max_memory_kib: 4,
        ..KdfLimits::default()
    };
    let opts = OpenOptions::default().kdf_limits(tiny);
    assert!(matches!(
        Vault::from_bytes(&bytes, &pass(), &opts),
        Err(Error::KdfOverCap("memory"))
    ));
}

#[test]
fn debug_output_has_no_secret() {
    let mut v = new_vault();
    v.put("api", &hmac_secret(), None).expect("put");
    let shown = format!(
        "{v:?} {:?} {:?}",
        v.reveal("api").expect("reveal"),
        v.signer("api").expect("signer")
    );
    assert!(!shown.contains(BINANCE_SECRET), "{shown}");
    assert!(!shown.contains("NhqPtmdS"), "{shown}");
}
