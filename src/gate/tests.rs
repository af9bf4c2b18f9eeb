use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use super::*;
use crate::kill_switch::{KillSwitch, TripRequest};
use crate::order_guard::*;

/// A risk check allowing `limit` open reservations.
struct CountingRisk {
    open: AtomicU32,
    limit: u32,
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

fn ctx() -> OrderContext<'static> {
    OrderContext::new(0)
        .with_reference(ReferencePrice {
            price: "25000".parse().unwrap(),
            observed_at_ms: 0,
        })
        .with_open_orders(OpenOrderCounts::default(), OpenOrderCounts::default())
}

fn order(price: &str) -> Order {
    Order::limit(
        Symbol::new("BTCUSDT").unwrap(),
        Side::Buy,
        "0.01".parse().unwrap(),
        price.parse().unwrap(),
    )
}

fn gate<L: RateCheck>(switch: &KillSwitch, rate: L, capacity: usize) -> Gate<CountingRisk, L> {
    GateBuilder {
        kill_switch: switch.gate(),
        rules: Arc::new(ExchangeInfo::from_json(SAMPLE_EXCHANGE_INFO).unwrap()),
        validator: Validator::default(),
        risk: CountingRisk {
            open: AtomicU32::new(0),
            limit: 1,
        },
        rate,
        decisions: Arc::new(DecisionLog::with_capacity(capacity)),
    }
    .build()
}

#[test]
fn each_stage_rejects_with_its_reason_and_decisions_are_queued() {
    let switch = KillSwitch::builder().build();
    let g = gate(&switch, NoRateLimit, 16);
    assert!(g.check(&order("25000"), &ctx()).is_ok());
    assert!(
        matches!(g.check(&order("25000.001"), &ctx()), Err(Rejection::Order(v)) if v.len() == 1)
    );
    let risk = g.check(&order("25000"), &ctx()).unwrap_err();
    assert_eq!(risk.to_string(), "risk-limits: 1 orders open, limit 1");
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
    g.release(first);
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
    use crate::core::event::{Event, FnSink, SinkError, VecSink};
    let switch = KillSwitch::builder().build();
    let g = gate(&switch, NoRateLimit, 2);
    let a = g.check(&order("25000"), &ctx()).unwrap();
    g.release(a);
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
