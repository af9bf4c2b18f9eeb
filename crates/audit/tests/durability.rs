//! Redaction, flush policies, back-pressure, write failures, checkpoints by
//! time, recovery of a torn line, rotation and retention.

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
    let clock = FakeClock::new(T0);
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
    let clock = FakeClock::new(T0);
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
    let clock = FakeClock::new(T0);
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
    let clock = FakeClock::new(T0);
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
            Err(AuditError::QueueFull { capacity: 2 }) => refused += 1,
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
    let clock = FakeClock::new(T0);
    let faults = FaultInjector::new();
    let mut opts = options(key(), &clock);
    opts.dangerous().inject_faults(faults.clone());
    let log = AuditLog::open(dir.path().join("audit.log"), opts).unwrap();
    log.append(Event::new(EventType::ApiAccess)).unwrap();
    faults.fail_next(u64::MAX);
    let err = log
        .append(Event::new(EventType::KillSwitchTriggered))
        .unwrap_err();
    assert!(matches!(err, AuditError::WriteFailed { .. }), "{err}");
    assert!(matches!(
        log.append(Event::new(EventType::ApiAccess)),
        Err(AuditError::WriteFailed { .. })
    ));
    assert!(log.close().is_err());
}

#[test]
fn write_failure_calls_the_halt_callback_once() {
    let dir = tempfile::tempdir().unwrap();
    let clock = FakeClock::new(T0);
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
    let clock = FakeClock::new(T0);
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
    let clock = FakeClock::new(T0);
    let key = key();
    let public = key.public_key();
    let opts = options(key, &clock)
        .checkpoint_every(None)
        .checkpoint_interval(Some(Duration::from_secs(60)));
    let log = AuditLog::open(&path, opts).unwrap();
    log.append(Event::new(EventType::ApiAccess)).unwrap();
    clock.advance_ms(61_000);
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

#[test]
fn a_second_writer_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let clock = FakeClock::new(T0);
    let path = dir.path().join("audit.log");
    let _log = AuditLog::open(&path, options(key(), &clock)).unwrap();
    assert!(matches!(
        AuditLog::open(&path, options(key(), &clock)),
        Err(AuditError::Locked { .. })
    ));
}

#[test]
fn torn_line_is_cut_recorded_and_the_chain_continues() {
    let dir = tempfile::tempdir().unwrap();
    let (path, public, _) = write_log(dir.path(), 10, 100);
    let good = std::fs::read(&path).unwrap();
    let mut torn = good.clone();
    torn.extend_from_slice(b"{\"seq\":11,\"time\":\"2025-11-29T02:4");
    std::fs::write(&path, &torn).unwrap();
    let key = SigningKey::generate("test-audit").unwrap().0;
    let log = AuditLog::open(&path, options(key, &FakeClock::new(T0))).unwrap();
    let rec = log.recovery().cloned().unwrap();
    assert_eq!(
        (rec.offset, rec.torn_bytes, rec.recorded_as),
        (good.len() as u64, 33, 11)
    );
    log.append(Event::new(EventType::ApiAccess)).unwrap();
    log.close().unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with(std::str::from_utf8(&good).unwrap()));
    assert!(text.contains("\"event\":\"LOG_RECOVERED\""));
    // The new key signs later checkpoints; the chain itself is intact.
    let report = verify_files(&[path], &VerifyOptions::default(), &mut |_, _| {}).unwrap();
    assert!(report.is_intact(), "{report}");
    assert_eq!(report.records, 14);
    let _ = public;
}

#[test]
fn damage_other_than_a_torn_line_refuses_to_open() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _, _) = write_log(dir.path(), 10, 100);
    let mut l = lines(&path);
    l[3] = l[3].replace("BTCUSDT", "ETHUSDT");
    write_lines(&path, &l);
    let err = AuditLog::open(&path, options(key(), &FakeClock::new(T0))).unwrap_err();
    assert!(matches!(err, AuditError::Damaged { line: 5, .. }), "{err}");
}

