//! The kill switch's halt through `BinanceVenue` against the simulator with
//! faults injected at exactly the step under test: every venue error leaves
//! the halt NOT VERIFIED, a holding above maxQty is closed in chunks, and
//! only the assets the bot trades are sold.

#![allow(clippy::unwrap_used)] // test helpers: a failed unwrap is a failed test

mod support;

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use support::*;
use supreme_binance::{BinanceVenue, blocking};
use supreme_kill_switch::{FlattenConfig, HaltConfig, KillSwitch, RetryPolicy, State, TripRequest};
use supreme_order_guard::{ONE, SAMPLE_EXCHANGE_INFO};
use supreme_testkit::binance::{RouteFault, SimBinance, SimServer};

/// The sample rules with BTCUSDT's LOT_SIZE maxQty cut to 1 BTC, and a
/// BNBUSDT market so the fee asset could be sold (and must not be).
fn rules_json() -> String {
    let mut info: Value = serde_json::from_str(SAMPLE_EXCHANGE_INFO).unwrap();
    let symbols = info["symbols"].as_array_mut().unwrap();
    let btc = symbols
        .iter_mut()
        .find(|s| s["symbol"] == "BTCUSDT")
        .unwrap();
    for f in btc["filters"].as_array_mut().unwrap() {
        if f["filterType"] == "LOT_SIZE" {
            f["maxQty"] = "1.00000000".into();
        }
    }
    let mut bnb = btc.clone();
    bnb["symbol"] = "BNBUSDT".into();
    bnb["baseAsset"] = "BNB".into();
    symbols.push(bnb);
    info.to_string()
}

fn venue_setup(btc: &str) -> (SimBinance, BinanceVenue, Arc<SimServer>) {
    let sim = SimBinance::from_exchange_info(&rules_json()).unwrap();
    sim.set_price("BTCUSDT", "25000");
    sim.set_price("BNBUSDT", "300");
    sim.set_balance("USDT", "100000");
    sim.set_balance("BTC", btc);
    sim.set_balance("BNB", "1.5");
    let (sim, server, client) = setup_with(sim);
    // The rules through the blocking wrapper (this test is outside any
    // runtime); the venue takes the async client.
    let client = blocking::BinanceClient::new(client);
    let rules = Arc::new(client.exchange_info().unwrap());
    let (usdt, btc) = usdt_btc();
    let venue = BinanceVenue::new(client.async_client().clone(), rules, usdt, [btc]);
    (sim, venue, server)
}

fn config() -> HaltConfig {
    HaltConfig {
        retry: RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_millis(1),
        },
        flatten: Some(FlattenConfig::new(100, "10".parse().unwrap()).unwrap()),
        ..HaltConfig::default()
    }
}

fn tripped() -> KillSwitch {
    let switch = KillSwitch::builder().build();
    switch
        .trip(TripRequest::manual("drawdown", "test"))
        .unwrap();
    switch
}

fn total(sim: &SimBinance, asset: &str) -> u64 {
    let b = sim.balance(asset);
    b.free + b.locked
}

#[test]
fn holding_three_times_max_qty_is_closed_in_chunks_and_the_fee_asset_is_left() {
    let (sim, venue, _server) = venue_setup("3.000001");
    let switch = tripped();
    let report = switch.halt(&venue, &config()).unwrap();
    assert_eq!(switch.state(), State::Halted);
    // 3 BTC sold in orders of at most maxQty 1; the 0.000001 below the step
    // is dust, reported with its amount.
    assert_eq!(total(&sim, "BTC"), 100);
    let sells: Vec<u64> = sim
        .orders()
        .iter()
        .filter(|o| o.order.symbol.as_str() == "BTCUSDT")
        .map(|o| o.order.quantity.unwrap().units())
        .collect();
    assert!(sells.len() >= 3, "{sells:?}");
    assert!(
        sells.iter().all(|&q| q <= ONE),
        "each chunk within maxQty: {sells:?}"
    );
    // BNB trades against USDT here, but the bot does not trade it.
    assert_eq!(total(&sim, "BNB"), 150_000_000);
    let left: Vec<(&str, String, &str)> = report
        .left
        .iter()
        .map(|h| (h.asset.as_str(), h.quantity.to_string(), h.reason.as_str()))
        .collect();
    assert!(
        left.contains(&("BNB", "1.5".into(), "not traded by the bot")),
        "{left:?}"
    );
    assert!(
        left.iter()
            .any(|(a, q, why)| *a == "BTC" && q == "0.000001" && why.contains("minQty")),
        "{left:?}"
    );
}

