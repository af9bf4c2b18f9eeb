//! Every kind of tampering is named, with the first bad record.

mod common;

use common::*;
use proptest::prelude::*;
use supreme_audit::*;

#[test]
fn intact_log_verifies_with_anchor_and_strict() {
    let dir = tempfile::tempdir().unwrap();
    let (path, public, cp) = write_log(dir.path(), 40, 8);
    let report = verify(&path, &public, Some(&cp));
    assert!(report.is_intact(), "{report}");
    assert!(report.anchor_checked && report.signatures_checked);
    assert_eq!(report.checkpoints, 5); // after events 8, 16, 24, 32, 40; close finds nothing uncovered
    assert_eq!(report.covered, cp.size);
    let strict = VerifyOptions {
        public_key: Some(public),
        anchor: Some(cp),
        strict: true,

        ..Default::default()
    };
    assert!(
        verify_files(&[path], &strict, &mut |_, _| {})
            .unwrap()
            .is_intact()
    );
}

#[test]
fn modified_record_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let (path, public, _) = write_log(dir.path(), 20, 100);
    let mut l = lines(&path);
    l[5] = l[5].replace("BTCUSDT", "ETHUSDT");
    write_lines(&path, &l);
    let r = verify(&path, &public, None);
    let f = finding(&r);
    assert_eq!(
        (f.kind, f.line, f.seq),
        (FindingKind::Modified, 6, Some(5)),
        "{r}"
    );
}

#[test]
fn deleted_record_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let (path, public, _) = write_log(dir.path(), 20, 100);
    let mut l = lines(&path);
    l.remove(7);
    write_lines(&path, &l);
    let r = verify(&path, &public, None);
    let f = finding(&r);
    assert_eq!(
        (f.kind, f.line, f.seq),
        (FindingKind::Deleted, 8, Some(8)),
        "{r}"
    );
    assert!(f.detail.contains("record 7 is missing"), "{}", f.detail);
}

#[test]
fn inserted_records_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let (path, public, _) = write_log(dir.path(), 20, 100);
    let orig = lines(&path);

    // A duplicated line.
    let mut l = orig.clone();
    l.insert(4, l[3].clone());
    write_lines(&path, &l);
    let f = finding(&verify(&path, &public, None)).clone();
    assert_eq!((f.kind, f.line), (FindingKind::Inserted, 5));

    // A forged record that claims the right place.
    let forged = orig[4].replace("\"i\":4", "\"i\":999");
    let mut l = orig.clone();
    l.insert(4, forged.clone());
    write_lines(&path, &l);
    let f = finding(&verify(&path, &public, None)).clone();
    assert_eq!((f.kind, f.line), (FindingKind::Inserted, 5), "{f}");

    // A forged record after the genuine one.
    let mut l = orig.clone();
    l.insert(5, forged);
    write_lines(&path, &l);
    let f = finding(&verify(&path, &public, None)).clone();
    assert_eq!((f.kind, f.line), (FindingKind::Inserted, 6), "{f}");

    // Garbage between records.
    let mut l = orig;
    l.insert(9, "{\"hello\":\"world\"}".into());
    write_lines(&path, &l);
    let f = finding(&verify(&path, &public, None)).clone();
    assert_eq!((f.kind, f.line), (FindingKind::Inserted, 10), "{f}");
}

#[test]
fn reordered_records_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let (path, public, _) = write_log(dir.path(), 20, 100);
    let mut l = lines(&path);
    l.swap(10, 11);
    write_lines(&path, &l);
    let f = finding(&verify(&path, &public, None)).clone();
    assert_eq!(
        (f.kind, f.line, f.seq),
        (FindingKind::Reordered, 11, Some(11)),
        "{f}"
    );
    let mut l = lines(&path);
    l.swap(10, 11);
    let moved = l.remove(3);
    l.insert(15, moved);
    write_lines(&path, &l);
    let f = finding(&verify(&path, &public, None)).clone();
    assert_eq!((f.kind, f.line), (FindingKind::Reordered, 4), "{f}");
}

#[test]
fn truncation_is_caught_against_the_anchor() {
    let dir = tempfile::tempdir().unwrap();
    let (path, public, cp) = write_log(dir.path(), 20, 100);
    let mut l = lines(&path);
    l.truncate(15);
    write_lines(&path, &l);
    // Without an anchor a cut tail is indistinguishable from a shorter log.
    let r = verify(&path, &public, None);
    assert!(r.is_intact(), "{r}");
    let r = verify(&path, &public, Some(&cp));
    let f = finding(&r);
    assert_eq!((f.kind, f.line), (FindingKind::Truncated, 15), "{r}");
    assert!(f.detail.contains("records 15..19 were cut"), "{}", f.detail);
}