#[test]
fn rotation_keeps_the_chain_across_files() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.log");
    let clock = FakeClock::new(T0);
    let key = key();
    let public = key.public_key();
    let rotation = Rotation {
        max_bytes: Some(4_000),
        max_age: Some(Duration::from_secs(3600)),
    };
    let log = AuditLog::open(
        &path,
        options(key, &clock)
            .rotation(rotation)
            .checkpoint_every(None),
    )
    .unwrap();
    for i in 0..100u64 {
        log.append(Event::new(EventType::OrderSent).detail("i", i))
            .unwrap();
    }
    clock.advance_ms(3_600_000);
    log.append(Event::new(EventType::OrderSent).detail("i", 100))
        .unwrap(); // rotates by age
    let last = log.close().unwrap();
    let segments = list_segments(&path).unwrap();
    assert!(segments.len() >= 5, "{segments:?}");
    let files = log_files(&path).unwrap();
    let opts = VerifyOptions {
        public_key: Some(public.clone()),
        anchor: Some(last),
        strict: true,
    };
    // Given in any order, the files are put in chain order.
    let mut shuffled = files.clone();
    shuffled.reverse();
    let report = verify_files(&shuffled, &opts, &mut |_, _| {}).unwrap();
    assert!(report.is_intact(), "{report}");
    assert_eq!(report.files.len(), files.len());
    // Each file's first record commits to the previous file's last.
    for pair in files.windows(2) {
        let prev_last = lines(&pair[0]).pop().unwrap();
        let first = Record::parse(lines(&pair[1])[0].as_bytes()).unwrap();
        assert_eq!(first.event_type, EventType::SegmentStart);
        assert_eq!(first.prev, record_hash(prev_last.as_bytes()));
    }
    // The newest file alone verifies from its SEGMENT_START.
    let alone = verify_files(
        &files[files.len() - 1..],
        &VerifyOptions {
            public_key: Some(public.clone()),
            ..Default::default()
        },
        &mut |_, _| {},
    )
    .unwrap();
    assert!(alone.is_intact() && !alone.notes.is_empty(), "{alone}");
    // A whole missing file is a deletion.
    std::fs::remove_file(&files[2]).unwrap();
    let report = verify_log(
        &path,
        &VerifyOptions {
            public_key: Some(public),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(
        report.finding.as_ref().map(|f| f.kind),
        Some(FindingKind::Deleted),
        "{report}"
    );
}

#[test]
fn retention_deletes_only_what_an_exported_checkpoint_covers() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.log");
    let clock = FakeClock::new(T0);
    let key = key();
    let public = key.public_key();
    let rotation = Rotation {
        max_bytes: Some(3_000),
        max_age: None,
    };
    let log = AuditLog::open(
        &path,
        options(key, &clock)
            .rotation(rotation)
            .keep_segments(Some(2)),
    )
    .unwrap();
    for i in 0..100u64 {
        log.append(Event::new(EventType::OrderSent).detail("i", i))
            .unwrap();
    }
    log.sync().unwrap();
    let before = list_segments(&path).unwrap().len();
    assert!(
        before > 2,
        "nothing exported yet, so nothing deleted: {before}"
    );
    let anchor_path = dir.path().join("anchor.txt");
    let anchor = log.export_checkpoint(&anchor_path).unwrap();
    assert_eq!(
        Checkpoint::parse(&std::fs::read_to_string(&anchor_path).unwrap()).unwrap(),
        anchor
    );
    for i in 0..40u64 {
        log.append(Event::new(EventType::OrderSent).detail("j", i))
            .unwrap();
    }
    log.close().unwrap();
    let after = list_segments(&path).unwrap();
    assert!(
        after.first().unwrap().0 > 0,
        "the oldest, exported files were deleted: {after:?}"
    );
    // Beyond the newest two, only files the export does not fully cover remain.
    for pair in after.windows(2).take(after.len().saturating_sub(2)) {
        assert!(
            pair[1].0 > anchor.size,
            "{after:?} vs exported size {}",
            anchor.size
        );
    }
    let report = verify_log(
        &path,
        &VerifyOptions {
            public_key: Some(public),
            ..Default::default()
        },
    )
    .unwrap();
    assert!(report.is_intact(), "{report}");
    assert!(report.first_seq > 0);
}

#[test]
fn reopening_continues_the_chain() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.log");
    let key_path = dir.path().join("audit.key");
    for round in 0..3u64 {
        let (key, created) = SigningKey::load_or_create(&key_path, "test-audit").unwrap();
        assert_eq!(created, round == 0);
        let log = AuditLog::open(&path, options(key, &FakeClock::new(T0))).unwrap();
        log.append(Event::new(EventType::VaultOpened).detail("round", round))
            .unwrap();
        log.close().unwrap();
    }
    let public = PublicKey::load(&public_path(&key_path)).unwrap();
    let report = verify(&path, &public, None);
    assert!(report.is_intact(), "{report}");
    assert_eq!((report.records, report.checkpoints), (6, 3));
}

#[test]
fn a_crash_in_the_middle_of_rotation_is_recovered() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.log");
    let key_path = dir.path().join("audit.key");
    let (key, _) = SigningKey::load_or_create(&key_path, "test-audit").unwrap();
    let public = key.public_key();
    let log = AuditLog::open(&path, options(key, &FakeClock::new(T0))).unwrap();
    for i in 0..5u64 {
        log.append(Event::new(EventType::ApiAccess).detail("i", i))
            .unwrap();
    }
    log.close().unwrap();
    // Crash after the rename, before the new file exists.
    std::fs::rename(&path, segment_path(&path, 0)).unwrap();
    let reopen = || {
        let key = SigningKey::load(&key_path).unwrap();
        let log = AuditLog::open(&path, options(key, &FakeClock::new(T0))).unwrap();
        log.append(Event::new(EventType::ApiAccess)).unwrap();
        log.close().unwrap();
    };
    reopen();
    let first = Record::parse(lines(&path)[0].as_bytes()).unwrap();
    assert_eq!((first.event_type, first.seq), (EventType::SegmentStart, 6));
    // Crash after creating the new file, before its first record.
    std::fs::rename(&path, segment_path(&path, 6)).unwrap();
    std::fs::write(&path, b"").unwrap();
    reopen();
    let opts = VerifyOptions {
        public_key: Some(public),
        strict: true,
        ..Default::default()
    };
    let report = verify_log(&path, &opts).unwrap();
    assert!(report.is_intact(), "{report}");
    assert_eq!((report.files.len(), report.first_seq), (3, 0));
}
