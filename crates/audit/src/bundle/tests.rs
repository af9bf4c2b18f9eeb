#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

use proptest::prelude::*;
use supreme_core::operator::OperatorKey;

use super::ustar::{self, BLOCK};
use super::*;

fn bundle(files: &[(&str, &[u8])], key: &OperatorKey) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("b.tar");
    let mut b = BundleBuilder::new("test");
    b.created_ms(1_700_000_000_000);
    for (name, bytes) in files {
        b.bytes(name, bytes.to_vec()).unwrap();
    }
    b.write(&out, key).unwrap();
    std::fs::read(out).unwrap()
}

fn verify(bytes: &[u8], key: &OperatorKey) -> BundleReport {
    verify_reader(bytes, &key.public_key()).unwrap()
}

/// (name, start of header, end of padded content) of each entry.
fn spans(bytes: &[u8]) -> Vec<(String, usize, usize)> {
    let mut out = Vec::new();
    let mut at = 0;
    loop {
        let h: [u8; BLOCK] = bytes[at..at + BLOCK].try_into().unwrap();
        match ustar::parse_header(&h).unwrap() {
            ustar::Header::End => return out,
            ustar::Header::Entry { name, size } => {
                let end = at + BLOCK + size as usize + ustar::padding(size);
                out.push((name, at, end));
                at = end;
            }
        }
    }
}

fn entry(name: &str, content: &[u8]) -> Vec<u8> {
    let mut v = ustar::header(name, content.len() as u64).to_vec();
    v.extend_from_slice(content);
    v.resize(v.len() + ustar::padding(content.len() as u64), 0);
    v
}

const FILES: &[(&str, &[u8])] = &[
    ("latch/latch.json", b"{\"state\":\"tripped\"}\n"),
    ("audit/audit.log", b"line one\nline two\n"),
    ("config/supreme.toml", b""),
];

#[test]
fn intact_roundtrip_lists_every_file() {
    let key = OperatorKey::generate().unwrap();
    let bytes = bundle(FILES, &key);
    let r = verify(&bytes, &key);
    assert!(r.is_intact(), "{:?}", r.problems);
    assert_eq!(r.matched, 3);
    let m = r.manifest.unwrap();
    assert_eq!(m.files.len(), 3);
    assert_eq!(m.versions["supreme-audit"], crate::VERSION);
}

#[test]
fn every_byte_changed_is_seen() {
    let key = OperatorKey::generate().unwrap();
    let bytes = bundle(FILES, &key);
    for i in 0..bytes.len() {
        let mut bad = bytes.clone();
        bad[i] ^= 0x01;
        assert!(
            !verify(&bad, &key).is_intact(),
            "byte {i} of {}",
            bytes.len()
        );
    }
}

#[test]
fn every_truncation_is_seen() {
    let key = OperatorKey::generate().unwrap();
    let bytes = bundle(FILES, &key);
    for len in 0..bytes.len() {
        assert!(!verify(&bytes[..len], &key).is_intact(), "cut at {len}");
    }
    let mut longer = bytes.clone();
    longer.push(0);
    assert_eq!(verify(&longer, &key).problems, [Problem::TrailingData]);
}

#[test]
fn added_and_removed_files_are_named() {
    let key = OperatorKey::generate().unwrap();
    let bytes = bundle(FILES, &key);
    let end = bytes.len() - 2 * BLOCK;
    let mut added = bytes[..end].to_vec();
    added.extend(entry("extra/evil.sh", b"rm -rf /"));
    added.extend_from_slice(&bytes[end..]);
    assert_eq!(
        verify(&added, &key).problems,
        [Problem::Added {
            path: "extra/evil.sh".into()
        }]
    );
    // A listed file twice.
    let s = spans(&bytes);
    let (_, a, b) = &s[2];
    let mut twice = bytes[..*b].to_vec();
    twice.extend_from_slice(&bytes[*a..]);
    assert_eq!(
        verify(&twice, &key).problems,
        [Problem::Added {
            path: "latch/latch.json".into()
        }]
    );
    let mut removed = bytes[..*a].to_vec();
    removed.extend_from_slice(&bytes[*b..]);
    assert_eq!(
        verify(&removed, &key).problems,
        [Problem::Removed {
            path: "latch/latch.json".into()
        }]
    );
}

#[test]
fn a_manifest_signed_by_another_key_is_refused() {
    let key = OperatorKey::generate().unwrap();
    let mallory = OperatorKey::generate().unwrap();
    let bytes = bundle(FILES, &key);
    let forged = bundle(
        &[("latch/latch.json", b"{\"state\":\"armed\"}\n")],
        &mallory,
    );
    // Mallory's whole bundle, and her manifest spliced onto the real files.
    let r = verify(&forged, &key);
    assert!(
        matches!(r.problems[..], [Problem::BadSignature(_)]),
        "{:?}",
        r.problems
    );
    let (f, o) = (spans(&forged), spans(&bytes));
    let mut spliced = forged[..f[1].2].to_vec();
    spliced.extend_from_slice(&bytes[o[2].1..]);
    assert!(!verify(&spliced, &key).is_intact());
    // Her signature line naming our key still fails.
    let mut sig = forged[..f[1].2].to_vec();
    let line = format!(
        "ed25519 {} {}\n",
        key.public_key().to_hex(),
        "00".repeat(64)
    );
    sig.truncate(f[1].1);
    sig.extend(entry(SIGNATURE, line.as_bytes()));
    sig.extend_from_slice(&forged[f[1].2..]);
    assert!(matches!(
        verify(&sig, &key).problems[..],
        [Problem::BadSignature(_)]
    ));
}

#[test]
fn missing_inputs_are_listed_not_fatal() {
    let dir = tempfile::tempdir().unwrap();
    let key = OperatorKey::generate().unwrap();
    let out = dir.path().join("b.tar");
    let mut b = BundleBuilder::new("trip");
    b.file("latch/latch.json", &dir.path().join("gone"))
        .unwrap();
    assert!(b.bytes("../escape", vec![]).is_err());
    assert!(b.bytes("MANIFEST", vec![]).is_err());
    assert!(b.file("latch/latch.json", &out).is_err(), "twice");
    let m = b.write(&out, &key).unwrap();
    assert_eq!(m.missing[0].path, "latch/latch.json");
    assert!(verify_bundle(&out, &key.public_key()).unwrap().is_intact());
    // Never over an existing file.
    assert!(BundleBuilder::new("again").write(&out, &key).is_err());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn built_bundles_verify_and_any_flip_is_seen(
        contents in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..700), 0..4),
        at in any::<prop::sample::Index>(),
        bit in 0u8..8,
    ) {
        let key = OperatorKey::generate().unwrap();
        let names: Vec<String> = (0..contents.len()).map(|i| format!("f/{i}.bin")).collect();
        let files: Vec<(&str, &[u8])> =
            names.iter().map(String::as_str).zip(contents.iter().map(Vec::as_slice)).collect();
        let bytes = bundle(&files, &key);
        prop_assert!(verify(&bytes, &key).is_intact());
        let mut bad = bytes.clone();
        bad[at.index(bytes.len())] ^= 1 << bit;
        prop_assert!(!verify(&bad, &key).is_intact());
    }

    #[test]
    fn any_input_is_judged_without_panic(data in proptest::collection::vec(any::<u8>(), 0..4096)) {
        let key = OperatorKey::generate().unwrap().public_key();
        let r = verify_reader(&data[..], &key).unwrap();
        prop_assert!(!r.is_intact());
    }
}
