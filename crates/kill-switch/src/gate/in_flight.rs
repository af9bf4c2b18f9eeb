//! The in-flight guard, and the halt thread's exemption.

use std::cell::Cell;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};

/// One order on its way to the venue, admitted by
/// [`Gate::enter_order`](crate::Gate::enter_order): counted until dropped.
/// Hold it until the venue's answer is in (or the request failed).
#[derive(Debug)]
#[must_use = "the order counts as in flight only while the guard lives"]
pub struct InFlight {
    counter: Option<Arc<AtomicUsize>>,
}

impl InFlight {
    pub(super) fn counted(counter: Arc<AtomicUsize>) -> Self {
        Self {
            counter: Some(counter),
        }
    }

    pub(super) fn exempt() -> Self {
        Self { counter: None }
    }

    /// `true` for one of the halt's own close orders (admitted while
    /// tripped, not counted).
    pub fn is_exempt(&self) -> bool {
        self.counter.is_none()
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        if let Some(c) = &self.counter {
            c.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

thread_local! {
    /// The switch (its state cell's address) whose halt this thread runs; 0: none.
    static HALTING: Cell<usize> = const { Cell::new(0) };
}

fn id(state: &Arc<AtomicU8>) -> usize {
    Arc::as_ptr(state) as usize
}

/// `true` on the thread running the halt of the switch owning `state`.
pub(super) fn halting_here(state: &Arc<AtomicU8>) -> bool {
    HALTING.with(|h| h.get() == id(state))
}

/// While alive, the current thread runs a halt (see [`halting_here`]).
#[derive(Debug)]
pub(crate) struct HaltScope {
    previous: usize,
}

impl HaltScope {
    pub(super) fn enter(state: &Arc<AtomicU8>) -> Self {
        Self {
            previous: HALTING.with(|h| h.replace(id(state))),
        }
    }
}

impl Drop for HaltScope {
    fn drop(&mut self) {
        HALTING.with(|h| h.set(self.previous));
    }
}
