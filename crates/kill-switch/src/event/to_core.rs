//! The switch's events as core security events: [`Event::to_core`].

use supreme_core::event::{Event as CoreEvent, Severity};

use super::Event;
use crate::state::TripRecord;

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

impl Event {
    /// This event as a core security event, stamped `now_ms` where it
    /// carries no time of its own. The kinds are stable (audit queries and
    /// alerts match on them):
    ///
    /// | kind | event | severity |
    /// |---|---|---|
    /// | `KILL_SWITCH_TRIGGERED` | [`Tripped`](Event::Tripped), [`StartedTripped`](Event::StartedTripped) (field `restored_from_latch`) | critical |
    /// | `KILL_SWITCH_TRIP_REPEATED` | [`TripRepeated`](Event::TripRepeated) | warning |
    /// | `KILL_SWITCH_RESET` / `KILL_SWITCH_RESET_REFUSED` | [`ResetAttempt`](Event::ResetAttempt) | notice / warning |
    /// | `KILL_SWITCH_STATE` | [`StateChanged`](Event::StateChanged) | notice |
    /// | `KILL_SWITCH_LATCH_WRITTEN` / `KILL_SWITCH_LATCH_FAILED` | the latch | info / error |
    /// | `KILL_SWITCH_ACTION`, `KILL_SWITCH_VERIFIED`, `KILL_SWITCH_HALT_INCOMPLETE` | the halt | info-warning, info, critical |
    /// | `KILL_SWITCH_HOOK`, `KILL_SWITCH_NOTIFIED` | hooks, notifiers | info / error, warning |
    ///
    /// A trip's actor is who tripped it, a reset's the operator(s); fields
    /// hold ids, reasons and outcomes, never a token.
    ///
    /// ```
    /// use supreme_kill_switch::{Event, Trigger, TripRequest};
    /// let e = Event::TripRepeated { request: TripRequest::manual("again", "bob"), at_ms: 9 };
    /// let core = e.to_core(0);
    /// assert_eq!((core.kind(), core.actor(), core.at_ms()), ("KILL_SWITCH_TRIP_REPEATED", "bob", 9));
    /// assert_eq!(core.get("trigger"), Some(Trigger::Manual.to_string().as_str()));
    /// ```
    pub fn to_core(&self, now_ms: u64) -> CoreEvent {
        to_core(self, now_ms)
    }
}

fn to_core(event: &Event, now_ms: u64) -> CoreEvent {
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