#[test]
fn ticker_error_while_closing_leaves_the_halt_not_verified() {
    let (sim, venue, _server) = venue_setup("0.5");
    // The first ticker call (the mark) answers; every later one fails.
    sim.fail_route(RouteFault::always("GET", "/api/v3/ticker/price", 500).after(1));
    let switch = tripped();
    let err = switch.halt(&venue, &config()).unwrap_err();
    assert!(
        matches!(err, supreme_kill_switch::Error::HaltIncomplete { .. }),
        "{err}"
    );
    assert_ne!(switch.state(), State::Halted, "the gate stays closed");
    assert_eq!(total(&sim, "BTC"), 50_000_000, "nothing was sold");
}

#[test]
fn open_orders_error_while_closing_leaves_the_halt_not_verified() {
    let (sim, venue, _server) = venue_setup("0.5");
    // The cancel phase's two listings answer; every later one fails.
    sim.fail_route(RouteFault::always("GET", "/api/v3/openOrders", 500).after(2));
    let switch = tripped();
    let err = switch.halt(&venue, &config()).unwrap_err();
    assert!(
        matches!(err, supreme_kill_switch::Error::HaltIncomplete { .. }),
        "{err}"
    );
    assert_ne!(switch.state(), State::Halted);
    assert_eq!(total(&sim, "BTC"), 50_000_000);
    // Once the exchange answers again, calling halt resumes and verifies.
    sim.clear_route_faults();
    switch.halt(&venue, &config()).unwrap();
    assert_eq!(switch.state(), State::Halted);
    assert_eq!(total(&sim, "BTC"), 0);
}

#[test]
fn flatten_at_a_mark_whose_slippage_bound_needs_ten_decimals_is_sent_not_refused() {
    // 25000.12345678 × (1 − 1 %) = 24750.1222222122: ten decimals. The old
    // kill switch planned that bound as a Decimal and the venue refused it as
    // "not an exchange amount", so the halt could never close the position.
    let (sim, venue, _server) = venue_setup("0.5");
    sim.set_price("BTCUSDT", "25000.12345678");
    let switch = tripped();
    let report = switch.halt(&venue, &config()).unwrap();
    assert_eq!(switch.state(), State::Halted);
    assert_eq!(total(&sim, "BTC"), 0, "{report:?}");
    let sold: Vec<String> = sim
        .orders()
        .iter()
        .filter(|o| o.order.symbol.as_str() == "BTCUSDT")
        .map(|o| o.order.price.unwrap().to_string())
        .collect();
    // The sell's floor, rounded up to the tick: never below mark × 99 %.
    assert_eq!(sold, ["24750.13"]);
}

#[test]
fn a_halt_called_inside_a_tokio_runtime_runs_on_its_own_thread_and_verifies() {
    for rt in [
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap(),
        tokio::runtime::Builder::new_multi_thread().build().unwrap(),
    ] {
        let (sim, venue, _server) = venue_setup("0.5");
        let switch = tripped();
        // From inside the caller's runtime the halt never blocks on it: it
        // runs on a thread and runtime of its own and is joined.
        let report = rt
            .block_on(async { switch.halt(&venue, &config()) })
            .unwrap();
        assert_eq!(switch.state(), State::Halted);
        assert_eq!(report.close_orders_sent, 1);
        assert_eq!(total(&sim, "BTC"), 0);
    }
}
