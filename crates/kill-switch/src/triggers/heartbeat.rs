//! The dead-man's switch: no heartbeat within the timeout trips.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use super::Watch;
use crate::clock::duration_ms;
use crate::state::{Trigger, TripRecord, TripRequest};
use crate::switch::KillSwitch;

/// Trips the switch when [`DeadMansSwitch::beat`] has not been called for
/// longer than the timeout. The deadline starts at construction.
#[derive(Debug)]
pub struct DeadMansSwitch {
    switch: KillSwitch,
    timeout_ms: u64,
    last_beat_ms: AtomicU64,
}

impl DeadMansSwitch {
    /// A dead-man's switch with `timeout`, counting from now.
    pub fn new(switch: KillSwitch, timeout: Duration) -> Self {
        let now = switch.clock().now_ms();
        Self {
            switch,
            timeout_ms: duration_ms(timeout),
            last_beat_ms: AtomicU64::new(now),
        }
    }

    /// The strategy is alive.
    pub fn beat(&self) {
        self.last_beat_ms
            .fetch_max(self.switch.clock().now_ms(), Ordering::AcqRel);
    }

    /// Trips if the last beat is older than the timeout.
    pub fn check(&self) -> Option<TripRecord> {
        let now = self.switch.clock().now_ms();
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
        .value("last_beat_ms", last)
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