#[test]
fn bad_signatures_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let (path, public, cp) = write_log(dir.path(), 20, 8);
    let other = key().public_key();
    let f = finding(&verify(&path, &other, None)).clone();
    assert_eq!(
        (f.kind, f.line, f.seq),
        (FindingKind::BadSignature, 9, Some(8))
    );
    // A forged anchor.
    let mut forged = cp.clone();
    forged.size += 1;
    let f = finding(&verify(&path, &public, Some(&forged))).clone();
    assert_eq!(f.kind, FindingKind::BadSignature);
    // A flipped signature byte inside a checkpoint record.
    let mut l = lines(&path);
    let pos = l[8]
        .find("\\u2014 test-audit ")
        .or_else(|| l[8].find("— test-audit "))
        .unwrap();
    let start = l[8][pos..].find(' ').unwrap() + pos + 12;
    let mut bytes = l[8].clone().into_bytes();
    bytes[start] = if bytes[start] == b'A' { b'B' } else { b'A' };
    l[8] = String::from_utf8(bytes).unwrap();
    write_lines(&path, &l);
    let f = finding(&verify(&path, &public, None)).clone();
    assert_eq!((f.kind, f.line), (FindingKind::BadSignature, 9), "{f}");
}

#[test]
fn rewritten_history_is_caught_by_the_next_signed_checkpoint() {
    let dir = tempfile::tempdir().unwrap();
    let (path, public, _) = write_log(dir.path(), 20, 8);
    let mut records: Vec<Record> = lines(&path)
        .iter()
        .map(|l| Record::parse(l.as_bytes()).unwrap())
        .collect();
    records[3].details.insert("symbol".into(), "XRPUSDT".into());
    // Re-chain everything after it, as an attacker without the key can.
    let mut prev = Digest::ZERO;
    let mut out = Vec::new();
    for r in &mut records {
        r.prev = prev;
        let line = r.to_line();
        prev = record_hash(&line);
        out.push(String::from_utf8(line).unwrap());
    }
    write_lines(&path, &out);
    let f = finding(&verify(&path, &public, None)).clone();
    assert_eq!(
        (f.kind, f.line, f.seq),
        (FindingKind::Modified, 9, Some(8)),
        "{f}"
    );
    assert!(f.detail.contains("rewritten"), "{f}");
}

#[test]
fn torn_last_line_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let (path, public, _) = write_log(dir.path(), 5, 100);
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str("{\"seq\":6,\"time\":\"20");
    std::fs::write(&path, text).unwrap();
    let f = finding(&verify(&path, &public, None)).clone();
    assert_eq!((f.kind, f.line), (FindingKind::TornTail, 7));
}

#[derive(Debug, Clone)]
enum Edit {
    Delete(usize),
    Duplicate(usize),
    Swap(usize, usize),
    Flip(usize, usize, u8),
    Truncate(usize),
    Move(usize, usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        any::<usize>().prop_map(Edit::Delete),
        any::<usize>().prop_map(Edit::Duplicate),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Edit::Swap(a, b)),
        (any::<usize>(), any::<usize>(), 1u8..=255).prop_map(|(a, b, x)| Edit::Flip(a, b, x)),
        any::<usize>().prop_map(Edit::Truncate),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Edit::Move(a, b)),
    ]
}

fn apply(lines: &mut Vec<Vec<u8>>, e: &Edit) {
    let n = lines.len();
    if n == 0 {
        return;
    }
    match *e {
        Edit::Delete(i) => {
            lines.remove(i % n);
        }
        Edit::Duplicate(i) => {
            let l = lines[i % n].clone();
            lines.insert(i % n, l);
        }
        Edit::Swap(a, b) => lines.swap(a % n, b % n),
        Edit::Flip(i, j, x) => {
            let line = &mut lines[i % n];
            let j = j % line.len();
            line[j] ^= x;
        }
        Edit::Truncate(m) => lines.truncate(n - m % n),
        Edit::Move(a, b) => {
            let l = lines.remove(a % n);
            lines.insert(b % n, l);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// Any edit script that changes the file is caught, at or before the
    /// first changed line; one that changes nothing verifies.
    #[test]
    fn random_edit_scripts_are_caught(script in proptest::collection::vec(edit(), 1..4)) {
        let dir = tempfile::tempdir().unwrap();
        let (path, public, cp) = write_log(dir.path(), 24, 7);
        let original: Vec<Vec<u8>> = lines(&path).into_iter().map(String::into_bytes).collect();
        let mut edited = original.clone();
        for e in &script {
            apply(&mut edited, e);
        }
        let mut bytes = Vec::new();
        for l in &edited {
            bytes.extend_from_slice(l);
            bytes.push(b'\n');
        }
        std::fs::write(&path, &bytes).unwrap();
        let report = verify(&path, &public, Some(&cp));
        let first_diff = original.iter().zip(&edited).take_while(|(a, b)| a == b).count();
        if edited == original {
            prop_assert!(report.is_intact(), "{}", report);
        } else if first_diff as u64 >= cp.size && edited.len() as u64 >= cp.size {
            // Only the records after the anchor changed: nothing covers them.
        } else {
            let f = report.finding.as_ref();
            prop_assert!(f.is_some(), "edit {:?} not caught:\n{}", script, report);
            // A change to record k shows at record k + 1; if that one is also
            // moved or gone, the finding names it instead.
            let line = f.map_or(0, |f| f.line);
            prop_assert!(line <= first_diff as u64 + 2, "finding at line {} but first change at line {}: {}", line, first_diff + 1, report);
        }
    }
}
