//! Error or reject rate over a sliding window, in O(1) per event.

use std::sync::Mutex;
use std::time::Duration;

use crate::state::{Trigger, TripRecord, TripRequest};
use crate::switch::KillSwitch;
use supreme_core::time::duration_ms;

/// Buckets per window.
const BUCKETS: usize = 16;
/// The same, for arithmetic on milliseconds.
const BUCKETS_U64: u64 = 16;

/// When the error rate trips the switch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorRateLimit {
    /// The window.
    pub window: Duration,
    /// At least this many errors in the window...
    pub min_errors: u32,
    /// ...making at least this share of all outcomes, in per mille
    /// (0 = the count alone decides).
    pub max_error_permille: u32,
}

#[derive(Debug, Default, Clone, Copy)]
struct Bucket {
    start_ms: u64,
    ok: u64,
    err: u64,
}

/// Counts outcomes (order acks versus errors or rejects) in time buckets and
/// trips when the limit is reached. Buckets are `window / 16` wide, so the
/// window is exact to one bucket.
#[derive(Debug)]
pub struct ErrorRateTrigger {
    switch: KillSwitch,
    limit: ErrorRateLimit,
    width_ms: u64,
    buckets: Mutex<[Bucket; BUCKETS]>,
}

impl ErrorRateTrigger {
    /// A trigger for `switch`.
    pub fn new(switch: KillSwitch, limit: ErrorRateLimit) -> Self {
        Self {
            switch,
            limit,
            width_ms: (duration_ms(limit.window) / BUCKETS_U64).max(1),
            buckets: Mutex::new([Bucket::default(); BUCKETS]),
        }
    }

    /// Records a success.
    pub fn record_ok(&self) {
        self.record(false);
    }

    /// Records an error or reject; returns the trip if this one tripped it.
    pub fn record_error(&self) -> Option<TripRecord> {
        self.record(true)
    }

    /// (errors, total) in the window now.
    pub fn counts(&self) -> (u64, u64) {
        let now = duration_ms(self.switch.clock().monotonic());
        let buckets = self
            .buckets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        self.sum(&buckets[..], now)
    }

    fn sum(&self, buckets: &[Bucket], now: u64) -> (u64, u64) {
        let oldest = now.saturating_sub(self.width_ms * BUCKETS_U64);
        buckets
            .iter()
            .filter(|b| b.start_ms > oldest || oldest == 0)
            .fold((0, 0), |(e, t), b| (e + b.err, t + b.err + b.ok))
    }

    fn record(&self, error: bool) -> Option<TripRecord> {
        let now = duration_ms(self.switch.clock().monotonic());
        let start = now - now % self.width_ms;
        let slot = usize::try_from((start / self.width_ms) % BUCKETS_U64).unwrap_or(0);
        let (errors, total) = {
            let mut buckets = self
                .buckets
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let b = &mut buckets[slot];
            if b.start_ms != start {
                *b = Bucket {
                    start_ms: start,
                    ..Bucket::default()
                };
            }
            if error {
                b.err += 1;
            } else {
                b.ok += 1;
            }
            self.sum(&buckets[..], now)
        };
        if !error || errors < u64::from(self.limit.min_errors) {
            return None;
        }
        if errors * 1000 < u64::from(self.limit.max_error_permille) * total {
            return None;
        }
        let req = TripRequest::new(Trigger::ErrorRate, "error rate over window", "error-rate")
            .value("errors", errors)
            .value("total", total)
            .value("window_ms", duration_ms(self.limit.window))
            .value("min_errors", self.limit.min_errors)
            .value("max_error_permille", self.limit.max_error_permille);
        self.switch.trip(req).ok()
    }
}
