//! Concentration drift: a position that grows past a share limit by price
//! moves alone (marks, rates), with no order ever crossing it. Each test
//! replays a drift against a real book and a real sink.
#![allow(missing_docs, clippy::unwrap_used)]

mod common;

use std::sync::Arc;

use common::*;
use proptest::prelude::*;
use supreme_core::event::{Event, VecSink};
use supreme_order_guard::{Order, Side, Symbol};
use supreme_risk_limits::*;

/// Collects every drift warning and every breach the book records, as
/// core events (the book's event sink, where the audit log would be).
#[derive(Clone, Default)]
struct Events(Arc<VecSink>);

impl Events {
    fn of(&self, kind: &str) -> Vec<Event> {
        self.0
            .events()
            .into_iter()
            .filter(|e| e.kind() == kind)
            .collect()
    }

    fn drifts(&self) -> Vec<Event> {
        self.of(DRIFT_KIND)
    }

    fn breaches(&self) -> Vec<Event> {
        self.of(BREACH_KIND)
    }
}

/// A drift event's scope, symbol and limit, as its fields say.
fn what(d: &Event) -> (Option<&str>, Option<&str>, Option<&str>) {
    (d.get("scope"), d.get("symbol"), d.get("limit"))
}

fn reduce_only(d: &Event) -> bool {
    d.get("reduce_only") == Some("true")
}

fn position(reduce_only: bool) -> LimitSet {
    let limit = PositionLimit::new(Pct::percent(10), None)
        .unwrap()
        .with_reduce_only_on_drift(reduce_only);
    LimitSet {
        position: Some(limit),
        ..LimitSet::default()
    }
}

fn concentration(reduce_only: bool) -> LimitSet {
    let limit = ConcentrationLimit::new(Pct::percent(20), Pct::percent(50))
        .with_reduce_only_on_drift(reduce_only);
    LimitSet {
        concentration: Some(limit),
        ..LimitSet::default()
    }
}

/// 100,000 USDT cash and 0.15 BTC held at 50,000 (7,500: 6.98 % of equity).
fn held_btc(limits: LimitSet) -> (RiskBook<Arc<FakeClock>>, Events) {
    let events = Events::default();
    let clock = Arc::new(FakeClock::new(T0));
    let book = unstarted(config(limits), clock).with_events(events.0.clone());
    book.set_position(main_account(), btc(), q("0.15"), p("50000"))
        .unwrap();
    book.start_fresh().unwrap();
    (book, events)
}

fn market(sym: Symbol, side: Side, qty: &str) -> Order {
    Order::market(sym, side, q(qty))
}

#[test]
fn mark_rising_past_position_share_warns_exactly_once() {
    let (book, events) = held_btc(position(false));
    book.set_mark(btc(), p("60000")).unwrap(); // 9,000 / 109,000: 8.3 %
    assert!(events.drifts().is_empty());
    for mark in ["80000", "85000", "90000", "95000"] {
        book.set_mark(btc(), p(mark)).unwrap(); // 12,000 / 112,000: 10.7 %, then more
    }
    let drifts = events.drifts();
    assert_eq!(drifts.len(), 1, "{drifts:?}");
    let d = &drifts[0];
    let position = LimitKind::Position.to_string();
    assert_eq!(
        what(d),
        (Some("global"), Some("BTCUSDT"), Some(position.as_str()))
    );
    assert!(!reduce_only(d));
    assert_eq!(d.at_ms(), T0);
    assert_eq!(
        (d.get("observed"), d.get("limit_value")),
        (Some("10.714285%"), Some("10%"))
    );
    assert!(events.breaches().is_empty(), "a warning, not a breach");
    // Without reduce-only the book behaves as before: the hard limit refuses growth.
    let no = book
        .check_and_reserve(&market(btc(), Side::Buy, "0.01"))
        .unwrap_err();
    assert!(
        matches!(
            no,
            Rejection::Limit {
                kind: LimitKind::Position,
                ..
            }
        ),
        "{no}"
    );
}

