use super::*;
use crate::digest::record_hash;

fn key(name: &str) -> SigningKey {
    SigningKey::generate(name).unwrap().0
}

#[test]
fn signs_parses_and_verifies() {
    let k = key("audit-key");
    let cp = Checkpoint::sign(
        "example.com/log",
        12,
        record_hash(b"root"),
        record_hash(b"head"),
        &k,
    )
    .unwrap();
    let text = cp.to_text();
    let lines: Vec<&str> = text.split('\n').collect();
    assert_eq!(lines[0], "example.com/log");
    assert_eq!(lines[1], "12");
    assert!(lines[3].starts_with("chain "));
    assert_eq!(lines[4], "");
    assert!(lines[5].starts_with("\u{2014} audit-key "));
    let parsed = Checkpoint::parse(&text).unwrap();
    assert_eq!(parsed, cp);
    parsed.verify(&k.public_key()).unwrap();
    assert!(parsed.verify(&key("audit-key").public_key()).is_err());
}

#[test]
fn a_changed_body_fails_verification() {
    let k = key("k");
    let cp = Checkpoint::sign("o", 5, record_hash(b"r"), record_hash(b"h"), &k).unwrap();
    let forged = Checkpoint::parse(&cp.to_text().replacen("\n5\n", "\n6\n", 1)).unwrap();
    assert!(matches!(
        forged.verify(&k.public_key()),
        Err(Error::BadSignature { .. })
    ));
}

#[test]
fn rejects_malformed_text() {
    let k = key("k");
    let text = Checkpoint::sign("o", 5, record_hash(b"r"), record_hash(b"h"), &k)
        .unwrap()
        .to_text();
    let cases = [
        String::new(),
        text.replacen("\n5\n", "\n05\n", 1),
        text.replacen("\n5\n", "\n-5\n", 1),
        text.replacen("\n\n", "\n", 1),
        text.replacen("chain ", "chain  ", 1),
        text.replacen('\u{2014}', "-", 1),
        text.trim_end().to_owned(),
        text.replacen("\n\n", "\nextra line\n\n", 1),
    ];
    for bad in cases {
        assert!(Checkpoint::parse(&bad).is_err(), "{bad:?}");
    }
}
