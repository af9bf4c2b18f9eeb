//! Retention that never loses evidence, attacked: an archive that cannot be
//! written or a corrupted archived copy deletes nothing; with a working
//! archive the archive and the live log verify as one chain; deletion by
//! count, age and total size.

#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use common::*;
use supreme_audit::*;

fn rotation() -> Rotation {
    Rotation {
        max_bytes: Some(3_000),
        max_age: None,
    }
}

fn archive_dir(dir: &Path) -> PathBuf {
    let a = dir.join("archive");
    std::fs::create_dir(&a).unwrap();
    a
}

/// Writes `n` events, exports a checkpoint, writes `after` more, closes;
/// returns the export.
fn run(
    path: &Path,
    key: SigningKey,
    clock: &Arc<FakeClock>,
    retention: Retention,
    n: u64,
    after: u64,
) -> Checkpoint {
    let log = AuditLog::open(
        path,
        options(key, clock)
            .rotation(rotation())
            .retention(retention),
    )
    .unwrap();
    for i in 0..n {
        log.append(Event::new(EventType::OrderSent).detail("i", i))
            .unwrap();
    }
    let anchor = log
        .export_checkpoint(path.with_extension("anchor"))
        .unwrap();
    for i in 0..after {
        log.append(Event::new(EventType::OrderSent).detail("j", i))
            .unwrap();
    }
    log.close().unwrap();
    anchor
}

fn verify_all(path: &Path, archive: &Path, public: &PublicKey, anchor: Checkpoint) -> Report {
    let files = log_files_with_archive(path, archive).unwrap();
    let opts = VerifyOptions {
        public_key: Some(public.clone()),
        anchor: Some(anchor),
        strict: false,
        ..Default::default()
    };
    verify_files(&files, &opts, &mut |_, _| {}).unwrap()
}

#[test]
fn archived_then_deleted_and_the_archive_verifies_with_the_live_log() {
    let dir = tempfile::tempdir().unwrap();
    let (path, archive) = (dir.path().join("audit.log"), archive_dir(dir.path()));
    let key = key();
    let public = key.public_key();
    let anchor = run(
        &path,
        key,
        &t0_clock(),
        Retention::archive_to(&archive).keep_segments(2),
        100,
        40,
    );
    let live = list_segments(&path).unwrap();
    assert!(
        live.first().unwrap().0 > 0,
        "old segments were deleted: {live:?}"
    );
    let archived = archived_segments(&archive, &path).unwrap();
    assert_eq!(archived.first().unwrap().0, 0, "{archived:?}");
    // Every deleted segment is in the archive, byte for byte as it was.
    assert!(archived.len() > live.len());
    // Live alone starts past seq 0; with the archive, one chain from 0.
    let report = verify_all(&path, &archive, &public, anchor);
    assert!(report.is_authenticated(), "{report}");
    assert_eq!(report.first_seq, 0);
    // A changed byte in an archived-only segment breaks that chain.
    let old = &archived[0].1;
    let mut bytes = std::fs::read(old).unwrap();
    let at = bytes.iter().position(|b| *b == b'"').unwrap();
    bytes[at + 1] ^= 0x01;
    std::fs::write(old, bytes).unwrap();
    let report = verify_all(&path, &archive, &public, anchor_of(&path));
    assert!(!report.is_intact(), "{report}");
}

fn anchor_of(path: &Path) -> Checkpoint {
    last_exported(path).unwrap().unwrap()
}

#[test]
fn an_archive_that_cannot_be_written_deletes_nothing() {
    for case in ["missing", "a file", "the log's own directory", "slot taken"] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.log");
        let archive = match case {
            "missing" => dir.path().join("no-such-dir"),
            "a file" => {
                let f = dir.path().join("archive-file");
                std::fs::write(&f, b"").unwrap();
                f
            }
            "the log's own directory" => dir.path().to_owned(),
            _ => {
                // A directory where the first segment's copy would go.
                let a = archive_dir(dir.path());
                std::fs::create_dir(a.join("audit.log.00000000000000000000")).unwrap();
                a
            }
        };
        run(
            &path,
            key(),
            &t0_clock(),
            Retention::archive_to(&archive).keep_segments(1),
            100,
            40,
        );
        let live = list_segments(&path).unwrap();
        assert_eq!(
            live.first().unwrap().0,
            0,
            "{case}: nothing deleted: {live:?}"
        );
        assert!(live.len() > 3, "{case}: {live:?}");
    }
}

