use secrecy::{ExposeSecret, SecretString};

use super::*;

proptest::proptest! {
    #[test]
    fn hmac_plaintext_round_trip(key_id in "\\PC{0,80}", secret in "\\PC{0,200}") {
        let s = EntrySecret::Hmac { key_id: key_id.clone(), secret: SecretString::from(secret.clone()) };
        match EntrySecret::decode(EntryKind::Hmac, &s.encode().expect("encode")) {
            Some(EntrySecret::Hmac { key_id: k, secret: v }) => {
                proptest::prop_assert_eq!(k, key_id);
                proptest::prop_assert_eq!(v.expose_secret(), secret.as_str());
            }
            _ => proptest::prop_assert!(false, "decode failed"),
        }
    }

    #[test]
    fn decode_never_panics(kind in 1u8..=3, bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..100)) {
        let _ = EntrySecret::decode(EntryKind::from_code(kind).expect("kind"), &bytes);
    }
}

#[test]
fn kind_names_round_trip() {
    for k in [EntryKind::Hmac, EntryKind::Ed25519, EntryKind::Text] {
        assert_eq!(k.as_str().parse::<EntryKind>().expect("parse"), k);
        assert_eq!(EntryKind::from_code(k.code()), Some(k));
    }
    assert!("rsa".parse::<EntryKind>().is_err());
    assert_eq!(EntryKind::from_code(0), None);
}
