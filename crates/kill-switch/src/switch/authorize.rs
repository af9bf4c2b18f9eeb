//! Authorized reset of a tripped switch.

use std::path::Path;
use std::sync::atomic::Ordering;

use super::{KillSwitch, lock};
use crate::error::Error;
use crate::event::Event;
use crate::latch::{self, ArmRecord, LatchContents, Standing};
use crate::nonce_store::NonceStore;
use crate::reset::{self, OperatorPublicKey, ResetRefusal, ResetRequest, ResetToken};
use crate::state::{State, Trigger, TripRecord};

impl KillSwitch {
    /// Resets to armed if `req` is authorized by the reset policy: a known
    /// operator, a valid signed token for the current trip, not used before,
    /// not expired, after the cooldown. With a latch, the nonces are recorded
    /// in the nonce store and the latch is rewritten as armed, carrying the
    /// tokens, before the gate opens. Every attempt is reported as
    /// [`Event::ResetAttempt`]: an accepted reset is recorded before it
    /// takes effect, and refused ([`ResetRefusal::NotRecorded`]) when the
    /// sink refuses that record. A policy with a quorum above one refuses
    /// this; use [`KillSwitch::reset_quorum`].
    pub fn reset(&self, req: &ResetRequest) -> Result<(), Error> {
        self.reset_quorum(std::slice::from_ref(req))
    }

    /// Resets with one request per operator: every request must pass
    /// [`KillSwitch::reset`]'s checks, from distinct operators with distinct
    /// keys, at least the policy's quorum of them (two-person rule).
    pub fn reset_quorum(&self, reqs: &[ResetRequest]) -> Result<(), Error> {
        let inner = &*self.inner;
        let now = inner.clock.now_ms();
        let operator = reqs
            .iter()
            .map(|r| r.operator.as_str())
            .collect::<Vec<_>>()
            .join("+");
        let mut slot = lock(&inner.record);
        let outcome = self.try_reset(&mut slot, reqs, &operator, now);
        drop(slot);
        match (&outcome, &inner.latch) {
            (Ok(()), Some(path)) => self.emit(Event::LatchWritten {
                path: path.clone(),
                state: State::Armed,
            }),
            // Its record, KILL_SWITCH_RESET, was kept before it took effect.
            (Ok(()), None) => {}
            (Err(_), _) => self.emit(Event::ResetAttempt {
                operator: operator.clone(),
                at_ms: now,
                outcome: outcome.clone(),
            }),
        }
        outcome.map_err(|refusal| Error::ResetRefused { operator, refusal })
    }

    fn try_reset(
        &self,
        slot: &mut Option<TripRecord>,
        reqs: &[ResetRequest],
        operator: &str,
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
        // A missing latch holds no trip to reset (once a halt has written it,
        // it does).
        if record.trigger == Trigger::LatchMissing
            && self
                .inner
                .latch
                .as_deref()
                .is_none_or(|p| latch::read_latch(p) == latch::LatchRead::Absent)
        {
            return Err(ResetRefusal::NeedsInit);
        }
        let policy = &self.inner.policy;
        let tokens = reset::authorize_all(policy, reqs, &record.id, record.at_ms, now)?;
        // No undo without a record: the reset is recorded before anything
        // (nonces, latch, gate) changes, and refused when it cannot be. A
        // later failure is reported as KILL_SWITCH_RESET_REFUSED.
        self.record(&Event::ResetAttempt {
            operator: operator.to_owned(),
            at_ms: now,
            outcome: Ok(()),
        })
        .map_err(|e| ResetRefusal::NotRecorded(e.to_string()))?;
        match &self.inner.latch {
            Some(path) => self.rearm_latch(path, record, &tokens, now)?,
            None => {
                let mut used = lock(&self.inner.used_nonces);
                if tokens.iter().any(|(t, _)| used.contains(t.nonce())) {
                    return Err(ResetRefusal::Replayed);
                }
                used.extend(tokens.iter().map(|(t, _)| t.nonce().to_owned()));
            }
        }
        *slot = None;
        self.inner
            .state
            .store(State::Armed as u8, Ordering::Release);
        Ok(())
    }

    /// Under the nonce store's lock: refuses used nonces and a latch that no
    /// longer holds `record`, records the nonces, writes the armed latch.
    fn rearm_latch(
        &self,
        path: &Path,
        record: &TripRecord,
        tokens: &[(ResetToken, OperatorPublicKey)],
        now: u64,
    ) -> Result<(), ResetRefusal> {
        let mut store = NonceStore::open(path).map_err(ResetRefusal::NonceStore)?;
        if tokens.iter().any(|(t, _)| store.is_used(t.nonce())) {
            return Err(ResetRefusal::Replayed);
        }
        match latch::open_locked(path, &self.inner.policy, now, &mut store) {
            Standing::Tripped { record: disk, .. } if disk.id == record.id => {}
            Standing::Tripped { record: disk, .. } => {
                return Err(ResetRefusal::LatchChanged { on_disk: disk.id });
            }
            Standing::Armed(_) => {
                return Err(ResetRefusal::LatchChanged {
                    on_disk: "armed".to_owned(),
                });
            }
        }
        store
            .commit(tokens.iter().map(|(t, _)| t.nonce()))
            .map_err(ResetRefusal::NonceStore)?;
        let armed = LatchContents::armed(ArmRecord::new(&record.id, now, tokens));
        latch::write_latch(path, &armed).map_err(|e| ResetRefusal::LatchNotWritten(e.to_string()))
    }
}
