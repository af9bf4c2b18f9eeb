//! The exchange's clock: [`ServerTime`], our estimate of it from the local
//! clock plus a measured offset.

use std::sync::atomic::{AtomicI64, Ordering};

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

    /// Sets the offset, ms (one measured by another client of the same exchange).
    pub fn set_offset_ms(&self, offset_ms: i64) {
        self.offset_ms.store(offset_ms, Ordering::Relaxed);
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
