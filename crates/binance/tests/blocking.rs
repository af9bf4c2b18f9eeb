//! The blocking wrappers: every entry point, called inside a current-thread
//! and a multi-thread tokio runtime (as `#[tokio::test]` and by hand),
//! refuses with `Error::InsideRuntime` naming the call, sends nothing and
//! never panics; outside any runtime each one works against the simulator.

#![allow(clippy::unwrap_used)] // test helpers: a failed unwrap is a failed test

mod support;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use support::*;
use supreme_binance::{Error, KeyPolicy, Params, Reconciled, blocking};
use supreme_kill_switch::{
    CloseOrder, FlattenConfig, HaltConfig, KillSwitch, OpenOrder, Position, RetryPolicy, State,
    TripRequest, Venue, VenueError,
};
use supreme_order_guard::{ExchangeInfo, SAMPLE_EXCHANGE_INFO, Side, Symbol};
use supreme_testkit::binance::SimBinance;

fn btc() -> Symbol {
    Symbol::new("BTCUSDT").unwrap()
}

/// One BTCUSDT holding to close; its close order goes through the blocking
/// wrapper's `place_close_order` (the only way a test gets a `CloseOrder`
/// is from a halt), recording what the call answered. The halt polls the
/// venue on its own runtime, so the blocking call refuses there; with
/// `plain_thread` set the venue makes it from a plain thread of its own,
/// outside any runtime, where it works.
struct OneHolding {
    client: blocking::BinanceClient,
    rules: ExchangeInfo,
    plain_thread: AtomicBool,
    closed: Mutex<bool>,
    answers: Mutex<Vec<Result<String, String>>>,
}

impl Venue for OneHolding {
    async fn open_orders(&self) -> Result<Vec<OpenOrder>, VenueError> {
        Ok(Vec::new())
    }

    async fn cancel_all(&self, _: &Symbol) -> Result<(), VenueError> {
        Ok(())
    }

    async fn positions(&self) -> Result<Vec<Position>, VenueError> {
        let closed = *self.closed.lock().unwrap_or_else(PoisonError::into_inner);
        Ok(if closed {
            Vec::new()
        } else {
            vec![Position {
                symbol: btc(),
                side: Side::Buy,
                quantity: "0.01".parse().unwrap(),
                mark_price: "25000".parse().unwrap(),
            }]
        })
    }

    async fn close_position(&self, order: CloseOrder) -> Result<(), VenueError> {
        let send = || self.client.place_close_order(order, &self.rules);
        let result = if self.plain_thread.load(Ordering::SeqCst) {
            std::thread::scope(|s| s.spawn(send).join().unwrap())
        } else {
            send()
        };
        let answer = match result {
            Ok(state) => {
                *self.closed.lock().unwrap() = true;
                Ok(state.status)
            }
            Err(Error::InsideRuntime { call }) => Err(format!("inside {call}")),
            Err(e) => Err(e.to_string()),
        };
        self.answers.lock().unwrap().push(answer.clone());
        answer.map(|_| ()).map_err(VenueError::new)
    }
}

struct Fixture {
    sim: SimBinance,
    _server: Arc<supreme_testkit::binance::SimServer>,
    client: blocking::BinanceClient,
    gate: TestGate,
    venue: OneHolding,
}

fn fixture() -> Fixture {
    let sim = SimBinance::with_sample();
    sim.set_balance("USDT", "100000");
    sim.set_balance("BTC", "0.5");
    sim.set_price("BTCUSDT", "25000");
    let (sim, server, client) = setup_with(sim);
    let client = blocking::BinanceClient::new(client);
    let venue = OneHolding {
        client: client.clone(),
        rules: ExchangeInfo::from_json(SAMPLE_EXCHANGE_INFO).unwrap(),
        plain_thread: AtomicBool::new(false),
        closed: Mutex::new(false),
        answers: Mutex::new(Vec::new()),
    };
    let gate = gate_on(&KillSwitch::builder().build());
    Fixture {
        sim,
        _server: server,
        client,
        gate,
        venue,
    }
}

fn halt_config() -> HaltConfig {
    HaltConfig {
        retry: RetryPolicy {
            max_attempts: 2,
            initial_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_millis(1),
        },
        flatten: Some(FlattenConfig::new(100, "10".parse().unwrap()).unwrap()),
        ..HaltConfig::default()
    }
}

fn tripped() -> KillSwitch {
    let switch = KillSwitch::builder().build();
    switch.trip(TripRequest::manual("test", "test")).unwrap();
    switch
}

/// `result` is the refusal naming `call`.
fn refused<T: std::fmt::Debug>(call: &str, result: Result<T, Error>) {
    match result {
        Err(Error::InsideRuntime { call: c }) => {
            assert_eq!(c, call);
            let text = Error::InsideRuntime { call: c }.to_string();
            assert!(text.contains("async"), "{text}");
        }
        other => panic!("{call}: {other:?}"),
    }
}

