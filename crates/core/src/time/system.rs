//! The system's clocks: `SystemTime` for the wall; for the monotonic
//! reading, `CLOCK_MONOTONIC` on Linux and `Instant` elsewhere.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::Clock;

/// The system clock: the wall from `SystemTime::now`; the monotonic reading
/// from `CLOCK_MONOTONIC` on Linux (time since boot, so readings taken by
/// several processes on one host compare, as the audit log's `mono_ns`
/// needs) and elsewhere from `Instant`, measured from the first reading in
/// this process.
///
/// ```
/// use supreme_core::{Clock, SystemClock};
/// assert!(SystemClock.now_unix_secs() > 1_600_000_000);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> u64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, super::duration_ms)
    }

    fn monotonic(&self) -> Duration {
        monotonic()
    }
}

#[cfg(target_os = "linux")]
fn monotonic() -> Duration {
    use nix::time::{ClockId, clock_gettime};
    // CLOCK_MONOTONIC with a valid pointer cannot fail on Linux; were it to,
    // the process-relative reading keeps time moving forward from zero
    // rather than freezing it.
    match clock_gettime(ClockId::CLOCK_MONOTONIC) {
        Ok(ts) => {
            let secs = u64::try_from(ts.tv_sec()).unwrap_or(0);
            let nanos = u32::try_from(ts.tv_nsec()).unwrap_or(0);
            Duration::new(secs, nanos)
        }
        Err(_) => process_relative(),
    }
}

#[cfg(not(target_os = "linux"))]
fn monotonic() -> Duration {
    process_relative()
}

fn process_relative() -> Duration {
    use std::sync::OnceLock;
    use std::time::Instant;
    static ORIGIN: OnceLock<Instant> = OnceLock::new();
    ORIGIN.get_or_init(Instant::now).elapsed()
}
