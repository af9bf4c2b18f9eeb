//! Market data over the simulator's websocket, through net-guard: each
//! update is the reference price order-guard checks against and the risk
//! book's mark; a stale symbol rejects orders and trips the kill switch's
//! stale-data trigger; a malformed frame is counted and skipped; dropped
//! connections and the lifetime cut are reconnected.

#![allow(clippy::unwrap_used)]

mod stream_support;
mod support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use stream_support::{fast, rig, until};
use supreme_binance::stream::{MarketFeed, MarketStream, StreamStats, market_url};
use supreme_core::{Clock, Price, Symbol, SystemClock};
use supreme_gate::Rejection;
use supreme_kill_switch::{KillSwitch, State, triggers::StaleDataTrigger};
use supreme_order_guard::{
    OpenOrderCounts, Order, OrderContext, Policy, Quantity, Side, Validator, Violation,
};
use supreme_testkit::ws_sim::WsConfig;

const MAX_AGE: Duration = Duration::from_millis(300);

fn btc() -> Symbol {
    Symbol::new("BTCUSDT").unwrap()
}

/// A gate whose order-guard allows a reference at most `MAX_AGE` old.
fn gate(switch: &KillSwitch) -> support::TestGate {
    let policy = Policy {
        max_reference_age_ms: u64::try_from(MAX_AGE.as_millis()).unwrap(),
        ..Policy::default()
    };
    supreme_gate::GateBuilder {
        kill_switch: switch.gate(),
        rules: Arc::new(
            supreme_order_guard::ExchangeInfo::from_json(supreme_order_guard::SAMPLE_EXCHANGE_INFO)
                .unwrap(),
        ),
        validator: Validator::new(policy),
        risk: supreme_gate::NoRiskLimits,
        rate: supreme_gate::NoRateLimit,
        decisions: Arc::new(supreme_gate::DecisionLog::with_capacity(1 << 10)),
    }
    .build()
}

fn check(
    gate: &support::TestGate,
    feed: &MarketFeed,
) -> Result<(), Rejection<std::convert::Infallible>> {
    let order = Order::limit(
        btc(),
        Side::Buy,
        "0.01".parse().unwrap(),
        "25000".parse().unwrap(),
    );
    let mut ctx = OrderContext::new(SystemClock.now_ms())
        .with_open_orders(OpenOrderCounts::default(), OpenOrderCounts::default())
        .with_base_position(Quantity::ZERO);
    if let Some(r) = feed.reference(&btc()) {
        ctx = ctx.with_reference(r);
    }
    gate.decisions().drain(|_| {});
    gate.check(&order, &ctx).map(drop)
}

