//! Daily loss, drawdown and losing-streak cooldowns: boundaries, latches and resets.

use super::*;

#[test]
fn daily_loss_boundary_halts_until_the_next_day() {
    let reset = DailyReset::new(8, 0, 120).unwrap(); // 08:00 at UTC+2 = 06:00 UTC
    let mut config = RiskConfig::new(usdt())
        .unwrap()
        .with_daily_reset(reset)
        .with_limits(
            Scope::Global,
            LimitSet {
                daily_loss: Some(v("1000")),
                ..LimitSet::default()
            },
        )
        .unwrap();
    config = config.with_market_buffer(Pct::percent(1));
    // 2023-11-14 05:00 UTC: an hour before the reset.
    let start = 1_699_938_000_000;
    let clock = Arc::new(FakeClock::new(start));
    let book = RiskBook::new(config, clock.clone()).unwrap();
    book.add_symbol(btc(), Asset::new("BTC").unwrap(), usdt())
        .unwrap();
    book.deposit(main_account(), usdt(), q("100000")).unwrap();
    book.set_mark(btc(), p("50000")).unwrap();
    book.start_fresh().unwrap();
    bought(&book, btc(), "1", "50000");
    // A loss of exactly 1,000 is within the limit.
    book.set_mark(btc(), p("49000")).unwrap();
    assert_eq!(
        book.view(Scope::Global).unwrap().state,
        TradingState::Active
    );
    // One unit more halts.
    book.set_mark(btc(), p("48999.99999999")).unwrap();
    let view = book.view(Scope::Global).unwrap();
    assert_eq!(
        (view.state, view.latched),
        (TradingState::Halted, Some(LimitKind::DailyLoss))
    );
    let r = book
        .check_and_reserve(&buy(btc(), "0.001", "50000"))
        .unwrap_err();
    assert_eq!(
        r,
        Rejection::State {
            scope: Scope::Global,
            state: TradingState::Halted
        }
    );
    // A recovery the same day does not lift it.
    book.set_mark(btc(), p("50000")).unwrap();
    assert_eq!(
        book.view(Scope::Global).unwrap().state,
        TradingState::Halted
    );
    // One ms before 06:00 UTC: still halted; at 06:00 a new day starts.
    clock.set_ms(start + 3_600_000 - 1);
    assert!(
        book.check_and_reserve(&buy(btc(), "0.001", "50000"))
            .is_err()
    );
    clock.set_ms(start + 3_600_000);
    let _ = book
        .check_and_reserve(&buy(btc(), "0.001", "50000"))
        .unwrap();
    assert_eq!(book.view(Scope::Global).unwrap().day_pnl, Value::ZERO);
}

#[test]
fn drawdown_boundary_latches_until_an_operator_clears_it() {
    let set = LimitSet {
        max_drawdown: Some(Pct::percent(10)),
        ..LimitSet::default()
    };
    let (book, _) = global(set);
    bought(&book, btc(), "1", "50000");
    book.set_mark(btc(), p("60000")).unwrap(); // equity 110,000: the high-water mark
    assert_eq!(
        book.view(Scope::Global).unwrap().high_water_mark,
        Some(v("110000"))
    );
    book.set_mark(btc(), p("49000")).unwrap(); // 99,000: exactly 10 % down
    assert_eq!(
        book.view(Scope::Global).unwrap().state,
        TradingState::Active
    );
    book.set_mark(btc(), p("48999.99999999")).unwrap();
    assert_eq!(
        book.view(Scope::Global).unwrap().latched,
        Some(LimitKind::Drawdown)
    );
    book.set_mark(btc(), p("70000")).unwrap();
    assert_eq!(
        book.view(Scope::Global).unwrap().state,
        TradingState::Halted,
        "latched"
    );
    book.set_state(Scope::Global, TradingState::Active).unwrap();
    assert_eq!(
        book.view(Scope::Global).unwrap().state,
        TradingState::Halted,
        "operator state does not lift it"
    );
    book.dangerous().clear_breach(Scope::Global).unwrap();
    assert_eq!(
        book.view(Scope::Global).unwrap().state,
        TradingState::Active
    );
}

