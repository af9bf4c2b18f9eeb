//! Halting and flattening against the simulated exchange over real loopback
//! sockets, through a small HTTP venue adapter.

#![allow(clippy::unwrap_used)] // test helpers: a failed unwrap is a failed test

mod support;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rust_decimal::Decimal;
use support::HttpVenue;
use supreme_core::{Price, Quantity, Side};
use supreme_kill_switch::*;
use supreme_testkit::sim_exchange::SimExchange;

const SYMBOLS: [&str; 5] = ["BTCUSDT", "ETHUSDT", "BNBUSDT", "SOLUSDT", "XRPUSDT"];

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn q(s: &str) -> Quantity {
    s.parse().unwrap()
}

fn p(s: &str) -> Price {
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

fn switch_with_events() -> (KillSwitch, Arc<Mutex<Vec<Event>>>) {
    let events: Arc<Mutex<Vec<Event>>> = Arc::default();
    let sink = Arc::clone(&events);
    let s = KillSwitch::builder()
        .events(Arc::new(move |e: &Event| {
            sink.lock().unwrap().push(e.clone())
        }))
        .build();
    (s, events)
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
    let ev = events.lock().unwrap();
    let cancels = ev
        .iter()
        .filter(|e| {
            matches!(
                e,
                Event::Action {
                    action: Action::CancelAll { .. },
                    outcome: Ok(()),
                    ..
                }
            )
        })
        .count();
    assert_eq!(cancels, 5, "one cancel per symbol");
    assert!(ev.iter().any(|e| matches!(
        e,
        Event::Verified {
            state: State::Halting,
            clean: true,
            ..
        }
    )));
    assert!(ev.iter().any(|e| matches!(
        e,
        Event::StateChanged {
            to: State::Halted,
            ..
        }
    )));
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
    let ev = events.lock().unwrap();
    for e in ev.iter() {
        if let Event::Action {
            action: Action::ClosePosition { order },
            ..
        } = e
        {
            assert!(order.reduce_only);
            assert!(order.quantity <= q("1"));
            match order.side {
                Side::Sell => assert_eq!(order.limit_price, p("29850")),
                Side::Buy => assert_eq!(order.limit_price, p("2010")),
            }
        }
    }
    assert!(ev.iter().any(|e| matches!(
        e,
        Event::StateChanged {
            from: State::Halting,
            to: State::Flattening,
            ..
        }
    )));
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
    let clock = Arc::new(ManualClock::new(1_000));
    let events: Arc<Mutex<Vec<Event>>> = Arc::default();
    let sink = Arc::clone(&events);
    let switch = KillSwitch::builder()
        .clock(clock.clone())
        .events(Arc::new(move |e: &Event| {
            sink.lock().unwrap().push(e.clone())
        }))
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
    // Backoff 100 + 200 + 250 on the manual clock.
    assert_eq!(clock.now_ms(), 1_000 + 550);
    let failed = events
        .lock()
        .unwrap()
        .iter()
        .filter(|e| matches!(e, Event::Action { outcome: Err(m), .. } if m.contains("503")))
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
    assert!(events.lock().unwrap().iter().any(|e| matches!(
        e,
        Event::Verified {
            clean: false,
            open_orders: 10,
            ..
        }
    )));
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
            KillSwitchError::HaltIncomplete {
                state: State::Halting,
                attempts: 3,
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(switch.state(), State::Halting);
    assert!(!switch.gate().is_open());
    assert!(
        events
            .lock()
            .unwrap()
            .iter()
            .any(|e| matches!(e, Event::HaltIncomplete { .. }))
    );
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
    let ev = events.lock().unwrap();
    assert!(
        ev.iter()
            .any(|e| matches!(e, Event::Hook { name, outcome: Err(_) } if name == "flush"))
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
