//! Halting and flattening against the simulated exchange over real loopback
//! sockets, through a small HTTP venue adapter.

#![allow(clippy::unwrap_used)] // test helpers: a failed unwrap is a failed test

mod support;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rust_decimal::Decimal;
use support::HttpVenue;
use supreme_core::Quantity;
use supreme_core::event::{Event as CoreEvent, VecSink};
use supreme_kill_switch::*;
use supreme_testkit::sim_exchange::SimExchange;

const SYMBOLS: [&str; 5] = ["BTCUSDT", "ETHUSDT", "BNBUSDT", "SOLUSDT", "XRPUSDT"];

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn q(s: &str) -> Quantity {
    s.parse().unwrap()
}

fn seed_orders(ex: &SimExchange, n: usize) {
    for i in 0..n {
        ex.add_order(
            SYMBOLS[i % SYMBOLS.len()],
            "BUY",
            d("1"),
            Decimal::from(100 + i),
        );
    }
}

fn switch_with_events() -> (KillSwitch, Arc<VecSink>) {
    let events = Arc::new(VecSink::new());
    let s = KillSwitch::builder().events(events.clone()).build();
    (s, events)
}

/// Whether an event of `kind` has every one of `fields`.
fn has(events: &[CoreEvent], kind: &str, fields: &[(&str, &str)]) -> bool {
    events
        .iter()
        .any(|e| e.kind() == kind && fields.iter().all(|(n, v)| e.get(n) == Some(*v)))
}

#[test]
fn hundred_orders_on_five_symbols_cancelled_and_verified_within_100ms() {
    let ex = SimExchange::start().unwrap();
    seed_orders(&ex, 100);
    assert_eq!(ex.open_orders().len(), 100);
    let venue = HttpVenue::new(ex.addr());
    let (switch, events) = switch_with_events();

    let start = Instant::now();
    switch.trip(TripRequest::manual("test", "ci")).unwrap();
    let report = switch.halt(&venue, &HaltConfig::default()).unwrap();
    let elapsed = start.elapsed();

    assert_eq!(switch.state(), State::Halted);
    assert!(ex.open_orders().is_empty());
    assert_eq!(report.orders_found, 100);
    assert_eq!(report.cancel_attempts, 1);
    assert!(elapsed < Duration::from_millis(100), "took {elapsed:?}");
    let ev = events.events();
    let cancels = ev
        .iter()
        .filter(|e| {
            e.kind() == "KILL_SWITCH_ACTION"
                && e.get("action").is_some_and(|a| a.starts_with("cancel all"))
                && e.get("outcome") == Some("ok")
        })
        .count();
    assert_eq!(cancels, 5, "one cancel per symbol");
    let halting = State::Halting.to_string();
    let halted = State::Halted.to_string();
    assert!(has(
        &ev,
        "KILL_SWITCH_VERIFIED",
        &[("state", &halting), ("clean", "true")]
    ));
    assert!(has(&ev, "KILL_SWITCH_STATE", &[("to", &halted)]));
}

#[test]
fn flattening_closes_longs_and_shorts_in_chunks_within_slippage() {
    let ex = SimExchange::start().unwrap();
    seed_orders(&ex, 10);
    ex.set_position("BTCUSDT", d("2.5"), d("30000"));
    ex.set_position("ETHUSDT", d("-7"), d("2000"));
    let venue = HttpVenue::new(ex.addr());
    let (switch, events) = switch_with_events();
    switch.trip(TripRequest::manual("flatten", "ci")).unwrap();
    let config = HaltConfig {
        flatten: Some(FlattenConfig::new(50, q("1")).unwrap()),
        ..HaltConfig::default()
    };
    let report = switch.halt(&venue, &config).unwrap();
    assert_eq!(switch.state(), State::Halted);
    assert!(ex.positions().is_empty());
    assert!(ex.open_orders().is_empty());
    assert_eq!(report.positions_found, 2);
    assert_eq!(report.close_orders_sent, 3 + 7);
    let ev = events.events();
    let closes: Vec<&str> = ev
        .iter()
        .filter_map(|e| e.get("action"))
        .filter(|a| a.starts_with("close "))
        .collect();
    assert_eq!(closes.len(), 3 + 7, "{closes:?}");
    for a in closes {
        // "close SYMBOL SIDE QTY limit PRICE", reduce-only.
        let w: Vec<&str> = a.split(' ').collect();
        assert!(d(w[3]) <= d("1"), "{a}");
        match w[2] {
            "SELL" => assert_eq!(w[5], "29850", "{a}"),
            "BUY" => assert_eq!(w[5], "2010", "{a}"),
            other => panic!("{other} in {a}"),
        }
    }
    let (halting, flattening) = (State::Halting.to_string(), State::Flattening.to_string());
    assert!(has(
        &ev,
        "KILL_SWITCH_STATE",
        &[("from", &halting), ("to", &flattening)]
    ));
}

