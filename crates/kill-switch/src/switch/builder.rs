//! Building a switch, and restoring a trip from its latch.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU8, AtomicU64};
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

    /// Receives every event, as a core security event ([`Event::to_core`]
    /// names the kinds): the audit log, a
    /// [`FanOut`](supreme_core::event::FanOut), or a closure in an
    /// [`FnSink`](supreme_core::event::FnSink).
    ///
    /// Fail closed: a trip, a halt and its hooks happen even when the sink
    /// refuses their record (a refusal never keeps the gate open); the
    /// refusal is counted in [`KillSwitch::unrecorded_events`]. A reset is
    /// recorded before it takes effect, and refused
    /// ([`ResetRefusal::NotRecorded`](crate::ResetRefusal::NotRecorded))
    /// when the sink refuses that record: no gate reopens unrecorded.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use supreme_core::event::{Event, FnSink, VecSink};
    /// use supreme_kill_switch::{KillSwitch, TripRequest};
    ///
    /// let seen = Arc::new(VecSink::new());
    /// let switch = KillSwitch::builder().events(seen.clone()).build();
    /// switch.trip(TripRequest::manual("operator stop", "alice")).unwrap();
    /// assert_eq!(seen.events()[0].kind(), "KILL_SWITCH_TRIGGERED");
    ///
    /// // A closure, through FnSink.
    /// let print = FnSink::new(|e: &Event| {
    ///     eprintln!("{e}");
    ///     Ok(())
    /// });
    /// let _switch = KillSwitch::builder().events(Arc::new(print)).build();
    /// ```
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
                unrecorded: AtomicU64::new(0),
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
