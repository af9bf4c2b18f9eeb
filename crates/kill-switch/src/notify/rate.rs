//! [`RateLimited`]: at most one routine notice per interval, critical ones
//! always, and the suppressed count flushed with the next notice or on a
//! timer.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use super::{Notice, Notifier, NotifyError, Urgency};
use supreme_core::Clock;
use supreme_core::time::duration_ms;

/// At most one routine notice per interval (measured on the clock's
/// monotonic reading, so a wall-clock step neither floods nor mutes) through
/// the inner notifier; the
/// rest are suppressed and counted, and the count is appended to the next
/// one sent. A [`Urgency::Critical`] notice is never suppressed (it carries
/// the count too). The count also goes out on its own once the interval has
/// passed, when [`flush_due`](Self::flush_due) is called, which
/// [`flush_every`](Self::flush_every) does on a timer.
///
/// ```
/// use std::sync::Arc;
/// use std::time::Duration;
/// use supreme_kill_switch::{FakeClock, FnNotifier, Notice, Notifier, RateLimited};
///
/// let clock = Arc::new(FakeClock::new(0));
/// let sent = Arc::new(std::sync::Mutex::new(Vec::new()));
/// let log = Arc::clone(&sent);
/// let inner = FnNotifier::new("chat", move |n: &Notice| {
///     log.lock().unwrap().push(n.subject.clone());
///     Ok(())
/// });
/// let limited = RateLimited::new(inner, Duration::from_secs(60), clock.clone());
/// limited.notify(&Notice::routine("breach warning", "")).unwrap();
/// assert!(limited.notify(&Notice::routine("breach warning", "")).is_err());
/// limited.notify(&Notice::critical("TRIPPED", "")).unwrap(); // never held back
/// assert_eq!(sent.lock().unwrap().len(), 2);
/// ```
pub struct RateLimited<N> {
    inner: N,
    clock: Arc<dyn Clock>,
    interval_ms: u64,
    /// Last send (monotonic ms) and the routine notices suppressed since.
    state: Mutex<(Option<u64>, u64)>,
}

impl<N: Notifier> RateLimited<N> {
    /// Wraps `inner`.
    pub fn new(inner: N, interval: Duration, clock: Arc<dyn Clock>) -> Self {
        Self {
            inner,
            clock,
            interval_ms: duration_ms(interval),
            state: Mutex::new((None, 0)),
        }
    }

    /// Notices suppressed since the last one sent.
    pub fn suppressed(&self) -> u64 {
        self.state.lock().unwrap_or_else(PoisonError::into_inner).1
    }

    /// Sends the suppressed count on its own if there is one and the
    /// interval has passed since the last send; `None` when nothing was due.
    pub fn flush_due(&self) -> Option<Result<(), NotifyError>> {
        let now = duration_ms(self.clock.monotonic());
        let count = {
            let mut st = self.state.lock().unwrap_or_else(PoisonError::into_inner);
            let due =
                st.0.is_none_or(|last| now.saturating_sub(last) >= self.interval_ms);
            if st.1 == 0 || !due {
                return None;
            }
            st.0 = Some(now);
            std::mem::take(&mut st.1)
        };
        let notice = Notice::routine(
            format!("{count} notices suppressed by the rate limit"),
            format!("{count} notices were held back in the last interval"),
        );
        let sent = self.inner.notify(&notice);
        if sent.is_err() {
            // Not lost: counted again for the next notice or flush.
            self.state.lock().unwrap_or_else(PoisonError::into_inner).1 += count;
        }
        Some(sent)
    }
}

impl<N: Notifier + 'static> RateLimited<N> {
    /// Calls [`flush_due`](Self::flush_due) every `period` on a thread of its
    /// own until the returned [`Flusher`] is dropped.
    pub fn flush_every(self: &Arc<Self>, period: Duration) -> std::io::Result<Flusher> {
        let stop = Arc::new(AtomicBool::new(false));
        let (flag, me) = (Arc::clone(&stop), Arc::clone(self));
        let thread = std::thread::Builder::new()
            .name("kill-switch-notice-flush".to_owned())
            .spawn(move || {
                while !flag.load(Ordering::Acquire) {
                    std::thread::park_timeout(period);
                    let _ = me.flush_due();
                }
            })?;
        Ok(Flusher {
            stop,
            thread: Some(thread),
        })
    }
}

/// The timer thread of [`RateLimited::flush_every`]; stops when dropped.
#[derive(Debug)]
pub struct Flusher {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Drop for Flusher {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
        if let Some(t) = self.thread.take() {
            t.thread().unpark();
            let _ = t.join();
        }
    }
}

impl<N> std::fmt::Debug for RateLimited<N> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RateLimited")
            .field("interval_ms", &self.interval_ms)
            .finish_non_exhaustive()
    }
}

impl<N: Notifier> Notifier for RateLimited<N> {
    fn name(&self) -> &str {
        self.inner.name()
    }

    fn notify(&self, n: &Notice) -> Result<(), NotifyError> {
        let now = duration_ms(self.clock.monotonic());
        let suppressed = {
            let mut st = self.state.lock().unwrap_or_else(PoisonError::into_inner);
            if n.urgency == Urgency::Routine
                && let Some(last) = st.0
                && now.saturating_sub(last) < self.interval_ms
            {
                st.1 += 1;
                return Err(NotifyError::Suppressed { so_far: st.1 });
            }
            st.0 = Some(now);
            std::mem::take(&mut st.1)
        };
        let sent = if suppressed == 0 {
            self.inner.notify(n)
        } else {
            let mut n = n.clone();
            n.body
                .push_str(&format!("\n({suppressed} earlier notices suppressed)"));
            self.inner.notify(&n)
        };
        if sent.is_err() && suppressed > 0 {
            self.state.lock().unwrap_or_else(PoisonError::into_inner).1 += suppressed;
        }
        sent
    }
}
