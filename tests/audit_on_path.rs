//! The audit log on the order path: the gate records every decision and
//! every order it sends into the log itself, and a log whose writer fails
//! trips the kill switch (`OnWriteFailure::Halt` through
//! `KillSwitch::tripper`), so the next check is rejected.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::sync::Arc;
use std::time::{Duration, Instant};

use supreme_security::audit::danger::FaultInjector;
use supreme_security::audit::{AuditLog, OnWriteFailure, Options, SigningKey};
use supreme_security::gate::{
    DecisionLog, GateBuilder, GateOptions, NoRateLimit, NoRiskLimits, Rejection,
};
use supreme_security::kill_switch::{KillSwitch, State, Trigger};
use supreme_security::order_guard::{
    ExchangeInfo, OpenOrderCounts, Order, OrderContext, ReferencePrice, SAMPLE_EXCHANGE_INFO, Side,
    Symbol, Validator,
};

fn ctx(now: u64) -> OrderContext<'static> {
    OrderContext::new(now)
        .with_reference(ReferencePrice {
            price: "25000".parse().unwrap(),
            observed_at_ms: now,
        })
        .with_open_orders(OpenOrderCounts::default(), OpenOrderCounts::default())
}

#[test]
fn a_failing_audit_log_trips_the_switch_and_the_gate_rejects_the_next_order() {
    let dir = tempfile::tempdir().unwrap();
    let switch = KillSwitch::builder().build();
    let trip = switch.tripper(Trigger::AuditFailure, "audit log write failed", "audit-log");
    let faults = FaultInjector::new();
    let mut options = Options::new(SigningKey::generate("gate-test").unwrap().0).on_write_failure(
        OnWriteFailure::Halt(Arc::new(move |e: &supreme_security::audit::Error| trip(e))),
    );
    options.dangerous().inject_faults(faults.clone());
    let audit = Arc::new(AuditLog::open(dir.path().join("audit.log"), options).unwrap());
    let gate = GateBuilder {
        kill_switch: switch.gate(),
        rules: Arc::new(ExchangeInfo::from_json(SAMPLE_EXCHANGE_INFO).unwrap()),
        validator: Validator::default(),
        risk: NoRiskLimits,
        rate: NoRateLimit,
        decisions: Arc::new(DecisionLog::with_capacity(64)),
    }
    .build_with(GateOptions {
        events: Some(audit.clone()),
        ..GateOptions::default()
    })
    .unwrap();
    let order = Order::limit(
        Symbol::new("BTCUSDT").unwrap(),
        Side::Buy,
        "0.01".parse().unwrap(),
        "25000".parse().unwrap(),
    );
    let now = || supreme_security::core::Clock::now_ms(&supreme_security::core::SystemClock);

    // Healthy: the decision and the send are recorded by the gate.
    let (sent, ()) = gate.check(&order, &ctx(now())).unwrap().dispatch().unwrap();
    sent.not_accepted("test: not sent").unwrap();
    audit.sync().unwrap();

    // The disk fails under the next records: the log halts the switch.
    faults.fail_next(u64::MAX);
    let approval = gate.check(&order, &ctx(now())).unwrap();
    let _ = approval.dispatch(); // its records reach the failing writer
    let _ = audit.sync();
    let deadline = Instant::now() + Duration::from_secs(5);
    while switch.state() == State::Armed && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(switch.state(), State::Tripped);
    assert_eq!(switch.trip_record().unwrap().trigger, Trigger::AuditFailure);
    assert!(matches!(
        gate.check(&order, &ctx(now())),
        Err(Rejection::Halted(State::Tripped))
    ));
}
