//! Unit tests: the indexed split heaps against a plain list; incremental
//! drift detection against a full scan (`reference`).

use proptest::prelude::*;

use super::split::Split;

mod reference;

#[derive(Clone, Debug)]
enum Op {
    Add,
    Set(usize, i128, bool),
    Flip(usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        Just(Op::Add),
        (0usize..64, -50i128..50, any::<bool>()).prop_map(|(i, v, o)| Op::Set(i, v, o)),
        (0usize..64).prop_map(Op::Flip),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// After any sequence of adds, value changes and flips, the largest
    /// value within, the smallest over and every member's side are those of
    /// a plain list.
    #[test]
    fn split_extremes_match_a_plain_list(ops in prop::collection::vec(op(), 1..200)) {
        let mut split = Split::default();
        let mut model: Vec<(i128, bool)> = Vec::new();
        for op in ops {
            match op {
                Op::Add => {
                    let id = split.add();
                    prop_assert_eq!(id as usize, model.len());
                    model.push((0, false));
                }
                Op::Set(i, v, o) if i < model.len() => {
                    split.set(u32::try_from(i).unwrap(), v, o);
                    model[i] = (v, o);
                }
                Op::Flip(i) if i < model.len() => {
                    split.flip(u32::try_from(i).unwrap());
                    model[i].1 = !model[i].1;
                }
                Op::Set(..) | Op::Flip(_) => {}
            }
            prop_assert_eq!(split.len(), model.len());
            let within = model.iter().filter(|m| !m.1).map(|m| m.0).max();
            let over = model.iter().filter(|m| m.1).map(|m| m.0).min();
            prop_assert_eq!(split.top_within().map(|t| t.0), within);
            prop_assert_eq!(split.least_over().map(|t| t.0), over);
            if let Some((v, id)) = split.top_within() {
                prop_assert_eq!(model[id as usize], (v, false));
            }
            if let Some((v, id)) = split.least_over() {
                prop_assert_eq!(model[id as usize], (v, true));
            }
            for (i, m) in model.iter().enumerate() {
                prop_assert_eq!(split.is_over(u32::try_from(i).unwrap()), m.1);
            }
        }
    }
}

/// A drift the order path found back within (the equity rose) is cleared
/// there even when the order is then refused; when the position crosses
/// again with no change of its own value, that is a new crossing.
#[test]
fn drift_cleared_by_a_refused_order_warns_again_when_it_crosses_again() {
    use std::sync::Arc;

    use crate::*;
    use supreme_core::event::VecSink;
    use supreme_order_guard::{Order, Side, Symbol};

    let seen = Arc::new(VecSink::new());
    let count = || {
        seen.events()
            .iter()
            .filter(|e| e.kind() == DRIFT_KIND)
            .count()
    };
    let (q, p) = (|s: &str| s.parse().unwrap(), |s: &str| s.parse().unwrap());
    let usdt = Asset::new("USDT").unwrap();
    let (btc, eth) = (
        Symbol::new("BTCUSDT").unwrap(),
        Symbol::new("ETHUSDT").unwrap(),
    );
    let limit = PositionLimit::new(Pct::percent(10), None).unwrap();
    let limits = LimitSet {
        position: Some(limit.with_reduce_only_on_drift(true)),
        ..LimitSet::default()
    };
    let config = RiskConfig::new(usdt)
        .unwrap()
        .with_limits(Scope::Global, limits)
        .unwrap();
    let book = RiskBook::new(config, FakeClock::new(1))
        .unwrap()
        .with_events(seen.clone());
    book.add_symbol(btc, Asset::new("BTC").unwrap(), usdt)
        .unwrap();
    book.add_symbol(eth, Asset::new("ETH").unwrap(), usdt)
        .unwrap();
    book.set_mark(eth, p("2000")).unwrap();
    let main = AccountId::new("main").unwrap();
    book.deposit(main, usdt, q("100000")).unwrap();
    book.set_position(main, btc, q("0.15"), p("50000")).unwrap();
    book.start_fresh().unwrap();
    book.set_mark(btc, p("80000")).unwrap(); // 12,000 of 112,000: over
    assert_eq!(count(), 1);
    book.deposit(main, usdt, q("20000")).unwrap(); // 12,000 of 132,000: within
    let big = Order::limit(btc, Side::Buy, q("1"), p("80000"));
    let no = book.check_and_reserve(&big).unwrap_err();
    assert!(
        matches!(
            no,
            Rejection::Limit {
                kind: LimitKind::Position,
                ..
            }
        ),
        "{no:?}"
    );
    book.withdraw(main, usdt, q("20000")).unwrap(); // over again
    book.set_mark(eth, p("2001")).unwrap();
    assert_eq!(count(), 2, "the second crossing is reported");
}
