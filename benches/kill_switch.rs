//! kill-switch: the order-path gate beside raw atomics, and how fast a trip
//! closes it, measured in the same run.
//!
//! - `gate/raw_atomic_bool_load`, `gate/raw_atomic_u8_load`: the primitive.
//! - `gate/is_open`: `Gate::is_open` (an `Arc` deref and one `Acquire` load).
//! - `trip/in_memory`: `trip()` on a fresh switch without a latch, up to the
//!   gate reading closed (includes the trip record and its random id).
//! - `trip/with_latch`: the same with the latch file written and fsynced.
//! - `trip/cross_thread_seen_closed`: from calling `trip()` on one thread to
//!   another thread, spinning on the gate, seeing it closed.

#![allow(missing_docs, clippy::unwrap_used)]

use std::hint::black_box;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::time::{Duration, Instant};

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use supreme_security::kill_switch::{KillSwitch, TripRequest};

fn gate(c: &mut Criterion) {
    let mut g = c.benchmark_group("gate");
    let flag = AtomicBool::new(true);
    g.bench_function("raw_atomic_bool_load", |b| {
        b.iter(|| black_box(&flag).load(Ordering::Acquire))
    });
    let byte = AtomicU8::new(1);
    g.bench_function("raw_atomic_u8_load", |b| {
        b.iter(|| black_box(&byte).load(Ordering::Acquire) == 1)
    });
    let switch = KillSwitch::builder().build();
    let gate = switch.gate();
    g.bench_function("is_open", |b| b.iter(|| black_box(&gate).is_open()));
    g.finish();
}

fn trip(c: &mut Criterion) {
    let mut g = c.benchmark_group("trip");
    g.bench_function("in_memory", |b| {
        b.iter_batched(
            || {
                let s = KillSwitch::builder().build();
                let gate = s.gate();
                (s, gate)
            },
            |(s, gate)| {
                let _ = s.trip(TripRequest::manual("bench", "bench"));
                assert!(!gate.is_open());
                s
            },
            BatchSize::SmallInput,
        )
    });
    let dir = std::env::temp_dir().join(format!("ks-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let latch = dir.join("latch.json");
    g.sample_size(20);
    g.bench_function("with_latch", |b| {
        b.iter_batched(
            || {
                let _ = std::fs::remove_file(&latch);
                let s = KillSwitch::builder().latch(&latch).build();
                let gate = s.gate();
                (s, gate)
            },
            |(s, gate)| {
                s.trip(TripRequest::manual("bench", "bench")).unwrap();
                assert!(!gate.is_open());
                s
            },
            BatchSize::PerIteration,
        )
    });
    g.bench_function("cross_thread_seen_closed", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let s = KillSwitch::builder().build();
                let gate = s.gate();
                let ready = Arc::new(AtomicBool::new(false));
                let r = Arc::clone(&ready);
                let spinner = std::thread::spawn(move || {
                    r.store(true, Ordering::Release);
                    while gate.is_open() {
                        std::hint::spin_loop();
                    }
                    Instant::now()
                });
                while !ready.load(Ordering::Acquire) {
                    std::hint::spin_loop();
                }
                let start = Instant::now();
                let _ = s.trip(TripRequest::manual("bench", "bench"));
                let seen = spinner.join().unwrap();
                total += seen.saturating_duration_since(start);
            }
            total
        })
    });
    g.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(benches, gate, trip);
criterion_main!(benches);
