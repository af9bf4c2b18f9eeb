use secrecy::SecretString;

use super::*;
use crate::test_support::*;
use crate::{EntrySecret, Error, KdfLimits, OpenOptions, Vault};

fn small_vault() -> Vault {
    let mut v = new_vault();
    v.put("a", &hmac_secret(), Some(4_000_000_000))
        .expect("put");
    v
}

fn open(bytes: &[u8]) -> Result<Vault, Error> {
    Vault::from_bytes(bytes, &pass(), &OpenOptions::default())
}

/// Re-encodes `entries` under the original header and keeps the original MAC.
fn splice(bytes: &[u8], entries: &[SealedEntry]) -> Vec<u8> {
    let parsed = parse(bytes, &KdfLimits::default()).expect("parse");
    let mut out = encode(&parsed.header, entries.iter());
    out.extend_from_slice(parsed.mac);
    out
}

fn entries_of(bytes: &[u8]) -> Vec<SealedEntry> {
    parse(bytes, &KdfLimits::default()).expect("parse").entries
}

#[test]
fn encode_parse_round_trip() {
    let v = small_vault();
    let bytes = v.to_bytes().expect("bytes");
    let parsed = parse(&bytes, &KdfLimits::default()).expect("parse");
    assert_eq!(parsed.entries.len(), 1);
    assert_eq!(parsed.header.generation, v.generation());
    let mut again = encode(&parsed.header, parsed.entries.iter());
    again.extend_from_slice(parsed.mac);
    assert_eq!(again, bytes);
}

/// Header bytes that feed Argon2 (kdf_alg, m, t, p, salt): offsets 34..63.
const KDF_INPUT: std::ops::Range<usize> = 34..63;

/// Checks every single-byte change at the positions `which` selects.
fn single_byte_changes_refused(which: impl Fn(usize, usize) -> bool) {
    let mut v = new_vault();
    v.put(
        "k",
        &EntrySecret::Text(SecretString::from("s")),
        Some(4_000_000_000),
    )
    .expect("put");
    let bytes = v.to_bytes().expect("bytes");
    assert!(open(&bytes).is_ok());
    let header = parse(&bytes, &KdfLimits::default()).expect("parse").header;
    let kek = header
        .kdf
        .derive(b"correct horse battery staple", &header.salt)
        .expect("kek");
    for i in (0..bytes.len()).filter(|&i| which(i, bytes.len())) {
        if KDF_INPUT.contains(&i) {
            // These change the key derivation itself: every bit flip, full path.
            for bit in 0..8 {
                let mut bad = bytes.clone();
                bad[i] ^= 1 << bit;
                assert!(open(&bad).is_err(), "byte {i} bit {bit} was accepted");
            }
            continue;
        }
        // Every other byte: all 255 other values. The KEK is the same
        // deterministic Argon2 output for all of them, so derive it once.
        for x in 1..=255u8 {
            let mut bad = bytes.clone();
            bad[i] ^= x;
            let refused = match parse(&bad, &KdfLimits::default()) {
                Err(_) => true,
                Ok(p) => {
                    assert_eq!((p.header.kdf, p.header.salt), (header.kdf, header.salt));
                    let k = crate::keys::Key32::from_bytes(kek.expose());
                    Vault::open_parsed(p, k, &OpenOptions::default()).is_err()
                }
            };
            assert!(refused, "byte {i} ^ {x:#x} was accepted");
        }
    }
}

// Split in two so the halves run in parallel.
#[test]
fn every_single_byte_change_is_refused_first_half() {
    single_byte_changes_refused(|i, len| i < len / 2);
}

#[test]
fn every_single_byte_change_is_refused_second_half() {
    single_byte_changes_refused(|i, len| i >= len / 2);
}

#[test]
fn every_truncation_and_extension_is_refused() {
    let bytes = small_vault().to_bytes().expect("bytes");
    for len in 0..bytes.len() {
        assert!(open(&bytes[..len]).is_err(), "truncation to {len} accepted");
    }
    let mut longer = bytes.clone();
    longer.push(0);
    assert!(open(&longer).is_err());
}

#[test]
fn deleting_an_entry_is_detected() {
    let mut v = small_vault();
    v.put("b", &EntrySecret::Text(SecretString::from("x")), None)
        .expect("put");
    let bytes = v.to_bytes().expect("bytes");
    let mut entries = entries_of(&bytes);
    entries.remove(0);
    assert!(matches!(
        open(&splice(&bytes, &entries)),
        Err(Error::Tampered)
    ));
}

#[test]
fn swapping_entries_is_detected() {
    let mut v = small_vault();
    v.put("b", &hmac_secret(), None).expect("put");
    let bytes = v.to_bytes().expect("bytes");
    let mut entries = entries_of(&bytes);
    let (a, b) = (entries[0].clone(), entries[1].clone());
    entries[0].ciphertext = b.ciphertext;
    entries[0].nonce = b.nonce;
    entries[1].ciphertext = a.ciphertext;
    entries[1].nonce = a.nonce;
    assert!(matches!(
        open(&splice(&bytes, &entries)),
        Err(Error::Tampered)
    ));
}

