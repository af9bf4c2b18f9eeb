//! A cheap wall clock for hot paths.

use std::time::Duration;

use super::{Clock, SystemClock};

/// The system clock with a coarse wall reading: on Linux the wall comes from
/// `CLOCK_REALTIME_COARSE` (a few ns to read, a resolution of one kernel
/// tick, a few ms), ample for order-rate windows, cooldowns and the trading
/// day on a path that reads the time on every order. Elsewhere, and if the
/// coarse clock cannot be read, it is [`SystemClock`]. The monotonic reading
/// is [`SystemClock`]'s.
///
/// ```
/// use supreme_core::{Clock, CoarseClock, SystemClock};
/// let coarse = CoarseClock.now_ms();
/// let precise = SystemClock.now_ms();
/// assert!(coarse.abs_diff(precise) < 1_000);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct CoarseClock;

impl Clock for CoarseClock {
    #[cfg(target_os = "linux")]
    fn now_ms(&self) -> u64 {
        use nix::time::{ClockId, clock_gettime};
        match clock_gettime(ClockId::CLOCK_REALTIME_COARSE) {
            Ok(ts) => {
                let secs = u64::try_from(ts.tv_sec()).unwrap_or(0);
                let ms = u64::try_from(ts.tv_nsec() / 1_000_000).unwrap_or(0);
                secs.saturating_mul(1000).saturating_add(ms)
            }
            Err(_) => SystemClock.now_ms(),
        }
    }

    #[cfg(not(target_os = "linux"))]
    fn now_ms(&self) -> u64 {
        SystemClock.now_ms()
    }

    fn monotonic(&self) -> Duration {
        SystemClock.monotonic()
    }
}