#[test]
fn drifted_position_with_reduce_only_refuses_buys_and_passes_reducing_sells() {
    let (book, events) = held_btc(position(true));
    book.set_mark(btc(), p("80000")).unwrap();
    assert_eq!(events.drifts().len(), 1);
    assert!(reduce_only(&events.drifts()[0]));
    assert_eq!(
        book.view(Scope::Symbol(btc())).unwrap().state,
        TradingState::ReduceOnly
    );
    let no = book
        .check_and_reserve(&market(btc(), Side::Buy, "0.001"))
        .unwrap_err();
    assert!(
        matches!(
            no,
            Rejection::Drifted {
                scope: Scope::Global,
                kind: LimitKind::Position,
                observed: Observed::Share { .. },
            }
        ),
        "{no:?}"
    );
    assert_eq!(
        no.to_string(),
        "reduce-only after drift: position share of equity at global: 10.714285%, limit 10%"
    );
    // Another symbol is not reduce-only.
    let _ = book
        .check_and_reserve(&market(eth(), Side::Buy, "0.1"))
        .unwrap();
    // Selling what is held always passes.
    let exit = book
        .check_and_reserve(&market(btc(), Side::Sell, "0.05"))
        .unwrap();
    assert!(exit.reducing);
}

#[test]
fn drift_reduce_only_lifts_by_itself_when_the_mark_falls_back_under() {
    let (book, events) = held_btc(position(true));
    book.set_mark(btc(), p("80000")).unwrap();
    assert!(
        book.check_and_reserve(&market(btc(), Side::Buy, "0.001"))
            .is_err()
    );
    book.set_mark(btc(), p("60000")).unwrap(); // 8.3 %: back under
    assert_eq!(
        book.view(Scope::Symbol(btc())).unwrap().state,
        TradingState::Active
    );
    let _ = book
        .check_and_reserve(&market(btc(), Side::Buy, "0.001"))
        .unwrap();
    assert_eq!(
        events.drifts().len(),
        1,
        "coming back under is not a crossing"
    );
    // Crossing again warns again.
    book.set_mark(btc(), p("80000")).unwrap();
    assert_eq!(events.drifts().len(), 2);
}

#[test]
fn drift_reduce_only_lifts_when_a_fill_reduces_the_position_under() {
    let (book, events) = held_btc(position(true));
    book.set_mark(btc(), p("80000")).unwrap(); // 12,000 of 112,000
    let exit = book
        .check_and_reserve(&sell(btc(), q("0.05"), p("80000")))
        .unwrap();
    book.fill(exit.id, q("0.05"), p("80000"), None).unwrap(); // 8,000 of 112,000
    let ok = book.check_and_reserve(&buy(btc(), q("0.001"), p("80000")));
    assert!(ok.is_ok(), "{ok:?}");
    assert_eq!(events.drifts().len(), 1);
}

#[test]
fn cancel_that_brings_drift_back_under_lifts_reduce_only_without_a_new_mark() {
    let (book, events) = held_btc(position(true));
    // An open buy of 0.02 at 50,000 reserves 1,000: 8,500 of 107,500.
    let open = book
        .check_and_reserve(&buy(btc(), q("0.02"), p("50000")))
        .unwrap();
    // At 70,000: 10,500 held + 1,000 reserved of 110,500 is 10.4 %.
    book.set_mark(btc(), p("70000")).unwrap();
    assert_eq!(events.drifts().len(), 1);
    assert!(
        book.check_and_reserve(&market(btc(), Side::Buy, "0.001"))
            .is_err()
    );
    // Cancelled: 10,500 of 110,500 is 9.5 %, back within with no mark since.
    book.cancel(open.id).unwrap();
    let ok = book.check_and_reserve(&market(btc(), Side::Buy, "0.001"));
    assert!(ok.is_ok(), "{ok:?}");
}

/// BTC 0.3 at 50,000 (15,000) and ETH 37.5 at 2,000 (75,000) on 10,000
/// of cash: gross 90,000 of equity 100,000, BTC 16.7 % of gross. The
/// concentration limit is BTC's own (symbol scope: BTC ÷ global gross).
fn concentrated(limits: LimitSet) -> (RiskBook<Arc<FakeClock>>, Events) {
    let events = Events::default();
    let clock = Arc::new(FakeClock::new(T0));
    let config = RiskConfig::new(usdt())
        .unwrap()
        .with_limits(Scope::Symbol(btc()), limits)
        .unwrap();
    let book = unstarted(config, clock).with_events(events.0.clone());
    book.withdraw(main_account(), usdt(), q("90000")).unwrap();
    book.set_position(main_account(), btc(), q("0.3"), p("50000"))
        .unwrap();
    book.set_position(main_account(), eth(), q("37.5"), p("2000"))
        .unwrap();
    book.start_fresh().unwrap();
    (book, events)
}

