use std::sync::Arc;

use ring::signature::{ED25519, UnparsedPublicKey};
use secrecy::SecretString;

use super::*;
use crate::SystemClock;

use crate::test_support::*;

const PAYLOAD: &[u8] =
    b"symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559";

#[test]
fn binance_documented_hmac_vector() {
    let secret = EntrySecret::Hmac {
        key_id: BINANCE_KEY_ID.into(),
        secret: SecretString::from(BINANCE_SECRET),
    };
    let s = Signer::new("b", secret, None, Arc::new(SystemClock)).expect("signer");
    assert_eq!(s.kind(), EntryKind::Hmac);
    assert_eq!(s.key_id(), Some(BINANCE_KEY_ID));
    assert_eq!(
        s.sign(PAYLOAD).expect("sign").as_str(),
        "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71"
    );
}

#[test]
fn ed25519_signature_verifies_with_public_key() {
    let s = Signer::new(
        "e",
        EntrySecret::Ed25519 {
            pkcs8: ed25519_pkcs8().into(),
        },
        None,
        Arc::new(SystemClock),
    )
    .expect("signer");
    let sig = s.sign(PAYLOAD).expect("sign");
    assert_eq!(sig.as_str().len(), 88);
    let raw = base64::engine::general_purpose::STANDARD
        .decode(sig.as_str())
        .expect("base64");
    let public = s.public_key().expect("public key");
    UnparsedPublicKey::new(&ED25519, public)
        .verify(PAYLOAD, &raw)
        .expect("verifies");
    assert!(s.key_id().is_none());
}

#[test]
fn text_entries_cannot_sign() {
    let err = Signer::new(
        "t",
        EntrySecret::Text(SecretString::from("x")),
        None,
        Arc::new(SystemClock),
    );
    assert!(matches!(err, Err(Error::WrongKind { .. })));
}
