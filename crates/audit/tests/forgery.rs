//! Forged histories: a SEGMENT_START with made-up tree state, an anchor the
//! files no longer reach, a replaced active file. Each replays the attack
//! on real files and checks both the verifier and the writer.

mod common;

use std::path::Path;

use common::*;
use serde_json::{Value, json};
use supreme_audit::*;

/// A record line the way the writer would write it.
fn record(seq: u64, event: &str, details: Value, prev: Digest) -> Record {
    let Value::Object(details) = details else {
        panic!("details must be an object")
    };
    Record {
        seq,
        time_ms: T0,
        mono_ns: seq,
        event_type: EventType::new(event).expect("event type"),
        severity: Severity::Info,
        actor: "supreme-audit".into(),
        host: "test-host".into(),
        pid: 1,
        details,
        prev,
    }
}

/// Re-links every record to the one before it (what an attacker who can
/// write the file does after changing one), returning the lines.
fn rechain(records: Vec<Record>) -> Vec<String> {
    let mut prev = records.first().map_or(Digest::ZERO, |r| r.prev);
    let mut out = Vec::new();
    for mut r in records {
        r.prev = prev;
        let line = r.to_line();
        prev = record_hash(&line);
        out.push(String::from_utf8(line).expect("utf-8"));
    }
    out
}

/// The forgery: the whole log replaced by one SEGMENT_START at a
/// seq past the anchor (made-up compact range, any prev) and records
/// chained to it.
fn forge_past(path: &Path, anchor: &Checkpoint) {
    let seq = anchor.size + 10;
    let range: Vec<String> = (1u8..=255)
        .take(seq.count_ones() as usize)
        .map(|i| Digest([i; 32]).to_hex())
        .collect();
    let start = record(
        seq,
        "SEGMENT_START",
        json!({"previous_file": "audit.log.00000000000000000000", "tree_size": seq, "compact_range": range}),
        Digest([0xab; 32]),
    );
    let mut records = vec![start];
    for i in 0..3 {
        records.push(record(
            seq + 1 + i,
            "ORDER_SENT",
            json!({"symbol": "BTCUSDT"}),
            Digest::ZERO,
        ));
    }
    write_lines(path, &rechain(records));
}

fn opts(public: &PublicKey, anchor: Option<&Checkpoint>, strict: bool) -> VerifyOptions {
    VerifyOptions {
        public_key: Some(public.clone()),
        anchor: anchor.cloned(),
        strict,
        ..Default::default()
    }
}

#[test]
fn forged_segment_start_past_anchor_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (key, same_key) = key_pair();
    let (path, public, anchor) = write_log_with(dir.path(), 20, 5, key);
    forge_past(&path, &anchor);
    for strict in [false, true] {
        let report = verify_log(&path, &opts(&public, Some(&anchor), strict)).unwrap();
        let finding = report.finding.as_ref().expect("the forgery is caught");
        assert_eq!(
            (finding.kind, finding.line),
            (FindingKind::Modified, 1),
            "{report}"
        );
        assert!(finding.detail.contains("no signed checkpoint"), "{report}");
    }
    let before = std::fs::read(&path).unwrap();
    let err = AuditLog::open(&path, options(same_key, &t0_clock())).unwrap_err();
    assert!(matches!(err, Error::Damaged { line: 1, .. }), "{err}");
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "nothing signed over it"
    );
}

#[test]
fn segment_start_bound_to_a_real_checkpoint_but_not_its_tree_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (path, public, anchor) = write_log(dir.path(), 20, 5);
    // The anchor's real signed text, with a made-up compact range of the right size.
    let seq = anchor.size + 1;
    let range: Vec<String> = (1u8..=255)
        .take(anchor.size.count_ones() as usize)
        .map(|i| Digest([i; 32]).to_hex())
        .collect();
    let start = record(
        seq,
        "SEGMENT_START",
        json!({"previous_file": "x", "tree_size": seq, "compact_range": range, "checkpoint": anchor.to_text(), "checkpoint_range": range}),
        Digest([7; 32]),
    );
    write_lines(&path, &rechain(vec![start]));
    let report = verify_log(&path, &opts(&public, Some(&anchor), false)).unwrap();
    let finding = report.finding.expect("caught");
    assert_eq!(finding.kind, FindingKind::Modified);
    assert!(finding.detail.contains("signed root"), "{}", finding.detail);
}

