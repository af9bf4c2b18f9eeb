use super::*;
use crate::format::VERSION;
use crate::kdf::KdfParams;

fn header(ring: &KeyRing, kek: &Key32) -> Header {
    let mut h = Header {
        format: VERSION,
        vault_id: ring.vault_id,
        generation: 1,
        kdf: KdfParams::dangerous().insecure_for_tests(),
        salt: [7; 16],
        keys: Vec::new(),
    };
    h.keys = ring.wrap(kek, &h).expect("wrap");
    h
}

#[test]
fn new_versions_only_grow_and_lookups_are_typed() {
    let ring = KeyRing::first([1; 16]).expect("first");
    let two = ring.with_new_version().expect("v2");
    let three = two.with_new_version().expect("v3");
    assert_eq!(three.versions(), [1, 2, 3]);
    assert_eq!(three.newest().version(), 3);
    assert_eq!(
        three.get(1).expect("v1").key().expose(),
        ring.newest().key().expose()
    );
    assert!(matches!(
        ring.get(2),
        Err(Error::UnknownKeyVersion {
            found: 2,
            newest: 1
        })
    ));
    let four = three.with_new_version().expect("v4");
    let retired = four.retired_below(3).expect("retire");
    assert_eq!(retired.versions(), [3, 4]);
    assert_eq!(
        retired.get(3).expect("v3").key().expose(),
        three.newest().key().expose()
    );
    assert!(matches!(
        retired.get(2),
        Err(Error::StaleKeyVersion {
            found: 2,
            current: 4
        })
    ));
    assert!(matches!(retired.get(0), Err(Error::StaleKeyVersion { .. })));
    assert_eq!(four.retired_below(4).expect("all older").versions(), [4]);
    assert!(matches!(
        four.retired_below(5),
        Err(Error::RetireNewest {
            below: 5,
            newest: 4
        })
    ));
}

#[test]
fn wrap_unwrap_round_trip_and_fresh_keys() {
    let kek = Key32::random().expect("kek");
    let ring = KeyRing::first([2; 16])
        .and_then(|r| r.with_new_version())
        .expect("ring");
    let h = header(&ring, &kek);
    let back = KeyRing::unwrap(&kek, &h).expect("unwrap");
    assert_eq!(back.versions(), [1, 2]);
    for v in [1, 2] {
        assert_eq!(
            back.get(v).expect("key").key().expose(),
            ring.get(v).expect("key").key().expose()
        );
    }
    assert_ne!(
        ring.get(1).expect("v1").key().expose(),
        ring.get(2).expect("v2").key().expose(),
        "each version is a fresh random key"
    );
    let other = Key32::random().expect("other kek");
    assert!(matches!(
        KeyRing::unwrap(&other, &h),
        Err(Error::WrongPassphrase)
    ));
}

#[test]
fn a_wrapped_key_cannot_be_moved_to_another_version() {
    let kek = Key32::random().expect("kek");
    let ring = KeyRing::first([3; 16])
        .and_then(|r| r.with_new_version())
        .expect("ring");
    let mut h = header(&ring, &kek);
    // Give version 1's wrap the number 2, and the reverse.
    let (a, b) = (h.keys[0].clone(), h.keys[1].clone());
    h.keys[0].nonce = b.nonce;
    h.keys[0].wrapped = b.wrapped;
    h.keys[1].nonce = a.nonce;
    h.keys[1].wrapped = a.wrapped;
    assert!(matches!(
        KeyRing::unwrap(&kek, &h),
        Err(Error::WrongPassphrase)
    ));
    // Nor to the other file layout.
    let mut v1 = header(&ring, &kek);
    v1.format = VERSION_1;
    assert!(KeyRing::unwrap(&kek, &v1).is_err());
}

/// A full ring (1,024 versions) refuses a new version with a clear limit,
/// still wraps, encodes, parses and unwraps (a full vault still opens), and
/// after a retirement the next version number is fresh (never reused).
#[test]
fn a_full_ring_refuses_a_new_version_and_still_opens() {
    let id = [3; 16];
    let older = (1..1024)
        .map(|v| DataKey::new(v, Key32::random().expect("rng"), &id).expect("key"))
        .collect();
    let full = KeyRing {
        vault_id: id,
        older,
        newest: DataKey::new(1024, Key32::random().expect("rng"), &id).expect("key"),
    };
    assert!(matches!(full.with_new_version(), Err(Error::Limit(_))));
    let kek = Key32::random().expect("rng");
    let h = header(&full, &kek);
    let mut bytes = crate::format::encode(&h, std::iter::empty());
    bytes.extend_from_slice(&[0; crate::format::MAC_LEN]);
    let parsed = crate::format::parse(&bytes, &Default::default()).expect("parse a full ring");
    let back = KeyRing::unwrap(&kek, &parsed.header).expect("unwrap a full ring");
    assert_eq!(back.versions(), full.versions());
    let next = full
        .retired_below(1024)
        .and_then(|r| r.with_new_version())
        .expect("a version after a retirement");
    assert_eq!(next.versions(), [1024, 1025]);
}