#[test]
fn a_corrupted_archived_copy_deletes_nothing_and_is_not_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let (path, archive) = (dir.path().join("audit.log"), archive_dir(dir.path()));
    let key_path = dir.path().join("audit.key");
    let (key, _) = SigningKey::load_or_create(&key_path, "test-audit").unwrap();
    let clock = t0_clock();
    // Archive only (no limit): every rotated segment is copied, none deleted.
    run(&path, key, &clock, Retention::archive_to(&archive), 100, 0);
    let before = list_segments(&path).unwrap();
    let copy = archive.join(before[0].1.file_name().unwrap());
    let mut bytes = std::fs::read(&copy).unwrap();
    let last = bytes.len() - 2;
    bytes[last] ^= 0x01;
    std::fs::write(&copy, &bytes).unwrap();
    // Now with a limit: the oldest is due, its copy differs, so it stays,
    // and so does everything after it.
    let key = SigningKey::load(&key_path).unwrap();
    run(
        &path,
        key,
        &clock,
        Retention::archive_to(&archive).keep_segments(1),
        60,
        40,
    );
    let after = list_segments(&path).unwrap();
    assert_eq!(after[..before.len()], before[..], "nothing deleted");
    assert_eq!(
        std::fs::read(&copy).unwrap(),
        bytes,
        "the suspect copy is kept as found"
    );
}

#[test]
fn without_an_archive_nothing_is_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.log");
    let log_opts = |k| {
        options(k, &t0_clock())
            .rotation(rotation())
            .keep_segments(Some(1))
    };
    let log = AuditLog::open(&path, log_opts(key())).unwrap();
    for i in 0..100u64 {
        log.append(Event::new(EventType::OrderSent).detail("i", i))
            .unwrap();
    }
    log.export_checkpoint(dir.path().join("anchor")).unwrap();
    for i in 0..40u64 {
        log.append(Event::new(EventType::OrderSent).detail("j", i))
            .unwrap();
    }
    log.close().unwrap();
    assert_eq!(list_segments(&path).unwrap()[0].0, 0);
}

#[test]
fn deletion_by_age_keeps_the_young_segments() {
    let dir = tempfile::tempdir().unwrap();
    let (path, archive) = (dir.path().join("audit.log"), archive_dir(dir.path()));
    let clock = t0_clock();
    let key = key();
    let public = key.public_key();
    let day = Duration::from_secs(86_400);
    let log = AuditLog::open(
        &path,
        options(key, &clock)
            .rotation(rotation())
            .retention(Retention::archive_to(&archive).max_age(day * 30)),
    )
    .unwrap();
    for i in 0..100u64 {
        log.append(Event::new(EventType::OrderSent).detail("i", i))
            .unwrap();
    }
    log.sync().unwrap();
    let old = list_segments(&path).unwrap();
    clock.advance(day * 31);
    for i in 0..100u64 {
        log.append(Event::new(EventType::OrderSent).detail("j", i))
            .unwrap();
    }
    log.sync().unwrap();
    assert_eq!(
        list_segments(&path).unwrap()[0].0,
        0,
        "not exported yet: kept"
    );
    let anchor = log.export_checkpoint(dir.path().join("anchor")).unwrap();
    for i in 0..60u64 {
        log.append(Event::new(EventType::OrderSent).detail("k", i))
            .unwrap();
    }
    log.close().unwrap();
    let live = list_segments(&path).unwrap();
    // Segments rotated out before the 31 days went; those after stayed.
    for (seq, _) in &old[..old.len() - 1] {
        assert!(
            !live.iter().any(|(s, _)| s == seq),
            "{seq} is over 30 days old: {live:?}"
        );
    }
    assert!(live.len() >= 3, "young segments kept: {live:?}");
    assert!(verify_all(&path, &archive, &public, anchor).is_authenticated());
}

#[test]
fn deletion_by_total_size_bounds_the_live_segments() {
    let dir = tempfile::tempdir().unwrap();
    let (path, archive) = (dir.path().join("audit.log"), archive_dir(dir.path()));
    let key = key();
    let public = key.public_key();
    let retention = Retention::archive_to(&archive).max_total_bytes(10_000);
    let anchor = run(&path, key, &t0_clock(), retention, 200, 20);
    let live = list_segments(&path).unwrap();
    let total: u64 = live
        .iter()
        .map(|(_, p)| std::fs::metadata(p).unwrap().len())
        .sum();
    assert!(live[0].0 > 0, "{live:?}");
    // What is over the bound is only what the export does not cover.
    let covered: u64 = live
        .windows(2)
        .filter(|w| w[1].0 <= anchor.size)
        .map(|w| std::fs::metadata(&w[0].1).unwrap().len())
        .sum();
    assert!(
        total <= 10_000 || covered == 0,
        "{total} bytes live: {live:?}"
    );
    assert!(verify_all(&path, &archive, &public, anchor).is_authenticated());
}
