//! `Guard` built from examples/guarded_bot.toml against the simulator:
//! it trades, restarts from its state, refuses to start without its risk
//! state, starts tripped without its latch, and halts at the file's
//! drawdown.

#![allow(clippy::unwrap_used)]

mod support;

use support::sim::{Rig, context};
use supreme_audit::{VerifyOptions, verify_log};
use supreme_core::{ClientOrderId, Side, Symbol};
use supreme_gate::Rejection;
use supreme_guard::{Error, Guard};
use supreme_kill_switch::State;
use supreme_order_guard::Order;

fn btc() -> Symbol {
    Symbol::new("BTCUSDT").unwrap()
}

fn order(side: Side, qty: &str, price: &str, id: &str) -> Order {
    Order::limit(btc(), side, qty.parse().unwrap(), price.parse().unwrap())
        .with_client_order_id(ClientOrderId::new(id).unwrap())
}

async fn buy(guard: &Guard, qty: &str, price: &str, id: &str) -> String {
    let approval = guard
        .gate()
        .check(&order(Side::Buy, qty, price, id), &context("25000"))
        .unwrap();
    let state = guard.client().place_order(approval).await.unwrap();
    state.status.to_string()
}

fn start_error(result: Result<Guard, supreme_guard::Errors>) -> (&'static str, String) {
    let errors = result.unwrap_err();
    match errors.iter().next().unwrap() {
        Error::Start { part, source } => (part, source.to_string()),
        other => panic!("not a start error: {other}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn first_run_trades_closes_with_an_anchor_and_restarts_from_its_state() {
    let rig = Rig::new(|t| t);
    let guard = rig.first_run().await;
    assert_eq!(guard.switch().state(), State::Armed);
    assert_eq!(buy(&guard, "0.1", "25000", "g-1").await, "FILLED");
    assert_eq!(buy(&guard, "0.1", "24000", "g-2").await, "NEW");
    assert_eq!(
        rig.sim.orders().len(),
        2,
        "each order reached the exchange once"
    );
    let key = guard.audit_key().clone();
    let checkpoint = guard.shutdown().unwrap();
    let anchor = rig.path("audit/security.log.checkpoint");
    assert_eq!(
        std::fs::read_to_string(&anchor).unwrap(),
        checkpoint.to_text()
    );
    let report = verify_log(
        &rig.path("audit/security.log"),
        &VerifyOptions {
            public_key: Some(key),
            anchor: Some(checkpoint),
            ..Default::default()
        },
    )
    .unwrap();
    assert!(report.is_intact(), "{report}");

    // A restart restores the risk state and the armed latch, and settles the
    // resting order with the exchange before the gate opens.
    let again = rig.builder().start().await.unwrap();
    assert_eq!(again.switch().state(), State::Armed);
    assert!(
        again
            .gate()
            .check(&order(Side::Buy, "0.01", "25000", "g-3"), &context("25000"))
            .is_ok()
    );
}

#[tokio::test(flavor = "current_thread")]
async fn a_later_run_without_its_risk_state_refuses_to_start() {
    let rig = Rig::new(|t| t);
    rig.first_run().await.shutdown().unwrap();
    std::fs::remove_file(rig.path("risk.state")).unwrap();
    let (part, why) = start_error(rig.builder().start().await);
    assert_eq!(part, "risk state");
    assert!(why.contains("missing"), "{why}");
}

#[tokio::test(flavor = "current_thread")]
async fn a_tampered_risk_state_refuses_to_start() {
    let rig = Rig::new(|t| t);
    rig.first_run().await.shutdown().unwrap();
    let path = rig.path("risk.state");
    let mut bytes = std::fs::read(&path).unwrap();
    let last = bytes.len() - 2;
    bytes[last] ^= 0x01;
    std::fs::write(&path, bytes).unwrap();
    let (part, _) = start_error(rig.builder().start().await);
    assert_eq!(part, "risk state");
}

#[tokio::test(flavor = "current_thread")]
async fn a_deleted_latch_starts_the_guard_tripped() {
    let rig = Rig::new(|t| t);
    rig.first_run().await.shutdown().unwrap();
    std::fs::remove_file(rig.path("kill-switch.latch")).unwrap();
    let guard = rig.builder().start().await.unwrap();
    assert_eq!(guard.switch().state(), State::Tripped);
    let refused = guard
        .gate()
        .check(&order(Side::Buy, "0.01", "25000", "g-9"), &context("25000"));
    assert!(matches!(refused, Err(Rejection::Halted(_))));
    // Dropped without waiting for the halt: the drop waits for it, on the
    // halt's own runtime (not this one, which the drop blocks).
    let started = std::time::Instant::now();
    drop(guard);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test(flavor = "current_thread")]
async fn a_second_first_run_is_refused() {
    let rig = Rig::new(|t| t);
    rig.first_run().await.shutdown().unwrap();
    let (part, _) = start_error(rig.builder().first_run(rig.init()).start().await);
    assert_eq!(part, "kill switch");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_files_drawdown_trips_and_the_responder_halts_the_venue() {
    let rig = Rig::new(|t| t);
    let guard = rig.first_run().await;
    assert_eq!(buy(&guard, "0.6", "25000", "d-1").await, "FILLED");
    let ask = order(Side::Sell, "0.05", "26000", "d-2");
    let approval = guard.gate().check(&ask, &context("25000")).unwrap();
    let resting = guard.client().place_order(approval).await.unwrap();
    assert_eq!(resting.status.to_string(), "NEW");
    // 0.6 BTC falling from 25,000: 1.8 % of 100,000 at 22,000 (under the
    // file's 2 %), 2.4 % at 21,000.
    for (price, trips) in [("22000", false), ("21000", true)] {
        rig.sim.set_price("BTCUSDT", price);
        guard
            .gate()
            .risk()
            .set_mark(btc(), price.parse().unwrap())
            .unwrap();
        assert_eq!(guard.switch().trip_record().is_some(), trips, "at {price}");
    }
    let report = guard.halted().await.unwrap().unwrap();
    assert_eq!(report.orders_found, 1);
    assert!(rig.sim.open_orders().is_empty());
    assert_eq!(rig.sim.balance("BTC").free, 0);
    assert_eq!(guard.switch().state(), State::Halted);
}