#[test]
fn losing_trades_start_a_cooldown() {
    let cooldown = CooldownLimit::new(
        NonZeroU32::new(2).unwrap(),
        NonZeroU64::new(3_600_000).unwrap(),
        NonZeroU64::new(1_800_000).unwrap(),
    )
    .unwrap();
    let breaches = Arc::new(Mutex::new(Vec::new()));
    let seen = breaches.clone();
    let config = RiskConfig::new(usdt())
        .unwrap()
        .with_limits(
            Scope::Symbol(btc()),
            LimitSet {
                cooldown: Some(cooldown),
                ..LimitSet::default()
            },
        )
        .unwrap();
    let clock = Arc::new(FakeClock::new(T0));
    let book = RiskBook::new(config, clock.clone())
        .unwrap()
        .with_breach_sink(move |b: &Breach| seen.lock().unwrap().push(*b));
    book.add_symbol(btc(), Asset::new("BTC").unwrap(), usdt())
        .unwrap();
    book.deposit(main_account(), usdt(), q("100000")).unwrap();
    book.set_mark(btc(), p("50000")).unwrap();
    book.start_fresh().unwrap();
    for round in 0..2 {
        bought(&book, btc(), "0.1", "50000");
        let exit = book
            .check_and_reserve(&sell(btc(), "0.1", "49000"))
            .unwrap();
        let report = book.fill(exit.id, q("0.1"), p("49000"), None).unwrap();
        assert_eq!(report.realized, v("-100"));
        assert_eq!(
            breaches.lock().unwrap().len(),
            round,
            "a cooldown after the second loss only"
        );
        clock.advance(std::time::Duration::from_millis(1000));
    }
    let b = breaches.lock().unwrap()[0];
    assert_eq!(
        (b.scope, b.kind, b.state),
        (
            Scope::Symbol(btc()),
            LimitKind::LosingTrades,
            TradingState::ReduceOnly
        )
    );
    let until = b.until_ms.unwrap();
    let r = book
        .check_and_reserve(&buy(btc(), "0.1", "50000"))
        .unwrap_err();
    assert_eq!(
        r,
        Rejection::CoolingDown {
            scope: Scope::Symbol(btc()),
            until_ms: until
        }
    );
    clock.set_ms(until);
    let _ = book.check_and_reserve(&buy(btc(), "0.1", "50000")).unwrap();
}

#[test]
fn strategy_scope_limits_and_daily_realized_loss() {
    let alpha = StrategyId::new("alpha").unwrap();
    let set = LimitSet {
        daily_loss: Some(v("50")),
        max_open_orders: NonZeroU32::new(5),
        ..LimitSet::default()
    };
    let trips = Arc::new(AtomicUsize::new(0));
    let seen = trips.clone();
    let config = RiskConfig::new(usdt())
        .unwrap()
        .with_limits(Scope::Strategy(alpha), set)
        .unwrap();
    let book = RiskBook::new(config, FakeClock::new(T0))
        .unwrap()
        .with_breach_sink(move |_: &Breach| {
            seen.fetch_add(1, Ordering::SeqCst);
        });
    book.add_strategy(alpha).unwrap();
    book.add_symbol(btc(), Asset::new("BTC").unwrap(), usdt())
        .unwrap();
    book.deposit(main_account(), usdt(), q("100000")).unwrap();
    book.set_mark(btc(), p("50000")).unwrap();
    book.start_fresh().unwrap();
    let origin = Origin {
        account: main_account(),
        strategy: alpha,
    };
    let a = book
        .check_and_reserve_for(&buy(btc(), "0.1", "50000"), origin)
        .unwrap();
    book.fill(a.id, q("0.1"), p("50000"), None).unwrap();
    let x = book
        .check_and_reserve_for(&sell(btc(), "0.1", "49000"), origin)
        .unwrap();
    book.fill(x.id, q("0.1"), p("49000"), None).unwrap(); // −100 realized
    assert_eq!(trips.load(Ordering::SeqCst), 1);
    let r = book
        .check_and_reserve_for(&buy(btc(), "0.1", "50000"), origin)
        .unwrap_err();
    assert_eq!(
        r,
        Rejection::State {
            scope: Scope::Strategy(alpha),
            state: TradingState::Halted
        }
    );
    // The default strategy is unaffected.
    let _ = book.check_and_reserve(&buy(btc(), "0.1", "50000")).unwrap();
}
