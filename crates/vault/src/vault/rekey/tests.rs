//! rotate, reseal and retire: what stays readable, what is refused, and
//! the attacks on a retirement (a retired key spliced back, an old copy).

use secrecy::{ExposeSecret, SecretString};

use crate::test_support::*;
use crate::{EntrySecret, Error, KdfParams, OpenOptions, SealedText, Vault};

fn weak() -> KdfParams {
    KdfParams::dangerous().insecure_for_tests()
}

fn text(s: &str) -> EntrySecret {
    EntrySecret::Text(SecretString::from(s))
}

fn open(bytes: &[u8], opts: &OpenOptions) -> Result<Vault, Error> {
    Vault::from_bytes(bytes, &pass(), opts)
}

fn stream(v: &Vault, data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    v.encrypt_stream(&mut &data[..], &mut out).expect("encrypt");
    out
}

fn unstream(v: &Vault, data: &[u8]) -> Result<Vec<u8>, Error> {
    let mut out = Vec::new();
    v.decrypt_stream(&mut &data[..], &mut out).map(|_| out)
}

#[test]
fn rotate_keeps_values_serde_values_and_streams_sealed_before_readable() {
    let mut v = new_vault();
    v.put("api", &hmac_secret(), None).expect("put");
    let value = v.seal_bytes("LABEL", b"sealed before").expect("seal");
    let serde = v.seal_value("CFG", &vec![1u32, 2, 3]).expect("seal value");
    let enc = stream(&v, b"streamed before");
    let g = v.generation();

    let rotation = v.rotate().expect("rotate");
    assert_eq!(rotation.key_version, 2);
    assert_eq!(rotation.still_readable, [1]);
    assert_eq!(rotation.resealed, 1);
    assert_eq!(v.generation(), g + 1);
    assert_eq!(v.list()[0].key_version, 2);
    let again = open(&v.to_bytes().expect("bytes"), &OpenOptions::default()).expect("reopen");
    assert_eq!(again.key_versions(), [1, 2]);
    for w in [&v, &again] {
        assert_eq!(
            w.open_bytes("LABEL", &value).expect("value").as_slice(),
            b"sealed before"
        );
        assert_eq!(
            w.open_value::<Vec<u32>>("CFG", &serde).expect("serde"),
            [1, 2, 3]
        );
        assert_eq!(unstream(w, &enc).expect("stream"), b"streamed before");
        assert!(w.signer("api").is_ok());
    }
    let second = v.rotate().expect("again");
    assert_eq!((second.key_version, second.still_readable), (3, vec![1, 2]));
}

