//! The switch's events as core security events: [`core_sink`].

use std::sync::Arc;

use supreme_core::event::{Event as CoreEvent, Severity, Sink};

use super::{Event, EventSink};
use crate::Clock;
use crate::state::TripRecord;

/// An [`EventSink`] that hands every switch event, as a core
/// [`Event`](supreme_core::event::Event), to `sink` (an audit log, a
/// [`FanOut`](supreme_core::event::FanOut)), stamped with `clock`.
///
/// A trip, a halt and a reset never wait on the sink's answer: the switch
/// fails closed by itself (a trip is never undone because it went
/// unrecorded). A refusal is therefore not returned to the switch; it goes
/// to `on_refused` (count it, raise an alarm).
///
/// Kinds: `KILL_SWITCH_TRIGGERED` (a trip, or a start tripped from the
/// latch), `KILL_SWITCH_RESET` / `KILL_SWITCH_RESET_REFUSED`, and
/// `KILL_SWITCH_<WHAT>` for the rest (`STATE`, `LATCH_WRITTEN`,
/// `LATCH_FAILED`, `ACTION`, `VERIFIED`, `HALT_INCOMPLETE`, `HOOK`,
/// `NOTIFIED`, `TRIP_REPEATED`).
///
/// ```
/// use std::sync::Arc;
/// use supreme_core::event::VecSink;
/// use supreme_kill_switch::{Clock, KillSwitch, SystemClock, Trigger, TripRequest, core_sink};
///
/// let seen = Arc::new(VecSink::new());
/// let clock: Arc<dyn Clock> = Arc::new(SystemClock);
/// let switch = KillSwitch::builder()
///     .clock(clock.clone())
///     .events(core_sink(seen.clone(), clock, |e| eprintln!("not recorded: {e}")))
///     .build();
/// switch.trip(TripRequest::new(Trigger::Manual, "operator stop", "alice")).ok();
/// let kinds: Vec<_> = seen.events().iter().map(|e| e.kind()).collect();
/// assert!(kinds.contains(&"KILL_SWITCH_TRIGGERED"), "{kinds:?}");
/// ```
pub fn core_sink<S, F>(sink: S, clock: Arc<dyn Clock>, on_refused: F) -> EventSink
where
    S: Sink + 'static,
    F: Fn(&supreme_core::event::SinkError) + Send + Sync + 'static,
{
    Arc::new(move |event: &Event| {
        if let Err(e) = sink.record(&to_core(event, clock.now_ms())) {
            on_refused(&e);
        }
    })
}

fn outcome<E: std::fmt::Display>(r: &Result<(), E>) -> String {
    match r {
        Ok(()) => "ok".to_owned(),
        Err(e) => e.to_string(),
    }
}

fn trip(kind: &'static str, r: &TripRecord) -> CoreEvent {
    let values = r
        .values
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(", ");
    CoreEvent::new(kind, Severity::Critical, r.who.as_str(), r.at_ms)
        .field("trip_id", r.id.as_str())
        .field("trigger", r.trigger.to_string())
        .field("reason", r.reason.as_str())
        .field("values", values)
}

/// The core event for `event`, at `now_ms` where it carries no time.
pub(crate) fn to_core(event: &Event, now_ms: u64) -> CoreEvent {
    let ks = |kind, severity| CoreEvent::new(kind, severity, "kill-switch", now_ms);
    match event {
        Event::StartedTripped { record } => {
            trip("KILL_SWITCH_TRIGGERED", record).field("restored_from_latch", "true")
        }
        Event::Tripped { record } => trip("KILL_SWITCH_TRIGGERED", record),
        Event::TripRepeated { request, at_ms } => CoreEvent::new(
            "KILL_SWITCH_TRIP_REPEATED",
            Severity::Warning,
            request.who.as_str(),
            *at_ms,
        )
        .field("trigger", request.trigger.to_string())
        .field("reason", request.reason.as_str()),
        Event::LatchWritten { path, state } => ks("KILL_SWITCH_LATCH_WRITTEN", Severity::Info)
            .field("path", path.display().to_string())
            .field("state", state.to_string()),
        Event::LatchFailed { path, detail } => ks("KILL_SWITCH_LATCH_FAILED", Severity::Error)
            .field("path", path.display().to_string())
            .field("detail", detail.as_str()),
        Event::StateChanged { from, to, at_ms } => {
            CoreEvent::new("KILL_SWITCH_STATE", Severity::Notice, "kill-switch", *at_ms)
                .field("from", from.to_string())
                .field("to", to.to_string())
        }
        Event::Action {
            action,
            attempt,
            outcome: r,
        } => ks(
            "KILL_SWITCH_ACTION",
            if r.is_ok() {
                Severity::Info
            } else {
                Severity::Warning
            },
        )
        .field("action", action.to_string())
        .field("attempt", attempt.to_string())
        .field("outcome", outcome(r)),
        Event::Verified {
            state,
            open_orders,
            open_positions,
            clean,
        } => ks("KILL_SWITCH_VERIFIED", Severity::Info)
            .field("state", state.to_string())
            .field("open_orders", open_orders.to_string())
            .field("open_positions", open_positions.to_string())
            .field("clean", clean.to_string()),
        Event::HaltIncomplete { state, detail } => {
            ks("KILL_SWITCH_HALT_INCOMPLETE", Severity::Critical)
                .field("state", state.to_string())
                .field("detail", detail.as_str())
        }
        Event::Hook { name, outcome: r } => ks(
            "KILL_SWITCH_HOOK",
            if r.is_ok() {
                Severity::Info
            } else {
                Severity::Error
            },
        )
        .field("hook", name.as_str())
        .field("outcome", outcome(r)),
        Event::Notified {
            notifier,
            subject,
            attempt,
            outcome: r,
        } => ks(
            "KILL_SWITCH_NOTIFIED",
            if r.is_ok() {
                Severity::Info
            } else {
                Severity::Warning
            },
        )
        .field("notifier", notifier.as_str())
        .field("subject", subject.as_str())
        .field("attempt", attempt.to_string())
        .field("outcome", outcome(r)),
        Event::ResetAttempt {
            operator,
            at_ms,
            outcome: r,
        } => {
            let (kind, severity) = match r {
                Ok(()) => ("KILL_SWITCH_RESET", Severity::Notice),
                Err(_) => ("KILL_SWITCH_RESET_REFUSED", Severity::Warning),
            };
            CoreEvent::new(kind, severity, operator.as_str(), *at_ms).field("outcome", outcome(r))
        }
    }
}
