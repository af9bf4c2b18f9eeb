//! Building a switch, and restoring a trip from its latch.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::atomic::AtomicU8;
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use supreme_core::{Clock, SystemClock};

use super::{Inner, KillSwitch};
use crate::event::{Event, EventSink};
use crate::latch::{self, Standing};
use crate::reset::ResetPolicy;
use crate::state::State;

/// Builds a [`KillSwitch`].
#[must_use]
pub struct KillSwitchBuilder {
    pub(super) latch: Option<PathBuf>,
    pub(super) clock: Arc<dyn Clock>,
    pub(super) events: Option<EventSink>,
    pub(super) policy: ResetPolicy,
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

    /// Persists the state to this latch file (strongly recommended; its
    /// nonce store sits beside it). Without a latch, a restart forgets the
    /// trip. With one, a missing latch reads as tripped: arm a new switch
    /// with [`KillSwitchBuilder::init`].
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

    /// Builds the switch. Without a latch it starts armed (in memory only).
    /// With one, it starts armed only if the latch says armed with
    /// signatures the reset policy accepts ([`latch::open_latch`]);
    /// otherwise it starts tripped: with the latch's trip, as
    /// [`Trigger::CorruptLatch`](crate::Trigger::CorruptLatch) for an
    /// untrusted latch, or as [`Trigger::LatchMissing`](crate::Trigger::LatchMissing)
    /// when there is none (a new switch is armed with
    /// [`KillSwitchBuilder::init`]).
    pub fn build(self) -> KillSwitch {
        let now = self.clock.now_ms();
        let (state, restored) = match self.latch.as_deref() {
            None => (State::Armed, None),
            Some(p) => match latch::open_latch(p, &self.policy, now) {
                Standing::Armed(_) => (State::Armed, None),
                // A restart verifies the venue again: never starts halted.
                Standing::Tripped { record, .. } => (State::Tripped, Some(record)),
            },
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
