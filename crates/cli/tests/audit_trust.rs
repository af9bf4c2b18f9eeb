//! Attacks on `supreme audit verify`'s verdict, replayed through the real
//! binary: a forged history, a key written beside the log, an empty log, a
//! missing active file, an uncovered tail.

mod audit_support;

use std::path::Path;
use std::process::Output;

use audit_support::{code, supreme, text};

use supreme_audit::{Digest, EventType, Record, Severity, record_hash};

fn ok(dir: &Path, args: &[&str]) -> Output {
    let o = supreme(dir, args);
    assert_eq!(code(&o), 0, "{args:?}: {}", text(&o));
    o
}

/// A log of `n` appends, sealed, its anchor in `anchor.txt`; returns the
/// key's fingerprint.
fn genuine_log(d: &Path, n: u32) -> String {
    for i in 0..n {
        let details = format!(r#"{{"i":{i}}}"#);
        ok(
            d,
            &[
                "audit",
                "append",
                "a.log",
                "--event-type",
                "ORDER_SENT",
                "--details",
                &details,
            ],
        );
    }
    let o = ok(
        d,
        &[
            "audit",
            "checkpoint",
            "a.log",
            "--out",
            "anchor.txt",
            "--json",
        ],
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    v["key_fingerprint"]
        .as_str()
        .expect("fingerprint")
        .to_owned()
}

fn record(seq: u64, event: &str, details: serde_json::Value, prev: Digest) -> Vec<u8> {
    let serde_json::Value::Object(details) = details else {
        panic!("object")
    };
    Record {
        seq,
        time_ms: 1_764_384_184_000,
        mono_ns: seq,
        event_type: EventType::new(event).expect("event"),
        severity: Severity::Info,
        actor: "bot".into(),
        host: "h".into(),
        pid: 1,
        details,
        prev,
    }
    .to_line()
}

/// Appends lines chained to the file's last line (what someone who can
/// write the file, but has no key, can do).
fn append_chained(path: &Path, first_seq: u64, n: u64) {
    let mut log = std::fs::read(path).expect("read");
    let last = log[..log.len() - 1]
        .rsplit(|b| *b == b'\n')
        .next()
        .expect("line")
        .to_vec();
    let mut prev = record_hash(&last);
    for seq in first_seq..first_seq + n {
        let line = record(seq, "ORDER_SENT", serde_json::json!({"forged": true}), prev);
        prev = record_hash(&line);
        log.extend_from_slice(&line);
        log.push(b'\n');
    }
    std::fs::write(path, log).expect("write");
}

#[test]
fn forged_segment_start_past_anchor_exits_1_and_is_not_signed_over() {
    let dir = tempfile::tempdir().expect("dir");
    let d = dir.path();
    genuine_log(d, 3);
    let anchor = std::fs::read_to_string(d.join("anchor.txt")).expect("anchor");
    let size: u64 = anchor
        .lines()
        .nth(1)
        .expect("size")
        .parse()
        .expect("number");
    // The whole log replaced by one SEGMENT_START past the anchor, with a
    // made-up compact range and prev, and a forged record chained to it.
    let seq = size + 10;
    let range: Vec<String> = (1u8..=255)
        .take(seq.count_ones() as usize)
        .map(|i| Digest([i; 32]).to_hex())
        .collect();
    let start = record(
        seq,
        "SEGMENT_START",
        serde_json::json!({"previous_file": "a.log.00000000000000000000", "tree_size": seq, "compact_range": range}),
        Digest([0xee; 32]),
    );
    let mut forged = start.clone();
    forged.push(b'\n');
    std::fs::write(d.join("a.log"), &forged).expect("write");
    append_chained(&d.join("a.log"), seq + 1, 2);
    let before = std::fs::read(d.join("a.log")).expect("read");
    for strict in [&[][..], &["--strict"][..]] {
        let args = [
            &[
                "audit",
                "verify",
                "a.log",
                "--anchor",
                "anchor.txt",
                "--public-key",
                "a.log.key.pub",
            ][..],
            strict,
        ]
        .concat();
        let o = supreme(d, &args);
        assert_eq!(code(&o), 1, "{args:?}: {}", text(&o));
        assert!(
            text(&o).contains("TAMPERED: modified: a.log:1"),
            "{}",
            text(&o)
        );
    }
    let o = supreme(
        d,
        &["audit", "append", "a.log", "--event-type", "ORDER_SENT"],
    );
    assert_eq!(code(&o), 2, "{}", text(&o));
    let o = supreme(d, &["audit", "checkpoint", "a.log"]);
    assert_eq!(code(&o), 2, "{}", text(&o));
    assert_eq!(
        std::fs::read(d.join("a.log")).expect("read"),
        before,
        "nothing was signed over the forgery"
    );
}

#[test]
fn attacker_key_beside_the_log_with_recomputed_roots_is_not_exit_0() {
    let dir = tempfile::tempdir().expect("dir");
    let d = dir.path();
    let real = genuine_log(d, 3);
    std::fs::copy(d.join("a.log.key.pub"), d.join("offhost.pub")).expect("copy");
    // The genuine log verifies against what the operator trusts.
    ok(d, &["audit", "verify", "a.log", "--key-fingerprint", &real]);
    ok(
        d,
        &[
            "audit",
            "verify",
            "a.log",
            "--public-key",
            "offhost.pub",
            "--strict",
        ],
    );
    // The attacker rewrites the history from scratch with a key of their
    // own, written beside the log: every root recomputed and signed.
    for f in ["a.log", "a.log.key", "a.log.key.pub", "a.log.proofs"] {
        std::fs::remove_file(d.join(f)).expect("remove");
    }
    let fake = genuine_log(d, 2);
    assert_ne!(fake, real);
    let o = supreme(d, &["audit", "verify", "a.log"]);
    assert_eq!(code(&o), 3, "{}", text(&o));
    assert!(
        text(&o).contains("intact but NOT authenticated"),
        "{}",
        text(&o)
    );
    let o = supreme(d, &["audit", "verify", "a.log", "--key-fingerprint", &real]);
    assert_eq!(code(&o), 3, "{}", text(&o));
    assert!(
        text(&o).contains("matches no --key-fingerprint"),
        "{}",
        text(&o)
    );
    let o = supreme(
        d,
        &["audit", "verify", "a.log", "--public-key", "offhost.pub"],
    );
    assert_eq!(code(&o), 1, "{}", text(&o));
    assert!(text(&o).contains("bad-signature"), "{}", text(&o));
    let o = supreme(d, &["audit", "verify", "a.log", "--key-fingerprint", "00"]);
    assert_eq!(code(&o), 2, "{}", text(&o));
}

#[test]
fn an_empty_log_is_not_reported_intact() {
    let dir = tempfile::tempdir().expect("dir");
    let d = dir.path();
    genuine_log(d, 1);
    std::fs::write(d.join("a.log"), b"").expect("empty");
    let o = supreme(
        d,
        &["audit", "verify", "a.log", "--public-key", "a.log.key.pub"],
    );
    assert_eq!(code(&o), 3, "{}", text(&o));
    assert!(text(&o).contains("no records"), "{}", text(&o));
    let help = supreme(d, &["help", "audit", "verify"]);
    assert!(
        text(&help).contains("Exit 3: intact but NOT authenticated"),
        "{}",
        text(&help)
    );
}

#[test]
fn a_missing_active_file_beside_rotated_files_is_reported() {
    let dir = tempfile::tempdir().expect("dir");
    let d = dir.path();
    genuine_log(d, 2);
    std::fs::rename(d.join("a.log"), d.join("a.log.00000000000000000000")).expect("rename");
    let o = supreme(
        d,
        &["audit", "verify", "a.log", "--public-key", "a.log.key.pub"],
    );
    assert_eq!(code(&o), 3, "{}", text(&o));
    assert!(
        text(&o).contains("a.log is missing while 1 rotated file(s) exist"),
        "{}",
        text(&o)
    );
}

#[test]
fn records_chained_after_the_last_checkpoint_are_the_uncovered_tail_and_strict_refuses_them() {
    let dir = tempfile::tempdir().expect("dir");
    let d = dir.path();
    genuine_log(d, 2);
    // seq 0, 1, then the checkpoint record at seq 2 sealing them (the
    // second append's close did) — the next free seq follows the file.
    let next = std::fs::read_to_string(d.join("a.log"))
        .expect("read")
        .lines()
        .count() as u64;
    append_chained(&d.join("a.log"), next, 2);
    let o = ok(
        d,
        &[
            "audit",
            "verify",
            "a.log",
            "--public-key",
            "a.log.key.pub",
            "--json",
        ],
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["uncovered_tail"], 2, "{v}");
    let o = supreme(
        d,
        &[
            "audit",
            "verify",
            "a.log",
            "--public-key",
            "a.log.key.pub",
            "--strict",
        ],
    );
    assert_eq!(code(&o), 3, "{}", text(&o));
    assert!(text(&o).contains("covered by no signature"), "{}", text(&o));
}