#[test]
fn duplicating_an_entry_is_detected() {
    let bytes = small_vault().to_bytes().expect("bytes");
    let mut entries = entries_of(&bytes);
    entries.push(entries[0].clone());
    assert!(matches!(
        open(&splice(&bytes, &entries)),
        Err(Error::Malformed(_))
    ));
}

#[test]
fn rolling_back_one_entry_is_detected() {
    let mut v = small_vault();
    let old = v.to_bytes().expect("bytes");
    v.replace(
        "a",
        &EntrySecret::Text(SecretString::from("new value")),
        None,
    )
    .expect("replace");
    let new = v.to_bytes().expect("bytes");
    // The new file with the old entry put back, MAC of the new file.
    let spliced = splice(&new, &entries_of(&old));
    assert!(matches!(open(&spliced), Err(Error::Tampered)));
    // And the old generation number with the new entries.
    let mut parsed_old = parse(&old, &KdfLimits::default()).expect("parse").header;
    parsed_old.generation = v.generation();
    let mut forged = encode(&parsed_old, entries_of(&old).iter());
    forged.extend_from_slice(&new[new.len() - MAC_LEN..]);
    assert!(open(&forged).is_err());
}

#[test]
fn structural_refusals() {
    let bytes = small_vault().to_bytes().expect("bytes");
    let mut wrong_magic = bytes.clone();
    wrong_magic[0] = b'X';
    assert!(matches!(
        open(&wrong_magic),
        Err(Error::Malformed("bad magic"))
    ));
    let mut v3 = bytes.clone();
    v3[9] = 3;
    assert!(matches!(open(&v3), Err(Error::UnsupportedVersion(3))));
    // A version 2 file relabelled as version 1 (a downgrade) does not open.
    let mut v1 = bytes.clone();
    v1[9] = 1;
    assert!(open(&v1).is_err());
    assert!(matches!(
        parse(&[], &KdfLimits::default()),
        Err(Error::Malformed(_))
    ));
}

#[test]
fn hostile_kdf_parameters_capped_before_work() {
    let bytes = small_vault().to_bytes().expect("bytes");
    // m_cost sits at offset 8+2+16+8+1 = 35.
    let mut huge = bytes.clone();
    huge[35..39].copy_from_slice(&u32::MAX.to_be_bytes());
    let started = std::time::Instant::now();
    assert!(matches!(open(&huge), Err(Error::KdfOverCap("memory"))));
    let mut passes = bytes.clone();
    passes[39..43].copy_from_slice(&1_000_000u32.to_be_bytes());
    assert!(matches!(open(&passes), Err(Error::KdfOverCap("passes"))));
    assert!(started.elapsed() < std::time::Duration::from_secs(1));
}

#[test]
fn names_are_checked() {
    assert!(check_name("binance.main_key-1").is_ok());
    for bad in ["", "a b", "é", "a/b", &"x".repeat(129)] {
        assert!(check_name(bad).is_err(), "{bad}");
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    #[test]
    fn parse_never_panics(data in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..600)) {
        let _ = parse(&data, &KdfLimits::default());
    }

    #[test]
    fn random_multi_byte_damage_refused(
        edits in proptest::collection::vec((proptest::prelude::any::<usize>(), 1u8..=255), 1..6)
    ) {
        let bytes = small_vault().to_bytes().expect("bytes");
        let mut bad = bytes.clone();
        for (pos, x) in edits {
            let i = pos % bad.len();
            bad[i] ^= x;
        }
        proptest::prop_assume!(bad != bytes);
        proptest::prop_assert!(open(&bad).is_err());
    }
}

fn arb_entry() -> impl proptest::strategy::Strategy<Value = SealedEntry> {
    use proptest::prelude::*;
    (
        "[A-Za-z0-9._-]{1,40}",
        0u8..3,
        any::<u32>(),
        proptest::option::of(any::<i64>()),
        any::<[u8; 24]>(),
        proptest::collection::vec(any::<u8>(), 16..200),
    )
        .prop_map(
            |(name, kind, key_version, expires, nonce, ciphertext)| SealedEntry {
                name,
                kind: EntryKind::from_code(kind + 1).expect("kind"),
                key_version,
                expires,
                nonce,
                ciphertext,
            },
        )
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    #[test]
    fn encode_parse_round_trip_any_entries(
        entries in proptest::collection::btree_map("[a-z]{1,8}", arb_entry(), 0..8),
        generation in proptest::prelude::any::<u64>(),
    ) {
        let v = small_vault();
        let mut header = parse(&v.to_bytes().expect("bytes"), &KdfLimits::default()).expect("parse").header;
        header.generation = generation;
        let entries: Vec<SealedEntry> =
            entries.into_iter().map(|(name, mut e)| { e.name = name; e }).collect();
        let mut bytes = encode(&header, entries.iter());
        bytes.extend_from_slice(&[0u8; MAC_LEN]);
        let parsed = parse(&bytes, &KdfLimits::default()).expect("parse");
        proptest::prop_assert_eq!(parsed.header, header);
        proptest::prop_assert_eq!(parsed.entries, entries);
    }
}
