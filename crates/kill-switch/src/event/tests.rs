use std::sync::Arc;
use std::time::Duration;

use supreme_core::event::{Event as CoreEvent, FnSink, Severity, SinkError, VecSink};

use crate::{
    Clock, FakeClock, KillSwitch, OperatorKey, ResetPolicy, ResetRefusal, ResetRequest, SignReset,
    State, Trigger, TripRequest,
};

#[test]
fn trips_and_refused_resets_reach_a_core_sink_with_their_fields() {
    let seen = Arc::new(VecSink::new());
    let clock = Arc::new(FakeClock::new(1_700_000_000_000));
    let switch = KillSwitch::builder()
        .clock(clock)
        .events(seen.clone())
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
    assert!(events.iter().all(|e| !e.to_string().contains("ksr1.")));
    assert!(events.iter().all(CoreEvent::kind_is_valid));
}

#[test]
fn a_trip_whose_record_the_sink_refuses_still_shuts_the_gate_and_is_counted() {
    let closed = FnSink::new(|_: &CoreEvent| Err(SinkError::new("audit log", "disk full")));
    let switch = KillSwitch::builder()
        .clock(Arc::new(FakeClock::new(1)))
        .events(Arc::new(closed))
        .build();
    let gate = switch.gate();
    assert!(gate.is_open());
    let record = switch.trip(TripRequest::new(Trigger::Manual, "stop", "alice"));
    assert!(record.is_ok(), "{record:?}");
    assert!(!gate.is_open());
    assert_eq!(switch.state(), State::Tripped);
    assert_eq!(switch.unrecorded_events(), 1);
}

#[test]
fn a_reset_whose_record_the_sink_refuses_is_refused_and_the_gate_stays_shut() {
    let clock = Arc::new(FakeClock::new(1_700_000_000_000));
    let key = OperatorKey::generate().unwrap();
    let kept = Arc::new(VecSink::new());
    let sink = {
        let kept = kept.clone();
        // The audit log fills up between the trip and the reset.
        FnSink::new(move |e: &CoreEvent| match e.kind() {
            "KILL_SWITCH_RESET" => Err(SinkError::new("audit log", "disk full")),
            _ => supreme_core::event::Sink::record(&*kept, e),
        })
    };
    let switch = KillSwitch::builder()
        .clock(clock.clone())
        .events(Arc::new(sink))
        .reset_policy(ResetPolicy::new(Duration::from_secs(60)).operator("alice", key.public_key()))
        .build();
    let trip = switch.trip(TripRequest::manual("stop", "bob")).unwrap();
    clock.advance(Duration::from_secs(61));
    let token = key
        .sign_reset(&trip.id, "alice", clock.now_ms() + 60_000)
        .unwrap();
    let err = switch
        .reset(&ResetRequest {
            operator: "alice".to_owned(),
            token,
        })
        .unwrap_err();
    assert!(
        matches!(&err, crate::Error::ResetRefused { refusal: ResetRefusal::NotRecorded(d), .. } if d.contains("disk full")),
        "{err}"
    );
    assert_eq!(switch.state(), State::Tripped);
    assert!(!switch.gate().is_open());
    let refused = kept
        .events()
        .into_iter()
        .find(|e| e.kind() == "KILL_SWITCH_RESET_REFUSED")
        .unwrap();
    assert!(
        refused
            .get("outcome")
            .unwrap()
            .contains("could not be recorded")
    );
}
