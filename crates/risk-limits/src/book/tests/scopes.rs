//! Limits per scope: validated for where they apply, only tightening, each
//! account against its own equity, no equity failing closed.

use super::*;

#[test]
fn scopes_only_tighten() {
    let tight = LimitSet {
        position: Some(PositionLimit::new(Pct::percent(2), None).unwrap()),
        ..LimitSet::default()
    };
    let (book, _) = book_with(&[
        (Scope::Global, LimitSet::SEED),
        (Scope::Symbol(btc()), tight),
    ]);
    let r = book
        .check_and_reserve(&buy(btc(), "0.05", "50000"))
        .unwrap_err();
    assert_eq!(limit_of(r).0, Scope::Symbol(btc()));
    let _ = book.check_and_reserve(&buy(eth(), "2.5", "2000")).unwrap();
    let r = book
        .check_and_reserve(&buy(eth(), "2.50000001", "2000"))
        .unwrap_err();
    assert_eq!(limit_of(r).0, Scope::Global);
}

#[test]
fn limits_are_validated_for_their_scope() {
    let alpha = Scope::Strategy(StrategyId::new("alpha").unwrap());
    let config = RiskConfig::new(usdt()).unwrap();
    let err = config
        .clone()
        .with_limits(alpha, LimitSet::SEED)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "a position limit does not apply at strategy:alpha"
    );
    let dd = LimitSet {
        max_drawdown: Some(Pct::percent(5)),
        ..LimitSet::default()
    };
    assert!(
        config
            .clone()
            .with_limits(Scope::Symbol(btc()), dd)
            .is_err()
    );
    let zero = LimitSet {
        gross_exposure: Some(Value::ZERO),
        ..LimitSet::default()
    };
    assert!(config.clone().with_limits(Scope::Global, zero).is_err());
    assert!(PositionLimit::new(Pct::percent(5), Some(Pct::percent(5))).is_err());
    assert!(DailyReset::new(24, 0, 0).is_err());
    assert!(DailyReset::new(0, 0, 15 * 60).is_err());
    let twice = config.with_limits(Scope::Global, LimitSet::SEED).unwrap();
    assert!(twice.with_limits(Scope::Global, LimitSet::SEED).is_err());
}

#[test]
fn no_equity_fails_closed() {
    let clock = FakeClock::new(T0);
    let config = RiskConfig::new(usdt())
        .unwrap()
        .with_limits(Scope::Global, LimitSet::SEED)
        .unwrap();
    let book = RiskBook::new(config, clock).unwrap();
    book.add_symbol(btc(), Asset::new("BTC").unwrap(), usdt())
        .unwrap();
    book.set_mark(btc(), p("50000")).unwrap();
    book.start_fresh().unwrap();
    let r = book
        .check_and_reserve(&buy(btc(), "0.00000001", "50000"))
        .unwrap_err();
    assert_eq!(
        r.to_string(),
        "position share of equity at global: unbounded (no equity), limit 10%"
    );
}

#[test]
fn accounts_are_measured_against_their_own_equity() {
    let small = AccountId::new("small").unwrap();
    let per_account = LimitSet {
        position: Some(PositionLimit::SEED),
        ..LimitSet::default()
    };
    let config = RiskConfig::new(usdt())
        .unwrap()
        .with_limits(Scope::Account(small), per_account)
        .unwrap()
        .with_limits(
            Scope::Global,
            LimitSet {
                gross_exposure: Some(v("12000")),
                ..LimitSet::default()
            },
        )
        .unwrap();
    let book = RiskBook::new(config, FakeClock::new(T0)).unwrap();
    book.add_account(small).unwrap();
    book.add_symbol(btc(), Asset::new("BTC").unwrap(), usdt())
        .unwrap();
    book.deposit(main_account(), usdt(), q("100000")).unwrap();
    book.deposit(small, usdt(), q("10000")).unwrap();
    book.set_mark(btc(), p("50000")).unwrap();
    book.start_fresh().unwrap();
    let small_origin = Origin {
        account: small,
        strategy: StrategyId::new("default").unwrap(),
    };
    // 10 % of the small account's 10,000 is 1,000: 0.02 BTC.
    let a = book
        .check_and_reserve_for(&buy(btc(), "0.02", "50000"), small_origin)
        .unwrap();
    let r = book
        .check_and_reserve_for(&buy(btc(), "0.00000001", "50000"), small_origin)
        .unwrap_err();
    assert_eq!(limit_of(r).0, Scope::Account(small));
    // The main account has no position limit, only the global gross cap.
    let b = book
        .check_and_reserve(&buy(btc(), "0.22", "50000"))
        .unwrap();
    let r = book
        .check_and_reserve(&buy(btc(), "0.00000001", "50000"))
        .unwrap_err();
    assert_eq!(limit_of(r).1, LimitKind::GrossExposure);
    assert_eq!(book.view(Scope::Account(small)).unwrap().gross, v("1000"));
    assert_eq!(book.view(Scope::Global).unwrap().equity, Some(v("110000")));
    book.cancel(a.id).unwrap();
    book.cancel(b.id).unwrap();
    // An operator's reduce-only on one account leaves the other trading.
    book.set_state(Scope::Account(small), TradingState::ReduceOnly)
        .unwrap();
    let r = book
        .check_and_reserve_for(&buy(btc(), "0.01", "50000"), small_origin)
        .unwrap_err();
    assert_eq!(
        r,
        Rejection::State {
            scope: Scope::Account(small),
            state: TradingState::ReduceOnly
        }
    );
    let _ = book
        .check_and_reserve(&buy(btc(), "0.01", "50000"))
        .unwrap();
}
