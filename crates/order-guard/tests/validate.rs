//! The validator on the shipped sample: shape, symbol, context and our caps.

mod support;

use support::*;
use supreme_order_guard::*;

fn validate(order: &Order, ctx: &OrderContext<'_>) -> Vec<Violation> {
    violations(Validator::default().validate(&sample(), order, ctx))
}

fn btc_limit(qty: &str, price: &str) -> Order {
    Order::limit(sym("BTCUSDT"), Side::Buy, q(qty), p(price))
}

#[test]
fn a_good_limit_order_passes() {
    assert_eq!(
        validate(&btc_limit("0.01", "25000"), &ctx(p("25000"))),
        vec![]
    );
}

#[test]
fn every_violation_is_reported_at_once() {
    let v = validate(&btc_limit("0.000015", "0.005"), &ctx(p("25000")));
    assert!(v.contains(&Violation::PriceBelowMin {
        field: Field::Price,
        price: p("0.005"),
        min: p("0.01")
    }));
    assert!(v.contains(&Violation::PriceNotOnTick {
        field: Field::Price,
        price: p("0.005"),
        tick: p("0.01")
    }));
    assert!(
        v.iter()
            .any(|x| matches!(x, Violation::PriceBelowBand { .. }))
    );
    assert!(
        v.iter()
            .any(|x| matches!(x, Violation::QuantityNotOnStep { .. }))
    );
    assert!(v.iter().any(|x| matches!(
        x,
        Violation::NotionalBelowMin {
            filter: "NOTIONAL",
            ..
        }
    )));
    assert_eq!(v.len(), 5, "{v:#?}");
}

#[test]
fn required_and_refused_fields_per_type() {
    let btc = sym("BTCUSDT");
    let mut limit = Order::new(btc, Side::Buy, OrderType::Limit);
    limit.quantity = Some(q("1"));
    let v = validate(&limit, &ctx(p("25000")));
    assert!(v.contains(&Violation::MissingField {
        field: Field::Price
    }));
    assert!(v.contains(&Violation::MissingField {
        field: Field::TimeInForce
    }));

    let mut market = Order::market(btc, Side::Sell, q("0.01"));
    market.price = Some(p("25000"));
    market.quote_quantity = Some(q("100"));
    let v = validate(&market, &ctx(p("25000")));
    assert!(v.contains(&Violation::UnexpectedField {
        field: Field::Price
    }));
    assert!(v.contains(&Violation::UnexpectedField {
        field: Field::QuoteQuantity
    }));

    let mut stop = Order::new(btc, Side::Sell, OrderType::StopLossLimit);
    stop.quantity = Some(q("0.01"));
    stop.price = Some(p("24000"));
    stop.time_in_force = Some(TimeInForce::Gtc);
    assert_eq!(
        validate(&stop, &ctx(p("25000"))),
        vec![Violation::MissingField {
            field: Field::StopPriceOrTrailingDelta
        }]
    );
    stop.trailing_delta = Some(100);
    assert_eq!(validate(&stop, &ctx(p("25000"))), vec![]);

    let mut maker = Order::new(btc, Side::Buy, OrderType::LimitMaker);
    maker.quantity = Some(q("0.01"));
    maker.price = Some(p("25000"));
    maker.time_in_force = Some(TimeInForce::Gtc);
    assert_eq!(
        validate(&maker, &ctx(p("25000"))),
        vec![Violation::UnexpectedField {
            field: Field::TimeInForce
        }]
    );
}

#[test]
fn zero_amounts_are_not_positive() {
    let v = validate(&btc_limit("0", "0"), &ctx(p("25000")));
    assert!(v.contains(&Violation::NotPositive {
        field: Field::Quantity
    }));
    assert!(v.contains(&Violation::NotPositive {
        field: Field::Price
    }));
}

#[test]
fn iceberg_rules() {
    let mut o = btc_limit("1", "25000");
    o.iceberg_quantity = Some(q("0.09"));
    assert_eq!(
        validate(&o, &ctx(p("25000"))),
        vec![Violation::TooManyIcebergParts {
            parts: 12,
            limit: 10
        }]
    );
    o.iceberg_quantity = Some(q("0.1"));
    o.time_in_force = Some(TimeInForce::Ioc);
    assert_eq!(
        validate(&o, &ctx(p("25000"))),
        vec![Violation::IcebergNeedsGtc {
            time_in_force: Some(TimeInForce::Ioc)
        }]
    );
    let mut newcoin = Order::limit(sym("NEWCOINUSDT"), Side::Buy, q("10"), p("1"));
    newcoin.iceberg_quantity = Some(q("5"));
    let v = violations(
        Validator::new(Policy {
            unknown_filters: UnknownFilterPolicy::Ignore,
            ..Policy::default()
        })
        .validate(&sample(), &newcoin, &ctx(p("1"))),
    );
    assert_eq!(v, vec![Violation::IcebergNotAllowed]);
}

