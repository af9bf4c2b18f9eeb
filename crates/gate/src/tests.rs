//! The gate's checks, decisions, approvals and the live-order registry.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use supreme_core::FakeClock;
use supreme_kill_switch::{KillSwitch, TripRequest};
use supreme_order_guard::*;

use crate::*;

mod dispatch;
mod registry;

/// A risk check allowing `limit` open reservations, recording fills.
pub(super) struct CountingRisk {
    pub(super) open: AtomicU32,
    pub(super) limit: u32,
    pub(super) fills: Mutex<Vec<(Quantity, Price)>>,
}

impl RiskCheck for CountingRisk {
    type Reservation = ();
    type Breach = String;

    fn reserve(&self, _: &Order, _: u64) -> Result<(), String> {
        let n = self.open.fetch_add(1, Ordering::SeqCst);
        if n >= self.limit {
            self.open.fetch_sub(1, Ordering::SeqCst);
            return Err(format!("{n} orders open, limit {}", self.limit));
        }
        Ok(())
    }

    fn fill(&self, (): &(), quantity: Quantity, price: Price) -> Result<(), String> {
        self.fills.lock().unwrap().push((quantity, price));
        Ok(())
    }

    fn release(&self, (): ()) {
        self.open.fetch_sub(1, Ordering::SeqCst);
    }
}

struct Closed;

impl RateCheck for Closed {
    type Permit = ();
    fn reserve(&self, _: u32, _: u64) -> Result<(), Duration> {
        Err(Duration::from_millis(250))
    }
}

pub(super) const T0: u64 = 1_700_000_000_000;

pub(super) fn ctx() -> OrderContext<'static> {
    OrderContext::new(T0)
        .with_reference(ReferencePrice {
            price: "25000".parse().unwrap(),
            observed_at_ms: T0,
        })
        .with_open_orders(OpenOrderCounts::default(), OpenOrderCounts::default())
}

pub(super) fn order(price: &str) -> Order {
    Order::limit(
        Symbol::new("BTCUSDT").unwrap(),
        Side::Buy,
        "0.01".parse().unwrap(),
        price.parse().unwrap(),
    )
}

pub(super) fn builder<L: RateCheck>(
    switch: &KillSwitch,
    rate: L,
    capacity: usize,
    limit: u32,
) -> GateBuilder<CountingRisk, L> {
    GateBuilder {
        kill_switch: switch.gate(),
        rules: Arc::new(ExchangeInfo::from_json(SAMPLE_EXCHANGE_INFO).unwrap()),
        validator: Validator::default(),
        risk: CountingRisk {
            open: AtomicU32::new(0),
            limit,
            fills: Mutex::new(Vec::new()),
        },
        rate,
        decisions: Arc::new(DecisionLog::with_capacity(capacity)),
    }
}

fn gate<L: RateCheck>(switch: &KillSwitch, rate: L, capacity: usize) -> Gate<CountingRisk, L> {
    builder(switch, rate, capacity, 1).build()
}

/// A gate on a fake clock at `T0` (approvals age on it), with `options`.
pub(super) fn gate_at(
    switch: &KillSwitch,
    limit: u32,
    options: GateOptions,
) -> (Gate<CountingRisk, NoRateLimit>, Arc<FakeClock>) {
    let clock = Arc::new(FakeClock::new(T0));
    let options = GateOptions {
        clock: clock.clone(),
        ..options
    };
    let gate = builder(switch, NoRateLimit, 64, limit)
        .build_with(options)
        .unwrap();
    (gate, clock)
}

#[test]
fn each_stage_rejects_with_its_reason_and_decisions_are_queued() {
    let switch = KillSwitch::builder().build();
    let g = gate(&switch, NoRateLimit, 16);
    let held = g.check(&order("25000"), &ctx()).unwrap();
    assert!(
        matches!(g.check(&order("25000.001"), &ctx()), Err(Rejection::Order(v)) if v.len() == 1)
    );
    let risk = g.check(&order("25000"), &ctx()).unwrap_err();
    assert_eq!(risk.to_string(), "risk-limits: 1 orders open, limit 1");
    drop(held);
    switch.trip(TripRequest::manual("test", "test")).unwrap();
    assert!(matches!(
        g.check(&order("25000"), &ctx()),
        Err(Rejection::Halted(_))
    ));
    let mut outcomes = Vec::new();
    assert_eq!(g.decisions().drain(|d| outcomes.push(d.outcome)), 4);
    assert_eq!(
        outcomes,
        [
            Outcome::Approved,
            Outcome::OrderRejected,
            Outcome::RiskRejected,
            Outcome::Halted
        ]
    );
}

