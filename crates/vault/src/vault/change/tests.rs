//! passwd and rotate over the key ring, and the attack passwd must stop: an
//! old copy of the file plus the old passphrase, holding every key that
//! copy holds, against what was sealed after the change.

use secrecy::{ExposeSecret, SecretString};

use crate::entry::entry_aad;
use crate::test_support::*;
use crate::{EntrySecret, Error, KdfParams, OpenOptions, Vault};

fn weak() -> KdfParams {
    KdfParams::dangerous().insecure_for_tests()
}

fn new_pass() -> SecretString {
    SecretString::from("the passphrase after the change")
}

fn text(s: &str) -> EntrySecret {
    EntrySecret::Text(SecretString::from(s))
}

fn open(bytes: &[u8], pass: &SecretString) -> Result<Vault, Error> {
    Vault::from_bytes(bytes, pass, &OpenOptions::default())
}

#[test]
fn old_copy_keys_cannot_open_entry_put_after_passwd() {
    let mut v = new_vault();
    v.put("before", &hmac_secret(), None).expect("put");
    let old_copy = v.to_bytes().expect("old copy");
    v.passwd(&new_pass(), weak()).expect("passwd");
    v.put("after", &text("stored after the change"), None)
        .expect("put");
    let new_entry = v.entries.get("after").expect("entry").clone();
    assert_eq!(new_entry.key_version, 2);

    // The attacker opens the old copy with the old passphrase: every key it
    // holds, each tried with every version the entry could claim.
    let old = open(&old_copy, &pass()).expect("old copy, old passphrase");
    assert_eq!(old.key_versions(), [1]);
    for key in old.ring.iter() {
        for claimed in [1, 2, 3] {
            let aad = entry_aad(
                &old.id(),
                &new_entry.name,
                new_entry.kind,
                claimed,
                new_entry.expires,
            );
            assert!(
                crate::keys::open(
                    key.entry_cipher(),
                    &new_entry.nonce,
                    &aad,
                    &new_entry.ciphertext
                )
                .is_none(),
                "an old key (v{}) opened an entry stored after passwd",
                key.version()
            );
        }
    }
    // Spliced into the old copy, whose MAC the attacker can recompute: typed refusal.
    let mut forged = old;
    forged.entries.insert("after".into(), new_entry);
    assert!(matches!(
        forged.reveal("after"),
        Err(Error::UnknownKeyVersion {
            found: 2,
            newest: 1
        })
    ));
    let forged_file = forged.to_bytes().expect("forged file");
    assert!(matches!(
        open(&forged_file, &pass()),
        Err(Error::UnknownKeyVersion { .. })
    ));
    // The new file with the old passphrase: nothing.
    let new_file = v.to_bytes().expect("new file");
    assert!(matches!(
        open(&new_file, &pass()),
        Err(Error::WrongPassphrase)
    ));
}

#[test]
fn old_copy_cannot_open_value_or_stream_sealed_after_passwd() {
    let mut v = new_vault();
    let old_copy = v.to_bytes().expect("old copy");
    let before = v.seal_bytes("LABEL", b"sealed before").expect("seal");
    v.passwd(&new_pass(), weak()).expect("passwd");
    let after = v.seal_bytes("LABEL", b"sealed after").expect("seal");
    let mut stream = Vec::new();
    v.encrypt_stream(&mut &b"streamed after"[..], &mut stream)
        .expect("encrypt");

    let old = open(&old_copy, &pass()).expect("old copy");
    assert!(matches!(
        old.open_bytes("LABEL", &after),
        Err(Error::UnknownKeyVersion {
            found: 2,
            newest: 1
        })
    ));
    assert!(matches!(
        old.decrypt_stream(&mut stream.as_slice(), &mut Vec::new()),
        Err(Error::UnknownKeyVersion { .. })
    ));
    // Even told to use its own key for it, the old key does not open it.
    let mut relabelled = crate::SealedText::parse(&after).expect("parse");
    relabelled.key_version = 1;
    assert!(matches!(
        old.open_bytes("LABEL", &relabelled.to_string()),
        Err(Error::SealedValue(_))
    ));
    // What was sealed before the change is no secret from the old copy.
    assert_eq!(
        old.open_bytes("LABEL", &before).expect("before").as_slice(),
        b"sealed before"
    );
}

