//! The response to a trip: notify, run shutdown hooks, halt, notify again.
//!
//! Both notices are [`Urgency::Critical`](crate::Urgency::Critical): no
//! rate limit holds them back. A notifier that fails is tried once before
//! the halt (the halt never waits on a webhook), then retried after it with
//! [`Responder::notify_retry`]'s backoff, each attempt an
//! [`Event::Notified`].

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use crate::error::Error;
use crate::event::Event;
use crate::halt::{HaltConfig, HaltReport, RetryPolicy};
use crate::hooks::ShutdownHooks;
use crate::notify::{Notice, Notifier, NotifyError};
use crate::state::TripRecord;
use crate::switch::KillSwitch;
use crate::venue::DynVenue;

/// What to do once tripped.
pub struct Responder {
    /// Run first, in order (stop strategies, then feeds, ...).
    pub hooks: ShutdownHooks,
    /// Told about the trip and about the outcome.
    pub notifiers: Vec<Box<dyn Notifier>>,
    /// The venue to halt (`None`: gate and hooks only).
    pub venue: Option<Arc<dyn DynVenue>>,
    /// Retries and flattening.
    pub halt: HaltConfig,
    /// Retries of a notifier that failed (default: 3 attempts, 200 ms
    /// backoff doubling to 2 s).
    pub notify_retry: RetryPolicy,
}

impl Default for Responder {
    fn default() -> Self {
        Self {
            hooks: ShutdownHooks::default(),
            notifiers: Vec::new(),
            venue: None,
            halt: HaltConfig::default(),
            notify_retry: RetryPolicy {
                max_attempts: 3,
                initial_backoff: Duration::from_millis(200),
                max_backoff: Duration::from_secs(2),
            },
        }
    }
}

impl std::fmt::Debug for Responder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Responder")
            .field("hooks", &self.hooks)
            .field("notifiers", &self.notifiers.len())
            .field("venue", &self.venue.is_some())
            .field("halt", &self.halt)
            .finish()
    }
}

/// A responder waiting on its own thread; dropping it stops waiting (a
/// response already running finishes first).
#[derive(Debug)]
pub struct ResponderHandle {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<Result<Option<HaltReport>, Error>>>,
}

impl ResponderHandle {
    /// Waits for the response to finish and returns its result.
    pub fn join(mut self) -> Result<Option<HaltReport>, Error> {
        match self.thread.take().map(JoinHandle::join) {
            Some(Ok(r)) => r,
            _ => Err(Error::Setup {
                what: "responder thread",
                detail: "panicked or already joined".to_owned(),
            }),
        }
    }
}

impl Drop for ResponderHandle {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Responder {
    /// Responds to the current trip now. `Ok(None)` when there is no venue.
    pub fn respond(&self, switch: &KillSwitch) -> Result<Option<HaltReport>, Error> {
        let trip = switch.trip_record().map(|r| trip_notice(&r));
        let unsent = trip
            .as_ref()
            .map(|n| self.notify_once(switch, n))
            .unwrap_or_default();
        self.hooks.run(switch);
        let Some(venue) = &self.venue else {
            self.retry(switch, trip.as_ref(), &unsent);
            return Ok(None);
        };
        let result = switch.halt(venue.as_ref(), &self.halt);
        let notice = match &result {
            Ok(rep) => Notice::critical(
                "halted, venue verified clean",
                format!(
                    "{} orders cancelled in {} attempts, {} positions closed with {} orders, {} ms{}",
                    rep.orders_found,
                    rep.cancel_attempts,
                    rep.positions_found,
                    rep.close_orders_sent,
                    rep.elapsed_ms,
                    left_alone(&rep.left),
                ),
            ),
            Err(e) => Notice::critical("HALT NOT VERIFIED", e.to_string()),
        };
        let failed = self.notify_once(switch, &notice);
        self.retry(switch, Some(&notice), &failed);
        self.retry(switch, trip.as_ref(), &unsent);
        result.map(Some)
    }

    /// Waits on a thread for the switch to trip, then responds once.
    pub fn spawn(self, switch: KillSwitch) -> Result<ResponderHandle, Error> {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let thread = std::thread::Builder::new()
            .name("kill-switch-responder".to_owned())
            .spawn(move || {
                while !flag.load(Ordering::Acquire) {
                    if switch.wait_tripped(Duration::from_millis(50)).is_some() {
                        return self.respond(&switch);
                    }
                }
                Ok(None)
            })
            .map_err(|e| Error::Setup {
                what: "responder thread",
                detail: e.to_string(),
            })?;
        Ok(ResponderHandle {
            stop,
            thread: Some(thread),
        })
    }

    /// One attempt per notifier; the indices of those that failed.
    fn notify_once(&self, switch: &KillSwitch, notice: &Notice) -> Vec<usize> {
        let mut failed = Vec::new();
        for (i, n) in self.notifiers.iter().enumerate() {
            if !self.attempt(switch, n.as_ref(), notice, 1) {
                failed.push(i);
            }
        }
        failed
    }

    /// Retries the notifiers in `failed` with backoff until each succeeds
    /// or runs out of attempts.
    fn retry(&self, switch: &KillSwitch, notice: Option<&Notice>, failed: &[usize]) {
        let Some(notice) = notice else { return };
        for &i in failed {
            let n = self.notifiers[i].as_ref();
            for attempt in 2..=self.notify_retry.max_attempts.max(1) {
                std::thread::sleep(self.notify_retry.backoff(attempt - 1));
                if self.attempt(switch, n, notice, attempt) {
                    break;
                }
            }
        }
    }

    /// Sends once and records it; `true` unless it failed (a suppressed
    /// notice is counted by its limiter, not retried).
    fn attempt(
        &self,
        switch: &KillSwitch,
        n: &dyn Notifier,
        notice: &Notice,
        attempt: u32,
    ) -> bool {
        let outcome = n.notify(notice);
        let retry = matches!(outcome, Err(NotifyError::Failed(_)));
        switch.emit(Event::Notified {
            notifier: n.name().to_owned(),
            subject: notice.subject.clone(),
            attempt,
            outcome: outcome.map_err(|e| e.to_string()),
        });
        !retry
    }
}

/// "; left alone: BNB 1.5 (not traded by the bot), ..." or nothing.
fn left_alone(left: &[crate::venue::LeftHolding]) -> String {
    if left.is_empty() {
        return String::new();
    }
    let each: Vec<String> = left
        .iter()
        .map(|h| format!("{} {} ({})", h.asset, h.quantity, h.reason))
        .collect();
    format!("; left alone: {}", each.join(", "))
}

fn trip_notice(r: &TripRecord) -> Notice {
    let values: Vec<String> = r.values.iter().map(|(k, v)| format!("{k}={v}")).collect();
    Notice::critical(
        format!("TRIPPED ({}): {}", r.trigger, r.reason),
        format!(
            "trip {} by {} at {} ms; {}",
            r.id,
            r.who,
            r.at_ms,
            values.join(" ")
        ),
    )
}
