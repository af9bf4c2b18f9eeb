//! audit: batch appends from one writer, append latency percentiles, and
//! verification, each beside a raw primitive measured in the same run.
//!
//! - `append/chained_batch`: `AuditLog::append` of an ORDER_SENT event with
//!   batch durability (group commit every 512 records or 50 ms), timed until
//!   the final `sync` returns, so every record is on disk.
//! - `append/chained_no_fsync`: the same with flush policy none (records
//!   handed to the OS, not synced): what the CPU work alone allows.
//! - `append/raw_bufwriter_batch`: the same event serialized with serde_json
//!   into a `BufWriter<File>` with an fsync every 512 lines: no chain, no
//!   queue, no tree, no checkpoints.
//! - `verify/log`: `verify_files` over a ~100k-record log (chain, Merkle
//!   tree, every checkpoint signature).
//! - `verify/raw_sha256`: ring SHA-256 over the same file's bytes, read from
//!   the same page cache.
//!
//! - `redact/event_fields`: `Redactor::is_secret` on the five field names of
//!   that event and `Redactor::redact_str` on their values, the work the
//!   writer does per event to redact it.
//! - `redact/raw_eq_scan`: the same names and values compared byte by byte
//!   against one fixed word: the floor for looking at every byte once.
//!
//! After criterion, one writer appends 200,000 events with per-call timing
//! and prints p50 / p99 / p99.9 / max append latency.

#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::cast_possible_truncation,
    clippy::float_arithmetic
)]

use std::hint::black_box;
use std::io::Write;
use std::num::NonZeroU64;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group};
use supreme_security::audit::*;

fn event(i: u64) -> Event {
    Event::new(EventType::OrderSent)
        .actor("strategy-7")
        .detail("symbol", "BTCUSDT")
        .detail("side", "BUY")
        .detail("qty", "0.00150000")
        .detail("price", "25000.01")
        .detail("client_order_id", format!("x-{i:016}"))
}

fn options(key: SigningKey) -> Options {
    Options::new(key)
        .flush(FlushPolicy::DEFAULT_BATCH)
        .host("bench-host")
        .actor("bench")
}

fn bench_append(c: &mut Criterion) {
    let mut g = c.benchmark_group("append");
    g.throughput(Throughput::Elements(1));
    g.bench_function("chained_batch", |b| {
        b.iter_custom(|iters| {
            let dir = tempfile::tempdir().unwrap();
            let key = SigningKey::generate("bench").unwrap().0;
            let log = AuditLog::open(dir.path().join("audit.log"), options(key)).unwrap();
            let start = Instant::now();
            for i in 0..iters {
                log.append(event(i)).unwrap();
            }
            log.sync().unwrap();
            let took = start.elapsed();
            log.close().unwrap();
            took
        });
    });
    g.bench_function("chained_no_fsync", |b| {
        b.iter_custom(|iters| {
            let dir = tempfile::tempdir().unwrap();
            let key = SigningKey::generate("bench").unwrap().0;
            let log = AuditLog::open(
                dir.path().join("audit.log"),
                options(key).flush(FlushPolicy::None),
            )
            .unwrap();
            let start = Instant::now();
            for i in 0..iters {
                log.append(event(i)).unwrap();
            }
            let took = start.elapsed();
            log.close().unwrap();
            took
        });
    });
    g.bench_function("raw_bufwriter_batch", |b| {
        b.iter_custom(|iters| {
            let dir = tempfile::tempdir().unwrap();
            let file = std::fs::File::create(dir.path().join("raw.log")).unwrap();
            let mut w = std::io::BufWriter::with_capacity(256 * 1024, file);
            let start = Instant::now();
            for i in 0..iters {
                let e = serde_json::json!({
                    "seq": i, "event": "ORDER_SENT", "actor": "strategy-7",
                    "details": {"symbol": "BTCUSDT", "side": "BUY", "qty": "0.00150000",
                                "price": "25000.01", "client_order_id": format!("x-{i:016}")}
                });
                serde_json::to_writer(&mut w, &e).unwrap();
                w.write_all(b"\n").unwrap();
                if i % 512 == 511 {
                    w.flush().unwrap();
                    w.get_ref().sync_data().unwrap();
                }
            }
            w.flush().unwrap();
            w.get_ref().sync_data().unwrap();
            start.elapsed()
        });
    });
    g.finish();
}