#[test]
fn new_file_opens_everything_with_the_new_passphrase() {
    let mut v = new_vault();
    v.put("before", &hmac_secret(), None).expect("put");
    let before = v.seal_bytes("LABEL", b"sealed before").expect("seal");
    let mut old_stream = Vec::new();
    v.encrypt_stream(&mut &b"streamed before"[..], &mut old_stream)
        .expect("encrypt");
    v.passwd(&new_pass(), weak()).expect("passwd");
    v.put("after", &text("stored after"), None).expect("put");
    let after = v.seal_bytes("LABEL", b"sealed after").expect("seal");
    let again = open(&v.to_bytes().expect("bytes"), &new_pass()).expect("new passphrase");
    assert_eq!(again.key_versions(), [1, 2]);
    assert_eq!(again.verify_entries().expect("verify"), 2);
    let infos = again.list();
    assert_eq!((infos[0].name.as_str(), infos[0].key_version), ("after", 2));
    assert_eq!(
        (infos[1].name.as_str(), infos[1].key_version),
        ("before", 1)
    );
    match again.reveal("after").expect("after") {
        EntrySecret::Text(s) => assert_eq!(s.expose_secret(), "stored after"),
        other => panic!("{other:?}"),
    }
    assert!(again.signer("before").is_ok());
    for (sealed, plain) in [(&before, "sealed before"), (&after, "sealed after")] {
        let got = again.open_bytes("LABEL", sealed).expect("open");
        assert_eq!(got.as_slice(), plain.as_bytes());
    }
    let mut out = Vec::new();
    again
        .decrypt_stream(&mut old_stream.as_slice(), &mut out)
        .expect("decrypt");
    assert_eq!(out, b"streamed before");
}

#[test]
fn rotate_after_passwd_keeps_every_older_version_until_retired() {
    let mut v = new_vault();
    let first = v.seal_bytes("L", b"one").expect("seal");
    v.passwd(&new_pass(), weak()).expect("passwd");
    let second = v.seal_bytes("L", b"two").expect("seal");
    v.put("e", &text("x"), None).expect("put");
    let rotation = v.rotate().expect("rotate");
    assert_eq!(
        (rotation.key_version, rotation.still_readable),
        (3, vec![1, 2])
    );
    assert_eq!(v.key_versions(), [1, 2, 3]);
    assert_eq!(v.list()[0].key_version, 3);
    for (old, plain) in [(&first, b"one"), (&second, b"two")] {
        assert_eq!(v.open_bytes("L", old).expect("kept").as_slice(), plain);
    }
    assert_eq!(v.retire_below(3).expect("retire"), [1, 2]);
    for old in [&first, &second] {
        assert!(matches!(
            v.open_bytes("L", old),
            Err(Error::StaleKeyVersion { current: 3, .. })
        ));
    }
    let again = open(&v.to_bytes().expect("bytes"), &new_pass()).expect("reopen");
    assert_eq!(again.key_versions(), [3]);
    assert!(again.reveal("e").is_ok());
}

#[test]
fn each_passwd_adds_one_version_and_one_generation() {
    let mut v = new_vault();
    for n in 2..=5u32 {
        let g = v.generation();
        v.passwd(&new_pass(), weak()).expect("passwd");
        assert_eq!(v.key_version(), n);
        assert_eq!(v.generation(), g + 1);
    }
    assert_eq!(v.key_versions(), [1, 2, 3, 4, 5]);
    let again = open(&v.to_bytes().expect("bytes"), &new_pass()).expect("reopen");
    assert_eq!(again.key_versions(), [1, 2, 3, 4, 5]);
}
