//! `supreme audit export` through the real binary: a known run's export
//! matches its records column by column, in JSON Lines and CSV, with the
//! same filters as `show`.

#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

mod audit_support;

use std::path::Path;

use audit_support::{code, supreme, text};
use serde_json::Value;
use supreme_audit::{Record, format_utc_ms, log_files, record_hash};

const COLUMNS: [&str; 11] = [
    "seq",
    "time",
    "time_ms",
    "event_type",
    "severity",
    "actor",
    "host",
    "pid",
    "details",
    "record_hash",
    "prev",
];

/// A log with awkward actors and details, and its (line, record) pairs.
fn known_run(d: &Path) -> Vec<(String, Record)> {
    let events = [
        (
            "ORDER_SENT",
            "strategy-1",
            r#"{"symbol":"BTCUSDT","qty":"0.5"}"#,
        ),
        (
            "GATE_REJECTED",
            "bot, \"quoted\"",
            r#"{"rule":"max_notional","limit":"1000","note":"a,b\nc"}"#,
        ),
        ("ORDER_SENT", "=HYPERLINK(\"x\")", r#"{"symbol":"ETHUSDT"}"#),
        (
            "KILL_SWITCH_TRIGGERED",
            "-alice",
            r#"{"reason":"drawdown"}"#,
        ),
        ("ORDER_SENT", "strategy-2", r#"{"api_secret":"hunter2"}"#),
    ];
    for (kind, actor, details) in events {
        let o = supreme(
            d,
            &[
                "audit",
                "append",
                "a.log",
                "--event-type",
                kind,
                &format!("--actor={actor}"),
                "--details",
                details,
            ],
        );
        assert_eq!(code(&o), 0, "{}", text(&o));
    }
    let mut out = Vec::new();
    for f in log_files(&d.join("a.log")).unwrap() {
        for line in std::fs::read_to_string(f).unwrap().lines() {
            out.push((line.to_owned(), Record::parse(line.as_bytes()).unwrap()));
        }
    }
    out
}

fn expected(line: &str, r: &Record) -> Vec<String> {
    vec![
        r.seq.to_string(),
        format_utc_ms(r.time_ms),
        r.time_ms.to_string(),
        r.event_type.as_str().to_owned(),
        r.severity.as_str().to_owned(),
        r.actor.clone(),
        r.host.clone(),
        r.pid.to_string(),
        Value::Object(r.details.clone()).to_string(),
        record_hash(line.as_bytes()).to_hex(),
        r.prev.to_hex(),
    ]
}

/// RFC 4180 rows (quoted fields with doubled quotes, `\r\n` line ends).
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let (mut rows, mut row, mut field) = (Vec::new(), Vec::new(), String::new());
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => assert_eq!(chars.next(), Some('\n')),
            (false, '\n') => panic!("bare newline"),
            (false, c) => field.push(c),
        }
        if !quoted && c == '\r' {
            row.push(std::mem::take(&mut field));
            rows.push(std::mem::take(&mut row));
        }
    }
    assert!(row.is_empty() && field.is_empty(), "a row without \\r\\n");
    rows
}

fn unformula(s: &str) -> String {
    s.strip_prefix('\'')
        .map_or_else(|| s.to_owned(), str::to_owned)
}

