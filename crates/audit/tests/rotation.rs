//! Rotation by size and age with the chain continued across files,
//! retention bounded by exported checkpoints, a crash mid-rotation.

mod common;

use std::time::Duration;

use common::*;
use supreme_audit::*;

#[test]
fn rotation_keeps_the_chain_across_files() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.log");
    let clock = t0_clock();
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
    clock.advance(std::time::Duration::from_millis(3_600_000));
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
        ..Default::default()
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
    let clock = t0_clock();
    let key = key();
    let public = key.public_key();
    let rotation = Rotation {
        max_bytes: Some(3_000),
        max_age: None,
    };
    let archive = dir.path().join("archive");
    std::fs::create_dir(&archive).unwrap();
    let log = AuditLog::open(
        &path,
        options(key, &clock)
            .rotation(rotation)
            .retention(Retention::archive_to(&archive).keep_segments(2)),
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
    assert!(report.is_authenticated(), "{report}");
    assert!(report.first_seq > 0);
}

#[test]
fn a_crash_in_the_middle_of_rotation_is_recovered() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.log");
    let key_path = dir.path().join("audit.key");
    let (key, _) = SigningKey::load_or_create(&key_path, "test-audit").unwrap();
    let public = key.public_key();
    let log = AuditLog::open(&path, options(key, &t0_clock())).unwrap();
    for i in 0..5u64 {
        log.append(Event::new(EventType::ApiAccess).detail("i", i))
            .unwrap();
    }
    log.close().unwrap();
    // Crash after the rename, before the new file exists.
    std::fs::rename(&path, segment_path(&path, 0)).unwrap();
    let reopen = || {
        let key = SigningKey::load(&key_path).unwrap();
        let log = AuditLog::open(&path, options(key, &t0_clock())).unwrap();
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
    assert!(report.is_authenticated(), "{report}");
    assert_eq!((report.files.len(), report.first_seq), (3, 0));
}
