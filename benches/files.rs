//! supreme-core files: an atomic, durable write and a keyed risk-state save,
//! each beside the raw primitive in the same run.
//!
//! - `write/raw_tmp_fsync_rename`: std only: create `<name>.tmp`, write,
//!   fsync, rename over the target, fsync the directory (what the old
//!   risk-limits writer did, minus its symlink following).
//! - `write/write_atomic`: `supreme_core::files::write_atomic` (random
//!   O_EXCL|O_NOFOLLOW 0600 temp, the same fsyncs, stale-temp sweep).
//! - `state/raw_bytes_write`: the state's bytes (HMAC computed once) through
//!   the raw write above.
//! - `state/save`: `StateFile::save`: lock, HMAC-SHA256, `write_atomic`.
//!
//! fsync dominates all four; the ratios say what the policy costs on top.

#![allow(missing_docs, clippy::unwrap_used)]

use std::fs::{self, File};
use std::io::Write;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use supreme_core::files::write_atomic;
use supreme_risk_limits::{Asset, FakeClock, RiskBook, RiskConfig, StateFile};

fn raw_write(path: &Path, bytes: &[u8]) {
    let tmp = path.with_extension("tmp");
    let mut f = File::create(&tmp).unwrap();
    f.write_all(bytes).unwrap();
    f.sync_all().unwrap();
    fs::rename(&tmp, path).unwrap();
    File::open(path.parent().unwrap())
        .unwrap()
        .sync_all()
        .unwrap();
}

fn private_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o700)).unwrap();
    dir
}

fn write(c: &mut Criterion) {
    let dir = private_dir();
    let bytes = vec![b'x'; 1024];
    let mut g = c.benchmark_group("write");
    g.sample_size(30);
    let raw = dir.path().join("raw");
    g.bench_function("raw_tmp_fsync_rename", |b| {
        b.iter(|| raw_write(&raw, &bytes))
    });
    let ours = dir.path().join("ours");
    g.bench_function("write_atomic", |b| {
        b.iter(|| write_atomic(&ours, &bytes).unwrap())
    });
    g.finish();
}

fn state(c: &mut Criterion) {
    let dir = private_dir();
    let path = dir.path().join("risk.state");
    let key_file = dir.path().join("risk.key");
    let config = RiskConfig::new(Asset::new("USDT").unwrap()).unwrap();
    let book = RiskBook::new(config, FakeClock::new(1_700_000_000_000)).unwrap();
    book.start_fresh().unwrap();
    book.persist_to(StateFile::with_key_file(&path, &key_file).unwrap())
        .unwrap();
    let file = StateFile::with_key_file(&path, &key_file).unwrap();
    let state = file.load().unwrap();
    let bytes = fs::read(&path).unwrap();
    let mut g = c.benchmark_group("state");
    g.sample_size(30);
    let raw = dir.path().join("raw.state");
    g.bench_function("raw_bytes_write", |b| b.iter(|| raw_write(&raw, &bytes)));
    g.bench_function("save", |b| b.iter(|| file.save(&state).unwrap()));
    g.finish();
}

criterion_group!(benches, write, state);
criterion_main!(benches);
