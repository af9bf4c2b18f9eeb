use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use supreme_core::event::{Event as CoreEvent, FnSink, Severity, SinkError, VecSink};

use crate::{Clock, KillSwitch, ResetRequest, SystemClock, Trigger, TripRequest};

#[test]
fn trips_and_refused_resets_reach_a_core_sink_with_their_fields() {
    let seen = Arc::new(VecSink::new());
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let switch = KillSwitch::builder()
        .clock(clock.clone())
        .events(super::core_sink(seen.clone(), clock, |_| {}))
        .build();
    let mut req = TripRequest::new(Trigger::Manual, "operator stop", "alice");
    req.values.insert("loss".to_owned(), "1200".to_owned());
    let _ = switch.trip(req);
    let _ = switch.reset(&ResetRequest {
        operator: "mallory".to_owned(),
        token: "ksr1.forged".to_owned(),
    });
    let events = seen.take();
    let trip = events
        .iter()
        .find(|e| e.kind() == "KILL_SWITCH_TRIGGERED")
        .unwrap();
    assert_eq!(trip.severity(), Severity::Critical);
    assert_eq!(
        (trip.actor(), trip.get("reason")),
        ("alice", Some("operator stop"))
    );
    assert_eq!(trip.get("values"), Some("loss=1200"));
    let refused = events
        .iter()
        .find(|e| e.kind() == "KILL_SWITCH_RESET_REFUSED")
        .unwrap();
    assert_eq!(refused.actor(), "mallory");
    assert!(events.iter().all(CoreEvent::kind_is_valid));
}

#[test]
fn a_sink_that_refuses_is_reported_and_the_trip_still_holds() {
    let refusals = Arc::new(AtomicUsize::new(0));
    let counted = refusals.clone();
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let closed = FnSink::new(|_: &CoreEvent| Err(SinkError::new("audit log", "disk full")));
    let switch = KillSwitch::builder()
        .clock(clock.clone())
        .events(super::core_sink(closed, clock, move |_| {
            counted.fetch_add(1, Ordering::SeqCst);
        }))
        .build();
    let _ = switch.trip(TripRequest::new(Trigger::Manual, "stop", "alice"));
    assert!(!switch.gate().is_open());
    assert!(refusals.load(Ordering::SeqCst) >= 1);
}
