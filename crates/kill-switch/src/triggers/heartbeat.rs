//! The dead-man's switch: no heartbeat within the timeout trips.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use super::Watch;
use crate::state::{Trigger, TripRecord, TripRequest};
use crate::switch::KillSwitch;
use supreme_core::time::duration_ms;

/// Trips the switch when [`DeadMansSwitch::beat`] has not been called for
/// longer than the timeout. The deadline starts at construction and is
/// measured on the clock's monotonic reading: stepping the wall clock back
/// cannot keep a dead strategy alive, nor stepping it forward trip a live one.
#[derive(Debug)]
pub struct DeadMansSwitch {
    switch: KillSwitch,
    timeout_ms: u64,
    /// The last beat, on the monotonic reading (ms).
    last_beat_ms: AtomicU64,
}

impl DeadMansSwitch {
    /// A dead-man's switch with `timeout`, counting from now.
    pub fn new(switch: KillSwitch, timeout: Duration) -> Self {
        let now = duration_ms(switch.clock().monotonic());
        Self {
            switch,
            timeout_ms: duration_ms(timeout),
            last_beat_ms: AtomicU64::new(now),
        }
    }

    /// The strategy is alive.
    pub fn beat(&self) {
        self.last_beat_ms.fetch_max(
            duration_ms(self.switch.clock().monotonic()),
            Ordering::AcqRel,
        );
    }

    /// Trips if the last beat is older than the timeout.
    pub fn check(&self) -> Option<TripRecord> {
        let now = duration_ms(self.switch.clock().monotonic());
        let last = self.last_beat_ms.load(Ordering::Acquire);
        let silent = now.saturating_sub(last);
        if silent <= self.timeout_ms {
            return None;
        }
        let req = TripRequest::new(
            Trigger::HeartbeatLost,
            "no heartbeat within timeout",
            "dead-man",
        )
        .value(
            "last_beat_ms",
            self.switch.clock().now_ms().saturating_sub(silent),
        )
        .value("silent_ms", silent)
        .value("timeout_ms", self.timeout_ms);
        self.switch.trip(req).ok()
    }
}

impl Watch for DeadMansSwitch {
    fn poll(&self) {
        let _ = self.check();
    }
}