#[test]
fn jsonl_and_csv_match_the_records_column_by_column() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let records = known_run(d);
    assert!(records.len() >= 5);
    let o = supreme(d, &["audit", "export", "a.log", "--format", "jsonl"]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    let lines: Vec<&str> = std::str::from_utf8(&o.stdout).unwrap().lines().collect();
    assert_eq!(lines.len(), records.len());
    for (got, (line, r)) in lines.iter().zip(&records) {
        let v: serde_json::Map<String, Value> = serde_json::from_str(got).unwrap();
        let at: Vec<usize> = COLUMNS
            .iter()
            .map(|c| got.find(&format!("\"{c}\":")).unwrap())
            .collect();
        assert!(at.windows(2).all(|w| w[0] < w[1]), "stable order: {got}");
        assert_eq!(v.len(), COLUMNS.len());
        for (col, want) in COLUMNS.iter().zip(expected(line, r)) {
            let have = match &v[*col] {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            assert_eq!(have, want, "seq {} column {col}", r.seq);
        }
    }
    let o = supreme(d, &["audit", "export", "a.log", "--format", "csv"]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    let csv = std::str::from_utf8(&o.stdout).unwrap();
    let rows = parse_csv(csv);
    assert_eq!(rows[0], COLUMNS);
    assert_eq!(rows.len(), records.len() + 1);
    for (row, (line, r)) in rows[1..].iter().zip(&records) {
        for ((col, have), want) in COLUMNS.iter().zip(row).zip(expected(line, r)) {
            if want.starts_with(['=', '-']) {
                assert_eq!(have, &format!("'{want}"), "formula guard on {col}");
            }
            assert_eq!(unformula(have), want, "seq {} column {col}", r.seq);
        }
    }
    assert!(!csv.contains("hunter2") && csv.contains("[REDACTED]"));
}

#[test]
fn filters_are_show_s_and_out_writes_a_new_file() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let records = known_run(d);
    let pick = |kind: Option<&str>, since: Option<i64>, until: Option<i64>| -> Vec<u64> {
        records
            .iter()
            .filter(|(_, r)| {
                kind.is_none_or(|k| r.event_type.as_str() == k)
                    && since.is_none_or(|s| r.time_ms >= s)
                    && until.is_none_or(|u| r.time_ms < u)
            })
            .map(|(_, r)| r.seq)
            .collect()
    };
    let seqs = |args: &[&str]| -> Vec<u64> {
        let mut all = vec!["audit", "export", "a.log", "--format", "jsonl"];
        all.extend_from_slice(args);
        let o = supreme(d, &all);
        assert_eq!(code(&o), 0, "{}", text(&o));
        std::str::from_utf8(&o.stdout)
            .unwrap()
            .lines()
            .map(|l| {
                serde_json::from_str::<Value>(l).unwrap()["seq"]
                    .as_u64()
                    .unwrap()
            })
            .collect()
    };
    assert_eq!(
        seqs(&["--event-type", "ORDER_SENT"]),
        pick(Some("ORDER_SENT"), None, None)
    );
    let (t1, t3) = (records[1].1.time_ms, records[3].1.time_ms);
    let (s1, s3) = (format_utc_ms(t1), format_utc_ms(t3));
    assert_eq!(
        seqs(&["--since", &s1, "--until", &s3]),
        pick(None, Some(t1), Some(t3))
    );
    assert_eq!(
        seqs(&["--since", &s1, "--event-type", "ORDER_SENT"]),
        pick(Some("ORDER_SENT"), Some(t1), None)
    );
    // The same filter in show.
    let o = supreme(
        d,
        &[
            "audit", "show", "a.log", "--json", "--since", &s1, "--until", &s3,
        ],
    );
    assert_eq!(
        std::str::from_utf8(&o.stdout).unwrap().lines().count(),
        pick(None, Some(t1), Some(t3)).len()
    );
    let o = supreme(
        d,
        &[
            "audit",
            "export",
            "a.log",
            "--format",
            "csv",
            "--until",
            "yesterday",
        ],
    );
    assert_eq!(code(&o), 2, "{}", text(&o));
    // --out: a new 0600 file, never over an existing one.
    let o = supreme(
        d,
        &[
            "audit",
            "export",
            "a.log",
            "--format",
            "csv",
            "--out",
            "export.csv",
        ],
    );
    assert_eq!(code(&o), 0, "{}", text(&o));
    use std::os::unix::fs::PermissionsExt;
    let meta = std::fs::metadata(d.join("export.csv")).unwrap();
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    assert_eq!(
        parse_csv(&std::fs::read_to_string(d.join("export.csv")).unwrap()).len(),
        records.len() + 1
    );
    let o = supreme(
        d,
        &[
            "audit",
            "export",
            "a.log",
            "--format",
            "csv",
            "--out",
            "export.csv",
        ],
    );
    assert_eq!(code(&o), 2, "{}", text(&o));
}

#[test]
fn lines_that_are_not_records_exit_1_and_the_rest_is_exported() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let records = known_run(d);
    let mut text_ = std::fs::read_to_string(d.join("a.log")).unwrap();
    text_.push_str("garbage\n");
    std::fs::write(d.join("a.log"), text_).unwrap();
    let o = supreme(d, &["audit", "export", "a.log", "--format", "jsonl"]);
    assert_eq!(code(&o), 1, "{}", text(&o));
    assert_eq!(
        std::str::from_utf8(&o.stdout).unwrap().lines().count(),
        records.len()
    );
    assert!(text(&o).contains("not a valid record"));
}
