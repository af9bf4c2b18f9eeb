//! Injected time, so expiry is testable.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// A source of the current time in Unix seconds.
pub trait Clock: Send + Sync {
    /// Seconds since the Unix epoch (negative before it).
    fn now_unix(&self) -> i64;
}

/// The system's wall clock. On Linux it reads `CLOCK_REALTIME_COARSE`
/// (a few ms of resolution, a few ns to read), ample for expiry in seconds.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    #[cfg(target_os = "linux")]
    fn now_unix(&self) -> i64 {
        match nix::time::clock_gettime(nix::time::ClockId::CLOCK_REALTIME_COARSE) {
            #[allow(clippy::useless_conversion)] // time_t is i32 on some 32-bit targets
            Ok(ts) => i64::from(ts.tv_sec()),
            Err(_) => precise_now(),
        }
    }

    #[cfg(not(target_os = "linux"))]
    fn now_unix(&self) -> i64 {
        precise_now()
    }
}

fn precise_now() -> i64 {
    match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        Err(e) => i64::try_from(e.duration().as_secs()).map_or(i64::MIN, |s| -s),
    }
}

/// A clock that shows what it is set to: for tests and simulations.
#[derive(Debug, Default)]
pub struct ManualClock(AtomicI64);

impl ManualClock {
    /// A clock showing `unix` seconds.
    #[must_use]
    pub fn new(unix: i64) -> Self {
        Self(AtomicI64::new(unix))
    }

    /// Sets the time.
    pub fn set(&self, unix: i64) {
        self.0.store(unix, Ordering::SeqCst);
    }

    /// Moves the time forward by `secs`.
    pub fn advance(&self, secs: i64) {
        self.0.fetch_add(secs, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now_unix(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

#[cfg(test)]
mod tests;
