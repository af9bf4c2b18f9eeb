use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};

use super::*;

/// Our HChaCha20 + ring construction equals the reference implementation.
#[test]
fn xchacha_matches_the_chacha20poly1305_crate() {
    for len in [0usize, 1, 15, 16, 17, 63, 64, 65, 130, 1000] {
        let key = Key32::random().expect("key");
        let nonce = random::<24>().expect("nonce");
        let plain: Vec<u8> = (0..len)
            .map(|i| u8::try_from(i % 256).expect("byte"))
            .collect();
        let aad = b"associated data";
        let ours = key.xchacha().seal_with(&nonce, aad, &plain).expect("seal");
        let reference = XChaCha20Poly1305::new(key.expose().into())
            .encrypt(&XNonce::from(nonce), Payload { msg: &plain, aad })
            .expect("reference seal");
        assert_eq!(ours, reference, "len {len}");
        let opened = key
            .xchacha()
            .open_with(&nonce, aad, &reference)
            .expect("open");
        assert_eq!(opened.as_slice(), plain.as_slice());
        let mut bad = reference.clone();
        bad[0] ^= 1;
        assert!(key.xchacha().open_with(&nonce, aad, &bad).is_none());
        assert!(
            key.xchacha()
                .open_with(&nonce, b"other", &reference)
                .is_none()
        );
    }
}

/// The published test vector of draft-irtf-cfrg-xchacha-03, appendix A.3.1.
#[test]
fn xchacha_draft_vector() {
    let plaintext = b"Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.";
    let aad = hex("50515253c0c1c2c3c4c5c6c7");
    let key: [u8; 32] = hex("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f")
        .try_into()
        .expect("32");
    let nonce: [u8; 24] = hex("404142434445464748494a4b4c4d4e4f5051525354555657")
        .try_into()
        .expect("24");
    let out = Key32::from_bytes(&key)
        .xchacha()
        .seal_with(&nonce, &aad, plaintext)
        .expect("seal");
    let expected = hex(concat!(
        "bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb",
        "731c7f1b0b4aa6440bf3a82f4eda7e39ae64c6708c54c216cb96b72e1213b452",
        "2f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff9",
        "21f9664c97637da9768812f615c68b13b52e",
        "c0875924c1c7987947deafd8780acf49"
    ));
    assert_eq!(out, expected);
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
        .collect()
}
