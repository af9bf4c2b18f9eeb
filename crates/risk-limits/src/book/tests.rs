//! Unit tests: every limit at its boundary, reducing orders, bookkeeping.

use std::num::{NonZeroU32, NonZeroU64};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use supreme_order_guard::{Order, OrderType, Price, Quantity, Side, Symbol};

use crate::*;

const T0: u64 = 1_700_000_000_000;

fn q(s: &str) -> Quantity {
    s.parse().unwrap()
}
fn p(s: &str) -> Price {
    s.parse().unwrap()
}
fn v(s: &str) -> Value {
    s.parse().unwrap()
}
fn usdt() -> Asset {
    Asset::new("USDT").unwrap()
}
fn btc() -> Symbol {
    Symbol::new("BTCUSDT").unwrap()
}
fn eth() -> Symbol {
    Symbol::new("ETHUSDT").unwrap()
}
fn main_account() -> AccountId {
    AccountId::new("main").unwrap()
}
fn buy(sym: Symbol, qty: &str, price: &str) -> Order {
    Order::limit(sym, Side::Buy, q(qty), p(price))
}
fn sell(sym: Symbol, qty: &str, price: &str) -> Order {
    Order::limit(sym, Side::Sell, q(qty), p(price))
}

/// 100,000 USDT of equity; BTCUSDT marked 50,000, ETHUSDT 2,000.
fn book_with(limits: &[(Scope, LimitSet)]) -> (RiskBook<Arc<FakeClock>>, Arc<FakeClock>) {
    let mut config = RiskConfig::new(usdt()).unwrap();
    for (scope, set) in limits {
        config = config.with_limits(*scope, *set).unwrap();
    }
    let clock = Arc::new(FakeClock::new(T0));
    let book = RiskBook::new(config, clock.clone()).unwrap();
    book.add_symbol(btc(), Asset::new("BTC").unwrap(), usdt())
        .unwrap();
    book.add_symbol(eth(), Asset::new("ETH").unwrap(), usdt())
        .unwrap();
    book.deposit(main_account(), usdt(), q("100000")).unwrap();
    book.set_mark(btc(), p("50000")).unwrap();
    book.set_mark(eth(), p("2000")).unwrap();
    book.start_fresh().unwrap();
    (book, clock)
}

fn global(set: LimitSet) -> (RiskBook<Arc<FakeClock>>, Arc<FakeClock>) {
    book_with(&[(Scope::Global, set)])
}

fn limit_of(r: Rejection) -> (Scope, LimitKind, Observed) {
    match r {
        Rejection::Limit {
            scope,
            kind,
            observed,
        } => (scope, kind, observed),
        other => panic!("expected a limit rejection, got {other:?}"),
    }
}

#[test]
fn position_share_boundary_and_warning() {
    let (book, _) = global(LimitSet {
        position: Some(PositionLimit::SEED),
        ..LimitSet::default()
    });
    // 0.1 BTC = 5,000 = 5 %: at the warning threshold, no warning.
    let a = book.check_and_reserve(&buy(btc(), "0.1", "50000")).unwrap();
    assert!(a.warnings.is_empty());
    book.cancel(a.id).unwrap();
    // One unit more crosses 5 %: a warning naming the threshold.
    let a = book
        .check_and_reserve(&buy(btc(), "0.10000001", "50000"))
        .unwrap();
    let w = *a.warnings.iter().next().unwrap();
    assert_eq!((w.scope, w.kind), (Scope::Global, LimitKind::Position));
    book.cancel(a.id).unwrap();
    // Exactly 10 % is allowed; one unit more is refused with the observed share.
    let a = book.check_and_reserve(&buy(btc(), "0.2", "50000")).unwrap();
    book.cancel(a.id).unwrap();
    let r = book
        .check_and_reserve(&buy(btc(), "0.20000001", "50000"))
        .unwrap_err();
    let (scope, kind, observed) = limit_of(r);
    assert_eq!((scope, kind), (Scope::Global, LimitKind::Position));
    let Observed::Share { limit, observed } = observed else {
        panic!()
    };
    assert_eq!(limit, Pct::percent(10));
    assert_eq!(observed.fraction_units(), 10_000_000); // 10.000005 % truncated to 10⁻⁸
    assert_eq!(
        r.to_string(),
        "position share of equity at global: 10%, limit 10%"
    );
}

