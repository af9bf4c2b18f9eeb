//! The response to a trip: notify, run shutdown hooks, halt, notify again.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use crate::error::KillSwitchError;
use crate::event::Event;
use crate::halt::{HaltConfig, HaltReport};
use crate::hooks::ShutdownHooks;
use crate::notify::{Notice, Notifier};
use crate::state::TripRecord;
use crate::switch::KillSwitch;
use crate::venue::Venue;

/// What to do once tripped.
#[derive(Default)]
pub struct Responder {
    /// Run first, in order (stop strategies, then feeds, ...).
    pub hooks: ShutdownHooks,
    /// Told about the trip and about the outcome.
    pub notifiers: Vec<Box<dyn Notifier>>,
    /// The venue to halt (`None`: gate and hooks only).
    pub venue: Option<Arc<dyn Venue>>,
    /// Retries and flattening.
    pub halt: HaltConfig,
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
    thread: Option<JoinHandle<Result<Option<HaltReport>, KillSwitchError>>>,
}

impl ResponderHandle {
    /// Waits for the response to finish and returns its result.
    pub fn join(mut self) -> Result<Option<HaltReport>, KillSwitchError> {
        match self.thread.take().map(JoinHandle::join) {
            Some(Ok(r)) => r,
            _ => Err(KillSwitchError::Setup {
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
    pub fn respond(&self, switch: &KillSwitch) -> Result<Option<HaltReport>, KillSwitchError> {
        let record = switch.trip_record();
        if let Some(r) = &record {
            self.notify(switch, &trip_notice(r));
        }
        self.hooks.run(switch);
        let Some(venue) = &self.venue else {
            return Ok(None);
        };
        let result = switch.halt(venue.as_ref(), &self.halt);
        let notice = match &result {
            Ok(rep) => Notice {
                subject: "halted, venue verified clean".to_owned(),
                body: format!(
                    "{} orders cancelled in {} attempts, {} positions closed with {} orders, {} ms",
                    rep.orders_found,
                    rep.cancel_attempts,
                    rep.positions_found,
                    rep.close_orders_sent,
                    rep.elapsed_ms
                ),
            },
            Err(e) => Notice {
                subject: "HALT NOT VERIFIED".to_owned(),
                body: e.to_string(),
            },
        };
        self.notify(switch, &notice);
        result.map(Some)
    }

    /// Waits on a thread for the switch to trip, then responds once.
    pub fn spawn(self, switch: KillSwitch) -> Result<ResponderHandle, KillSwitchError> {
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
            .map_err(|e| KillSwitchError::Setup {
                what: "responder thread",
                detail: e.to_string(),
            })?;
        Ok(ResponderHandle {
            stop,
            thread: Some(thread),
        })
    }

    fn notify(&self, switch: &KillSwitch, notice: &Notice) {
        for n in &self.notifiers {
            let outcome = n.notify(notice);
            switch.emit(Event::Notified {
                notifier: n.name().to_owned(),
                outcome,
            });
        }
    }
}

fn trip_notice(r: &TripRecord) -> Notice {
    let values: Vec<String> = r.values.iter().map(|(k, v)| format!("{k}={v}")).collect();
    Notice {
        subject: format!("TRIPPED ({}): {}", r.trigger, r.reason),
        body: format!(
            "trip {} by {} at {} ms; {}",
            r.id,
            r.who,
            r.at_ms,
            values.join(" ")
        ),
    }
}
