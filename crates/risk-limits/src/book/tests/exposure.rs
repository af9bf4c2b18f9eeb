//! Position share, concentration, gross and net exposure at their
//! boundaries; worst-case pricing of reservations.

use super::*;

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
    let w = a.warnings.iter().next().unwrap();
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
fn warnings_at_every_scope_come_back_in_scope_order() {
    let seed = LimitSet {
        position: Some(PositionLimit::SEED),
        ..LimitSet::default()
    };
    let (book, _) = book_with(&[
        (Scope::Symbol(btc()), seed),
        (Scope::Account(main_account()), seed),
        (Scope::Global, seed),
    ]);
    // 0.12 BTC = 6,000 = 6 % of 100,000: over the 5 % warning at each scope.
    let a = book
        .check_and_reserve(&buy(btc(), "0.12", "50000"))
        .unwrap();
    let seen: Vec<Warning> = a.warnings.iter().collect();
    let scopes: Vec<Scope> = seen.iter().map(|w| w.scope).collect();
    assert_eq!(
        scopes,
        [
            Scope::Global,
            Scope::Account(main_account()),
            Scope::Symbol(btc())
        ]
    );
    for w in &seen {
        assert_eq!(w.kind, LimitKind::Position);
        let Observed::Share { limit, observed } = w.observed else {
            panic!("a share warning, got {w:?}")
        };
        assert_eq!(
            (limit, observed.fraction_units()),
            (Pct::percent(5), 6_000_000)
        );
    }
    assert_eq!(
        seen[1].to_string(),
        "warning: position share of equity at account:main: 6%, limit 5%"
    );
    assert!(!a.warnings.is_empty());
    assert_eq!(format!("{:?}", a.warnings), format!("{seen:?}"));
    book.cancel(a.id).unwrap();
}

#[test]
fn a_refusal_at_the_last_scope_gives_back_every_scope_reserved() {
    let seed = LimitSet {
        position: Some(PositionLimit::SEED),
        ..LimitSet::default()
    };
    let capped = LimitSet {
        gross_exposure: Some(v("5000")),
        ..LimitSet::default()
    };
    let (book, _) = book_with(&[
        (Scope::Global, seed),
        (Scope::Account(main_account()), seed),
        (Scope::Symbol(btc()), capped),
    ]);
    // Global and account pass (6 %); the symbol's gross cap refuses it.
    let r = book
        .check_and_reserve(&buy(btc(), "0.12", "50000"))
        .unwrap_err();
    let (scope, kind, _) = limit_of(r);
    assert_eq!(
        (scope, kind),
        (Scope::Symbol(btc()), LimitKind::GrossExposure)
    );
    for scope in [
        Scope::Global,
        Scope::Account(main_account()),
        Scope::Symbol(btc()),
    ] {
        assert_eq!(book.view(scope).unwrap().gross, Value::ZERO, "{scope}");
    }
    // Nothing left held anywhere: 5 % more fits the symbol's cap exactly,
    // and the account's 10 % (6 % left over would have made it 11 %).
    let a = book.check_and_reserve(&buy(btc(), "0.1", "50000")).unwrap();
    for scope in [Scope::Global, Scope::Account(main_account())] {
        assert_eq!(book.view(scope).unwrap().gross, v("5000"), "{scope}");
    }
    book.cancel(a.id).unwrap();
}

#[test]
fn an_accepted_order_stays_small() {
    // The gate moves it on every approval (it was 304 bytes): no scope is
    // held twice.
    let size = std::mem::size_of::<Accepted>();
    assert!(size <= 128, "Accepted is {size} bytes");
}