fn rotated_log(
    dir: &Path,
    key: SigningKey,
    keep: Option<usize>,
) -> (std::path::PathBuf, Vec<Checkpoint>) {
    let path = dir.join("audit.log");
    std::fs::create_dir_all(dir.join("archive")).expect("archive dir");
    let rotation = Rotation {
        max_bytes: Some(3_000),
        max_age: None,
    };
    let log = AuditLog::open(
        &path,
        options(key, &t0_clock())
            .rotation(rotation)
            .retention(match keep {
                Some(k) => Retention::archive_to(dir.join("archive")).keep_segments(k),
                None => Retention::default(),
            })
            .checkpoint_every(std::num::NonZeroU64::new(7)),
    )
    .expect("rotated log");
    let mut exported = Vec::new();
    for i in 0..240u64 {
        log.append(Event::new(EventType::OrderSent).detail("i", i))
            .expect("rotated log");
        if i % 40 == 20 {
            exported.push(
                log.export_checkpoint(dir.join(format!("anchor-{i}.txt")))
                    .expect("rotated log"),
            );
        }
    }
    exported.push(log.close().expect("rotated log"));
    (path, exported)
}

#[test]
fn segment_start_with_right_size_but_wrong_hashes_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (key, same_key) = key_pair();
    let public = key.public_key();
    let (path, _) = rotated_log(dir.path(), key, None);
    let mut records: Vec<Record> = lines(&path)
        .iter()
        .map(|l| Record::parse(l.as_bytes()).unwrap())
        .collect();
    let start = &mut records[0];
    assert_eq!(start.event_type, EventType::SegmentStart);
    let size = start.details["tree_size"].as_u64().unwrap();
    assert_eq!(size, start.seq, "right size");
    for field in ["compact_range", "checkpoint_range"] {
        for h in start.details[field].as_array_mut().unwrap() {
            *h = Value::from(Digest([0x5a; 32]).to_hex());
        }
    }
    write_lines(&path, &rechain(records));
    // Only the active file, as if retention had deleted the rest.
    let report = verify_files(
        std::slice::from_ref(&path),
        &opts(&public, None, false),
        &mut |_, _| {},
    )
    .unwrap();
    let finding = report.finding.as_ref().expect("caught");
    assert_eq!(
        (finding.kind, finding.line),
        (FindingKind::Modified, 1),
        "{report}"
    );
    // With every file, the chain breaks at it too.
    assert!(
        !verify_log(&path, &opts(&public, None, false))
            .unwrap()
            .is_intact()
    );
    assert!(AuditLog::open(&path, options(same_key, &t0_clock())).is_err());
}

