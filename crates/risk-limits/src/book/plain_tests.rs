//! The plain-arithmetic fast paths agree with the saturating, checked forms
//! they stand in for, across and beyond the ranges where they apply.

use proptest::prelude::*;

use super::check::{buffered, over};
use super::state::Exposure;
use crate::Pct;
use crate::amount::SMALL;

/// Amounts near every edge the fast paths test: zero, 2⁹⁰, 2¹²⁴, i128::MAX.
fn amount() -> impl Strategy<Value = i128> {
    prop_oneof![
        -1_000_000i128..1_000_000,
        (-SMALL - 10)..(SMALL + 10),
        (1i128 << 123)..(1i128 << 125),
        (i128::MAX - 1_000)..=i128::MAX,
        Just(0),
        Just(-1),
        Just(SMALL - 1),
        Just(1 << 124),
    ]
}

/// The saturating forms, written out as the reference.
fn reference(e: &Exposure) -> (i128, i128, i128) {
    let long_worst = e.long.saturating_add(e.res_buy);
    let short_worst = e.short.saturating_add(e.res_sell);
    let net = e.long.saturating_sub(e.short);
    let net_worst = net
        .saturating_add(e.res_buy)
        .saturating_abs()
        .max(net.saturating_sub(e.res_sell).saturating_abs());
    (
        long_worst.max(short_worst),
        long_worst.saturating_add(short_worst),
        net_worst,
    )
}

proptest! {
    #[test]
    fn exposure_figures_match_saturating_forms(
        long in amount(), short in amount(), res_buy in amount(), res_sell in amount(),
    ) {
        let e = Exposure { long, short, res_buy, res_sell };
        let (side_max, gross, net_worst) = reference(&e);
        prop_assert_eq!(e.side_max(), side_max);
        prop_assert_eq!(e.gross(), gross);
        prop_assert_eq!(e.net_worst(), net_worst);
    }

    #[test]
    fn buffered_price_matches_the_plain_product(
        p in prop_oneof![0u64..1_000_000_000_000_000, Just(u64::MAX), any::<u64>()],
        buffer in prop_oneof![0u64..100_000_000, Just(0), any::<u64>()],
    ) {
        let one = u128::from(supreme_order_guard::ONE);
        // The product as it was written; beyond u128 (a buffer above 2⁶⁴
        // less 10⁸) the new form still answers, the old one overflowed.
        if let Some(product) = u128::from(p).checked_mul(one + u128::from(buffer)) {
            prop_assert_eq!(buffered(p, buffer), product.div_ceil(one));
        }
    }

    #[test]
    fn plain_share_compare_matches_checked(
        units in 1u64..=100_000_000, part in amount(), whole in amount(),
    ) {
        let limit = Pct::from_fraction_units(units).unwrap();
        let small = |v: i128| (-SMALL..SMALL).contains(&v);
        if small(part) && small(whole) {
            prop_assert_eq!(over(limit, part, whole, true), limit.exceeded_by(part, whole));
        }
        prop_assert_eq!(over(limit, part, whole, false), limit.exceeded_by(part, whole));
    }
}

#[test]
fn boundary_shares_are_exact() {
    let ten = Pct::percent(10);
    // Exactly 10 % is not over 10 %; one unit more is.
    assert!(!over(ten, 10, 100, true));
    assert!(over(ten, 11, 100, true));
    assert!(!over(ten, SMALL / 10 - 1, SMALL - 10, true));
    // No equity: any positive part is over; nothing is not.
    assert!(over(ten, 1, 0, true));
    assert!(!over(ten, 0, 0, true));
}
