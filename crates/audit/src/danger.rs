//! Switches for tests only: injected write faults.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::options::Options;

/// Reached through [`Options::dangerous`].
#[derive(Debug)]
pub struct DangerousOptions<'a> {
    pub(crate) options: &'a mut Options,
}

impl DangerousOptions<'_> {
    /// Makes the writer's next writes or syncs fail as the injector says.
    pub fn inject_faults(&mut self, injector: FaultInjector) {
        self.options.fault = Some(injector);
    }
}

/// Fails the next `n` write or sync operations of a log with an I/O error.
#[derive(Debug, Clone, Default)]
pub struct FaultInjector {
    remaining: Arc<AtomicU64>,
}

impl FaultInjector {
    /// An injector failing nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Fails the next `n` operations (`u64::MAX`: all from now on).
    pub fn fail_next(&self, n: u64) {
        self.remaining.store(n, Ordering::SeqCst);
    }

    /// Operations still to fail.
    pub fn remaining(&self) -> u64 {
        self.remaining.load(Ordering::SeqCst)
    }

    pub(crate) fn check(&self) -> std::io::Result<()> {
        let took = self
            .remaining
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| match n {
                0 => None,
                u64::MAX => Some(u64::MAX),
                n => Some(n - 1),
            })
            .is_ok();
        if took {
            Err(std::io::Error::other("injected write fault"))
        } else {
            Ok(())
        }
    }
}
