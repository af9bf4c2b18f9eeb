//! Each filter at and around every boundary.

use super::*;
use crate::{
    CountScope, Field, Multiplier, Notional, Order, OrderCountKind, OrderType, Price, Quantity,
    Side, Symbol, TrailingDirection, Violation, Violations,
};

fn p(s: &str) -> Price {
    s.parse().unwrap()
}
fn q(s: &str) -> Quantity {
    s.parse().unwrap()
}
fn m(s: &str) -> Multiplier {
    s.parse().unwrap()
}
fn run(f: impl FnOnce(&mut Violations)) -> Vec<Violation> {
    let mut out = Violations::new();
    f(&mut out);
    out.iter().cloned().collect()
}

const PRICE: PriceFilter = PriceFilter {
    min_price: Price::from_units(1_000_000),       // 0.01
    max_price: Price::from_units(100_000_000_000), // 1000
    tick_size: Price::from_units(1_000_000),       // 0.01
};

#[test]
fn price_filter_bounds_and_tick() {
    for ok in ["0.01", "0.02", "999.99", "1000"] {
        assert!(
            run(|o| PRICE.check(Field::Price, p(ok), o)).is_empty(),
            "{ok}"
        );
    }
    assert_eq!(
        run(|o| PRICE.check(Field::Price, p("0.009"), o)),
        vec![
            Violation::PriceBelowMin {
                field: Field::Price,
                price: p("0.009"),
                min: p("0.01")
            },
            Violation::PriceNotOnTick {
                field: Field::Price,
                price: p("0.009"),
                tick: p("0.01")
            },
        ]
    );
    assert_eq!(
        run(|o| PRICE.check(Field::StopPrice, p("1000.01"), o)),
        vec![Violation::PriceAboveMax {
            field: Field::StopPrice,
            price: p("1000.01"),
            max: p("1000")
        }]
    );
    assert_eq!(
        run(|o| PRICE.check(Field::Price, p("1.00000001"), o)),
        vec![Violation::PriceNotOnTick {
            field: Field::Price,
            price: p("1.00000001"),
            tick: p("0.01")
        }]
    );
}

#[test]
fn price_filter_zero_disables_each_part() {
    let none = PriceFilter {
        min_price: Price::ZERO,
        max_price: Price::ZERO,
        tick_size: Price::ZERO,
    };
    assert!(run(|o| none.check(Field::Price, p("0.00000001"), o)).is_empty());
    assert!(run(|o| none.check(Field::Price, p("184467440737"), o)).is_empty());
}

#[test]
fn price_rounding_toward_the_safe_side() {
    assert_eq!(PRICE.round(p("1.239"), true), Some(p("1.23")));
    assert_eq!(PRICE.round(p("1.231"), false), Some(p("1.24")));
    assert_eq!(PRICE.round(p("1.23"), false), Some(p("1.23")));
    let huge = PriceFilter {
        tick_size: Price::from_units(4),
        ..PRICE
    };
    assert_eq!(huge.round(Price::from_units(u64::MAX - 1), false), None);
}

#[test]
fn lot_size_bounds_and_step() {
    let lot = LotSize {
        min_qty: q("0.001"),
        max_qty: q("100"),
        step_size: q("0.001"),
    };
    for ok in ["0.001", "0.002", "99.999", "100"] {
        assert!(
            run(|o| lot.check("LOT_SIZE", Field::Quantity, q(ok), o)).is_empty(),
            "{ok}"
        );
    }
    let below = run(|o| lot.check("LOT_SIZE", Field::Quantity, q("0.0009"), o));
    assert!(matches!(below[0], Violation::QuantityBelowMin { .. }));
    assert!(matches!(below[1], Violation::QuantityNotOnStep { .. }));
    assert_eq!(
        run(|o| lot.check("LOT_SIZE", Field::IcebergQuantity, q("100.001"), o)),
        vec![Violation::QuantityAboveMax {
            filter: "LOT_SIZE",
            field: Field::IcebergQuantity,
            quantity: q("100.001"),
            max: q("100")
        }]
    );
    assert_eq!(lot.round_down(q("1.2345")), q("1.234"));
    let market = LotSize {
        min_qty: Quantity::ZERO,
        max_qty: q("5"),
        step_size: Quantity::ZERO,
    };
    assert!(
        run(|o| market.check("MARKET_LOT_SIZE", Field::Quantity, q("0.00000001"), o)).is_empty()
    );
    assert_eq!(market.round_down(q("1.23456789")), q("1.23456789"));
}

