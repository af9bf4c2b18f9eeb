//! Time, injected: [`Clock`] and the exchange's clock offset ([`ServerTime`]).

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// A source of Unix milliseconds.
pub trait Clock: Send + Sync {
    /// Now, Unix milliseconds.
    fn now_ms(&self) -> u64;

    /// Waits `ms` milliseconds on this clock (a test clock advances instead).
    fn sleep_ms(&self, ms: u64) {
        std::thread::sleep(std::time::Duration::from_millis(ms));
    }
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> u64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
    }
}

/// Our estimate of the exchange's clock: local time plus an offset measured
/// from `GET /api/v3/time` (midpoint of the round trip).
#[derive(Debug, Default)]
pub struct ServerTime {
    offset_ms: AtomicI64,
}

impl ServerTime {
    /// Records a measurement: `server_ms` was read between `sent_ms` and
    /// `received_ms` (local clock).
    pub fn record(&self, sent_ms: u64, received_ms: u64, server_ms: u64) -> i64 {
        let mid = i128::from(sent_ms) + (i128::from(received_ms) - i128::from(sent_ms)) / 2;
        let offset = i64::try_from(i128::from(server_ms) - mid).unwrap_or(0);
        self.offset_ms.store(offset, Ordering::Relaxed);
        offset
    }

    /// The current offset, ms (positive: the exchange is ahead).
    pub fn offset_ms(&self) -> i64 {
        self.offset_ms.load(Ordering::Relaxed)
    }

    /// `local_ms` on the exchange's clock.
    pub fn to_server(&self, local_ms: u64) -> u64 {
        local_ms.saturating_add_signed(self.offset_ms())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offset_is_measured_at_the_midpoint() {
        let t = ServerTime::default();
        assert_eq!(t.record(1_000, 1_100, 7_050), 6_000);
        assert_eq!(t.to_server(2_000), 8_000);
        assert_eq!(t.record(10_000, 10_000, 4_000), -6_000);
        assert_eq!(t.to_server(10_000), 4_000);
    }
}
