//! The order-path gate: one atomic load.

use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};

use crate::state::State;

/// The order path's view of the switch. Cheap to clone; checking it is one
/// atomic load with `Acquire` ordering and no lock, allocation or syscall.
///
/// Once [`KillSwitch::trip`](crate::KillSwitch::trip) has returned, every
/// check that happens after it (in any thread synchronized with the tripping
/// one) sees the gate closed.
#[derive(Debug, Clone)]
pub struct Gate {
    state: Arc<AtomicU8>,
}

impl Gate {
    pub(crate) fn new(state: Arc<AtomicU8>) -> Self {
        Self { state }
    }

    /// `true` only while the switch is armed.
    #[inline]
    pub fn is_open(&self) -> bool {
        self.state.load(Ordering::Acquire) == State::Armed as u8
    }

    /// `Ok(())` while armed; otherwise the current state, to reject with.
    #[inline]
    pub fn check(&self) -> Result<(), State> {
        let v = self.state.load(Ordering::Acquire);
        if v == State::Armed as u8 {
            Ok(())
        } else {
            Err(State::from_u8(v))
        }
    }

    /// The current state.
    pub fn state(&self) -> State {
        State::from_u8(self.state.load(Ordering::Acquire))
    }
}
