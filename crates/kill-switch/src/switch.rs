//! The kill switch: trip, latch, state, reset.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU8, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use ring::rand::{SecureRandom, SystemRandom};
use supreme_core::Clock;
use supreme_core::event::SinkError;

use crate::error::Error;
use crate::event::{Event, EventSink, emit};
use crate::gate::Gate;
use crate::latch::{self, LatchContents, LatchRead, Standing};
use crate::reset::ResetPolicy;
use crate::state::{State, Trigger, TripRecord, TripRequest};

/// The emergency stop. Cheap to clone (all clones share one switch).
#[derive(Clone)]
pub struct KillSwitch {
    inner: Arc<Inner>,
}

struct Inner {
    state: Arc<AtomicU8>,
    /// Orders admitted by the gate and not yet answered.
    in_flight: Arc<AtomicUsize>,
    record: Mutex<Option<TripRecord>>,
    tripped: Condvar,
    latch: Option<PathBuf>,
    clock: Arc<dyn Clock>,
    events: Option<EventSink>,
    /// Events the sink refused.
    unrecorded: AtomicU64,
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
        KillSwitchBuilder::new()
    }

    /// The order-path gate.
    pub fn gate(&self) -> Gate {
        Gate::new(
            Arc::clone(&self.inner.state),
            Arc::clone(&self.inner.in_flight),
        )
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
    pub fn trip(&self, req: TripRequest) -> Result<TripRecord, Error> {
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
        // A missing latch is a trip never written: the first real request
        // becomes the written trip.
        if let Some(existing) = slot.as_ref().filter(|r| r.trigger != Trigger::LatchMissing) {
            let existing = existing.clone();
            // If the first trip could not write the latch, or the latch now
            // says armed (removed, or overwritten) while this switch is
            // tripped, write the trip again.
            let relatched = match &inner.latch {
                Some(path) if rewrite_needed(&latch::read_latch(path)) => {
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
    /// no longer reads as armed (tripped, corrupt, missing, or not signed as
    /// the policy requires), it trips with the latch's record, without
    /// rewriting the file. Returns the adopted record. See
    /// [`triggers::LatchWatcher`](crate::triggers::LatchWatcher).
    pub fn adopt_latch(&self) -> Option<TripRecord> {
        let inner = &*self.inner;
        let path = inner.latch.as_deref()?;
        if self.state() != State::Armed {
            return None;
        }
        let record = match latch::open_latch(path, &inner.policy, inner.clock.now_ms()) {
            Standing::Armed(_) => return None,
            Standing::Tripped { record, .. } => record,
        };
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

    /// Moves `from` -> `to` if the switch is in `from`; rewrites the latch.
    pub(crate) fn transition(&self, from: State, to: State) -> Result<(), Error> {
        let slot = lock(&self.inner.record);
        self.inner
            .state
            .compare_exchange(from as u8, to as u8, Ordering::AcqRel, Ordering::Acquire)
            .map_err(|actual| Error::WrongState {
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

    fn write_latch(&self, state: State, record: &TripRecord) -> Result<(), Error> {
        match &self.inner.latch {
            Some(path) => {
                let _lock = crate::nonce_store::lock_for_trip(path);
                latch::write_latch(path, &LatchContents::tripped(state, record.clone()))
            }
            None => Ok(()),
        }
    }

    fn report_latch(&self, state: State, result: &Result<(), Error>) {
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

    /// Reports `event` to the sink; a refusal is counted
    /// ([`KillSwitch::unrecorded_events`]) and returned for the callers that
    /// must not act unrecorded (a reset).
    pub(crate) fn record(&self, event: &Event) -> Result<(), SinkError> {
        let now = self.inner.clock.now_ms();
        emit(self.inner.events.as_ref(), now, event).inspect_err(|_| {
            self.inner.unrecorded.fetch_add(1, Ordering::Relaxed);
        })
    }

    /// Reports `event`; the switch acts whether or not the sink kept it (a
    /// trip is never held back by its record), and a refusal is counted.
    pub(crate) fn emit(&self, event: Event) {
        let _ = self.record(&event);
    }

    /// How many events the sink ([`KillSwitchBuilder::events`]) refused
    /// since this switch was built. The switch fails closed by itself: a
    /// trip, a halt and its hooks happen whether or not their record was
    /// kept, so a refusal never keeps the gate open; this count (alert on it
    /// going up) is how a refusal is seen. A reset whose record is refused
    /// is refused itself ([`ResetRefusal::NotRecorded`](crate::ResetRefusal::NotRecorded)).
    ///
    /// ```
    /// use std::sync::Arc;
    /// use supreme_core::event::{Event, FnSink, SinkError};
    /// use supreme_kill_switch::{KillSwitch, TripRequest};
    ///
    /// let full = FnSink::new(|_: &Event| Err(SinkError::new("audit log", "disk full")));
    /// let switch = KillSwitch::builder().events(Arc::new(full)).build();
    /// switch.trip(TripRequest::manual("stop", "alice")).unwrap();
    /// assert!(!switch.gate().is_open(), "tripped although unrecorded");
    /// assert_eq!(switch.unrecorded_events(), 1);
    /// ```
    pub fn unrecorded_events(&self) -> u64 {
        self.inner.unrecorded.load(Ordering::Relaxed)
    }
}

/// Whether a tripped switch must write its trip again over `on_disk`.
fn rewrite_needed(on_disk: &LatchRead) -> bool {
    matches!(on_disk, LatchRead::Absent) || !on_disk.is_tripped()
}

mod authorize;
mod builder;
mod init;
mod tripper;

pub use builder::KillSwitchBuilder;

#[cfg(test)]
mod tests;
