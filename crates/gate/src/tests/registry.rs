//! The live-order registry: fills committed once, the rest released when
//! the order ends, unknown outcomes held.

use std::sync::atomic::Ordering;

use supreme_kill_switch::KillSwitch;
use supreme_order_guard::{ClientOrderId, Price, Quantity};

use super::{ctx, gate_at, order};
use crate::*;

fn q(s: &str) -> Quantity {
    s.parse().unwrap()
}

fn report(status: OrderStatus, executed: &str, quote: &str) -> Report {
    Report {
        status,
        executed: q(executed),
        cumulative_quote: q(quote),
    }
}

#[test]
fn partial_fills_commit_once_each_and_the_end_releases_the_rest() {
    let switch = KillSwitch::builder().build();
    let (g, _) = gate_at(&switch, 1, GateOptions::default());
    let id = ClientOrderId::new("bot-1").unwrap();
    let named = order("25000").with_client_order_id(id);
    let (sent, ()) = g.check(&named, &ctx()).unwrap().dispatch().unwrap();
    // Resting, 0.004 filled at 25,000.
    let applied = sent
        .answered(report(OrderStatus::Open, "0.004", "100"))
        .unwrap();
    assert_eq!((applied.filled, applied.ended), (q("0.004"), false));
    assert_eq!(g.live_orders()[0].status, LiveStatus::Open);
    // The same report again (a REST poll, a stream echo): nothing new.
    let again = g
        .report(&id, report(OrderStatus::Open, "0.004", "100"))
        .unwrap();
    assert_eq!(again, Applied::default());
    // A stale, smaller report changes nothing either.
    let stale = g
        .report(&id, report(OrderStatus::Open, "0.001", "25"))
        .unwrap();
    assert_eq!(stale.filled, Quantity::ZERO);
    assert_eq!(
        g.risk().open.load(Ordering::SeqCst),
        1,
        "the rest is held while it rests"
    );
    // Cancelled after 0.006 filled in all, the last 0.002 at 24,000.
    let end = g
        .report(&id, report(OrderStatus::Ended, "0.006", "148"))
        .unwrap();
    assert_eq!((end.filled, end.ended), (q("0.002"), true));
    let fills = g.risk().fills.lock().unwrap().clone();
    let p = |s: &str| s.parse::<Price>().unwrap();
    assert_eq!(fills, [(q("0.004"), p("25000")), (q("0.002"), p("24000"))]);
    assert_eq!(g.risk().open.load(Ordering::SeqCst), 0, "released");
    assert!(g.live_orders().is_empty());
    assert!(matches!(
        g.report(&id, report(OrderStatus::Ended, "0.006", "148")),
        Err(Error::UnknownOrder(_))
    ));
}

#[test]
fn an_unknown_outcome_is_held_until_reconciliation_reports_it() {
    let switch = KillSwitch::builder().build();
    let (g, _) = gate_at(&switch, 1, GateOptions::default());
    let id = ClientOrderId::new("lost-1").unwrap();
    let named = order("25000").with_client_order_id(id);
    let (sent, ()) = g.check(&named, &ctx()).unwrap().dispatch().unwrap();
    sent.unknown("connection reset").unwrap();
    assert_eq!(g.live_orders()[0].status, LiveStatus::Unknown);
    assert_eq!(g.risk().open.load(Ordering::SeqCst), 1);
    // Reconciliation: the exchange has it, filled.
    let applied = g
        .report(&id, report(OrderStatus::Filled, "0.01", "250"))
        .unwrap();
    assert_eq!((applied.filled, applied.ended), (q("0.01"), true));
    assert_eq!(g.risk().open.load(Ordering::SeqCst), 0);
}
