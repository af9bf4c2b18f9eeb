//! Injected time: [`Clock`], [`SystemClock`], [`FakeClock`].

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Wall-clock milliseconds since the Unix epoch.
pub trait Clock: Send + Sync {
    /// Now, in milliseconds since the Unix epoch.
    fn now_ms(&self) -> u64;
}

/// The system's wall clock. On Linux it reads `CLOCK_REALTIME_COARSE`: a
/// few ns to read, a resolution of a few ms (one kernel tick), ample for
/// order-rate windows, cooldowns and the trading day. Use [`PreciseClock`]
/// for windows of a few ms.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    #[cfg(target_os = "linux")]
    fn now_ms(&self) -> u64 {
        use nix::time::{ClockId, clock_gettime};
        match clock_gettime(ClockId::CLOCK_REALTIME_COARSE) {
            Ok(ts) => {
                let secs = u64::try_from(ts.tv_sec()).unwrap_or(0);
                let ms = u64::try_from(ts.tv_nsec() / 1_000_000).unwrap_or(0);
                secs.saturating_mul(1000).saturating_add(ms)
            }
            Err(_) => PreciseClock.now_ms(),
        }
    }

    #[cfg(not(target_os = "linux"))]
    fn now_ms(&self) -> u64 {
        PreciseClock.now_ms()
    }
}

/// The system's wall clock at full resolution (`SystemTime::now`).
#[derive(Debug, Clone, Copy, Default)]
pub struct PreciseClock;

impl Clock for PreciseClock {
    fn now_ms(&self) -> u64 {
        SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| {
            d.as_secs()
                .saturating_mul(1000)
                .saturating_add(u64::from(d.subsec_millis()))
        })
    }
}

/// A clock tests move by hand.
///
/// ```
/// use supreme_risk_limits::{Clock, FakeClock};
/// let clock = FakeClock::new(1_000);
/// clock.advance_ms(500);
/// assert_eq!(clock.now_ms(), 1_500);
/// ```
#[derive(Debug, Default)]
pub struct FakeClock(AtomicU64);

impl FakeClock {
    /// A clock showing `now_ms`.
    pub const fn new(now_ms: u64) -> Self {
        Self(AtomicU64::new(now_ms))
    }

    /// Sets the time.
    pub fn set_ms(&self, now_ms: u64) {
        self.0.store(now_ms, Ordering::SeqCst);
    }

    /// Moves the time forward.
    pub fn advance_ms(&self, ms: u64) {
        self.0.fetch_add(ms, Ordering::SeqCst);
    }
}

impl Clock for FakeClock {
    fn now_ms(&self) -> u64 {
        self.0.load(Ordering::SeqCst)
    }
}

impl<C: Clock + ?Sized> Clock for std::sync::Arc<C> {
    fn now_ms(&self) -> u64 {
        (**self).now_ms()
    }
}

#[cfg(test)]
mod tests;