#[test]
fn percent_price_band_is_inclusive_and_exact() {
    let f = PercentPrice {
        multiplier_up: m("1.3"),
        multiplier_down: m("0.7"),
        avg_price_mins: 5,
    };
    let r = p("100");
    assert!(run(|o| f.check(p("130"), r, o)).is_empty());
    assert!(run(|o| f.check(p("70"), r, o)).is_empty());
    assert_eq!(
        run(|o| f.check(p("130.00000001"), r, o)),
        vec![Violation::PriceAboveBand {
            price: p("130.00000001"),
            reference: r,
            multiplier: m("1.3")
        }]
    );
    assert_eq!(
        run(|o| f.check(p("69.99999999"), r, o)),
        vec![Violation::PriceBelowBand {
            price: p("69.99999999"),
            reference: r,
            multiplier: m("0.7")
        }]
    );
}

#[test]
fn percent_price_by_side_uses_the_sides_band() {
    let f = PercentPriceBySide {
        bid_multiplier_up: m("1.2"),
        bid_multiplier_down: m("0.2"),
        ask_multiplier_up: m("5"),
        ask_multiplier_down: m("0.8"),
        avg_price_mins: 1,
    };
    let r = p("10");
    assert!(run(|o| f.check(Side::Buy, p("12"), r, o)).is_empty());
    assert_eq!(run(|o| f.check(Side::Buy, p("12.01"), r, o)).len(), 1);
    assert!(run(|o| f.check(Side::Sell, p("12.01"), r, o)).is_empty());
    assert!(run(|o| f.check(Side::Buy, p("2"), r, o)).is_empty());
    assert_eq!(run(|o| f.check(Side::Sell, p("7.99"), r, o)).len(), 1);
}

#[test]
fn notional_filters() {
    let min = MinNotional {
        min_notional: q("10"),
        apply_to_market: false,
        avg_price_mins: 5,
    };
    assert!(min.applies(false) && !min.applies(true));
    assert!(run(|o| min.check(Notional::of(p("10"), q("1")), o)).is_empty());
    assert_eq!(
        run(|o| min.check(Notional::of(p("9.99999999"), q("1")), o)).len(),
        1
    );

    let range = NotionalFilter {
        min_notional: q("5"),
        apply_min_to_market: true,
        max_notional: q("100"),
        apply_max_to_market: false,
        avg_price_mins: 5,
    };
    let at = |price: &str| Notional::of(p(price), q("1"));
    assert!(run(|o| range.check(at("5"), false, o)).is_empty());
    assert!(run(|o| range.check(at("100"), false, o)).is_empty());
    assert!(matches!(
        run(|o| range.check(at("4.99"), true, o))[0],
        Violation::NotionalBelowMin { .. }
    ));
    assert!(matches!(
        run(|o| range.check(at("100.01"), false, o))[0],
        Violation::NotionalAboveMax { .. }
    ));
    // applyMaxToMarket false: a market order above the max passes this filter.
    assert!(run(|o| range.check(at("100.01"), true, o)).is_empty());
    let no_max = NotionalFilter {
        max_notional: Quantity::ZERO,
        ..range
    };
    assert!(run(|o| no_max.check(at("1000000"), false, o)).is_empty());
}

#[test]
fn iceberg_parts_round_up() {
    let f = IcebergParts { limit: 10 };
    assert!(run(|o| f.check(q("10"), q("1"), o)).is_empty());
    assert_eq!(
        run(|o| f.check(q("10.00000001"), q("1"), o)),
        vec![Violation::TooManyIcebergParts {
            parts: 11,
            limit: 10
        }]
    );
}

