//! A format version 1 file, written by the v1 code (`tests/fixtures/v1.*`,
//! weak test KDF, passphrase "v1 fixture passphrase"): created, an HMAC
//! entry put, a value sealed, rotated to key version 2, a text entry put, a
//! value and a stream sealed. It still opens; saving writes version 2.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use secrecy::{ExposeSecret, SecretString};
use supreme_vault::{EntrySecret, Error, KdfParams, OpenOptions, Vault, VaultFile};

const SIGNATURE: &str = "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71";
const PAYLOAD: &str = "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn pass() -> SecretString {
    SecretString::from("v1 fixture passphrase")
}

fn read(name: &str) -> Vec<u8> {
    fs::read(fixture(name)).expect("fixture")
}

fn text(name: &str) -> String {
    String::from_utf8(read(name)).expect("utf-8")
}

/// Everything the v1 code wrote opens, as it did.
fn check_contents(v: &Vault) {
    assert_eq!(v.generation(), 4);
    assert_eq!(v.key_versions(), [2]);
    assert_eq!(v.verify_entries().expect("entries"), 2);
    let sig = v
        .signer("binance")
        .expect("signer")
        .sign(PAYLOAD.as_bytes());
    assert_eq!(sig.expect("sign").as_str(), SIGNATURE);
    match v.reveal("note").expect("note") {
        EntrySecret::Text(s) => assert_eq!(s.expose_secret(), "v1 fixture note"),
        other => panic!("{other:?}"),
    }
    let sealed = v
        .open_text("BINANCE_API_SECRET", &text("v1.sv1"))
        .expect("sealed value");
    assert_eq!(sealed.expose_secret(), "v1 fixture sealed value");
    assert!(matches!(
        v.open_text("OLD_SECRET", &text("v1-stale.sv1")),
        Err(Error::StaleKeyVersion {
            found: 1,
            current: 2
        })
    ));
    let mut out = Vec::new();
    v.decrypt_stream(&mut read("v1.stream").as_slice(), &mut out)
        .expect("stream");
    assert_eq!(out, b"v1 fixture stream");
}

#[test]
fn v1_file_opens_and_is_written_back_as_v2() {
    let bytes = read("v1.vault");
    assert_eq!(bytes[8..10], [0, 1], "the fixture is format version 1");
    let v = Vault::from_bytes(&bytes, &pass(), &OpenOptions::default()).expect("open v1");
    check_contents(&v);
    let v2 = v.to_bytes().expect("encode");
    assert_eq!(v2[8..10], [0, 2], "written as format version 2");
    let again = Vault::from_bytes(&v2, &pass(), &OpenOptions::default()).expect("open v2");
    check_contents(&again);
    assert_eq!(again.id(), v.id());
    assert!(matches!(
        Vault::from_bytes(
            &bytes,
            &SecretString::from("wrong"),
            &OpenOptions::default()
        ),
        Err(Error::WrongPassphrase)
    ));
}

#[test]
fn v1_file_on_disk_upgrades_on_save_and_then_passwd_works() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let path = tmp.path().join("old.vault");
    fs::write(&path, read("v1.vault")).expect("copy");
    fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).expect("chmod");
    let mut vf = VaultFile::open(&path, &pass()).expect("open v1 file");
    vf.vault_mut()
        .put(
            "added",
            &EntrySecret::Text(SecretString::from("after upgrade")),
            None,
        )
        .expect("put");
    vf.save().expect("save");
    assert_eq!(fs::read(&path).expect("read")[8..10], [0, 2]);
    let new = SecretString::from("new passphrase for the upgraded file");
    vf.vault_mut()
        .passwd(&new, KdfParams::dangerous().insecure_for_tests())
        .expect("passwd");
    vf.save().expect("save");
    let again = VaultFile::open(&path, &new).expect("reopen");
    assert_eq!(again.vault().key_versions(), [2, 3]);
    assert_eq!(again.vault().verify_entries().expect("entries"), 3);
    let sealed = again
        .vault()
        .open_text("BINANCE_API_SECRET", &text("v1.sv1"))
        .expect("v1 sealed value after passwd");
    assert_eq!(sealed.expose_secret(), "v1 fixture sealed value");
}

#[test]
fn v1_file_with_a_changed_byte_is_refused() {
    let bytes = read("v1.vault");
    for i in [12, 30, 70, 90, bytes.len() - 60, bytes.len() - 1] {
        let mut bad = bytes.clone();
        bad[i] ^= 0x40;
        assert!(
            Vault::from_bytes(&bad, &pass(), &OpenOptions::default()).is_err(),
            "byte {i} changed and accepted"
        );
    }
}
