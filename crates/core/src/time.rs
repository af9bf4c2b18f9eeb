//! Time: one [`Clock`] for every crate, a [`SystemClock`] and a [`FakeClock`].
//!
//! A clock answers two questions: what time it is on the wall
//! ([`Clock::now_ms`], for timestamps, the trading day, token expiry, the
//! exchange's `recvWindow`) and how much time has passed
//! ([`Clock::monotonic`], for windows, cooldowns and deadlines, which must
//! not jump when the wall clock is stepped).
//!
//! Reading time is the clock's job; waiting is not. Blocking code that must
//! wait calls [`Clock::sleep`], which a [`FakeClock`] turns into an instant
//! advance. Async code waits with `tokio::time` instead (net-guard's
//! `ExchangeLimiter::acquire` sleeps on tokio and judges its windows on the
//! clock); in tests it runs under tokio's paused time
//! (`#[tokio::test(start_paused = true)]`) and moves the fake with the
//! runtime: advance both by the same duration in one helper, the fake first,
//! so no task tokio wakes reads the old time:
//!
//! ```text
//! async fn step(clock: &FakeClock, d: Duration) {
//!     clock.advance(d);
//!     tokio::time::advance(d).await;
//! }
//! ```
//!
//! Paused time's auto-advance (when every task is idle) moves only tokio's
//! clock, never the fake: code waiting on both then sees no time pass on the
//! clock and gives up at its deadline rather than proceed (the limiter
//! refuses at its `max_wait`; see `crates/net-guard/tests/paused_time.rs`).
//! There is one fake clock in the workspace, stepped with tokio's, not two
//! that drift apart.

mod coarse;
mod fake;
mod system;

pub use coarse::CoarseClock;
pub use fake::FakeClock;
pub use system::SystemClock;

use std::time::Duration;

/// A source of wall-clock and monotonic time.
///
/// Every timed decision in the workspace goes through one of these, so a test
/// drives every part from one [`FakeClock`].
///
/// ```
/// use supreme_core::{Clock, SystemClock};
/// let clock = SystemClock;
/// let a = clock.monotonic();
/// let b = clock.monotonic();
/// assert!(b >= a);
/// assert!(clock.now_ms() > 1_600_000_000_000);
/// ```
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// Wall-clock milliseconds since the Unix epoch (0 before the epoch).
    fn now_ms(&self) -> u64;

    /// Time since this clock's origin; never goes backwards, whatever the
    /// wall clock does.
    fn monotonic(&self) -> Duration;

    /// Wall-clock whole seconds since the Unix epoch.
    fn now_unix_secs(&self) -> u64 {
        self.now_ms() / 1000
    }

    /// Blocks for `d`. A [`FakeClock`] advances by `d` instead and returns
    /// at once. Async code waits with `tokio::time`, not with this.
    fn sleep(&self, d: Duration) {
        std::thread::sleep(d);
    }
}

impl<C: Clock + ?Sized> Clock for std::sync::Arc<C> {
    fn now_ms(&self) -> u64 {
        (**self).now_ms()
    }

    fn monotonic(&self) -> Duration {
        (**self).monotonic()
    }

    fn now_unix_secs(&self) -> u64 {
        (**self).now_unix_secs()
    }

    fn sleep(&self, d: Duration) {
        (**self).sleep(d);
    }
}

impl<C: Clock + ?Sized> Clock for &C {
    fn now_ms(&self) -> u64 {
        (**self).now_ms()
    }

    fn monotonic(&self) -> Duration {
        (**self).monotonic()
    }

    fn now_unix_secs(&self) -> u64 {
        (**self).now_unix_secs()
    }

    fn sleep(&self, d: Duration) {
        (**self).sleep(d);
    }
}

/// `d` in whole milliseconds, saturating at `u64::MAX`.
///
/// ```
/// use std::time::Duration;
/// assert_eq!(supreme_core::time::duration_ms(Duration::from_micros(2_500)), 2);
/// assert_eq!(supreme_core::time::duration_ms(Duration::MAX), u64::MAX);
/// ```
pub fn duration_ms(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// `v` as an `i64`, saturating at `i64::MAX`: for formats that keep times
/// signed (the audit record's `time_ms`, the vault's expiry in Unix seconds).
///
/// ```
/// use supreme_core::{Clock, FakeClock, time::saturating_i64};
/// let clock = FakeClock::new(1_700_000_000_000);
/// assert_eq!(saturating_i64(clock.now_unix_secs()), 1_700_000_000);
/// assert_eq!(saturating_i64(u64::MAX), i64::MAX);
/// ```
pub fn saturating_i64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests;