/// Every blocking entry point, called on a thread inside a runtime. `live`
/// is a live order of `f.gate` (placed through the async API).
fn every_call_refuses(f: &Fixture) {
    let c = &f.client;
    let before = f.sim.request_count();
    let live = f.gate.live_orders()[0];
    let p = Params::new();
    refused("sync_time", c.sync_time());
    refused("public", c.public("GET", "/api/v3/time", &p));
    refused("public_body", c.public_body("GET", "/api/v3/time", &p));
    refused("signed", c.signed("GET", "/api/v3/account", &p));
    refused(
        "place_order",
        c.place_order(approve_with(&f.gate, order("in-runtime"))),
    );
    refused("query_order", c.query_order(&btc(), "in-runtime"));
    refused("cancel_order", c.cancel_order(&btc(), "in-runtime"));
    refused("open_orders", c.open_orders(None));
    refused("cancel_open_orders", c.cancel_open_orders(&btc()));
    refused("balances", c.balances());
    refused("exchange_info", c.exchange_info());
    refused(
        "check_key_privileges",
        c.check_key_privileges(KeyPolicy::default()),
    );
    refused("reconcile", c.reconcile(&btc(), "in-runtime"));
    refused("reconcile_order", c.reconcile_order(&f.gate, &live));
    refused("recover", c.recover(&f.gate));
    // place_close_order: the halt hands the venue its close order, on the
    // halt's own runtime, where the blocking call refuses too.
    let switch = tripped();
    let err = switch.halt(&f.venue, &halt_config()).unwrap_err();
    assert!(
        matches!(err, supreme_kill_switch::Error::HaltIncomplete { .. }),
        "{err}"
    );
    assert_ne!(switch.state(), State::Halted, "NOT VERIFIED: fail closed");
    let answers = f.venue.answers.lock().unwrap().clone();
    assert!(!answers.is_empty());
    assert!(
        answers
            .iter()
            .all(|a| a.as_ref().unwrap_err() == "inside place_close_order"),
        "{answers:?}"
    );
    f.venue.answers.lock().unwrap().clear();
    // Nothing reached the exchange; the refused approval was never sent.
    assert_eq!(f.sim.request_count(), before);
    assert_eq!(f.sim.orders().len(), 1, "only the async API's order");
    assert_eq!(f.gate.live_orders().len(), 1);
}

/// A live order on the gate, placed through the async API.
async fn place_live(f: &Fixture) {
    let state = f
        .client
        .async_client()
        .place_order(approve_with(&f.gate, order("live-1")))
        .await
        .unwrap();
    assert_eq!(state.status, "NEW");
}

#[tokio::test(flavor = "current_thread")]
async fn inside_a_current_thread_tokio_test_every_blocking_call_refuses() {
    let f = fixture();
    place_live(&f).await;
    every_call_refuses(&f);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inside_a_multi_thread_tokio_test_every_blocking_call_refuses() {
    let f = fixture();
    place_live(&f).await;
    every_call_refuses(&f);
    // On a worker thread too, from a spawned task.
    let f = Arc::new(f);
    let g = f.clone();
    tokio::spawn(async move { every_call_refuses(&g) })
        .await
        .unwrap();
}

#[test]
fn inside_runtimes_built_by_hand_every_blocking_call_refuses() {
    let f = fixture();
    for rt in [
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap(),
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap(),
    ] {
        rt.block_on(async {
            if f.gate.live_orders().is_empty() {
                place_live(&f).await;
            }
            every_call_refuses(&f);
        });
    }
}

#[test]
fn outside_any_runtime_every_blocking_call_works_against_the_simulator() {
    let f = fixture();
    let c = &f.client;
    let p = Params::new();
    c.sync_time().unwrap();
    assert!(c.public("GET", "/api/v3/time", &p).unwrap()["serverTime"].is_u64());
    assert!(
        c.public_body("GET", "/api/v3/time", &p)
            .unwrap()
            .contains("serverTime")
    );
    assert!(c.signed("GET", "/api/v3/account", &p).unwrap()["balances"].is_array());
    let placed = c.place_order(approve_with(&f.gate, order("b-1"))).unwrap();
    assert_eq!(placed.status, "NEW");
    assert!(c.query_order(&btc(), "b-1").unwrap().unwrap().is_open());
    assert_eq!(c.open_orders(None).unwrap().len(), 1);
    let live = f.gate.live_orders()[0];
    assert!(matches!(
        c.reconcile_order(&f.gate, &live).unwrap(),
        Reconciled::Found(_)
    ));
    assert!(matches!(
        c.reconcile(&btc(), "b-1").unwrap(),
        Reconciled::Found(_)
    ));
    assert_eq!(c.cancel_order(&btc(), "b-1").unwrap().status, "CANCELED");
    c.place_order(approve_with(&f.gate, order("b-2"))).unwrap();
    assert_eq!(c.cancel_open_orders(&btc()).unwrap(), 1);
    assert_eq!(c.balances().unwrap().len(), 2);
    assert!(c.exchange_info().unwrap().symbol(&btc()).is_some());
    c.check_key_privileges(KeyPolicy::default()).unwrap();
    assert_eq!(c.recover(&f.gate).unwrap(), Default::default());
    assert!(c.usage().used_weight_1m.is_some());
    // place_close_order, from a plain thread the venue starts (outside any
    // runtime; the halt's own thread runs the halt's runtime).
    f.venue.plain_thread.store(true, Ordering::SeqCst);
    let switch = tripped();
    switch.halt(&f.venue, &halt_config()).unwrap();
    assert_eq!(switch.state(), State::Halted);
    let answers = f.venue.answers.lock().unwrap().clone();
    assert_eq!(answers.len(), 1, "{answers:?}");
    assert!(answers[0].is_ok(), "{answers:?}");
    assert!(
        f.sim
            .orders()
            .iter()
            .any(|o| o.order.side == Side::Sell && o.order.symbol.as_str() == "BTCUSDT")
    );
}