#[test]
fn rate_limit_releases_the_risk_reservation() {
    let switch = KillSwitch::builder().build();
    let g = gate(&switch, Closed, 16);
    assert!(
        matches!(g.check(&order("25000"), &ctx()), Err(Rejection::RateLimited(w)) if w.as_millis() == 250)
    );
    assert_eq!(g.risk().open.load(Ordering::SeqCst), 0);
}

#[test]
fn a_full_decision_queue_rejects_instead_of_dropping_the_record() {
    let switch = KillSwitch::builder().build();
    let g = gate(&switch, NoRateLimit, 1);
    let first = g.check(&order("25000"), &ctx()).unwrap();
    drop(first);
    assert!(matches!(
        g.check(&order("25000"), &ctx()),
        Err(Rejection::AuditBacklog)
    ));
    assert_eq!(g.risk().open.load(Ordering::SeqCst), 0, "released");
    assert_eq!(g.unrecorded(), 1);
    assert_eq!(g.decisions().drain(|_| {}), 1);
    assert!(g.check(&order("25000"), &ctx()).is_ok());
}

#[test]
fn decisions_an_audit_sink_refuses_stay_queued_and_then_orders_are_rejected() {
    use supreme_core::event::{Event, FnSink, SinkError, VecSink};
    let switch = KillSwitch::builder().build();
    let g = gate(&switch, NoRateLimit, 2);
    let a = g.check(&order("25000"), &ctx()).unwrap();
    drop(a);
    assert!(g.check(&order("25000.001"), &ctx()).is_err());
    let full = FnSink::new(|_: &Event| Err(SinkError::new("audit log", "disk full")));
    let err = g.decisions().drain_into(&full).unwrap_err();
    assert_eq!(err.reason(), "disk full");
    assert_eq!(g.decisions().len(), 2, "nothing lost");
    assert!(matches!(
        g.check(&order("25000"), &ctx()),
        Err(Rejection::AuditBacklog)
    ));
    let audit = VecSink::new();
    assert_eq!(g.decisions().drain_into(&audit).unwrap(), 2);
    let events = audit.take();
    let kinds: Vec<_> = events.iter().map(|e| (e.kind(), e.get("guard"))).collect();
    assert_eq!(
        kinds,
        [
            ("ORDER_APPROVED", Some("gate")),
            ("ORDER_REJECTED", Some("order-guard"))
        ]
    );
    assert_eq!(events[1].get("price"), Some("25000.001"));
    assert!(g.check(&order("25000"), &ctx()).is_ok());
}

#[test]
fn a_dropped_approval_gives_its_reservation_back() {
    let switch = KillSwitch::builder().build();
    let g = gate(&switch, NoRateLimit, 16);
    let approval = g.check(&order("25000"), &ctx()).unwrap();
    assert_eq!(g.risk().open.load(Ordering::SeqCst), 1);
    assert_eq!(approval.order().price, Some("25000".parse().unwrap()));
    drop(approval);
    assert_eq!(g.risk().open.load(Ordering::SeqCst), 0);
}

#[test]
fn rejections_carry_the_rule_the_limit_and_the_observed_value() {
    let switch = KillSwitch::builder().build();
    let g = gate(&switch, NoRateLimit, 16);
    let rejected = g.check(&order("25000.001"), &ctx()).unwrap_err();
    let d = rejected.detail();
    assert_eq!(d.rule, "PRICE_NOT_ON_TICK");
    assert_eq!(
        (d.limit.as_deref(), d.observed.as_deref()),
        (Some("0.01"), Some("25000.001"))
    );
    let audit = VecSink::new();
    g.decisions().drain_into(&audit).unwrap();
    let e = &audit.events()[0];
    assert_eq!(
        (
            e.get("rule"),
            e.get("limit"),
            e.get("observed"),
            e.get("outcome")
        ),
        (
            Some("PRICE_NOT_ON_TICK"),
            Some("0.01"),
            Some("25000.001"),
            Some("ORDER_REJECTED")
        )
    );
}

use supreme_core::event::VecSink;
