//! Redaction, flush policies, back-pressure, write failures and
//! checkpoints by time.

mod common;

use std::num::NonZeroU64;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use common::*;
use secrecy::SecretString;
use supreme_audit::danger::FaultInjector;
use supreme_audit::*;

#[test]
fn secrets_never_reach_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.log");
    let clock = t0_clock();
    let log = AuditLog::open(&path, options(key(), &clock)).unwrap();
    let secret = SecretString::from("hunter2-api-secret");
    log.append(
        Event::new(EventType::SecretAccessed)
            .secret("api_secret", &secret)
            .details(serde_json::json!({
                "password": "pw-hunter3",
                "nested": {"session_token": "tok-hunter4", "ok": true},
                "symbol": "BTCUSDT",
            })),
    )
    .unwrap();
    log.close().unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    for s in ["hunter2", "hunter3", "hunter4"] {
        assert!(!text.contains(s), "{s} leaked");
    }
    assert!(text.contains("\"api_secret\":\"[REDACTED]\"") && text.contains("BTCUSDT"));
}

#[test]
fn critical_events_are_synced_before_append_returns() {
    let dir = tempfile::tempdir().unwrap();
    let clock = t0_clock();
    let opts = options(key(), &clock).flush(FlushPolicy::None);
    let log = AuditLog::open(dir.path().join("audit.log"), opts).unwrap();
    assert_eq!(
        log.append(Event::new(EventType::ApiAccess)).unwrap(),
        Appended::Queued
    );
    assert_eq!(
        log.append(Event::new(EventType::KillSwitchTriggered))
            .unwrap(),
        Appended::Synced(1)
    );
    assert!(log.synced() >= 2);
    assert_eq!(
        log.append(Event::new(EventType::RiskBreach).severity(Severity::Critical))
            .unwrap(),
        Appended::Synced(2)
    );
    assert_eq!(
        log.append(Event::new(EventType::ConfigChanged).require_sync())
            .unwrap(),
        Appended::Synced(3)
    );
    assert!(
        log.append(Event::new(EventType::Checkpoint)).is_err(),
        "reserved kinds are refused"
    );
}

#[test]
fn batch_policy_group_commits_by_count_and_time() {
    let dir = tempfile::tempdir().unwrap();
    let clock = t0_clock();
    let flush = FlushPolicy::Batch {
        records: NonZeroU64::new(10).unwrap(),
        interval: Duration::from_millis(30),
    };
    let log = AuditLog::open(
        dir.path().join("audit.log"),
        options(key(), &clock).flush(flush),
    )
    .unwrap();
    for _ in 0..3 {
        log.append(Event::new(EventType::ApiAccess)).unwrap();
    }
    // Fewer than 10 records: synced by the 30 ms timer.
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while log.synced() < 3 {
        assert!(
            std::time::Instant::now() < deadline,
            "batch timer never synced"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(log.sync().unwrap(), 3);
}

#[test]
fn a_full_queue_pushes_back_and_nothing_accepted_is_lost() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.log");
    let clock = t0_clock();
    let key = key();
    let public = key.public_key();
    let opts = options(key, &clock)
        .flush(FlushPolicy::EveryRecord)
        .queue_capacity(2)
        .checkpoint_every(None);
    let log = AuditLog::open(&path, opts).unwrap();
    let (mut accepted, mut refused) = (0u64, 0u64);
    for i in 0..400u64 {
        match log.try_append(Event::new(EventType::ApiAccess).detail("i", i)) {
            Ok(_) => accepted += 1,
            Err(Error::QueueFull { capacity: 2 }) => refused += 1,
            Err(e) => panic!("{e}"),
        }
    }
    assert!(refused > 0, "an fsync per record should fill a queue of 2");
    log.close().unwrap();
    let report = verify(&path, &public, None);
    assert!(report.is_intact(), "{report}");
    assert_eq!(report.records, accepted + 1); // + the checkpoint on close
}

#[test]
fn write_failure_fails_closed_under_error_policy() {
    let dir = tempfile::tempdir().unwrap();
    let clock = t0_clock();
    let faults = FaultInjector::new();
    let mut opts = options(key(), &clock);
    opts.dangerous().inject_faults(faults.clone());
    let log = AuditLog::open(dir.path().join("audit.log"), opts).unwrap();
    log.append(Event::new(EventType::ApiAccess)).unwrap();
    faults.fail_next(u64::MAX);
    let err = log
        .append(Event::new(EventType::KillSwitchTriggered))
        .unwrap_err();
    assert!(matches!(err, Error::WriteFailed { .. }), "{err}");
    assert!(matches!(
        log.append(Event::new(EventType::ApiAccess)),
        Err(Error::WriteFailed { .. })
    ));
    assert!(log.close().is_err());
}

#[test]
fn write_failure_calls_the_halt_callback_once() {
    let dir = tempfile::tempdir().unwrap();
    let clock = t0_clock();
    let faults = FaultInjector::new();
    let halted = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&halted);
    let mut opts =
        options(key(), &clock).on_write_failure(OnWriteFailure::Halt(Arc::new(move |_| {
            assert!(!flag.swap(true, Ordering::SeqCst), "called twice");
        })));
    opts.dangerous().inject_faults(faults.clone());
    let log = AuditLog::open(dir.path().join("audit.log"), opts).unwrap();
    faults.fail_next(u64::MAX);
    assert!(log.append(Event::new(EventType::SecretAccessed)).is_err());
    assert!(halted.load(Ordering::SeqCst));
    assert!(log.sync().is_err());
}

#[test]
fn write_failure_blocks_and_retries_under_block_policy() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.log");
    let clock = t0_clock();
    let faults = FaultInjector::new();
    let key = key();
    let public = key.public_key();
    let mut opts = options(key, &clock).on_write_failure(OnWriteFailure::Block {
        retry: Duration::from_millis(5),
    });
    opts.dangerous().inject_faults(faults.clone());
    let log = AuditLog::open(&path, opts).unwrap();
    log.append(Event::new(EventType::ApiAccess)).unwrap();
    faults.fail_next(5);
    assert_eq!(
        log.append(Event::new(EventType::KillSwitchTriggered))
            .unwrap(),
        Appended::Synced(1)
    );
    assert_eq!(faults.remaining(), 0);
    log.close().unwrap();
    let report = verify(&path, &public, None);
    assert!(report.is_intact(), "{report}");
    assert_eq!(report.records, 3);
}

#[test]
fn checkpoints_by_time_and_on_close() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.log");
    let clock = t0_clock();
    let key = key();
    let public = key.public_key();
    let opts = options(key, &clock)
        .checkpoint_every(None)
        .checkpoint_interval(Some(Duration::from_secs(60)));
    let log = AuditLog::open(&path, opts).unwrap();
    log.append(Event::new(EventType::ApiAccess)).unwrap();
    clock.advance(std::time::Duration::from_millis(61_000));
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while log.appended() < 2 {
        assert!(
            std::time::Instant::now() < deadline,
            "no checkpoint after the interval"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    let cp = log.checkpoint().unwrap();
    assert_eq!(cp.size, 1);
    log.append(Event::new(EventType::ApiAccess)).unwrap();
    let last = log.close().unwrap();
    assert_eq!(last.size, 3);
    let report = verify(&path, &public, Some(&last));
    assert!(report.is_intact() && report.checkpoints == 2, "{report}");
}
