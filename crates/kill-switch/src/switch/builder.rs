//! Building a switch, and restoring a trip from its latch.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicU8;
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use super::{Inner, KillSwitch};
use crate::clock::{Clock, SystemClock};
use crate::event::{Event, EventSink};
use crate::latch::{self, LatchRead};
use crate::reset::ResetPolicy;
use crate::state::{State, Trigger, TripRecord};

/// Builds a [`KillSwitch`].
#[must_use]
pub struct KillSwitchBuilder {
    latch: Option<PathBuf>,
    clock: Arc<dyn Clock>,
    events: Option<EventSink>,
    policy: ResetPolicy,
}

impl KillSwitchBuilder {
    pub(super) fn new() -> Self {
        Self {
            latch: None,
            clock: Arc::new(SystemClock),
            events: None,
            policy: ResetPolicy::new(Duration::from_secs(300)),
        }
    }

    /// Persists trips to this latch file (strongly recommended). Without a
    /// latch, a restart forgets the trip.
    pub fn latch(mut self, path: impl Into<PathBuf>) -> Self {
        self.latch = Some(path.into());
        self
    }

    /// The clock (default: the system clock).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Receives every event (for the audit log).
    pub fn events(mut self, sink: EventSink) -> Self {
        self.events = Some(sink);
        self
    }

    /// Who may reset, and after what cooldown (default: nobody).
    pub fn reset_policy(mut self, policy: ResetPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// Builds the switch. If the latch file exists, the switch starts
    /// tripped; if it exists but cannot be read or parsed, it starts tripped
    /// with [`Trigger::CorruptLatch`].
    pub fn build(self) -> KillSwitch {
        let now = self.clock.now_ms();
        let restored = self.latch.as_deref().and_then(|p| restore(p, now));
        let state = if restored.is_some() {
            State::Tripped
        } else {
            State::Armed
        };
        let switch = KillSwitch {
            inner: Arc::new(Inner {
                state: Arc::new(AtomicU8::new(state as u8)),
                in_flight: Arc::default(),
                record: Mutex::new(restored.clone()),
                tripped: Condvar::new(),
                latch: self.latch,
                clock: self.clock,
                events: self.events,
                policy: self.policy,
                used_nonces: Mutex::new(HashSet::new()),
            }),
        };
        if let Some(record) = restored {
            switch.emit(Event::StartedTripped { record });
        }
        switch
    }
}

pub(super) fn restore(path: &Path, now: u64) -> Option<TripRecord> {
    match latch::read_latch(path) {
        LatchRead::Absent => None,
        LatchRead::Present(c) => Some(c.trip),
        LatchRead::Corrupt { detail, digest } => Some(TripRecord {
            id: format!("corrupt-{}", digest.get(..32).unwrap_or(&digest)),
            trigger: Trigger::CorruptLatch,
            reason: format!("latch {} cannot be trusted: {detail}", path.display()),
            who: "latch".to_owned(),
            at_ms: now,
            values: Default::default(),
        }),
    }
}
