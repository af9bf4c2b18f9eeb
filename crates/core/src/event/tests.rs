use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::*;

fn trip() -> Event {
    Event::new(
        "KILL_SWITCH_TRIGGERED",
        Severity::Critical,
        "kill-switch",
        7,
    )
    .field("reason", "daily")
    .field("detail", "second\n")
    .field("reason", "daily loss")
}

#[test]
fn an_event_keeps_one_value_per_field_in_order_and_prints_them_escaped() {
    let e = trip();
    assert_eq!(e.get("reason"), Some("daily loss"));
    assert_eq!(e.fields().len(), 2, "a name set again is replaced in place");
    assert_eq!(
        e.to_string(),
        "CRITICAL KILL_SWITCH_TRIGGERED by \"kill-switch\" at 7: reason=\"daily loss\", detail=\"second\\n\""
    );
    assert!(!Event::new("kill switch", Severity::Info, "x", 0).kind_is_valid());
    assert!(!Event::new("", Severity::Info, "x", 0).kind_is_valid());
}

#[test]
fn a_fan_out_delivers_to_every_sink_and_reports_the_first_refusal() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = {
        let calls = calls.clone();
        FnSink::new(move |_: &Event| {
            calls.fetch_add(1, Ordering::SeqCst);
            Err(SinkError::new("second", "later refusal"))
        })
    };
    let kept = Arc::new(VecSink::new());
    let fan = FanOut::new(vec![
        Arc::new(FnSink::new(|_: &Event| {
            Err(SinkError::new("first", "full"))
        })),
        Arc::new(counted),
    ])
    .with(kept.clone());
    let err = fan.record(&trip()).unwrap_err();
    assert_eq!((err.sink(), err.reason()), ("first", "full"));
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    assert_eq!(kept.take(), vec![trip()]);
    assert!(FanOut::default().record(&trip()).is_ok());
}

#[test]
fn sinks_behind_pointers_are_sinks() {
    let v = VecSink::new();
    let boxed: Box<dyn Sink> = Box::new(VecSink::new());
    Sink::record(&&v, &trip()).unwrap();
    boxed.record(&trip()).unwrap();
    Arc::new(v).record(&trip()).unwrap();
}