#[test]
fn symbol_status_type_and_unknown_symbol() {
    let luna = Order::limit(sym("LUNAUSDT"), Side::Buy, q("1"), p("0.0001"));
    assert_eq!(
        validate(&luna, &ctx(p("0.0001"))),
        vec![Violation::SymbolNotTrading {
            status: SymbolStatus::Break
        }]
    );
    let mut stop = Order::new(sym("ETHBTC"), Side::Sell, OrderType::StopLoss);
    stop.quantity = Some(q("1"));
    stop.stop_price = Some(p("0.05"));
    let v = validate(&stop, &ctx(p("0.06")));
    assert!(v.contains(&Violation::OrderTypeNotAllowed {
        order_type: OrderType::StopLoss
    }));
    let nope = Order::limit(sym("DOGEUSDT"), Side::Buy, q("1"), p("1"));
    assert_eq!(
        validate(&nope, &ctx(p("1"))),
        vec![Violation::UnknownSymbol]
    );
}

#[test]
fn unknown_filter_rejects_by_default_and_is_named() {
    let o = Order::limit(sym("NEWCOINUSDT"), Side::Buy, q("10"), p("1"));
    let v = validate(&o, &ctx(p("1")));
    assert_eq!(
        v,
        vec![Violation::UnknownFilter {
            filter_type: "FUTURE_FILTER_TYPE".into()
        }]
    );
    assert!(v[0].to_string().contains("FUTURE_FILTER_TYPE"));
    let lenient = Validator::new(Policy {
        unknown_filters: UnknownFilterPolicy::Ignore,
        ..Policy::default()
    });
    assert!(lenient.validate(&sample(), &o, &ctx(p("1"))).is_ok());
}

#[test]
fn missing_facts_fail_closed() {
    let o = btc_limit("0.01", "25000");
    let bare = OrderContext::new(NOW);
    let v = validate(&o, &bare);
    assert_eq!(
        v,
        vec![
            Violation::ReferencePriceMissing,
            Violation::OpenOrdersUnknown
        ]
    );

    let stale = OrderContext {
        reference: Some(ReferencePrice {
            price: p("25000"),
            observed_at_ms: NOW - 30_001,
        }),
        ..ctx(p("25000"))
    };
    assert_eq!(
        validate(&o, &stale),
        vec![Violation::ReferencePriceStale {
            age_ms: 30_001,
            max_age_ms: 30_000
        }]
    );
    let edge = OrderContext {
        reference: Some(ReferencePrice {
            price: p("25000"),
            observed_at_ms: NOW - 30_000,
        }),
        ..ctx(p("25000"))
    };
    assert_eq!(validate(&o, &edge), vec![]);

    let eth = Order::limit(sym("ETHBTC"), Side::Buy, q("1"), p("0.06"));
    let no_position = OrderContext {
        base_position: None,
        ..ctx(p("0.06"))
    };
    assert_eq!(
        validate(&eth, &no_position),
        vec![Violation::PositionUnknown]
    );
}

#[test]
fn market_orders_use_the_reference_price_for_notional() {
    let o = Order::market(sym("BTCUSDT"), Side::Sell, q("0.0001"));
    // 0.0001 x 25000 = 2.5 < 5 (applyMinToMarket)
    let v = validate(&o, &ctx(p("25000")));
    assert!(
        matches!(
            v.as_slice(),
            [Violation::NotionalBelowMin {
                filter: "NOTIONAL",
                ..
            }]
        ),
        "{v:?}"
    );
    assert_eq!(validate(&o, &ctx(p("50000"))), vec![]);
    let mut quote = Order::new(sym("BTCUSDT"), Side::Buy, OrderType::Market);
    quote.quote_quantity = Some(q("4.99"));
    assert!(matches!(
        validate(&quote, &ctx(p("25000"))).as_slice(),
        [Violation::NotionalBelowMin { .. }]
    ));
    let big = Order::market(sym("BTCUSDT"), Side::Buy, q("120.00001"));
    assert!(validate(&big, &ctx(p("25000"))).iter().any(|v| matches!(
        v,
        Violation::QuantityAboveMax {
            filter: "MARKET_LOT_SIZE",
            ..
        }
    )));
}