#[test]
fn thin_liquidity_takes_several_flatten_rounds() {
    let ex = SimExchange::start().unwrap();
    ex.set_position("BTCUSDT", d("3"), d("100"));
    ex.set_max_fill(Some(d("0.5")));
    let venue = HttpVenue::new(ex.addr());
    let (switch, _) = switch_with_events();
    switch.trip(TripRequest::manual("thin", "ci")).unwrap();
    let config = HaltConfig {
        retry: RetryPolicy {
            max_attempts: 10,
            initial_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_millis(2),
        },
        flatten: Some(FlattenConfig::new(10, q("1")).unwrap()),
        ..HaltConfig::default()
    };
    let report = switch.halt(&venue, &config).unwrap();
    assert!(ex.positions().is_empty());
    assert!(report.flatten_attempts >= 2, "{report:?}");
}

#[test]
fn venue_errors_are_retried_with_backoff_then_recover() {
    let ex = SimExchange::start().unwrap();
    seed_orders(&ex, 20);
    ex.fail_next(3, 503);
    let venue = HttpVenue::new(ex.addr());
    let clock = Arc::new(FakeClock::new(1_000));
    let events = Arc::new(VecSink::new());
    let switch = KillSwitch::builder()
        .clock(clock.clone())
        .events(events.clone())
        .build();
    switch.trip(TripRequest::manual("errors", "ci")).unwrap();
    let retry = RetryPolicy {
        max_attempts: 6,
        initial_backoff: Duration::from_millis(100),
        max_backoff: Duration::from_millis(250),
    };
    let report = switch
        .halt(
            &venue,
            &HaltConfig {
                retry,
                flatten: None,
                ..HaltConfig::default()
            },
        )
        .unwrap();
    assert_eq!(switch.state(), State::Halted);
    assert!(ex.open_orders().is_empty());
    assert_eq!(report.cancel_attempts, 4);
    // Backoff 100 + 200 + 250 on the fake clock.
    assert_eq!(clock.now_ms(), 1_000 + 550);
    let failed = events
        .events()
        .iter()
        .filter(|e| {
            e.kind() == "KILL_SWITCH_ACTION" && e.get("outcome").is_some_and(|m| m.contains("503"))
        })
        .count();
    assert_eq!(failed, 3);
}

#[test]
fn ignored_cancels_are_caught_by_verification() {
    let ex = SimExchange::start().unwrap();
    seed_orders(&ex, 10);
    ex.ignore_next_cancels(5);
    let venue = HttpVenue::new(ex.addr());
    let (switch, events) = switch_with_events();
    switch.trip(TripRequest::manual("ignored", "ci")).unwrap();
    let retry = RetryPolicy {
        max_attempts: 3,
        initial_backoff: Duration::from_millis(1),
        max_backoff: Duration::from_millis(1),
    };
    let report = switch
        .halt(
            &venue,
            &HaltConfig {
                retry,
                flatten: None,
                ..HaltConfig::default()
            },
        )
        .unwrap();
    assert_eq!(report.cancel_attempts, 2);
    assert!(ex.open_orders().is_empty());
    assert!(has(
        &events.events(),
        "KILL_SWITCH_VERIFIED",
        &[("clean", "false"), ("open_orders", "10")]
    ));
}