fn stale(r: &Result<(), Rejection<std::convert::Infallible>>) -> bool {
    matches!(r, Err(Rejection::Order(v)) if v.iter().any(|v| matches!(v, Violation::ReferencePriceStale { .. } | Violation::ReferencePriceMissing)))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn updates_are_references_and_marks_and_a_stale_symbol_is_refused() {
    let rig = rig(WsConfig::default());
    let switch = KillSwitch::builder().build();
    let trigger = Arc::new(StaleDataTrigger::new(switch.clone(), MAX_AGE));
    let marks: Arc<Mutex<Vec<(Symbol, Price)>>> = Arc::default();
    let m = marks.clone();
    let feed = Arc::new(
        MarketFeed::new(Arc::new(SystemClock), MAX_AGE)
            .on_mark(Arc::new(move |s, p| m.lock().unwrap().push((s, p))))
            .stale_trigger(trigger.clone()),
    );
    feed.watch(btc());
    let gate = gate(&switch);
    assert!(stale(&check(&gate, &feed)), "no data yet: refused");

    let stream = MarketStream::new(
        rig.client.clone(),
        market_url(&rig.stream_base(), &[btc()]),
        feed.clone(),
    )
    .config(fast());
    let stats = stream.stats();
    let _task = stream.spawn();
    until(|| rig.ws.connections() == 1).await;
    rig.ws.price("BTCUSDT", "25100");
    until(|| feed.reference(&btc()).map(|r| r.price) == Some("25100".parse().unwrap())).await;
    assert!(!feed.is_stale(&btc()));
    let passed = check(&gate, &feed);
    assert!(passed.is_ok(), "{passed:?}");
    assert!(
        marks
            .lock()
            .unwrap()
            .contains(&(btc(), "25100".parse().unwrap()))
    );
    assert_eq!(trigger.check(), None);

    // A malformed frame and an unknown one: counted, skipped, still connected.
    rig.ws
        .send_raw("{\"stream\":\"btcusdt@trade\",\"data\":{\"e\":\"trade\"");
    rig.ws.send_raw(r#"{"e":"somethingNew","E":1}"#);
    rig.ws.book_ticker("BTCUSDT", "25200", "1", "25202", "1");
    until(|| feed.reference(&btc()).map(|r| r.price) == Some("25201".parse().unwrap())).await;
    assert_eq!(feed.malformed_frames(), 1);
    assert_eq!(feed.unknown_frames(), 1);
    assert_eq!(StreamStats::get(&stats.connects), 1);

    // Silence: the symbol goes stale; orders on it are refused, the trigger trips.
    tokio::time::sleep(MAX_AGE + Duration::from_millis(50)).await;
    assert!(feed.is_stale(&btc()));
    assert_eq!(feed.stale_symbols(), vec![btc()]);
    assert!(stale(&check(&gate, &feed)), "stale reference: refused");
    assert!(trigger.check().is_some());
    assert_eq!(switch.state(), State::Tripped);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropped_and_expired_connections_are_reconnected() {
    let rig = rig(WsConfig {
        lifetime: Duration::from_millis(250),
        ..WsConfig::default()
    });
    let feed = Arc::new(MarketFeed::new(
        Arc::new(SystemClock),
        Duration::from_secs(5),
    ));
    let stream = MarketStream::new(
        rig.client.clone(),
        market_url(&rig.stream_base(), &[btc()]),
        feed.clone(),
    )
    .config(fast());
    let stats = stream.stats();
    let _task = stream.spawn();
    until(|| rig.ws.accepted() >= 3).await; // two lifetime cuts
    rig.ws.drop_connections();
    until(|| rig.ws.accepted() >= 4).await;
    until(|| rig.ws.connections() == 1).await;
    rig.ws.trade("BTCUSDT", "26000", "0.1");
    until(|| feed.reference(&btc()).map(|r| r.price) == Some("26000".parse().unwrap())).await;
    assert!(StreamStats::get(&stats.disconnects) >= 3);
}

#[tokio::test]
async fn a_stream_off_the_allowlist_or_unpinned_is_refused_and_stops() {
    let rig = rig(WsConfig::default());
    let feed = Arc::new(MarketFeed::new(
        Arc::new(SystemClock),
        Duration::from_secs(5),
    ));
    let url = format!(
        "wss://stream.elsewhere.test:{}/stream?streams=btcusdt@trade",
        rig.ws.addr().port()
    );
    let err = MarketStream::new(rig.client.clone(), url, feed.clone())
        .run()
        .await;
    assert!(
        matches!(
            err,
            supreme_binance::Error::StreamRefused(supreme_net_guard::Error::HostNotAllowed { .. })
        ),
        "{err}"
    );
    let plain = format!(
        "ws://{}:{}/ws/btcusdt@trade",
        stream_support::STREAM,
        rig.ws.addr().port()
    );
    let err = MarketStream::new(rig.client.clone(), plain, feed)
        .run()
        .await;
    assert!(
        matches!(
            err,
            supreme_binance::Error::StreamRefused(supreme_net_guard::Error::SchemeNotHttps { .. })
        ),
        "{err}"
    );
    assert_eq!(rig.ws.accepted(), 0);
}
