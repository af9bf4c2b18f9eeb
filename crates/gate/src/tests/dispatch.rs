//! Sending: stale approvals, trips, ids, duplicates, refusals, the journal.

use std::os::unix::fs::PermissionsExt;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use supreme_core::event::{Event, FnSink, SinkError, VecSink};
use supreme_kill_switch::{KillSwitch, TripRequest};
use supreme_order_guard::{ClientOrderId, Quantity};

use super::{ctx, gate_at, order};
use crate::*;

fn id(s: &str) -> ClientOrderId {
    ClientOrderId::new(s).unwrap()
}

#[test]
fn an_approval_older_than_allowed_is_refused_at_send_and_released() {
    let switch = KillSwitch::builder().build();
    let (g, clock) = gate_at(&switch, 1, GateOptions::default());
    let approval = g.check(&order("25000"), &ctx()).unwrap();
    clock.advance(Duration::from_millis(5_001));
    match approval.dispatch() {
        Err(SendRefused::Stale { age_ms, max_ms }) => assert_eq!((age_ms, max_ms), (5_001, 5_000)),
        other => panic!("{other:?}"),
    }
    assert_eq!(g.risk().open.load(Ordering::SeqCst), 0, "released");
    assert!(g.live_orders().is_empty());
    // Exactly at the limit it still goes.
    let (g, clock) = gate_at(&switch, 1, GateOptions::default());
    let approval = g.check(&order("25000"), &ctx()).unwrap();
    clock.advance(Duration::from_millis(5_000));
    let (sent, ()) = approval.dispatch().unwrap();
    sent.not_accepted("test").unwrap();
}

#[test]
fn a_trip_after_the_approval_refuses_the_send() {
    let switch = KillSwitch::builder().build();
    let (g, _) = gate_at(&switch, 1, GateOptions::default());
    let approval = g.check(&order("25000"), &ctx()).unwrap();
    switch.trip(TripRequest::manual("test", "test")).unwrap();
    assert!(matches!(approval.dispatch(), Err(SendRefused::Halted(_))));
    assert_eq!(g.risk().open.load(Ordering::SeqCst), 0);
}

#[test]
fn an_order_without_a_client_order_id_gets_one_and_a_live_id_is_not_sent_twice() {
    let switch = KillSwitch::builder().build();
    let (g, _) = gate_at(&switch, 3, GateOptions::default());
    let (sent, ()) = g
        .check(&order("25000"), &ctx())
        .unwrap()
        .dispatch()
        .unwrap();
    assert!(sent.client_order_id().as_str().starts_with("sup-"));
    assert_eq!(sent.order().client_order_id, Some(sent.client_order_id()));

    let named = order("25000").with_client_order_id(id("bot-1"));
    let (first, ()) = g.check(&named, &ctx()).unwrap().dispatch().unwrap();
    let again = g.check(&named, &ctx()).unwrap().dispatch();
    assert!(matches!(again, Err(SendRefused::DuplicateLive(i)) if i == id("bot-1")));
    assert_eq!(
        g.risk().open.load(Ordering::SeqCst),
        2,
        "the duplicate was released"
    );
    first.not_accepted("test").unwrap();
    sent.not_accepted("test").unwrap();
    assert_eq!(g.risk().open.load(Ordering::SeqCst), 0);
}

#[test]
fn a_dispatch_dropped_without_an_answer_is_held_as_unknown_never_released() {
    let switch = KillSwitch::builder().build();
    let (g, _) = gate_at(&switch, 1, GateOptions::default());
    let named = order("25000").with_client_order_id(id("lost-1"));
    let (sent, ()) = g.check(&named, &ctx()).unwrap().dispatch().unwrap();
    drop(sent);
    let live = g.live_orders();
    assert_eq!(live.len(), 1);
    assert_eq!(live[0].status, LiveStatus::Unknown);
    assert_eq!(
        g.risk().open.load(Ordering::SeqCst),
        1,
        "held until reconciled"
    );
    g.not_found(&id("lost-1")).unwrap();
    assert_eq!(g.risk().open.load(Ordering::SeqCst), 0);
    assert!(g.live_orders().is_empty());
}

