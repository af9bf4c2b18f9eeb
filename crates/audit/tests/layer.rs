//! The tracing layer records events of its target only.
#![cfg(feature = "tracing")]

mod common;

use std::sync::Arc;

use common::*;
use supreme_audit::*;
use tracing_subscriber::layer::SubscriberExt;

#[test]
fn records_events_of_the_chosen_target() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.log");
    let key = key();
    let public = key.public_key();
    let log = Arc::new(AuditLog::open(&path, options(key, &t0_clock())).unwrap());
    let layer = AuditLayer::new(Arc::clone(&log), "security");
    let subscriber = tracing_subscriber::registry().with(layer);
    tracing::subscriber::with_default(subscriber, || {
        tracing::warn!(target: "security", event_type = "AUTH_FAILURE", actor = "alice", password = "hunter2", "bad password");
        tracing::info!(target: "security::orders", event_type = "ORDER_SENT", symbol = "BTCUSDT", qty = 3u64);
        tracing::info!(target: "other", event_type = "ORDER_SENT", "not recorded");
        tracing::error!(target: "security", "no type given");
    });
    log.sync().unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let records: Vec<Record> = text
        .lines()
        .map(|l| Record::parse(l.as_bytes()).unwrap())
        .collect();
    assert_eq!(records.len(), 3, "{text}");
    assert_eq!(
        (
            records[0].event_type.as_str(),
            records[0].severity,
            records[0].actor.as_str()
        ),
        ("AUTH_FAILURE", Severity::Warning, "alice")
    );
    assert_eq!(records[0].details["message"], "bad password");
    assert!(!text.contains("hunter2"));
    assert_eq!(records[1].details["qty"], 3);
    assert_eq!(records[2].event_type.as_str(), "TRACING_EVENT");
    drop(Arc::try_unwrap(log).unwrap());
    assert!(verify(&path, &public, None).is_intact());
}