#[test]
fn mark_rising_past_concentration_warns_once_and_sets_reduce_only() {
    let (book, events) = concentrated(concentration(true));
    let _ = book
        .check_and_reserve(&market(btc(), Side::Buy, "0.001"))
        .unwrap();
    book.set_mark(btc(), p("70000")).unwrap(); // 21,000 of 96,000: 21.9 %
    book.set_mark(btc(), p("71000")).unwrap();
    let drifts = events.drifts();
    assert_eq!(drifts.len(), 1, "{drifts:?}");
    let (scope, concentration) = (
        Scope::Symbol(btc()).to_string(),
        LimitKind::Concentration.to_string(),
    );
    assert_eq!(
        what(&drifts[0]),
        (
            Some(scope.as_str()),
            Some("BTCUSDT"),
            Some(concentration.as_str())
        )
    );
    assert!(reduce_only(&drifts[0]));
    let no = book
        .check_and_reserve(&market(btc(), Side::Buy, "0.001"))
        .unwrap_err();
    assert!(
        matches!(no, Rejection::Drifted { scope: Scope::Symbol(s), kind: LimitKind::Concentration, .. } if s == btc()),
        "{no:?}"
    );
    assert!(
        book.check_and_reserve(&market(btc(), Side::Sell, "0.1"))
            .unwrap()
            .reducing
    );
    // Back under by price: lifted, and a new crossing warns again.
    book.set_mark(btc(), p("55000")).unwrap();
    let _ = book
        .check_and_reserve(&market(btc(), Side::Buy, "0.001"))
        .unwrap();
    book.set_mark(btc(), p("90000")).unwrap();
    assert_eq!(events.drifts().len(), 2);
}

#[test]
fn other_symbol_falling_pushes_concentration_over() {
    // No order and no mark of BTC: ETH falls, so BTC's share of gross rises.
    let (book, events) = concentrated(concentration(false));
    book.set_mark(eth(), p("1500")).unwrap(); // gross 71,250, BTC 21 %
    let drifts = events.drifts();
    assert_eq!(drifts.len(), 1, "{drifts:?}");
    assert_eq!(drifts[0].get("symbol"), Some("BTCUSDT"));
}

#[test]
fn rate_change_of_the_quote_asset_pushes_position_share_over() {
    let events = Events::default();
    let clock = Arc::new(FakeClock::new(T0));
    let book = unstarted(config(position(true)), clock).with_events(events.0.clone());
    let eur = Asset::new("EUR").unwrap();
    let btceur = Symbol::new("BTCEUR").unwrap();
    book.add_symbol(btceur, Asset::new("BTC").unwrap(), eur)
        .unwrap();
    book.set_rate(eur, p("1"));
    book.set_mark(btceur, p("50000")).unwrap();
    // 0.2 BTC at 50,000 EUR = 10,000 USDT: 9.1 % of 110,000.
    book.set_position(main_account(), btceur, q("0.2"), p("50000"))
        .unwrap();
    book.start_fresh().unwrap();
    book.set_rate(eur, p("1.05")); // 10,500 of 110,500: 9.5 %
    assert!(events.drifts().is_empty());
    book.set_rate(eur, p("1.2")); // 12,000 of 112,000: 10.7 %
    book.set_rate(eur, p("1.3"));
    let drifts = events.drifts();
    assert_eq!(drifts.len(), 1, "{drifts:?}");
    let position = LimitKind::Position.to_string();
    assert_eq!(
        (drifts[0].get("symbol"), drifts[0].get("limit")),
        (Some(btceur.as_str()), Some(position.as_str()))
    );
    let no = book
        .check_and_reserve(&market(btceur, Side::Buy, "0.001"))
        .unwrap_err();
    assert!(matches!(no, Rejection::Drifted { .. }), "{no:?}");
    book.set_rate(eur, p("1"));
    let _ = book
        .check_and_reserve(&market(btceur, Side::Buy, "0.001"))
        .unwrap();
}

