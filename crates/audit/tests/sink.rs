//! `AuditLog` as the workspace's `Sink`: core events become verified records
//! in a real log file, secrets a caller put in a field anyway are redacted,
//! and what the log must not write is refused (so the caller fails closed).
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use supreme_audit::*;
use supreme_core::event::{Event as CoreEvent, Severity as CoreSeverity, Sink};

#[test]
fn core_events_become_verified_records() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.log");
    let k = key();
    let public = k.public_key();
    let log = AuditLog::open(&path, Options::new(k)).unwrap();
    let trip = CoreEvent::new(
        "KILL_SWITCH_TRIGGERED",
        CoreSeverity::Critical,
        "kill-switch",
        42,
    )
    .field("reason", "daily loss")
    .field("trip_id", "18bcfe568c0-0011");
    Sink::record(&log, &trip).unwrap();
    log.close().unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let line = text
        .lines()
        .find(|l| l.contains("KILL_SWITCH_TRIGGERED"))
        .unwrap();
    for part in [
        "\"CRITICAL\"",
        "\"kill-switch\"",
        "daily loss",
        "18bcfe568c0-0011",
        "\"event_at_ms\":42",
    ] {
        assert!(line.contains(part), "{part} missing from {line}");
    }
    let report = verify(&path, &public, None);
    assert!(report.finding.is_none(), "{report}");
}

#[test]
fn a_secret_put_in_a_core_event_field_is_redacted_in_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.log");
    let log = AuditLog::open(&path, Options::new(key())).unwrap();
    let careless = CoreEvent::new("API_ACCESS", CoreSeverity::Info, "bot", 1)
        .field("apiKey", "LEAK01")
        .field(
            "url",
            "https://api.binance.com/api/v3/order?signature=LEAK02",
        );
    Sink::record(&log, &careless).unwrap();
    log.close().unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        !text.contains("LEAK01") && !text.contains("LEAK02"),
        "{text}"
    );
}

#[test]
fn a_core_event_the_log_must_not_write_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.log");
    let log = AuditLog::open(&path, Options::new(key())).unwrap();
    let forged_checkpoint = CoreEvent::new("CHECKPOINT", CoreSeverity::Info, "mallory", 1);
    let err = Sink::record(&log, &forged_checkpoint).unwrap_err();
    assert_eq!(err.sink(), "audit log");
    let bad_kind = CoreEvent::new("not a kind", CoreSeverity::Info, "bot", 1);
    assert!(Sink::record(&log, &bad_kind).is_err());
    let appended = log.appended();
    log.close().unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(!text.contains("mallory"));
    assert_eq!(appended, 0, "nothing of the caller's was written");
}
