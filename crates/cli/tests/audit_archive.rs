//! `supreme audit verify --archive DIR`: the retention archive and the live
//! log checked as one chain by the real binary.

#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

mod audit_support;

use audit_support::{code, supreme, text};
use supreme_audit::{
    AuditLog, Event, EventType, Options, Retention, Rotation, SigningKey, archived_segments,
    list_segments,
};

#[test]
fn archive_and_live_log_verify_as_one_chain() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (path, archive) = (d.join("a.log"), d.join("archive"));
    std::fs::create_dir(&archive).unwrap();
    let (key, _) = SigningKey::load_or_create(&d.join("a.log.key"), "supreme-audit").unwrap();
    let opts = Options::new(key)
        .rotation(Rotation {
            max_bytes: Some(3_000),
            max_age: None,
        })
        .retention(Retention::archive_to(&archive).keep_segments(1));
    let log = AuditLog::open(&path, opts).unwrap();
    for i in 0..100u64 {
        log.append(Event::new(EventType::OrderSent).detail("i", i))
            .unwrap();
    }
    log.export_checkpoint(d.join("anchor.txt")).unwrap();
    for i in 0..40u64 {
        log.append(Event::new(EventType::OrderSent).detail("j", i))
            .unwrap();
    }
    log.close().unwrap();
    assert!(
        list_segments(&path).unwrap()[0].0 > 0,
        "retention deleted old segments"
    );
    let args = [
        "audit",
        "verify",
        "a.log",
        "--public-key",
        "a.log.key.pub",
        "--anchor",
        "anchor.txt",
        "--json",
    ];
    let o = supreme(d, &[&args[..], &["--archive", "archive"]].concat());
    assert_eq!(code(&o), 0, "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["first_seq"], 0, "{v}");
    // An archived-only segment changed: the one chain breaks.
    let old = &archived_segments(&archive, &path).unwrap()[0].1;
    let text_ = std::fs::read_to_string(old)
        .unwrap()
        .replacen("\"i\":3", "\"i\":4", 1);
    std::fs::write(old, text_).unwrap();
    let o = supreme(d, &[&args[..], &["--archive", "archive"]].concat());
    assert_eq!(code(&o), 1, "{}", text(&o));
    let o = supreme(
        d,
        &["audit", "verify", "a.log", "b.log", "--archive", "archive"],
    );
    assert_eq!(code(&o), 2, "{}", text(&o));
}
