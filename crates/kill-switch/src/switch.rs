//! The kill switch: trip, latch, state, reset.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU8, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use ring::rand::{SecureRandom, SystemRandom};

use crate::clock::{Clock, SystemClock};
use crate::error::KillSwitchError;
use crate::event::{Event, EventSink, emit};
use crate::gate::Gate;
use crate::latch::{self, LATCH_FORMAT, LatchContents, LatchRead};
use crate::reset::{self, ResetPolicy, ResetRefusal, ResetRequest};
use crate::state::{State, Trigger, TripRecord, TripRequest};

/// The emergency stop. Cheap to clone (all clones share one switch).
#[derive(Clone)]
pub struct KillSwitch {
    inner: Arc<Inner>,
}

struct Inner {
    state: Arc<AtomicU8>,
    record: Mutex<Option<TripRecord>>,
    tripped: Condvar,
    latch: Option<PathBuf>,
    clock: Arc<dyn Clock>,
    events: Option<EventSink>,
    policy: ResetPolicy,
    used_nonces: Mutex<HashSet<String>>,
}

impl std::fmt::Debug for KillSwitch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KillSwitch")
            .field("state", &self.state())
            .field("latch", &self.inner.latch)
            .finish_non_exhaustive()
    }
}

/// Builds a [`KillSwitch`].
#[must_use]
pub struct KillSwitchBuilder {
    latch: Option<PathBuf>,
    clock: Arc<dyn Clock>,
    events: Option<EventSink>,
    policy: ResetPolicy,
}

