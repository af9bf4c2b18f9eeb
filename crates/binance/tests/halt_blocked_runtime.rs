//! The halt's safety property: a stalled application runtime cannot delay
//! it. Orders rest at the simulated exchange (its server runs on threads of
//! its own), placed by the application through its guarded client on its
//! multi-thread runtime; then every worker of that runtime is stuck in a
//! busy loop (a task that ticks every 10 ms is shown not to tick), the
//! switch trips, and the halt, called from a plain thread with a venue over
//! its own guarded client, still cancels every open order within 1 s and
//! verifies clean.

#![allow(clippy::unwrap_used)] // test helpers: a failed unwrap is a failed test

mod support;

use std::hint::spin_loop;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use support::guarded::rig;
use support::{API_KEY, approve_with, gate_on, order, usdt_btc, vault};
use supreme_binance::{BinanceClient, BinanceVenue};
use supreme_kill_switch::{HaltConfig, KillSwitch, State, TripRequest};
use supreme_order_guard::{ExchangeInfo, Price, SAMPLE_EXCHANGE_INFO};
use supreme_testkit::binance::OrderStatus;

const WORKERS: usize = 2;
const ORDERS: usize = 5;

#[test]
fn a_trip_cancels_every_open_order_within_a_second_while_the_app_runtime_is_stuck() {
    let rig = rig();
    rig.sim.set_price("BTCUSDT", "25000");
    let switch = KillSwitch::builder().build();
    let gate = gate_on(&switch);

    // The application: its runtime, its client (and connection pool).
    let app = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(WORKERS)
        .enable_all()
        .build()
        .unwrap();
    let app_client = rig.client();
    app.block_on(async {
        for i in 0..ORDERS {
            let mut o = order(&format!("rest-{i}"));
            o.price = Some(Price::from_units((20_000 + i as u64) * supreme_core::ONE));
            app_client
                .place_order(approve_with(&gate, o))
                .await
                .unwrap();
        }
    });
    assert_eq!(rig.sim.open_orders().len(), ORDERS);

    // The halt's venue: its own client over its own guarded transport,
    // built outside any runtime.
    let halt_client = BinanceClient::new(
        rig.own_transport(),
        API_KEY,
        vault().signer("binance-hmac").unwrap(),
    );
    let rules = Arc::new(ExchangeInfo::from_json(SAMPLE_EXCHANGE_INFO).unwrap());
    let (usdt, btc) = usdt_btc();
    let venue = BinanceVenue::new(Arc::new(halt_client), rules, usdt, [btc]);

    // A heartbeat on the application runtime: ticks every 10 ms while the
    // runtime runs.
    let ticks = Arc::new(AtomicU64::new(0));
    let t = ticks.clone();
    app.spawn(async move {
        let mut every = tokio::time::interval(Duration::from_millis(10));
        loop {
            every.tick().await;
            t.fetch_add(1, Ordering::SeqCst);
        }
    });
    let started = Instant::now();
    while ticks.load(Ordering::SeqCst) < 3 {
        assert!(started.elapsed() < Duration::from_secs(5), "no heartbeat");
        std::thread::sleep(Duration::from_millis(5));
    }

    // Every worker stuck in a busy loop that never yields.
    let stop = Arc::new(AtomicBool::new(false));
    let spinning = Arc::new(AtomicUsize::new(0));
    for _ in 0..WORKERS {
        let (stop, spinning) = (stop.clone(), spinning.clone());
        app.spawn(async move {
            spinning.fetch_add(1, Ordering::SeqCst);
            while !stop.load(Ordering::SeqCst) {
                spin_loop();
            }
        });
    }
    while spinning.load(Ordering::SeqCst) < WORKERS {
        assert!(started.elapsed() < Duration::from_secs(5), "not stuck");
        std::thread::sleep(Duration::from_millis(1));
    }
    // Let a tick that was already being run finish, then watch.
    std::thread::sleep(Duration::from_millis(30));
    let ticks_before = ticks.load(Ordering::SeqCst);

    // Trip, and halt from this plain thread.
    let tripped = Instant::now();
    switch
        .trip(TripRequest::manual("drawdown", "blocked runtime test"))
        .unwrap();
    let report = switch.halt(&venue, &HaltConfig::default()).unwrap();
    let took = tripped.elapsed();
    let still_open = rig.sim.open_orders().len();
    let ticks_after = ticks.load(Ordering::SeqCst);
    stop.store(true, Ordering::SeqCst);

    // The application runtime really was stuck for the whole halt.
    assert_eq!(
        ticks_after, ticks_before,
        "the application runtime ticked during the halt: it was not stuck"
    );
    // Every order cancelled at the exchange within 1 s, verified clean.
    assert!(took < Duration::from_secs(1), "halt took {took:?}");
    assert_eq!(still_open, 0);
    let orders = rig.sim.orders();
    assert_eq!(orders.len(), ORDERS);
    assert!(orders.iter().all(|o| o.status == OrderStatus::Canceled));
    assert_eq!(switch.state(), State::Halted);
    assert_eq!(report.orders_found, ORDERS);
    assert_eq!(report.cancel_attempts, 1);

    // Released, the heartbeat resumes: the runtime was stuck, not dead.
    let released = Instant::now();
    while ticks.load(Ordering::SeqCst) == ticks_after {
        assert!(released.elapsed() < Duration::from_secs(5), "no heartbeat");
        std::thread::sleep(Duration::from_millis(5));
    }
    app.shutdown_timeout(Duration::from_secs(1));
}
