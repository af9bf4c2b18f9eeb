//! Authorized reset of a tripped switch.

use std::sync::atomic::Ordering;

use super::{KillSwitch, lock};
use crate::error::KillSwitchError;
use crate::event::Event;
use crate::latch;
use crate::reset::{self, ResetRefusal, ResetRequest};
use crate::state::{State, TripRecord};

impl KillSwitch {
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
}
