//! The one fake clock of the workspace.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use super::{Clock, duration_ms};

/// A clock that moves only when told to.
///
/// [`advance`](FakeClock::advance) moves the wall and the monotonic reading
/// together; [`set_ms`](FakeClock::set_ms) steps only the wall (as an NTP
/// correction or an operator would), so code that must not care about wall
/// jumps can be tested against one. [`Clock::sleep`] advances instead of
/// blocking.
///
/// ```
/// use std::time::Duration;
/// use supreme_core::{Clock, FakeClock};
/// let clock = FakeClock::new(1_000);
/// clock.advance(Duration::from_millis(500));
/// assert_eq!(clock.now_ms(), 1_500);
/// clock.set_ms(0); // the wall steps back...
/// assert_eq!(clock.monotonic(), Duration::from_millis(500)); // ...monotonic does not
/// ```
#[derive(Debug, Default)]
pub struct FakeClock {
    wall_ms: AtomicU64,
    mono_ns: AtomicU64,
}

impl FakeClock {
    /// A clock whose wall reads `now_ms` and whose monotonic reading is zero.
    pub const fn new(now_ms: u64) -> Self {
        Self {
            wall_ms: AtomicU64::new(now_ms),
            mono_ns: AtomicU64::new(0),
        }
    }

    /// Moves both readings forward by `d` (saturating).
    pub fn advance(&self, d: Duration) {
        let ms = duration_ms(d);
        let ns = u64::try_from(d.as_nanos()).unwrap_or(u64::MAX);
        saturating_add(&self.wall_ms, ms);
        saturating_add(&self.mono_ns, ns);
    }

    /// Sets the wall clock to `now_ms`; the monotonic reading does not move.
    pub fn set_ms(&self, now_ms: u64) {
        self.wall_ms.store(now_ms, Ordering::SeqCst);
    }
}

fn saturating_add(cell: &AtomicU64, by: u64) {
    // fetch_update never fails with a closure that always returns Some.
    let _ = cell.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |v| {
        Some(v.saturating_add(by))
    });
}

impl Clock for FakeClock {
    fn now_ms(&self) -> u64 {
        self.wall_ms.load(Ordering::SeqCst)
    }

    fn monotonic(&self) -> Duration {
        Duration::from_nanos(self.mono_ns.load(Ordering::SeqCst))
    }

    fn sleep(&self, d: Duration) {
        self.advance(d);
    }
}