#[test]
fn retire_refuses_while_an_entry_is_under_a_retired_version_and_changes_nothing() {
    let mut v = new_vault();
    v.put("fresh", &text("under 2"), None).expect("put");
    v.passwd(&pass(), weak()).expect("passwd");
    v.put("later", &text("under 2"), None).expect("put");
    let (g, bytes) = (v.generation(), v.to_bytes().expect("bytes"));
    assert!(matches!(
        v.retire_below(2),
        Err(Error::KeyVersionInUse { ref name, key_version: 1 }) if name == "fresh"
    ));
    assert_eq!(v.generation(), g);
    assert_eq!(v.key_versions(), [1, 2]);
    assert_eq!(v.to_bytes().expect("bytes").len(), bytes.len());

    assert_eq!(
        v.reseal().expect("reseal"),
        1,
        "only the entry under 1 moves"
    );
    assert_eq!(v.generation(), g + 1);
    assert_eq!(v.retire_below(2).expect("retire"), [1]);
    assert_eq!(v.generation(), g + 2);
    match v.reveal("fresh").expect("resealed entry") {
        EntrySecret::Text(s) => assert_eq!(s.expose_secret(), "under 2"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn retire_never_drops_the_newest_version() {
    let mut v = new_vault();
    v.rotate().expect("rotate");
    for below in [3, 4, u32::MAX] {
        assert!(matches!(
            v.retire_below(below),
            Err(Error::RetireNewest { newest: 2, .. })
        ));
    }
    let g = v.generation();
    assert_eq!(v.retire_below(0).expect("none"), Vec::<u32>::new());
    assert_eq!(v.retire_below(1).expect("none"), Vec::<u32>::new());
    assert_eq!(v.generation(), g, "nothing retired, nothing changed");
    assert_eq!(v.retire_below(2).expect("retire"), [1]);
    assert_eq!(v.key_versions(), [2]);
    assert!(matches!(
        v.retire_below(3),
        Err(Error::RetireNewest {
            below: 3,
            newest: 2
        })
    ));
}

#[test]
fn after_retire_what_the_retired_versions_sealed_is_refused_in_the_file_too() {
    let mut v = new_vault();
    let old_value = v.seal_bytes("LABEL", b"v").expect("seal");
    let old_stream = stream(&v, b"s");
    v.rotate().expect("rotate");
    let new_value = v.reseal_value("LABEL", &old_value).expect("reseal");
    assert_eq!(SealedText::parse(&new_value).expect("parse").key_version, 2);
    let mut new_stream = Vec::new();
    v.reseal_stream(&mut old_stream.as_slice(), &mut new_stream)
        .expect("reseal stream");
    v.retire_below(2).expect("retire");
    let reopened = open(&v.to_bytes().expect("bytes"), &OpenOptions::default()).expect("reopen");
    assert_eq!(reopened.key_versions(), [2]);
    for w in [&v, &reopened] {
        assert!(matches!(
            w.open_bytes("LABEL", &old_value),
            Err(Error::StaleKeyVersion {
                found: 1,
                current: 2
            })
        ));
        assert!(matches!(
            unstream(w, &old_stream),
            Err(Error::StaleKeyVersion {
                found: 1,
                current: 2
            })
        ));
        assert_eq!(
            w.open_bytes("LABEL", &new_value).expect("new").as_slice(),
            b"v"
        );
        assert_eq!(unstream(w, &new_stream).expect("new stream"), b"s");
    }
}

#[test]
fn retired_key_spliced_back_into_the_header_is_refused() {
    let mut v = new_vault();
    v.rotate().expect("rotate");
    let old_keys = v.header.keys.clone();
    v.retire_below(2).expect("retire");
    let file = v.to_bytes().expect("bytes");
    // The wraps of the old copy are valid under this header's KEK and
    // parameters; without the data key the MAC cannot follow them.
    let mut forged = v.header.clone();
    forged.keys = old_keys;
    let mut bytes = crate::format::encode(&forged, v.entries.values());
    bytes.extend_from_slice(&file[file.len() - crate::format::MAC_LEN..]);
    assert!(matches!(
        open(&bytes, &OpenOptions::default()),
        Err(Error::Tampered)
    ));
}

#[test]
fn old_copy_from_before_retire_is_refused_by_the_rollback_floor() {
    let mut v = new_vault();
    let old_value = v.seal_bytes("LABEL", b"v").expect("seal");
    v.rotate().expect("rotate");
    let before = v.to_bytes().expect("old copy");
    v.retire_below(2).expect("retire");
    let floor = OpenOptions::default().min_generation(v.generation());
    assert!(matches!(open(&before, &floor), Err(Error::Rollback { .. })));
    // What holds without the floor: the old copy is authentic and still
    // holds version 1 (documented in keyring.rs).
    let old = open(&before, &OpenOptions::default()).expect("no floor");
    assert!(old.open_bytes("LABEL", &old_value).is_ok());
}

#[test]
fn reseal_with_a_tampered_entry_changes_nothing() {
    let mut v = new_vault();
    v.put("a", &text("one"), None).expect("put");
    v.put("b", &text("two"), None).expect("put");
    v.passwd(&pass(), weak()).expect("passwd");
    v.entries.get_mut("b").expect("b").ciphertext[0] ^= 1;
    let g = v.generation();
    assert!(matches!(
        v.reseal(),
        Err(Error::EntryTampered { ref name }) if name == "b"
    ));
    assert_eq!(v.generation(), g);
    assert!(v.list().iter().all(|e| e.key_version == 1));
    assert!(matches!(v.rotate(), Err(Error::EntryTampered { .. })));
    assert_eq!(v.key_versions(), [1, 2], "a failed rotate adds no version");
}

#[test]
fn reseal_value_refuses_another_label_or_an_altered_value() {
    let mut v = new_vault();
    let sealed = v.seal_bytes("LABEL", b"v").expect("seal");
    v.rotate().expect("rotate");
    assert!(matches!(
        v.reseal_value("OTHER", &sealed),
        Err(Error::SealedValue(_))
    ));
    let mut parsed = SealedText::parse(&sealed).expect("parse");
    parsed.key_version = 2;
    assert!(matches!(
        v.reseal_value("LABEL", &parsed.to_string()),
        Err(Error::SealedValue(_))
    ));
    let other = new_vault();
    assert!(other.reseal_value("LABEL", &sealed).is_err());
}
