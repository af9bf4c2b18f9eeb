//! Reducing orders always pass; missing parts fail closed; conversion
//! rates; fills and P&L bookkeeping.

use super::*;

#[test]
fn reducing_orders_pass_in_every_state_and_over_every_limit() {
    let set = LimitSet {
        position: Some(PositionLimit::SEED),
        gross_exposure: Some(v("1")),
        max_open_orders: NonZeroU32::new(1),
        ..LimitSet::default()
    };
    let (book, _) = global(set);
    book.set_position(main_account(), btc(), q("1"), p("50000"))
        .unwrap(); // 50 % of equity: over the limit
    book.set_state(Scope::Global, TradingState::Halted).unwrap();
    let first = book.check_and_reserve(&sell(btc(), "0.6", "1")).unwrap();
    let second = book
        .check_and_reserve(&Order::market(btc(), Side::Sell, q("0.4")))
        .unwrap();
    assert!(first.reducing && second.reducing);
    // Both together hold the whole position: one more unit would open a short.
    let r = book
        .check_and_reserve(&sell(btc(), "0.00000001", "50000"))
        .unwrap_err();
    assert_eq!(
        r,
        Rejection::State {
            scope: Scope::Global,
            state: TradingState::Halted
        }
    );
    // Cancel one: its quantity is free to reduce again.
    book.cancel(second.id).unwrap();
    assert!(
        book.check_and_reserve(&sell(btc(), "0.4", "50000"))
            .unwrap()
            .reducing
    );
}

#[test]
fn reducing_orders_pass_before_start_and_others_do_not() {
    let clock = FakeClock::new(T0);
    let book = RiskBook::new(RiskConfig::new(usdt()).unwrap(), clock).unwrap();
    book.add_symbol(btc(), Asset::new("BTC").unwrap(), usdt())
        .unwrap();
    book.set_position(main_account(), btc(), q("1"), p("50000"))
        .unwrap();
    assert_eq!(
        book.check_and_reserve(&buy(btc(), "1", "1")).unwrap_err(),
        Rejection::NotStarted
    );
    assert!(
        book.check_and_reserve(&sell(btc(), "1", "1"))
            .unwrap()
            .reducing
    );
}

#[test]
fn fail_closed_on_missing_parts() {
    let (book, _) = global(LimitSet::default());
    let doge = Symbol::new("DOGEUSDT").unwrap();
    assert_eq!(
        book.check_and_reserve(&buy(doge, "1", "1")).unwrap_err(),
        Rejection::UnknownSymbol(doge)
    );
    book.add_symbol(doge, Asset::new("DOGE").unwrap(), usdt())
        .unwrap();
    assert_eq!(
        book.check_and_reserve(&buy(doge, "1", "1")).unwrap_err(),
        Rejection::NoMark(doge)
    );
    let ethbtc = Symbol::new("ETHBTC").unwrap();
    book.add_symbol(
        ethbtc,
        Asset::new("ETH").unwrap(),
        Asset::new("BTC").unwrap(),
    )
    .unwrap();
    book.set_mark(ethbtc, p("0.05")).unwrap();
    let r = book
        .check_and_reserve(&buy(ethbtc, "1", "0.05"))
        .unwrap_err();
    assert_eq!(r, Rejection::NoRate(Asset::new("BTC").unwrap()));
    let stranger = Origin {
        account: AccountId::new("other").unwrap(),
        strategy: StrategyId::new("default").unwrap(),
    };
    let r = book
        .check_and_reserve_for(&buy(btc(), "1", "1"), stranger)
        .unwrap_err();
    assert_eq!(r, Rejection::UnknownAccount(stranger.account));
    let mut no_qty = Order::new(btc(), Side::Buy, OrderType::Market);
    no_qty.quantity = None;
    assert_eq!(
        book.check_and_reserve(&no_qty).unwrap_err(),
        Rejection::Unpriced
    );
    let no_price = Order::new(btc(), Side::Buy, OrderType::Limit);
    assert_eq!(
        book.check_and_reserve(&no_price).unwrap_err(),
        Rejection::Unpriced
    );
}

#[test]
fn conversion_rates_value_other_quotes() {
    let (book, _) = global(LimitSet {
        gross_exposure: Some(v("2000")),
        ..LimitSet::default()
    });
    let ethbtc = Symbol::new("ETHBTC").unwrap();
    book.add_symbol(
        ethbtc,
        Asset::new("ETH").unwrap(),
        Asset::new("BTC").unwrap(),
    )
    .unwrap();
    book.set_rate(Asset::new("BTC").unwrap(), p("50000"));
    book.set_mark(ethbtc, p("0.04")).unwrap();
    // 1 ETH × 0.04 BTC × 50,000 USDT = 2,000 USDT: at the cap.
    let a = book.check_and_reserve(&buy(ethbtc, "1", "0.04")).unwrap();
    assert_eq!(book.view(Scope::Global).unwrap().gross, v("2000"));
    book.cancel(a.id).unwrap();
    assert!(
        book.check_and_reserve(&buy(ethbtc, "1.00000001", "0.04"))
            .is_err()
    );
    // BTC cash counts in equity at its rate.
    book.deposit(main_account(), Asset::new("BTC").unwrap(), q("1"))
        .unwrap();
    assert_eq!(book.view(Scope::Global).unwrap().equity, Some(v("150000")));
}

#[test]
fn fills_track_position_cash_and_realized_pnl() {
    let (book, _) = global(LimitSet::default());
    let a = book.check_and_reserve(&buy(btc(), "1", "50000")).unwrap();
    let half = book.fill(a.id, q("0.5"), p("50000"), None).unwrap();
    assert!(!half.closed);
    // Half the reservation is released, half is now a position.
    assert_eq!(book.view(Scope::Global).unwrap().gross, v("50000"));
    let fee = Fee {
        asset: usdt(),
        amount: q("10"),
    };
    assert!(
        book.fill(a.id, q("0.5"), p("48000"), Some(fee))
            .unwrap()
            .closed
    );
    let pos = book.position(main_account(), btc()).unwrap();
    assert_eq!(pos.quantity_units, 100_000_000);
    assert_eq!(pos.average_price, Some(p("49000")));
    assert_eq!(
        book.fill(a.id, q("0.1"), p("1"), None)
            .unwrap_err()
            .to_string(),
        "unknown or closed reservation"
    );
    let exit = book.check_and_reserve(&sell(btc(), "1", "51000")).unwrap();
    let report = book.fill(exit.id, q("1"), p("51000"), None).unwrap();
    assert_eq!(report.realized, v("2000"));
    // 100,000 − 10 fee + 2,000 realized.
    assert_eq!(book.view(Scope::Global).unwrap().equity, Some(v("101990")));
    assert_eq!(book.view(Scope::Global).unwrap().open_orders, 0);
    assert!(book.cancel(exit.id).is_err(), "closed");
}