#[test]
fn persistent_failure_leaves_the_switch_halting_and_resumable() {
    let ex = SimExchange::start().unwrap();
    seed_orders(&ex, 5);
    ex.fail_next(100, 500);
    let venue = HttpVenue::new(ex.addr());
    let (switch, events) = switch_with_events();
    switch.trip(TripRequest::manual("down", "ci")).unwrap();
    let retry = RetryPolicy {
        max_attempts: 3,
        initial_backoff: Duration::from_millis(1),
        max_backoff: Duration::from_millis(1),
    };
    let err = switch
        .halt(
            &venue,
            &HaltConfig {
                retry,
                flatten: None,
                ..HaltConfig::default()
            },
        )
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::HaltIncomplete {
                state: State::Halting,
                attempts: 3,
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(switch.state(), State::Halting);
    assert!(!switch.gate().is_open());
    assert!(has(&events.events(), "KILL_SWITCH_HALT_INCOMPLETE", &[]));
    // The venue recovers; calling halt again resumes and verifies.
    ex.fail_next(0, 500);
    switch
        .halt(
            &venue,
            &HaltConfig {
                retry,
                flatten: None,
                ..HaltConfig::default()
            },
        )
        .unwrap();
    assert_eq!(switch.state(), State::Halted);
    assert!(ex.open_orders().is_empty());
}

#[test]
fn responder_runs_hooks_in_order_notifies_and_halts_on_trip() {
    let ex = SimExchange::start().unwrap();
    seed_orders(&ex, 25);
    let (switch, events) = switch_with_events();
    let order: Arc<Mutex<Vec<&str>>> = Arc::default();
    let mut responder = Responder {
        venue: Some(Arc::new(HttpVenue::new(ex.addr()))),
        ..Responder::default()
    };
    for (n, name) in [(20, "feeds"), (10, "strategies"), (30, "flush")] {
        let order = Arc::clone(&order);
        responder.hooks.add(n, name, move || {
            order.lock().unwrap().push(name);
            if name == "flush" {
                Err("disk full".to_owned())
            } else {
                Ok(())
            }
        });
    }
    let log: Arc<Mutex<Vec<u8>>> = Arc::default();
    struct Shared(Arc<Mutex<Vec<u8>>>);
    impl std::io::Write for Shared {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().write(b)
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    responder
        .notifiers
        .push(Box::new(LogNotifier::new(Box::new(Shared(Arc::clone(
            &log,
        ))))));
    let handle = responder.spawn(switch.clone()).unwrap();
    switch.trip(TripRequest::manual("respond", "ci")).unwrap();
    let report = handle.join().unwrap().unwrap();
    assert_eq!(report.orders_found, 25);
    assert!(ex.open_orders().is_empty());
    assert_eq!(*order.lock().unwrap(), ["strategies", "feeds", "flush"]);
    let log = String::from_utf8(log.lock().unwrap().clone()).unwrap();
    assert!(log.contains("TRIPPED (manual): respond"), "{log}");
    assert!(log.contains("halted, venue verified clean"), "{log}");
    assert!(
        events
            .events()
            .iter()
            .any(|e| e.kind() == "KILL_SWITCH_HOOK"
                && e.get("hook") == Some("flush")
                && e.get("outcome") != Some("ok"))
    );
}

#[test]
fn the_latch_follows_the_procedure_and_a_restart_starts_tripped_again() {
    let dir = std::env::temp_dir().join(format!("ks-halt-latch-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("latch.json");
    let ex = SimExchange::start().unwrap();
    seed_orders(&ex, 10);
    let venue = HttpVenue::new(ex.addr());
    let switch = KillSwitch::builder().latch(&path).build();
    let rec = switch.trip(TripRequest::manual("latch", "ci")).unwrap();
    switch.halt(&venue, &HaltConfig::default()).unwrap();
    match latch::read_latch(&path) {
        latch::LatchRead::Present(c) => {
            assert_eq!(c.state, State::Halted);
            assert_eq!(c.trip, Some(rec));
        }
        other => panic!("{other:?}"),
    }
    // A restart starts tripped (not halted: the venue must be verified again).
    drop(switch);
    let restarted = KillSwitch::builder().latch(&path).build();
    assert_eq!(restarted.state(), State::Tripped);
    ex.add_order("BTCUSDT", "SELL", d("1"), d("1"));
    restarted.halt(&venue, &HaltConfig::default()).unwrap();
    assert!(ex.open_orders().is_empty());
}