#[test]
fn max_position_and_open_order_counts() {
    let eth = Order::limit(sym("ETHBTC"), Side::Buy, q("2"), p("0.06"));
    let held = ctx(p("0.06")).with_base_position(q("8.5"));
    assert_eq!(
        validate(&eth, &held),
        vec![Violation::MaxPositionExceeded {
            position_after: q("10.5"),
            max: q("10")
        }]
    );
    let full = ctx(p("25000")).with_open_orders(
        OpenOrderCounts {
            all: 10,
            algo: 0,
            iceberg: 0,
        },
        OpenOrderCounts {
            all: 1000,
            algo: 0,
            iceberg: 0,
        },
    );
    assert_eq!(
        validate(&btc_limit("0.01", "25000"), &full),
        vec![Violation::TooManyOpenOrders {
            scope: CountScope::Exchange,
            kind: OrderCountKind::All,
            open: 1000,
            max: 1000
        }]
    );
}

#[test]
fn duplicate_client_order_id_in_flight() {
    let id = ClientOrderId::new("bot-7").unwrap();
    let mut in_flight = InFlightOrders::default();
    let o = btc_limit("0.01", "25000").with_client_order_id(id);
    assert_eq!(
        validate(&o, &ctx(p("25000")).with_in_flight(&in_flight)),
        vec![]
    );
    in_flight.insert(id);
    assert_eq!(
        validate(&o, &ctx(p("25000")).with_in_flight(&in_flight)),
        vec![Violation::DuplicateClientOrderId { id }]
    );
}

#[test]
fn fat_finger_caps() {
    let v = Validator::new(Policy {
        max_order_notional: Some(q("10000")),
        max_order_quantity: Some(q("1")),
        ..Policy::default()
    });
    let info = sample();
    assert!(
        v.validate(&info, &btc_limit("0.4", "25000"), &ctx(p("25000")))
            .is_ok()
    );
    let r = violations(v.validate(&info, &btc_limit("2", "25000"), &ctx(p("25000"))));
    assert!(r.contains(&Violation::FatFingerQuantity {
        quantity: q("2"),
        max: q("1")
    }));
    assert!(r.contains(&Violation::FatFingerNotional {
        notional: Notional::of(p("25000"), q("2")),
        max: Notional::from_quote(q("10000"))
    }));
    // Market orders are capped at the caller's worst-case price, not the average.
    let m = Order::market(sym("BTCUSDT"), Side::Buy, q("0.39"));
    assert!(v.validate(&info, &m, &ctx(p("25000"))).is_ok());
    let worst = ctx(p("25000")).with_worst_case_price(p("26000"));
    assert!(
        violations(v.validate(&info, &m, &worst))
            .iter()
            .any(|x| matches!(x, Violation::FatFingerNotional { .. }))
    );
    let unknown = OrderContext {
        worst_case_price: None,
        ..ctx(p("25000"))
    };
    assert_eq!(
        violations(v.validate(&info, &m, &unknown)),
        vec![Violation::WorstCasePriceMissing]
    );
}

#[test]
fn normalize_rounds_toward_the_safe_side_or_says_why() {
    let v = Validator::default();
    let info = sample();
    let mut sell = btc_limit("0.012349", "25000.001");
    sell.side = Side::Sell;
    let n = v.normalize(&info, &sell, &ctx(p("25000"))).unwrap();
    assert_eq!(
        (n.order.price, n.order.quantity, n.adjusted),
        (Some(p("25000.01")), Some(q("0.01234")), true)
    );
    let unchanged = v
        .normalize(&info, &btc_limit("0.01", "25000"), &ctx(p("25000")))
        .unwrap();
    assert!(!unchanged.adjusted);
    let dust = v
        .normalize(&info, &btc_limit("0.000009", "25000"), &ctx(p("25000")))
        .unwrap_err();
    assert!(dust.any(|x| matches!(x, Violation::QuantityBelowMin { .. })));
}

#[test]
fn violations_serialize_for_machines() {
    let v = Validator::default()
        .validate(&sample(), &btc_limit("0.01", "25000.001"), &ctx(p("25000")))
        .unwrap_err();
    let json = serde_json::to_value(&v).unwrap();
    assert_eq!(json[0]["violation"], "PRICE_NOT_ON_TICK");
    assert_eq!(json[0]["price"], "25000.001");
    assert_eq!(json[0]["tick"], "0.01");
}
