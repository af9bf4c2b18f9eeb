//! Property: `normalize` yields an order `validate` accepts, or typed
//! reasons; it never panics, never raises a quantity, never worsens a price.

mod support;

use proptest::prelude::*;
use support::*;
use supreme_order_guard::*;

fn order_strategy() -> impl Strategy<Value = (Order, u64)> {
    let symbols = prop::sample::select(vec![
        "BTCUSDT",
        "ETHBTC",
        "LUNAUSDT",
        "NEWCOINUSDT",
        "XRPUSDT",
    ]);
    let types = prop::sample::select(OrderType::ALL.to_vec());
    let tifs = prop::option::of(prop::sample::select(vec![
        TimeInForce::Gtc,
        TimeInForce::Ioc,
        TimeInForce::Fok,
    ]));
    let amount = || {
        prop::option::of(prop_oneof![
            0u64..10_000,
            0u64..100 * ONE,
            0u64..10_000_000 * ONE,
            any::<u64>()
        ])
    };
    (
        (symbols, any::<bool>(), types, tifs),
        (amount(), amount(), amount(), amount(), amount()),
        prop::option::of(0u32..5000),
        1u64..100_000 * ONE,
    )
        .prop_map(
            |((s, buy, t, tif), (qty, quote, price, stop, ice), delta, reference)| {
                let side = if buy { Side::Buy } else { Side::Sell };
                let mut o = Order::new(sym(s), side, t);
                o.time_in_force = tif;
                o.quantity = qty.map(Quantity::from_units);
                o.quote_quantity = quote.map(Quantity::from_units);
                o.price = price.map(Price::from_units);
                o.stop_price = stop.map(Price::from_units);
                o.iceberg_quantity = ice.map(Quantity::from_units);
                o.trailing_delta = delta;
                (o, reference)
            },
        )
}

/// Orders near the grid: most normalize to a valid order, so the `Ok` arm
/// is exercised, not just the rejections.
fn near_valid_strategy() -> impl Strategy<Value = (Order, u64)> {
    let symbols = prop::sample::select(vec![("BTCUSDT", 25_000 * ONE), ("ETHBTC", 6_000_000)]);
    (
        symbols,
        any::<bool>(),
        0u64..5 * ONE,
        80u64..120,
        prop::option::of(1u64..ONE),
    )
        .prop_map(|((s, reference), buy, qty, pct, ice)| {
            let side = if buy { Side::Buy } else { Side::Sell };
            let price = Price::from_units(reference / 100 * pct + pct * 7);
            let mut o = Order::limit(sym(s), side, Quantity::from_units(qty), price);
            o.iceberg_quantity = ice.map(Quantity::from_units);
            (o, reference)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn normalize_yields_valid_order_or_reasons((order, reference) in prop_oneof![order_strategy(), near_valid_strategy()]) {
        let info = sample();
        let validator = Validator::new(Policy { unknown_filters: UnknownFilterPolicy::Ignore, ..Policy::default() });
        let ctx = ctx(Price::from_units(reference));
        match validator.normalize(&info, &order, &ctx) {
            Ok(n) => {
                prop_assert!(validator.validate(&info, &n.order, &ctx).is_ok());
                prop_assert!(n.order.quantity <= order.quantity);
                prop_assert!(n.order.iceberg_quantity <= order.iceberg_quantity);
                match order.side {
                    Side::Buy => prop_assert!(n.order.price <= order.price),
                    Side::Sell => prop_assert!(n.order.price >= order.price),
                }
                prop_assert_eq!(n.adjusted, n.order != order);
            }
            Err(v) => {
                prop_assert!(!v.is_empty());
                prop_assert!(validator.validate(&info, &order, &ctx).is_err());
            }
        }
    }

    #[test]
    fn validate_accepts_exactly_when_no_violation((order, reference) in order_strategy()) {
        let info = sample();
        let ctx = ctx(Price::from_units(reference));
        let result = Validator::default().validate(&info, &order, &ctx);
        if let Err(v) = &result {
            prop_assert!(!v.is_empty());
            for violation in v {
                prop_assert!(!violation.to_string().is_empty());
            }
        }
    }
}
