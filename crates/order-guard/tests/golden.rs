//! Golden tests on the real Binance snapshot (2,292 symbols, 2023-09-08):
//! every symbol parses; for every TRADING symbol a generated valid order
//! passes, and single-field perturbations fail with the right violation.
//! Skipped, with a note, on a clone without ../shared.

mod support;

use support::*;
use supreme_order_guard::*;

/// A valid BUY LIMIT order for `rules`, at a reference price equal to the
/// order price, or `None` if the rules admit none of this simple shape.
fn valid_order(rules: &SymbolRules) -> Option<(Order, Price)> {
    let pf = rules.price?;
    let lot = rules.lot_size?;
    let tick = pf.tick_size.units().max(1);
    let min_notional = rules
        .notional
        .map(|n| n.min_notional)
        .or(rules.min_notional.map(|n| n.min_notional))
        .unwrap_or(Quantity::ZERO)
        .units();
    let step = lot.step_size.units().max(1);
    let mut price = pf.min_price.units().max(tick).div_ceil(tick) * tick;
    loop {
        if pf.max_price.units() != 0 && price > pf.max_price.units() {
            return None;
        }
        // Smallest quantity on the step reaching min notional (and minQty).
        let needed = (u128::from(min_notional) * u128::from(ONE)).div_ceil(u128::from(price));
        let needed = u64::try_from(needed).ok()?.max(lot.min_qty.units()).max(1);
        let qty = needed.div_ceil(step) * step;
        let notional_ok = rules.notional.is_none_or(|n| {
            n.max_notional.is_zero()
                || Notional::of(Price::from_units(price), Quantity::from_units(qty))
                    <= Notional::from_quote(n.max_notional)
        });
        if (lot.max_qty.is_zero() || qty <= lot.max_qty.units()) && notional_ok {
            let order = Order::limit(
                rules.symbol,
                Side::Buy,
                Quantity::from_units(qty),
                Price::from_units(price),
            );
            return Some((order, Price::from_units(price)));
        }
        price = price.checked_mul(10)?;
    }
}

fn has(v: &[Violation], pred: impl Fn(&Violation) -> bool) -> bool {
    v.iter().any(pred)
}

#[test]
fn every_symbol_parses() {
    let Some(text) = snapshot() else { return };
    let info = ExchangeInfo::from_json(&text).expect("the real snapshot parses");
    assert_eq!(info.len(), 2292);
    assert_eq!(info.rate_limits.len(), 4);
    let trading = info
        .symbols()
        .filter(|s| s.status == SymbolStatus::Trading)
        .count();
    assert_eq!(trading, 1340);
    assert!(info.symbols().all(|s| s.unknown_filters.is_empty()));
    let btc = info.symbol(&sym("BTCUSDT")).unwrap();
    assert_eq!(btc.price.unwrap().tick_size, p("0.01"));
    assert_eq!(
        info.symbols().filter(|s| s.max_position.is_some()).count(),
        9
    );
}