#[test]
fn max_position_counts_buys_only() {
    let f = MaxPosition {
        max_position: q("10"),
    };
    assert!(run(|o| f.check(Side::Buy, Some(q("9")), q("1"), o)).is_empty());
    assert_eq!(
        run(|o| f.check(Side::Buy, Some(q("9")), q("1.00000001"), o)),
        vec![Violation::MaxPositionExceeded {
            position_after: q("10.00000001"),
            max: q("10")
        }]
    );
    assert!(run(|o| f.check(Side::Sell, Some(q("50")), q("1"), o)).is_empty());
    assert_eq!(
        run(|o| f.check(Side::Buy, None, q("1"), o)),
        vec![Violation::PositionUnknown]
    );
}

#[test]
fn trailing_delta_direction_and_bounds() {
    use OrderType::*;
    assert_eq!(
        TrailingDelta::direction(StopLoss, Side::Buy),
        Some(TrailingDirection::Above)
    );
    assert_eq!(
        TrailingDelta::direction(TakeProfitLimit, Side::Sell),
        Some(TrailingDirection::Above)
    );
    assert_eq!(
        TrailingDelta::direction(StopLossLimit, Side::Sell),
        Some(TrailingDirection::Below)
    );
    assert_eq!(
        TrailingDelta::direction(TakeProfit, Side::Buy),
        Some(TrailingDirection::Below)
    );
    assert_eq!(TrailingDelta::direction(Limit, Side::Buy), None);
    let f = TrailingDelta {
        min_above: 10,
        max_above: 2000,
        min_below: 20,
        max_below: 1000,
    };
    assert!(run(|o| f.check(StopLoss, Side::Buy, 10, o)).is_empty());
    assert!(run(|o| f.check(StopLoss, Side::Buy, 2000, o)).is_empty());
    assert_eq!(run(|o| f.check(StopLoss, Side::Buy, 9, o)).len(), 1);
    assert_eq!(run(|o| f.check(StopLoss, Side::Buy, 2001, o)).len(), 1);
    assert_eq!(
        run(|o| f.check(StopLoss, Side::Sell, 19, o)),
        vec![Violation::TrailingDeltaOutOfRange {
            direction: TrailingDirection::Below,
            delta: 19,
            min: 20,
            max: 1000
        }]
    );
}

#[test]
fn open_order_limits_leave_room_for_one_more() {
    let limits = OrderLimits {
        max_orders: Some(2),
        max_algo_orders: Some(1),
        max_iceberg_orders: Some(1),
    };
    let sym = Symbol::new("BTCUSDT").unwrap();
    let limit = Order::new(sym, Side::Buy, OrderType::Limit);
    let stop = Order::new(sym, Side::Buy, OrderType::StopLossLimit);
    let counts = |all, algo, iceberg| OpenOrderCounts { all, algo, iceberg };
    let check = |order: &Order, c: Option<OpenOrderCounts>| {
        let mut out = Violations::new();
        let known = limits.check(CountScope::Symbol, order, c.as_ref(), &mut out);
        (known, out.iter().cloned().collect::<Vec<_>>())
    };
    assert_eq!(check(&limit, Some(counts(1, 1, 1))), (true, vec![]));
    assert_eq!(
        check(&limit, Some(counts(2, 0, 0))),
        (
            true,
            vec![Violation::TooManyOpenOrders {
                scope: CountScope::Symbol,
                kind: OrderCountKind::All,
                open: 2,
                max: 2
            }]
        )
    );
    assert_eq!(check(&stop, Some(counts(1, 1, 0))).1.len(), 1);
    assert_eq!(check(&limit, None), (false, vec![]));
    assert!(OrderLimits::default().check(
        CountScope::Exchange,
        &limit,
        None,
        &mut Violations::new()
    ));
}