const FIELDS: [(&str, &str); 5] = [
    ("client_order_id", "x-0000000000000042"),
    ("price", "25000.01"),
    ("qty", "0.00150000"),
    ("side", "BUY"),
    ("symbol", "BTCUSDT"),
];

fn bench_redact(c: &mut Criterion) {
    let r = Redactor::default();
    let mut g = c.benchmark_group("redact");
    g.throughput(Throughput::Elements(1));
    g.bench_function("event_fields", |b| {
        b.iter(|| {
            let mut n = 0usize;
            for (k, v) in black_box(FIELDS) {
                n += usize::from(r.is_secret(k));
                n += r.redact_str(v).len();
            }
            n
        });
    });
    g.bench_function("raw_eq_scan", |b| {
        b.iter(|| {
            let mut n = 0usize;
            for (k, v) in black_box(FIELDS) {
                for s in [k, v] {
                    n += s
                        .as_bytes()
                        .windows(5)
                        .filter(|w| w.eq_ignore_ascii_case(b"token"))
                        .count();
                }
            }
            n
        });
    });
    g.finish();
}

fn make_log(dir: &Path, n: u64) -> (PathBuf, PublicKey) {
    let key = SigningKey::generate("bench").unwrap().0;
    let public = key.public_key();
    let path = dir.join("audit.log");
    let log = AuditLog::open(&path, options(key)).unwrap();
    for i in 0..n {
        log.append(event(i)).unwrap();
    }
    log.close().unwrap();
    (path, public)
}

fn bench_verify(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let (path, public) = make_log(dir.path(), 100_000);
    let bytes = std::fs::read(&path).unwrap();
    let opts = VerifyOptions {
        public_key: Some(public),
        ..VerifyOptions::default()
    };
    assert!(
        verify_files(std::slice::from_ref(&path), &opts, &mut |_, _| {})
            .unwrap()
            .is_intact()
    );
    let mut g = c.benchmark_group("verify");
    g.throughput(Throughput::Bytes(bytes.len() as u64));
    g.bench_function("log", |b| {
        b.iter(|| {
            black_box(verify_files(std::slice::from_ref(&path), &opts, &mut |_, _| {}).unwrap())
        });
    });
    g.bench_function("raw_sha256", |b| {
        b.iter(|| {
            let data = std::fs::read(&path).unwrap();
            black_box(ring::digest::digest(&ring::digest::SHA256, &data))
        });
    });
    g.bench_function("raw_sha256_in_memory", |b| {
        b.iter(|| black_box(ring::digest::digest(&ring::digest::SHA256, &bytes)));
    });
    g.finish();
}

fn latency_report() {
    let dir = tempfile::tempdir().unwrap();
    let key = SigningKey::generate("bench").unwrap().0;
    let log = AuditLog::open(
        dir.path().join("audit.log"),
        options(key).checkpoint_every(NonZeroU64::new(10_000)),
    )
    .unwrap();
    let n = 200_000usize;
    let mut lat = Vec::with_capacity(n);
    let start = Instant::now();
    for i in 0..n as u64 {
        let e = event(i);
        let t = Instant::now();
        log.append(e).unwrap();
        lat.push(t.elapsed());
    }
    log.sync().unwrap();
    let total = start.elapsed();
    log.close().unwrap();
    lat.sort_unstable();
    let pct = |p: usize| lat[(n * p / 1000).min(n - 1)];
    let rate = n as f64 / total.as_secs_f64();
    println!(
        "append latency over {n} batch appends: p50 {:?}  p99 {:?}  p99.9 {:?}  max {:?}; {rate:.0} events/s including the final sync",
        pct(500),
        pct(990),
        pct(999),
        lat[n - 1]
    );
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
    targets = bench_append, bench_redact, bench_verify
}

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    latency_report();
}
