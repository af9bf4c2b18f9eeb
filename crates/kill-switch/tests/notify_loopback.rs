//! Notices during a halt that fails against the simulated exchange: the
//! outcome is never swallowed by a rate limit, and a failing notifier is
//! retried, every attempt recorded as an event.

#![allow(clippy::unwrap_used)] // test helpers: a failed unwrap is a failed test

mod support;

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rust_decimal::Decimal;
use support::HttpVenue;
use supreme_core::event::VecSink;
use supreme_kill_switch::*;
use supreme_testkit::sim_exchange::SimExchange;

#[test]
fn halt_not_verified_reaches_a_rate_limited_and_a_failing_notifier() {
    let ex = SimExchange::start().unwrap();
    ex.add_order("BTCUSDT", "BUY", Decimal::ONE, Decimal::from(100));
    ex.fail_next(1_000, 500);
    let events = Arc::new(VecSink::new());
    let switch = KillSwitch::builder().events(events.clone()).build();

    let limited_sent: Arc<Mutex<Vec<String>>> = Arc::default();
    let log = Arc::clone(&limited_sent);
    let chat = FnNotifier::new("chat", move |n: &Notice| {
        log.lock().unwrap().push(n.subject.clone());
        Ok(())
    });
    let limited = RateLimited::new(chat, Duration::from_secs(3600), Arc::new(SystemClock));
    // A routine notice just before uses up the interval.
    limited
        .notify(&Notice::routine("breach warning", ""))
        .unwrap();

    let calls = Arc::new(AtomicU32::new(0));
    let flaky_sent: Arc<Mutex<Vec<String>>> = Arc::default();
    let (count, log) = (Arc::clone(&calls), Arc::clone(&flaky_sent));
    let pager = FnNotifier::new("pager", move |n: &Notice| {
        // Fails its first three calls: the trip notice once, the outcome
        // twice; then recovers.
        if count.fetch_add(1, Ordering::SeqCst) < 3 {
            return Err("503 from the pager".into());
        }
        log.lock().unwrap().push(n.subject.clone());
        Ok(())
    });

    let retry = RetryPolicy {
        max_attempts: 3,
        initial_backoff: Duration::from_millis(1),
        max_backoff: Duration::from_millis(1),
    };
    let responder = Responder {
        venue: Some(Arc::new(HttpVenue::new(ex.addr()))),
        halt: HaltConfig {
            retry,
            flatten: None,
            ..HaltConfig::default()
        },
        notifiers: vec![Box::new(limited), Box::new(pager)],
        notify_retry: retry,
        ..Responder::default()
    };
    let handle = responder.spawn(switch.clone()).unwrap();
    switch
        .trip(TripRequest::manual("venue down", "ci"))
        .unwrap();
    let err = handle.join().unwrap_err();
    assert!(matches!(err, Error::HaltIncomplete { .. }), "{err}");

    let limited_sent = limited_sent.lock().unwrap();
    assert_eq!(
        *limited_sent,
        [
            "breach warning",
            "TRIPPED (manual): venue down",
            "HALT NOT VERIFIED"
        ]
    );
    let flaky_sent = flaky_sent.lock().unwrap();
    assert!(
        flaky_sent.contains(&"HALT NOT VERIFIED".to_string()),
        "{flaky_sent:?}"
    );
    assert!(
        flaky_sent.contains(&"TRIPPED (manual): venue down".to_string()),
        "the trip notice that failed before the halt is retried after it: {flaky_sent:?}"
    );

    let pager_attempts: Vec<(String, u32, bool)> = events
        .events()
        .iter()
        .filter(|e| e.kind() == "KILL_SWITCH_NOTIFIED" && e.get("notifier") == Some("pager"))
        .map(|e| {
            (
                e.get("subject").unwrap().to_owned(),
                e.get("attempt").unwrap().parse().unwrap(),
                e.get("outcome") == Some("ok"),
            )
        })
        .collect();
    let halt = |a: u32, ok: bool| ("HALT NOT VERIFIED".to_string(), a, ok);
    assert!(
        pager_attempts.contains(&halt(1, false)),
        "{pager_attempts:?}"
    );
    assert!(
        pager_attempts.contains(&halt(2, false)),
        "{pager_attempts:?}"
    );
    assert!(
        pager_attempts.contains(&halt(3, true)),
        "{pager_attempts:?}"
    );
}