#[test]
fn valid_orders_pass_and_perturbations_fail_with_the_right_violation() {
    let Some(text) = snapshot() else { return };
    let info = ExchangeInfo::from_json(&text).unwrap();
    let validator = Validator::default();
    let (mut checked, mut not_spot) = (0, 0);
    for rules in info.symbols().filter(|s| s.status == SymbolStatus::Trading) {
        let (order, reference) =
            valid_order(rules).unwrap_or_else(|| panic!("no valid order for {}", rules.symbol));
        let ctx = ctx(reference);
        let run = |o: &Order, c: &OrderContext<'_>| violations(validator.validate(&info, o, c));
        if !rules.spot_trading_allowed {
            // Six leveraged tokens trade under the LEVERAGED permission only.
            assert_eq!(
                run(&order, &ctx),
                vec![Violation::SpotTradingNotAllowed],
                "{}",
                rules.symbol
            );
            not_spot += 1;
            continue;
        }
        assert_eq!(run(&order, &ctx), vec![], "{}: {order:?}", rules.symbol);
        let pf = rules.price.unwrap();
        let lot = rules.lot_size.unwrap();
        let price = order.price.unwrap();
        let qty = order.quantity.unwrap();

        if pf.tick_size.units() > 1 {
            let o = Order {
                price: Some(Price::from_units(price.units() + 1)),
                ..order
            };
            assert!(
                has(&run(&o, &ctx), |v| matches!(
                    v,
                    Violation::PriceNotOnTick { .. }
                )),
                "{}",
                rules.symbol
            );
        }
        if pf.max_price.units() != 0 && pf.max_price.units() < u64::MAX - pf.tick_size.units() {
            let o = Order {
                price: Some(Price::from_units(
                    pf.max_price.units() + pf.tick_size.units(),
                )),
                ..order
            };
            assert!(
                has(&run(&o, &ctx), |v| matches!(
                    v,
                    Violation::PriceAboveMax { .. }
                )),
                "{}",
                rules.symbol
            );
        }
        if pf.min_price.units() > 1 {
            let o = Order {
                price: Some(Price::from_units(pf.min_price.units() - 1)),
                ..order
            };
            assert!(
                has(&run(&o, &ctx), |v| matches!(
                    v,
                    Violation::PriceBelowMin { .. }
                )),
                "{}",
                rules.symbol
            );
        }
        if let Some(band) = rules.percent_price_by_side {
            let up = u128::from(reference.units()) * u128::from(band.bid_multiplier_up.units())
                / u128::from(ONE);
            let above = Price::from_units(u64::try_from(up).unwrap() + pf.tick_size.units().max(1));
            let o = Order {
                price: Some(above),
                ..order
            };
            assert!(
                has(&run(&o, &ctx), |v| matches!(
                    v,
                    Violation::PriceAboveBand { .. }
                )),
                "{}",
                rules.symbol
            );
        }
        if lot.step_size.units() > 1 {
            let o = Order {
                quantity: Some(Quantity::from_units(qty.units() + 1)),
                ..order
            };
            assert!(
                has(&run(&o, &ctx), |v| matches!(
                    v,
                    Violation::QuantityNotOnStep { .. }
                )),
                "{}",
                rules.symbol
            );
        }
        if lot.min_qty.units() > 1 {
            let o = Order {
                quantity: Some(Quantity::from_units(lot.min_qty.units() - 1)),
                ..order
            };
            assert!(
                has(&run(&o, &ctx), |v| matches!(
                    v,
                    Violation::QuantityBelowMin { .. }
                )),
                "{}",
                rules.symbol
            );
        }
        let o = Order {
            quantity: Some(Quantity::from_units(
                lot.max_qty.units() + lot.step_size.units(),
            )),
            ..order
        };
        assert!(
            has(&run(&o, &ctx), |v| matches!(
                v,
                Violation::QuantityAboveMax { .. }
            )),
            "{}",
            rules.symbol
        );

        let o = Order {
            time_in_force: None,
            ..order
        };
        assert_eq!(
            run(&o, &ctx),
            vec![Violation::MissingField {
                field: Field::TimeInForce
            }]
        );
        let o = Order {
            order_type: OrderType::StopLoss,
            price: None,
            time_in_force: None,
            stop_price: order.price,
            ..order
        };
        assert!(
            has(&run(&o, &ctx), |v| matches!(
                v,
                Violation::OrderTypeNotAllowed { .. }
            )),
            "{}",
            rules.symbol
        );
        let stale = OrderContext {
            now_ms: NOW + 30_001,
            ..ctx
        };
        assert!(has(&run(&order, &stale), |v| matches!(
            v,
            Violation::ReferencePriceStale { .. }
        )));
        if let Some(max) = rules.order_limits.max_orders {
            let full = ctx.with_open_orders(
                OpenOrderCounts {
                    all: max,
                    ..Default::default()
                },
                OpenOrderCounts::default(),
            );
            assert!(has(&run(&order, &full), |v| matches!(
                v,
                Violation::TooManyOpenOrders { .. }
            )));
        }
        checked += 1;
    }
    assert_eq!((checked, not_spot), (1334, 6));
}

#[test]
fn symbols_not_trading_reject_everything() {
    let Some(text) = snapshot() else { return };
    let info = ExchangeInfo::from_json(&text).unwrap();
    let mut checked = 0;
    for rules in info.symbols().filter(|s| s.status != SymbolStatus::Trading) {
        if let Some((order, reference)) = valid_order(rules) {
            let v = violations(Validator::default().validate(&info, &order, &ctx(reference)));
            assert_eq!(
                v.first(),
                Some(&Violation::SymbolNotTrading {
                    status: rules.status
                }),
                "{}",
                rules.symbol
            );
            assert!(
                v.len() == 1 || v == [v[0].clone(), Violation::SpotTradingNotAllowed],
                "{v:?}"
            );
            checked += 1;
        }
    }
    assert!(checked > 900, "{checked}");
}