#[test]
fn account_position_drift_names_the_account_and_leaves_other_accounts_trading() {
    let events = Events::default();
    let clock = Arc::new(FakeClock::new(T0));
    let config = RiskConfig::new(usdt())
        .unwrap()
        .with_limits(Scope::Account(main_account()), position(true))
        .unwrap();
    let book = unstarted(config, clock).with_events(events.0.clone());
    let other = AccountId::new("other").unwrap();
    book.add_account(other).unwrap();
    book.deposit(other, usdt(), q("100000")).unwrap();
    book.set_position(main_account(), btc(), q("0.15"), p("50000"))
        .unwrap();
    book.start_fresh().unwrap();
    book.set_mark(btc(), p("80000")).unwrap();
    let drifts = events.drifts();
    assert_eq!(drifts.len(), 1, "{drifts:?}");
    let scope = Scope::Account(main_account()).to_string();
    assert_eq!(drifts[0].get("scope"), Some(scope.as_str()));
    let no = book
        .check_and_reserve(&market(btc(), Side::Buy, "0.001"))
        .unwrap_err();
    assert!(
        matches!(no, Rejection::Drifted { scope: Scope::Account(a), .. } if a == main_account()),
        "{no:?}"
    );
    let origin = Origin {
        account: other,
        strategy: StrategyId::new("default").unwrap(),
    };
    let _ = book
        .check_and_reserve_for(&market(btc(), Side::Buy, "0.001"), origin)
        .unwrap();
}

#[test]
fn drift_reduce_only_holds_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let file = state_file(dir.path().join("risk.state"));
    let (book, _) = held_btc(position(true));
    book.persist_to(file.clone()).unwrap();
    book.set_mark(btc(), p("80000")).unwrap();
    book.save().unwrap();
    drop(book);
    // The restarted process: positions and marks from the exchange, then restore.
    let events = Events::default();
    let clock = Arc::new(FakeClock::new(T0 + 1));
    let book = unstarted(config(position(true)), clock).with_events(events.0.clone());
    book.set_position(main_account(), btc(), q("0.15"), p("50000"))
        .unwrap();
    book.set_mark(btc(), p("80000")).unwrap();
    book.restore(&file.load().unwrap()).unwrap();
    assert_eq!(
        events.drifts().len(),
        1,
        "the restarted book reports the drift"
    );
    let no = book
        .check_and_reserve(&market(btc(), Side::Buy, "0.001"))
        .unwrap_err();
    assert!(matches!(no, Rejection::Drifted { .. }), "{no:?}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// For random marks, a warning is emitted at a mark iff the position's
    /// share of equity went from <= 10 % to > 10 % there.
    #[test]
    fn warning_iff_share_crossed_the_limit(marks in prop::collection::vec(1u64..200_000, 1..40)) {
        let (book, events) = held_btc(position(false));
        // 0.15 BTC on 100,000 of cash: share = v / (100,000 + v), v = 0.15 × mark.
        let over = |mark: u64| {
            let v = u128::from(mark) * 15; // hundredths
            v * 100 > 10 * (10_000_000 + v)
        };
        let mut was = over(50_000);
        let mut expected = 0;
        for mark in marks {
            book.set_mark(btc(), p(&mark.to_string())).unwrap();
            let now = over(mark);
            if !was && now {
                expected += 1;
            }
            prop_assert_eq!(events.drifts().len(), expected, "at mark {}", mark);
            was = now;
        }
    }

    /// For random marks of BTC and ETH, a concentration warning for BTC is
    /// emitted iff its share of gross went from <= 20 % to > 20 % (with the
    /// limit in force: gross at least half of equity).
    #[test]
    fn concentration_warning_iff_share_crossed_the_limit(
        marks in prop::collection::vec((any::<bool>(), 1u64..200_000), 1..40),
    ) {
        let (book, events) = concentrated(concentration(false));
        // In tenths: BTC 0.3 × mark, ETH 37.5 × mark, cash 10,000.
        let (mut btc_mark, mut eth_mark) = (50_000u128, 2_000u128);
        let over = |b: u128, e: u128| {
            let (vb, ve) = (3 * b, 375 * e);
            vb + ve >= 100_000 && 100 * vb > 20 * (vb + ve)
        };
        let mut was = over(btc_mark, eth_mark);
        let mut expected = 0;
        for (is_btc, mark) in marks {
            let symbol = if is_btc { btc() } else { eth() };
            book.set_mark(symbol, p(&mark.to_string())).unwrap();
            if is_btc { btc_mark = u128::from(mark) } else { eth_mark = u128::from(mark) }
            let now = over(btc_mark, eth_mark);
            if !was && now {
                expected += 1;
            }
            prop_assert_eq!(events.drifts().len(), expected, "at {} {}", symbol, mark);
            was = now;
        }
    }
}
