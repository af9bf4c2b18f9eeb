//! The order-path gate: one atomic load; and the in-flight count, taken
//! right before an order's bytes are written.

mod in_flight;

use std::sync::Arc;
use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::state::State;
pub(crate) use in_flight::HaltScope;
pub use in_flight::InFlight;

/// The order path's view of the switch. Cheap to clone; checking it is one
/// atomic load with `Acquire` ordering and no lock, allocation or syscall.
///
/// Once [`KillSwitch::trip`](crate::KillSwitch::trip) has returned, every
/// check that happens after it (in any thread synchronized with the tripping
/// one) sees the gate closed.
///
/// A strategy checks the gate when it decides; the transport checks it
/// again with [`enter_order`](Self::enter_order) right before the order's
/// bytes are written (after any rate-limit wait), and holds the returned
/// [`InFlight`] until the answer is in, so that
/// [`KillSwitch::halt`](crate::KillSwitch::halt) can wait for the orders
/// already on their way before it lists the venue and says it is clean.
#[derive(Debug, Clone)]
pub struct Gate {
    state: Arc<AtomicU8>,
    in_flight: Arc<AtomicUsize>,
}

impl Gate {
    pub(crate) fn new(state: Arc<AtomicU8>, in_flight: Arc<AtomicUsize>) -> Self {
        Self { state, in_flight }
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

    /// Admits one order right before its bytes are written: counted as in
    /// flight while the returned guard lives. Refused (with the state) once
    /// the switch is tripped, except for the halt's own close orders (sent
    /// from the thread running [`KillSwitch::halt`](crate::KillSwitch::halt),
    /// which are neither refused nor counted).
    ///
    /// Once `halt` has waited for the count to reach zero, no order admitted
    /// before the trip is still on its way, and none is admitted after it.
    ///
    /// ```
    /// use supreme_kill_switch::{KillSwitch, State, TripRequest};
    ///
    /// let switch = KillSwitch::builder().build();
    /// let gate = switch.gate();
    /// let order = gate.enter_order().expect("armed");
    /// assert_eq!(gate.in_flight(), 1);
    /// drop(order); // the answer is in
    /// switch.trip(TripRequest::manual("test", "doc")).unwrap();
    /// assert_eq!(gate.enter_order().unwrap_err(), State::Tripped);
    /// assert_eq!(gate.in_flight(), 0);
    /// ```
    pub fn enter_order(&self) -> Result<InFlight, State> {
        // Counted first, then the state read (both SeqCst; `drain` does the
        // mirror image), so an order either sees the trip or is seen by the halt.
        self.in_flight.fetch_add(1, Ordering::SeqCst);
        let v = self.state.load(Ordering::SeqCst);
        if v == State::Armed as u8 {
            return Ok(InFlight::counted(self.in_flight.clone()));
        }
        self.in_flight.fetch_sub(1, Ordering::SeqCst);
        if in_flight::halting_here(&self.state) {
            return Ok(InFlight::exempt());
        }
        Err(State::from_u8(v))
    }

    /// Orders admitted by [`enter_order`](Self::enter_order) and not yet answered.
    pub fn in_flight(&self) -> usize {
        self.in_flight.load(Ordering::SeqCst)
    }

    /// Waits (real time, up to `bound`) until no admitted order is in flight;
    /// returns how many still are (0: none). Call only on a tripped switch.
    pub(crate) fn drain(&self, bound: Duration) -> usize {
        // A SeqCst read-modify-write of the state, then the count: any order
        // that read "armed" before it was counted before the count is read.
        self.state.fetch_or(0, Ordering::SeqCst);
        let deadline = Instant::now() + bound;
        let mut nap = Duration::from_micros(50);
        loop {
            let n = self.in_flight.load(Ordering::SeqCst);
            if n == 0 || Instant::now() >= deadline {
                return n;
            }
            std::thread::sleep(nap);
            nap = (nap * 2).min(Duration::from_millis(5));
        }
    }

    /// Marks the current thread as running this switch's halt until the
    /// scope ends: its orders (the close orders) pass the closed gate.
    pub(crate) fn halt_scope(&self) -> HaltScope {
        HaltScope::enter(&self.state)
    }
}

#[cfg(test)]
mod tests;
