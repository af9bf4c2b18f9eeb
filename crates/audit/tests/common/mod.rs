//! Helpers shared by the integration tests.
#![allow(dead_code, unreachable_pub, clippy::unwrap_used)] // test helpers: a failed unwrap is a failed test

use std::path::{Path, PathBuf};
use std::sync::Arc;

use supreme_audit::*;

pub const T0: i64 = 1_764_384_184_000;

pub fn key() -> SigningKey {
    SigningKey::generate("test-audit").unwrap().0
}

/// A fake clock at [`T0`], shared by the log and the test that moves it.
pub fn t0_clock() -> Arc<FakeClock> {
    Arc::new(FakeClock::new(T0.unsigned_abs()))
}

pub fn options(key: SigningKey, clock: &Arc<FakeClock>) -> Options {
    Options::new(key)
        .clock(clock.clone())
        .host("test-host")
        .actor("tester")
}

/// Writes `n` ORDER_SENT events with a checkpoint every `every` records,
/// closes, and returns the log path, the public key and the final checkpoint.
pub fn write_log(dir: &Path, n: u64, every: u64) -> (PathBuf, PublicKey, Checkpoint) {
    write_log_with(dir, n, every, key())
}

/// A key and a second handle on the same key (to reopen a log with it).
pub fn key_pair() -> (SigningKey, SigningKey) {
    use secrecy::ExposeSecret;
    let (key, pkcs8) = SigningKey::generate("test-audit").unwrap();
    let again = SigningKey::from_pkcs8("test-audit", pkcs8.expose_secret()).unwrap();
    (key, again)
}

/// [`write_log`] with a given key.
pub fn write_log_with(
    dir: &Path,
    n: u64,
    every: u64,
    key: SigningKey,
) -> (PathBuf, PublicKey, Checkpoint) {
    let path = dir.join("audit.log");
    let public = key.public_key();
    let clock = t0_clock();
    let log = AuditLog::open(
        &path,
        options(key, &clock).checkpoint_every(std::num::NonZeroU64::new(every)),
    )
    .unwrap();
    for i in 0..n {
        clock.advance(std::time::Duration::from_millis(3));
        log.append(
            Event::new(EventType::OrderSent)
                .detail("i", i)
                .detail("symbol", "BTCUSDT"),
        )
        .unwrap();
    }
    let cp = log.close().unwrap();
    (path, public, cp)
}

pub fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

pub fn write_lines(path: &Path, lines: &[String]) {
    let mut text = lines.join("\n");
    text.push('\n');
    std::fs::write(path, text).unwrap();
}

pub fn verify(path: &Path, public: &PublicKey, anchor: Option<&Checkpoint>) -> Report {
    let opts = VerifyOptions {
        public_key: Some(public.clone()),
        anchor: anchor.cloned(),
        strict: false,

        ..Default::default()
    };
    verify_files(&[path.to_owned()], &opts, &mut |_, _| {}).unwrap()
}

pub fn finding(report: &Report) -> &Finding {
    report
        .finding
        .as_ref()
        .unwrap_or_else(|| panic!("expected a finding:\n{report}"))
}