#[test]
fn retention_with_an_older_anchor_passes_only_through_stored_proofs() {
    let dir = tempfile::tempdir().unwrap();
    let key = key();
    let public = key.public_key();
    let (path, exported) = rotated_log(dir.path(), key, Some(1));
    let oldest = &exported[0];
    let first = list_segments(&path).unwrap().first().map(|s| s.0).unwrap();
    assert!(
        first > oldest.size + 1,
        "retention deleted what the old anchor covers: {first}"
    );
    let good = opts(&public, Some(oldest), true);
    let report = verify_log(&path, &good).unwrap();
    assert!(report.is_authenticated(), "{report}");
    assert!(
        report
            .notes
            .iter()
            .any(|n| n.contains("stored consistency proof")),
        "{report}"
    );
    for anchor in &exported {
        let report = verify_log(&path, &opts(&public, Some(anchor), true)).unwrap();
        assert!(
            report.is_authenticated(),
            "anchor of {}: {report}",
            anchor.size
        );
    }

    // An altered proof: no longer linked.
    let proofs = proofs_path(&path);
    let text = std::fs::read_to_string(&proofs).unwrap();
    let altered: String = text
        .lines()
        .map(|l| {
            let at = l.find("\"proof\":[\"").map(|i| i + 10);
            let mut l = l.to_owned();
            if let Some(i) = at {
                let c = if &l[i..=i] == "0" { "1" } else { "0" };
                l.replace_range(i..=i, c);
            }
            l + "\n"
        })
        .collect();
    std::fs::write(&proofs, altered).unwrap();
    let report = verify_log(&path, &good).unwrap();
    assert_eq!(report.finding.map(|f| f.kind), Some(FindingKind::Unlinked));
    // No proofs at all: not linked either.
    std::fs::remove_file(&proofs).unwrap();
    let report = verify_log(&path, &good).unwrap();
    assert_eq!(report.finding.map(|f| f.kind), Some(FindingKind::Unlinked));
    // Nor with proofs from someone else's log.
    std::fs::write(&proofs, text.replace("supreme-audit", "x")).unwrap();
    let report = verify_log(&path, &good).unwrap();
    assert_eq!(report.finding.map(|f| f.kind), Some(FindingKind::Unlinked));
}

#[test]
fn a_replaced_active_file_is_not_continued_by_the_writer() {
    let dir = tempfile::tempdir().unwrap();
    use secrecy::ExposeSecret;
    let (key, pkcs8) = SigningKey::generate("test-audit").unwrap();
    let handle = || SigningKey::from_pkcs8("test-audit", pkcs8.expose_secret()).unwrap();
    let (path, _) = rotated_log(dir.path(), key, None);
    // A fresh log (seq 0), even one signed by the same key, where the
    // active file was.
    let other = tempfile::tempdir().unwrap();
    let (fresh, _, _) = write_log_with(other.path(), 3, 100, handle());
    let same_key = handle();
    std::fs::copy(&fresh, &path).unwrap();
    let err = AuditLog::open(&path, options(same_key, &t0_clock())).unwrap_err();
    assert!(err.to_string().contains("rotated file"), "{err}");
}

#[test]
fn an_unsigned_empty_or_unsealed_log_is_intact_but_not_authenticated() {
    let dir = tempfile::tempdir().unwrap();
    let (path, public, _) = write_log(dir.path(), 5, 100);
    let unsigned = verify_log(&path, &VerifyOptions::default()).unwrap();
    assert!(
        unsigned.is_intact() && !unsigned.is_authenticated(),
        "{unsigned}"
    );
    let untrusted = VerifyOptions {
        untrusted_key: true,
        ..opts(&public, None, false)
    };
    assert!(!verify_log(&path, &untrusted).unwrap().is_authenticated());
    assert!(
        verify_log(&path, &opts(&public, None, true))
            .unwrap()
            .is_authenticated()
    );

    // A record after the last checkpoint: the uncovered tail.
    let mut records: Vec<Record> = lines(&path)
        .iter()
        .map(|l| Record::parse(l.as_bytes()).unwrap())
        .collect();
    let next = records.len() as u64;
    records.push(record(next, "ORDER_SENT", json!({}), Digest::ZERO));
    write_lines(&path, &rechain(records));
    let lax = verify_log(&path, &opts(&public, None, false)).unwrap();
    assert!(lax.is_authenticated() && lax.uncovered_tail == 1, "{lax}");
    let strict = verify_log(&path, &opts(&public, None, true)).unwrap();
    assert!(strict.is_intact() && !strict.is_authenticated(), "{strict}");

    std::fs::write(&path, b"").unwrap();
    let empty = verify_log(&path, &opts(&public, None, false)).unwrap();
    assert!(empty.is_intact() && !empty.is_authenticated(), "{empty}");
}