#[test]
fn reservations_add_up_across_orders() {
    let (book, _) = global(LimitSet {
        position: Some(PositionLimit::SEED),
        ..LimitSet::default()
    });
    let first = book
        .check_and_reserve(&buy(btc(), "0.15", "50000"))
        .unwrap();
    // The second order cannot slip under the limit the first one used.
    let r = book
        .check_and_reserve(&buy(btc(), "0.05000001", "50000"))
        .unwrap_err();
    assert_eq!(limit_of(r).1, LimitKind::Position);
    let second = book
        .check_and_reserve(&buy(btc(), "0.05", "50000"))
        .unwrap();
    book.cancel(first.id).unwrap();
    book.cancel(second.id).unwrap();
    assert_eq!(book.view(Scope::Global).unwrap().gross, Value::ZERO);
}

#[test]
fn worst_case_price_is_the_higher_of_limit_and_mark() {
    let (book, _) = global(LimitSet {
        gross_exposure: Some(v("10000")),
        ..LimitSet::default()
    });
    // A buy limit below the mark is valued at the mark: 0.2 × 50,000.
    let a = book.check_and_reserve(&buy(btc(), "0.2", "40000")).unwrap();
    assert_eq!(book.view(Scope::Global).unwrap().gross, v("10000"));
    book.cancel(a.id).unwrap();
    // A market order at the mark + 5 %: 0.19 × 52,500 = 9,975 fits, 0.2 does not.
    let a = book
        .check_and_reserve(&Order::market(btc(), Side::Buy, q("0.19")))
        .unwrap();
    assert_eq!(book.view(Scope::Global).unwrap().gross, v("9975"));
    book.cancel(a.id).unwrap();
    let r = book
        .check_and_reserve(&Order::market(btc(), Side::Buy, q("0.2")))
        .unwrap_err();
    let Observed::Amount { observed, .. } = limit_of(r).2 else {
        panic!()
    };
    assert_eq!(observed, v("10500"));
    // Quote quantity: 9,500 USDT + 5 % = 9,975.
    let mut quote = Order::new(btc(), Side::Buy, OrderType::Market);
    quote.quote_quantity = Some(q("9500"));
    let a = book.check_and_reserve(&quote).unwrap();
    assert_eq!(book.view(Scope::Global).unwrap().gross, v("9975"));
    // It fills 0.19 BTC at 50,000 = 9,500 of quote: closed, reservation gone.
    let report = book.fill(a.id, q("0.19"), p("50000"), None).unwrap();
    assert!(report.closed);
    assert_eq!(book.view(Scope::Global).unwrap().gross, v("9500"));
}

#[test]
fn gross_exposure_boundary() {
    let (book, _) = global(LimitSet {
        gross_exposure: Some(v("10000")),
        ..LimitSet::default()
    });
    let a = book.check_and_reserve(&buy(eth(), "5", "2000")).unwrap();
    let r = book
        .check_and_reserve(&buy(btc(), "0.00000001", "50000"))
        .unwrap_err();
    let (_, kind, observed) = limit_of(r);
    assert_eq!(kind, LimitKind::GrossExposure);
    assert_eq!(
        observed,
        Observed::Amount {
            limit: v("10000"),
            observed: v("10000.0005")
        }
    );
    book.cancel(a.id).unwrap();
    let _ = book
        .check_and_reserve(&buy(btc(), "0.00000001", "50000"))
        .unwrap();
}

#[test]
fn net_exposure_counts_the_worst_side() {
    let (book, _) = global(LimitSet {
        net_exposure: Some(v("20000")),
        ..LimitSet::default()
    });
    book.set_position(main_account(), btc(), q("0.4"), p("50000"))
        .unwrap();
    // Long 20,000: any further buy breaks the net cap.
    let r = book
        .check_and_reserve(&buy(eth(), "0.00000001", "2000"))
        .unwrap_err();
    assert_eq!(limit_of(r).1, LimitKind::NetExposure);
    // A sell beyond the position is not reducing: net worst = max(20,000, |20,000 − 45,000|).
    let r = book
        .check_and_reserve(&sell(btc(), "0.9", "50000"))
        .unwrap_err();
    let Observed::Amount { observed, .. } = limit_of(r).2 else {
        panic!()
    };
    assert_eq!(observed, v("25000"));
    // Selling what is held reduces: always allowed.
    assert!(
        book.check_and_reserve(&sell(btc(), "0.4", "50000"))
            .unwrap()
            .reducing
    );
}

