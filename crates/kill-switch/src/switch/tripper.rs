//! [`KillSwitch::tripper`]: a failure callback that trips the switch (the
//! audit log's `OnWriteFailure::Halt`, or any part that must stop trading
//! when it fails), without either crate depending on the other.

use crate::state::{Trigger, TripRequest};

use super::KillSwitch;

impl KillSwitch {
    /// A callback that trips this switch with `trigger`, `reason` and `who`
    /// when called, recording the error's text as the trip's `error` value.
    /// It holds a clone of the switch (cheap, shared) and can be called from
    /// any thread; calls after the first are reported as repeated trips.
    ///
    /// The trip closes the gate before anything else, so the next
    /// [`Gate::check`](crate::Gate::check) is rejected even if the latch or
    /// the event sink fails too (a failed latch write is reported as a
    /// `KILL_SWITCH_LATCH_FAILED` event; the switch stays tripped in memory).
    ///
    /// Wired to the audit log, the glue is one closure (neither crate
    /// depends on the other):
    ///
    /// ```ignore
    /// let trip = switch.tripper(Trigger::AuditFailure, "audit log write failed", "audit-log");
    /// let options = Options::new(key)
    ///     .on_write_failure(OnWriteFailure::Halt(Arc::new(move |e: &supreme_audit::Error| trip(e))));
    /// ```
    ///
    /// ```
    /// use supreme_kill_switch::{KillSwitch, State, Trigger};
    ///
    /// let switch = KillSwitch::builder().build();
    /// let trip = switch.tripper(Trigger::AuditFailure, "audit log write failed", "audit-log");
    /// let failure = std::io::Error::other("No space left on device");
    /// trip(&failure);
    /// assert_eq!(switch.gate().check(), Err(State::Tripped));
    /// let record = switch.trip_record().unwrap();
    /// assert_eq!((record.trigger, record.who.as_str()), (Trigger::AuditFailure, "audit-log"));
    /// assert_eq!(record.values["error"], "No space left on device");
    /// ```
    pub fn tripper(
        &self,
        trigger: Trigger,
        reason: impl Into<String>,
        who: impl Into<String>,
    ) -> impl Fn(&dyn std::error::Error) + Send + Sync + 'static {
        let switch = self.clone();
        let reason = reason.into();
        let who = who.into();
        move |error: &dyn std::error::Error| {
            let req =
                TripRequest::new(trigger, reason.as_str(), who.as_str()).value("error", error);
            // Tripped in memory whatever the latch says; its failure is
            // reported as an event by `trip` itself.
            let _ = switch.trip(req);
        }
    }
}