#[test]
fn a_sink_that_refuses_the_send_record_stops_the_send() {
    let switch = KillSwitch::builder().build();
    let refuse = Arc::new(FnSink::new(|e: &Event| {
        if e.kind() == "ORDER_SENT" {
            Err(SinkError::new("audit log", "disk full"))
        } else {
            Ok(())
        }
    }));
    let options = GateOptions {
        events: Some(refuse),
        ..GateOptions::default()
    };
    let (g, _) = gate_at(&switch, 1, options);
    let approval = g.check(&order("25000"), &ctx()).unwrap();
    assert!(matches!(approval.dispatch(), Err(SendRefused::Sink(_))));
    assert_eq!(g.risk().open.load(Ordering::SeqCst), 0);
    assert!(g.live_orders().is_empty());
}

#[test]
fn the_sink_sees_the_decision_before_the_send_and_the_end_after() {
    let switch = KillSwitch::builder().build();
    let audit = Arc::new(VecSink::new());
    let options = GateOptions {
        events: Some(audit.clone()),
        ..GateOptions::default()
    };
    let (g, _) = gate_at(&switch, 1, options);
    let named = order("25000").with_client_order_id(id("bot-1"));
    let (sent, ()) = g.check(&named, &ctx()).unwrap().dispatch().unwrap();
    let qty: Quantity = "0.01".parse().unwrap();
    let filled = Report {
        status: OrderStatus::Filled,
        executed: qty,
        cumulative_quote: "250".parse().unwrap(),
    };
    assert_eq!(sent.answered(filled).unwrap().filled, qty);
    let kinds: Vec<_> = audit.events().iter().map(Event::kind).collect();
    assert_eq!(kinds, ["ORDER_APPROVED", "ORDER_SENT", "ORDER_FILLED"]);
}

fn private_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
    dir
}

#[test]
fn a_journaled_gate_stays_closed_until_the_last_runs_orders_are_resolved() {
    let dir = private_dir();
    let journal = dir.path().join("orders.journal");
    let switch = KillSwitch::builder().build();
    let options = || GateOptions {
        journal: Some(journal.clone()),
        ..GateOptions::default()
    };
    // First run: starts closed, opens on reconciliation, sends two orders;
    // one ends, the other's answer is lost.
    let (g, _) = gate_at(&switch, 2, options());
    assert!(matches!(
        g.check(&order("25000"), &ctx()),
        Err(Rejection::NotReconciled { pending: 0 })
    ));
    g.mark_reconciled().unwrap();
    let a = order("25000").with_client_order_id(id("done-1"));
    let (sent, ()) = g.check(&a, &ctx()).unwrap().dispatch().unwrap();
    sent.not_accepted("refused by the exchange").unwrap();
    let b = order("25000").with_client_order_id(id("lost-1"));
    let (sent, ()) = g.check(&b, &ctx()).unwrap().dispatch().unwrap();
    drop(sent); // the process dies here: no answer (held unknown, no end journaled)
    drop(g);

    // Restart: the lost order is pending and the gate refuses to open.
    let (g, _) = gate_at(&switch, 2, options());
    let pending = g.pending();
    assert_eq!(pending.len(), 1);
    assert_eq!(
        (pending[0].client_order_id, pending[0].from_last_run),
        (id("lost-1"), true)
    );
    assert!(matches!(
        g.check(&order("25000"), &ctx()),
        Err(Rejection::NotReconciled { pending: 1 })
    ));
    assert!(matches!(
        g.mark_reconciled(),
        Err(Error::StillPending { pending: 1 })
    ));
    // The exchange says it filled: applied, ended, the gate opens.
    let filled = Report {
        status: OrderStatus::Filled,
        executed: "0.01".parse().unwrap(),
        cumulative_quote: "250".parse().unwrap(),
    };
    let applied = g.report(&id("lost-1"), filled).unwrap();
    assert!(applied.ended);
    g.mark_reconciled().unwrap();
    assert!(g.check(&order("25000"), &ctx()).is_ok());
    drop(g);

    // And the next start has nothing left to resolve.
    let (g, _) = gate_at(&switch, 2, options());
    assert!(g.pending().is_empty());
}