impl KillSwitchBuilder {
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

fn restore(path: &Path, now: u64) -> Option<TripRecord> {
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

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

fn new_trip_id(at_ms: u64) -> String {
    static FALLBACK: AtomicU64 = AtomicU64::new(0);
    let mut bytes = [0u8; 8];
    if SystemRandom::new().fill(&mut bytes).is_err() {
        let n = FALLBACK.fetch_add(1, Ordering::Relaxed);
        bytes = (n ^ u64::from(std::process::id())).to_be_bytes();
    }
    format!("{at_ms:x}-{}", crate::hex::encode(&bytes))
}

impl KillSwitch {
    /// Starts building a switch.
    pub fn builder() -> KillSwitchBuilder {
        KillSwitchBuilder {
            latch: None,
            clock: Arc::new(SystemClock),
            events: None,
            policy: ResetPolicy::new(Duration::from_secs(300)),
        }
    }

    /// The order-path gate.
    pub fn gate(&self) -> Gate {
        Gate::new(Arc::clone(&self.inner.state))
    }

    /// The current state.
    pub fn state(&self) -> State {
        State::from_u8(self.inner.state.load(Ordering::Acquire))
    }

    /// The current trip, if tripped.
    pub fn trip_record(&self) -> Option<TripRecord> {
        lock(&self.inner.record).clone()
    }

    /// The latch file, if any.
    pub fn latch_path(&self) -> Option<&Path> {
        self.inner.latch.as_deref()
    }

    /// The switch's clock.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.inner.clock
    }

    /// Trips the switch. The gate is closed first (one atomic store), then
    /// the trip is recorded and written to the latch, all before this
    /// returns. Tripping an already tripped switch keeps the first record
    /// (the new request is reported as [`Event::TripRepeated`]).
    ///
    /// An `Err` means the latch could not be written: the switch is tripped
    /// in memory regardless, and a restart would start armed, so alert.
    pub fn trip(&self, req: TripRequest) -> Result<TripRecord, KillSwitchError> {
        let inner = &*self.inner;
        // Close the gate before anything else, lock-free.
        let _ = inner.state.compare_exchange(
            State::Armed as u8,
            State::Tripped as u8,
            Ordering::AcqRel,
            Ordering::Acquire,
        );
        let now = inner.clock.now_ms();
        let mut slot = lock(&inner.record);
        if let Some(existing) = slot.as_ref() {
            let existing = existing.clone();
            // If the first trip could not write the latch, try again now.
            let relatched = match &inner.latch {
                Some(path) if latch::read_latch(path) == LatchRead::Absent => {
                    Some(self.write_latch(self.state(), &existing))
                }
                _ => None,
            };
            drop(slot);
            self.emit(Event::TripRepeated {
                request: req,
                at_ms: now,
            });
            if let Some(r) = relatched {
                self.report_latch(self.state(), &r);
                r?;
            }
            return Ok(existing);
        }
        // A reset may have re-armed between our CAS and the lock: close again.
        inner.state.store(State::Tripped as u8, Ordering::Release);
        let record = TripRecord {
            id: new_trip_id(now),
            trigger: req.trigger,
            reason: req.reason,
            who: req.who,
            at_ms: now,
            values: req.values,
        };
        *slot = Some(record.clone());
        let latched = self.write_latch(State::Tripped, &record);
        drop(slot);
        inner.tripped.notify_all();
        self.emit(Event::Tripped {
            record: record.clone(),
        });
        self.report_latch(State::Tripped, &latched);
        latched.map(|()| record)
    }

    /// Adopts a trip that another process wrote to the latch (for example
    /// `supreme kill-switch trigger`): if this switch is armed and its latch
    /// file exists (or is corrupt), it trips with the latch's record, without
    /// rewriting the file. Returns the adopted record. See
    /// [`triggers::LatchWatcher`](crate::triggers::LatchWatcher).
    pub fn adopt_latch(&self) -> Option<TripRecord> {
        let inner = &*self.inner;
        let path = inner.latch.as_deref()?;
        if self.state() != State::Armed {
            return None;
        }
        let record = restore(path, inner.clock.now_ms())?;
        let _ = inner.state.compare_exchange(
            State::Armed as u8,
            State::Tripped as u8,
            Ordering::AcqRel,
            Ordering::Acquire,
        );
        let mut slot = lock(&inner.record);
        if slot.is_some() {
            return None;
        }
        inner.state.store(State::Tripped as u8, Ordering::Release);
        *slot = Some(record.clone());
        drop(slot);
        inner.tripped.notify_all();
        self.emit(Event::Tripped {
            record: record.clone(),
        });
        Some(record)
    }

    /// Waits until the switch is tripped (or `timeout` passes) and returns
    /// the trip.
    pub fn wait_tripped(&self, timeout: Duration) -> Option<TripRecord> {
        let slot = lock(&self.inner.record);
        let (slot, _) = self
            .inner
            .tripped
            .wait_timeout_while(slot, timeout, |r| r.is_none())
            .unwrap_or_else(PoisonError::into_inner);
        slot.clone()
    }

    /// Resets to armed if `req` is authorized by the reset policy: a known
    /// operator, a valid signed token for the current trip, not used before,
    /// not expired, after the cooldown, and the latch removed. Every attempt
    /// is reported as [`Event::ResetAttempt`]. A policy with a quorum above
    /// one refuses this; use [`KillSwitch::reset_quorum`].
    pub fn reset(&self, req: &ResetRequest) -> Result<(), KillSwitchError> {
        self.reset_quorum(std::slice::from_ref(req))
    }

    /// Resets with one request per operator: every request must pass
    /// [`KillSwitch::reset`]'s checks, from distinct operators, at least the
    /// policy's quorum of them (two-person rule).
    pub fn reset_quorum(&self, reqs: &[ResetRequest]) -> Result<(), KillSwitchError> {
        let inner = &*self.inner;
        let now = inner.clock.now_ms();
        let operator = reqs
            .iter()
            .map(|r| r.operator.as_str())
            .collect::<Vec<_>>()
            .join("+");
        let mut slot = lock(&inner.record);
        let outcome = self.try_reset(&mut slot, reqs, now);
        drop(slot);
        self.emit(Event::ResetAttempt {
            operator: operator.clone(),
            at_ms: now,
            outcome: outcome.clone(),
        });
        outcome.map_err(|refusal| KillSwitchError::ResetRefused { operator, refusal })
    }

    fn try_reset(
        &self,
        slot: &mut Option<TripRecord>,
        reqs: &[ResetRequest],
        now: u64,
    ) -> Result<(), ResetRefusal> {
        let state = self.state();
        match state {
            State::Armed => return Err(ResetRefusal::NotTripped),
            State::Halting | State::Flattening => {
                return Err(ResetRefusal::ActionInProgress(state));
            }
            State::Tripped | State::Halted => {}
        }
        let record = slot.as_ref().ok_or(ResetRefusal::NotTripped)?;
        let policy = &self.inner.policy;
        let mut tokens = Vec::with_capacity(reqs.len());
        for req in reqs {
            if tokens
                .iter()
                .any(|t: &reset::ResetToken| t.operator() == req.operator)
            {
                return Err(ResetRefusal::DuplicateOperator);
            }
            tokens.push(reset::authorize(
                policy,
                req,
                &record.id,
                record.at_ms,
                now,
            )?);
        }
        if tokens.len() < policy.required_operators() {
            return Err(ResetRefusal::QuorumNotMet {
                have: tokens.len(),
                need: policy.required_operators(),
            });
        }
        let mut used = lock(&self.inner.used_nonces);
        if tokens.iter().any(|t| used.contains(t.nonce())) {
            return Err(ResetRefusal::Replayed);
        }
        if let Some(path) = &self.inner.latch {
            latch::remove_latch(path).map_err(|e| ResetRefusal::LatchNotRemoved(e.to_string()))?;
        }
        used.extend(tokens.iter().map(|t| t.nonce().to_owned()));
        *slot = None;
        self.inner
            .state
            .store(State::Armed as u8, Ordering::Release);
        Ok(())
    }

    /// Moves `from` -> `to` if the switch is in `from`; rewrites the latch.
    pub(crate) fn transition(&self, from: State, to: State) -> Result<(), KillSwitchError> {
        let slot = lock(&self.inner.record);
        self.inner
            .state
            .compare_exchange(from as u8, to as u8, Ordering::AcqRel, Ordering::Acquire)
            .map_err(|actual| KillSwitchError::WrongState {
                expected: from,
                actual: State::from_u8(actual),
            })?;
        let latched = match slot.as_ref() {
            Some(record) => self.write_latch(to, record),
            None => Ok(()),
        };
        drop(slot);
        self.emit(Event::StateChanged {
            from,
            to,
            at_ms: self.inner.clock.now_ms(),
        });
        self.report_latch(to, &latched);
        Ok(())
    }

    fn write_latch(&self, state: State, record: &TripRecord) -> Result<(), KillSwitchError> {
        match &self.inner.latch {
            Some(path) => latch::write_latch(
                path,
                &LatchContents {
                    format: LATCH_FORMAT.to_owned(),
                    state,
                    trip: record.clone(),
                },
            ),
            None => Ok(()),
        }
    }

    fn report_latch(&self, state: State, result: &Result<(), KillSwitchError>) {
        let Some(path) = self.inner.latch.clone() else {
            return;
        };
        self.emit(match result {
            Ok(()) => Event::LatchWritten { path, state },
            Err(e) => Event::LatchFailed {
                path,
                detail: e.to_string(),
            },
        });
    }

    pub(crate) fn emit(&self, event: Event) {
        emit(self.inner.events.as_ref(), event);
    }
}

#[cfg(test)]
mod tests;
