//! Injected time: wall-clock UTC milliseconds and a monotonic counter.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

/// A source of time. The log stamps each record with both readings.
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// Milliseconds since the Unix epoch, UTC.
    fn now_utc_ms(&self) -> i64;
    /// Nanoseconds of a monotonic clock (since boot on Linux, so records of
    /// several processes on one host compare).
    fn monotonic_ns(&self) -> u64;
}

/// The system clocks: `CLOCK_REALTIME` and `CLOCK_MONOTONIC`.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_utc_ms(&self) -> i64 {
        match std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
            Ok(d) => i64::try_from(d.as_millis()).unwrap_or(i64::MAX),
            Err(e) => -i64::try_from(e.duration().as_millis()).unwrap_or(i64::MAX),
        }
    }

    fn monotonic_ns(&self) -> u64 {
        use nix::time::{ClockId, clock_gettime};
        match clock_gettime(ClockId::CLOCK_MONOTONIC) {
            Ok(ts) => {
                let secs = u64::try_from(ts.tv_sec()).unwrap_or(0);
                let nanos = u64::try_from(ts.tv_nsec()).unwrap_or(0);
                secs.saturating_mul(1_000_000_000).saturating_add(nanos)
            }
            Err(_) => 0,
        }
    }
}

/// A clock that only moves when told to; for tests.
#[derive(Debug, Clone, Default)]
pub struct FakeClock {
    inner: Arc<(AtomicI64, AtomicU64)>,
}

impl FakeClock {
    /// A clock at `utc_ms` with the monotonic reading at zero.
    pub fn new(utc_ms: i64) -> Self {
        Self {
            inner: Arc::new((AtomicI64::new(utc_ms), AtomicU64::new(0))),
        }
    }

    /// Moves both readings forward by `ms` milliseconds.
    pub fn advance_ms(&self, ms: u64) {
        let step = i64::try_from(ms).unwrap_or(i64::MAX);
        self.inner.0.fetch_add(step, Ordering::SeqCst);
        self.inner
            .1
            .fetch_add(ms.saturating_mul(1_000_000), Ordering::SeqCst);
    }
}

impl Clock for FakeClock {
    fn now_utc_ms(&self) -> i64 {
        self.inner.0.load(Ordering::SeqCst)
    }

    fn monotonic_ns(&self) -> u64 {
        self.inner.1.load(Ordering::SeqCst)
    }
}
