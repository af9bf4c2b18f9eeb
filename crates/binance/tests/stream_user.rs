//! User data through the simulator's WebSocket API, through net-guard and
//! signed by the vault: executionReports settle the gate's live orders; a
//! fill seen by the REST answer and by the stream is applied once, in
//! either order; every gap closes the gate until REST reconciliation ends,
//! and no fill is missed across five forced disconnects.

#![allow(clippy::unwrap_used)]

mod stream_support;
mod support;

use std::sync::Arc;
use std::time::Duration;

use stream_support::{fast, rig, until};
use supreme_binance::stream::{StreamStats, UserStream};
use supreme_core::event::VecSink;
use supreme_gate::{
    DecisionLog, Gate, GateBuilder, GateOptions, NoRateLimit, NoRiskLimits, Rejection,
};
use supreme_kill_switch::KillSwitch;
use supreme_order_guard::{
    ClientOrderId, ExchangeInfo, Order, SAMPLE_EXCHANGE_INFO, Side, Symbol, Validator,
};
use supreme_testkit::binance::Faults;
use supreme_testkit::ws_sim::WsConfig;

type G = Gate<NoRiskLimits, NoRateLimit>;

fn gate(switch: &KillSwitch, events: Arc<VecSink>) -> G {
    GateBuilder {
        kill_switch: switch.gate(),
        rules: Arc::new(ExchangeInfo::from_json(SAMPLE_EXCHANGE_INFO).unwrap()),
        validator: Validator::default(),
        risk: NoRiskLimits,
        rate: NoRateLimit,
        decisions: Arc::new(DecisionLog::with_capacity(1 << 12)),
    }
    .build_with(GateOptions {
        events: Some(events),
        ..GateOptions::default()
    })
    .unwrap()
}

fn buy(id: &str, price: &str) -> Order {
    Order::limit(
        Symbol::new("BTCUSDT").unwrap(),
        Side::Buy,
        "0.01".parse().unwrap(),
        price.parse().unwrap(),
    )
    .with_client_order_id(ClientOrderId::new(id).unwrap())
}

/// Sum of the quantities the gate committed as filled for `id`.
fn filled(events: &VecSink, id: &str) -> String {
    let total: u64 = events
        .events()
        .iter()
        .filter(|e| e.kind() == "ORDER_FILLED" && e.get("client_order_id") == Some(id))
        .map(|e| {
            e.get("filled")
                .unwrap()
                .parse::<supreme_order_guard::Quantity>()
                .unwrap()
                .units()
        })
        .sum();
    supreme_order_guard::Quantity::from_units(total).to_string()
}

fn not_reconciled(gate: &G) -> bool {
    let r = support::try_approve(gate, buy("probe-order", "20000"));
    matches!(r, Err(Rejection::NotReconciled { .. }))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reports_settle_live_orders_and_each_fill_is_applied_once() {
    let rig = rig(WsConfig::default());
    let switch = KillSwitch::builder().build();
    let events = Arc::new(VecSink::new());
    let gate = gate(&switch, events.clone());
    let rest = Arc::new(rig.rest());
    let user = UserStream::new(
        rig.client.clone(),
        rig.api_url(),
        rest.clone(),
        gate.clone(),
    )
    .config(fast());
    let state = user.state();
    assert!(
        not_reconciled(&gate),
        "closed until subscribed and reconciled"
    );
    let _task = user.spawn();
    until(|| gate.is_reconciled()).await;
    assert_eq!(rig.ws.user_subscriptions(), 1);

    // A resting order: the REST answer says NEW; the fill comes only by stream.
    rest.place_order(support::approve_with(
        &gate,
        buy("rest-then-stream", "24000"),
    ))
    .await
    .unwrap();
    assert!(
        gate.live_order(&ClientOrderId::new("rest-then-stream").unwrap())
            .is_some()
    );
    rig.ws.price("BTCUSDT", "23900");
    until(|| gate.live_orders().is_empty()).await;
    assert_eq!(filled(&events, "rest-then-stream"), "0.01");

    // Filled at once: the REST answer and then the stream both say so.
    rig.ws.price("BTCUSDT", "25000");
    rest.place_order(support::approve_with(&gate, buy("both-ways", "25000")))
        .await
        .unwrap();
    until(|| StreamStats::get(&state.stats.frames) >= 6).await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(filled(&events, "both-ways"), "0.01", "applied once");

    // The stream first: the REST answer is held back 300 ms, the stream's
    // fill waits for it (the reservation travels with the answer).
    rig.sim.set_faults(Faults {
        latency: Duration::from_millis(300),
        ..Faults::default()
    });
    let before = state.fills.len();
    rest.place_order(support::approve_with(&gate, buy("stream-first", "25000")))
        .await
        .unwrap();
    rig.sim.set_faults(Faults::default());
    until(|| state.fills.len() > before).await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(filled(&events, "stream-first"), "0.01", "applied once");
    assert!(gate.live_orders().is_empty());
    assert_eq!(StreamStats::get(&state.stats.bad_frames), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn orders_during_a_reconnect_are_refused_and_no_fill_is_missed() {
    let rig = rig(WsConfig::default());
    let switch = KillSwitch::builder().build();
    let events = Arc::new(VecSink::new());
    let gate = gate(&switch, events.clone());
    let rest = Arc::new(rig.rest());
    let user = UserStream::new(
        rig.client.clone(),
        rig.api_url(),
        rest.clone(),
        gate.clone(),
    )
    .config(fast());
    let state = user.state();
    let _task = user.spawn();
    until(|| gate.is_reconciled()).await;
    for round in 0..5u64 {
        let id = format!("gap-order-{round}");
        rig.ws.price("BTCUSDT", "25000");
        rest.place_order(support::approve_with(&gate, buy(&id, "24000")))
            .await
            .unwrap();
        // REST slow, so the reconciliation after the gap takes a while.
        rig.sim.set_faults(Faults {
            latency: Duration::from_millis(150),
            ..Faults::default()
        });
        rig.ws.drop_connections();
        until(|| StreamStats::get(&state.stats.disconnects) > round).await;
        // The fill happens in the gap: its event reaches no subscriber.
        rig.sim.set_price("BTCUSDT", "23900");
        assert!(
            not_reconciled(&gate),
            "round {round}: an order during the reconnect is refused"
        );
        until(|| gate.is_reconciled()).await;
        rig.sim.set_faults(Faults::default());
        assert!(!not_reconciled(&gate), "open again after reconciliation");
        assert_eq!(
            filled(&events, &id),
            "0.01",
            "round {round}: the gap's fill was reconciled"
        );
        assert!(gate.live_orders().is_empty());
    }
    assert_eq!(StreamStats::get(&state.stats.connects), 6);
    assert!(
        state
            .reconciliations
            .load(std::sync::atomic::Ordering::Relaxed)
            >= 6
    );
}