#[test]
fn concentration_applies_from_its_gross_threshold() {
    let set = LimitSet {
        concentration: Some(ConcentrationLimit::SEED),
        ..LimitSet::default()
    };
    let (book, _) = global(set);
    book.withdraw(main_account(), usdt(), q("40000")).unwrap();
    book.set_position(main_account(), eth(), q("20"), p("2000"))
        .unwrap(); // equity back to 100,000
    // Gross 40,000 + 9,999.99 < 50 % of equity: not yet applied (share 25 %).
    let a = book
        .check_and_reserve(&buy(btc(), "0.1999998", "50000"))
        .unwrap();
    book.cancel(a.id).unwrap();
    // Gross 50,000 = 50 %: applies; BTC 10,000 is exactly 20 %: allowed.
    let a = book.check_and_reserve(&buy(btc(), "0.2", "50000")).unwrap();
    book.cancel(a.id).unwrap();
    // 10,000.0005 of 50,000.0005 is above 20 %.
    let r = book
        .check_and_reserve(&buy(btc(), "0.20000001", "50000"))
        .unwrap_err();
    assert_eq!(limit_of(r).1, LimitKind::Concentration);
}

#[test]
fn open_orders_boundary() {
    let set = LimitSet {
        max_open_orders: NonZeroU32::new(2),
        ..LimitSet::default()
    };
    let (book, _) = book_with(&[(Scope::Symbol(btc()), set)]);
    let a = book
        .check_and_reserve(&buy(btc(), "0.01", "50000"))
        .unwrap();
    let _b = book
        .check_and_reserve(&buy(btc(), "0.01", "50000"))
        .unwrap();
    let r = book
        .check_and_reserve(&buy(btc(), "0.01", "50000"))
        .unwrap_err();
    assert_eq!(
        limit_of(r),
        (
            Scope::Symbol(btc()),
            LimitKind::OpenOrders,
            Observed::Count {
                limit: 2,
                observed: 3
            }
        )
    );
    // Another symbol is another scope.
    let _ = book.check_and_reserve(&buy(eth(), "0.01", "2000")).unwrap();
    book.cancel(a.id).unwrap();
    let _ = book
        .check_and_reserve(&buy(btc(), "0.01", "50000"))
        .unwrap();
}

#[test]
fn order_rate_window_boundary() {
    let rate =
        OrderRateLimit::new(NonZeroU32::new(3).unwrap(), NonZeroU64::new(1000).unwrap()).unwrap();
    let (book, clock) = global(LimitSet {
        order_rate: Some(rate),
        ..LimitSet::default()
    });
    for _ in 0..3 {
        let a = book
            .check_and_reserve(&buy(btc(), "0.01", "50000"))
            .unwrap();
        book.cancel(a.id).unwrap();
        clock.advance_ms(100);
    }
    let r = book
        .check_and_reserve(&buy(btc(), "0.01", "50000"))
        .unwrap_err();
    assert_eq!(
        limit_of(r).2,
        Observed::Count {
            limit: 3,
            observed: 4
        }
    );
    // At exactly 1,000 ms after the first, it has left the window.
    clock.set_ms(T0 + 999);
    assert!(
        book.check_and_reserve(&buy(btc(), "0.01", "50000"))
            .is_err()
    );
    clock.set_ms(T0 + 1000);
    let _ = book
        .check_and_reserve(&buy(btc(), "0.01", "50000"))
        .unwrap();
}

fn bought(book: &RiskBook<Arc<FakeClock>>, sym: Symbol, qty: &str, price: &str) {
    let a = book.check_and_reserve(&buy(sym, qty, price)).unwrap();
    book.fill(a.id, q(qty), p(price), None).unwrap();
}

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
        clock.advance_ms(1000);
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
