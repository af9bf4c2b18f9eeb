//! Reopening a log: one writer at a time, a torn last line cut and
//! recorded, other damage refused, the chain continued.

mod common;

use common::*;
use supreme_audit::*;

#[test]
fn a_second_writer_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let clock = t0_clock();
    let path = dir.path().join("audit.log");
    let _log = AuditLog::open(&path, options(key(), &clock)).unwrap();
    let wait = std::time::Duration::from_millis(100);
    let started = std::time::Instant::now();
    let second = AuditLog::open(&path, options(key(), &clock).lock_wait(wait));
    assert!(started.elapsed() >= wait);
    let Err(e @ Error::Locked { .. }) = second else {
        panic!("a second writer was not refused");
    };
    let Error::Locked { holder, .. } = &e else {
        unreachable!()
    };
    assert_eq!(*holder, Some(std::process::id()));
    assert!(
        e.to_string()
            .contains(&format!("pid {}", std::process::id())),
        "{e}"
    );
}

#[test]
fn torn_line_is_cut_recorded_and_the_chain_continues() {
    let dir = tempfile::tempdir().unwrap();
    let (key, same_key) = key_pair();
    let (path, public, _) = write_log_with(dir.path(), 10, 100, key);
    let good = std::fs::read(&path).unwrap();
    let mut torn = good.clone();
    torn.extend_from_slice(b"{\"seq\":11,\"time\":\"2025-11-29T02:4");
    std::fs::write(&path, &torn).unwrap();
    // Another key would sign over checkpoints it did not sign: refused.
    let other = SigningKey::generate("test-audit").unwrap().0;
    assert!(matches!(
        AuditLog::open(&path, options(other, &t0_clock())),
        Err(Error::Damaged { .. })
    ));
    let log = AuditLog::open(&path, options(same_key, &t0_clock())).unwrap();
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
    let report = verify_files(
        &[path],
        &VerifyOptions {
            public_key: Some(public),
            ..Default::default()
        },
        &mut |_, _| {},
    )
    .unwrap();
    assert!(report.is_authenticated(), "{report}");
    assert_eq!(report.records, 14);
}

#[test]
fn damage_other_than_a_torn_line_refuses_to_open() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _, _) = write_log(dir.path(), 10, 100);
    let mut l = lines(&path);
    l[3] = l[3].replace("BTCUSDT", "ETHUSDT");
    write_lines(&path, &l);
    let err = AuditLog::open(&path, options(key(), &t0_clock())).unwrap_err();
    assert!(matches!(err, Error::Damaged { line: 5, .. }), "{err}");
}

#[test]
fn reopening_continues_the_chain() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.log");
    let key_path = dir.path().join("audit.key");
    for round in 0..3u64 {
        let (key, created) = SigningKey::load_or_create(&key_path, "test-audit").unwrap();
        assert_eq!(created, round == 0);
        let log = AuditLog::open(&path, options(key, &t0_clock())).unwrap();
        log.append(Event::new(EventType::VaultOpened).detail("round", round))
            .unwrap();
        log.close().unwrap();
    }
    let public = PublicKey::load(&public_path(&key_path)).unwrap();
    let report = verify(&path, &public, None);
    assert!(report.is_intact(), "{report}");
    assert_eq!((report.records, report.checkpoints), (6, 3));
}
