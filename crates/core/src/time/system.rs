//! The system's clocks: `SystemTime` for the wall, `Instant` for the
//! monotonic reading.

use std::sync::OnceLock;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use super::Clock;

/// The system clock: the wall from `SystemTime::now`, the monotonic
/// reading from `Instant`, measured from the first reading in this process.
///
/// ```
/// use supreme_core::{Clock, SystemClock};
/// assert!(SystemClock.now_unix_secs() > 1_600_000_000);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

fn origin() -> Instant {
    static ORIGIN: OnceLock<Instant> = OnceLock::new();
    *ORIGIN.get_or_init(Instant::now)
}

impl Clock for SystemClock {
    fn now_ms(&self) -> u64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, super::duration_ms)
    }

    fn monotonic(&self) -> Duration {
        origin().elapsed()
    }
}
