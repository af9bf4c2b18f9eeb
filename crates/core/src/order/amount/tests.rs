use proptest::prelude::*;
use rust_decimal::Decimal;

use super::*;
use crate::{Notional, Price, Quantity};

#[test]
fn parses_exchange_strings_exactly() {
    assert_eq!(parse_units("0.00000100"), Ok(100));
    assert_eq!(parse_units("100000.00000000"), Ok(100_000 * ONE));
    assert_eq!(parse_units("1"), Ok(ONE));
    assert_eq!(parse_units("1."), Ok(ONE));
    assert_eq!(parse_units("0.1"), Ok(ONE / 10));
    assert_eq!(parse_units("92233720368.54775807"), Ok(i64::MAX as u64));
    assert_eq!(parse_units("184467440737.09551615"), Ok(u64::MAX));
}

#[test]
fn extra_zero_decimals_are_exact_but_extra_digits_are_not() {
    assert_eq!(parse_units("1.0000000000"), Ok(ONE));
    assert_eq!(parse_units("0.000000001"), Err(AmountError::TooPrecise));
    assert_eq!(parse_units("0.123456789"), Err(AmountError::TooPrecise));
}

#[test]
fn malformed_text_is_refused_with_a_reason() {
    assert_eq!(parse_units(""), Err(AmountError::Empty));
    assert_eq!(parse_units("-1"), Err(AmountError::Negative));
    assert_eq!(parse_units(".5"), Err(AmountError::InvalidChar('.')));
    assert_eq!(parse_units("1.2.3"), Err(AmountError::InvalidChar('.')));
    assert_eq!(parse_units("1e5"), Err(AmountError::InvalidChar('e')));
    assert_eq!(parse_units(" 1"), Err(AmountError::InvalidChar(' ')));
    assert_eq!(parse_units("+1"), Err(AmountError::InvalidChar('+')));
    assert_eq!(parse_units("NaN"), Err(AmountError::InvalidChar('N')));
    assert_eq!(
        parse_units("184467440737.09551616"),
        Err(AmountError::Overflow)
    );
    assert_eq!(
        parse_units("99999999999999999999"),
        Err(AmountError::Overflow)
    );
}

#[test]
fn displays_trimmed() {
    assert_eq!(Price::from_units(150_000_000).to_string(), "1.5");
    assert_eq!(Price::from_units(1).to_string(), "0.00000001");
    assert_eq!(Price::from_units(0).to_string(), "0");
    assert_eq!(Quantity::from_units(12_300 * ONE).to_string(), "12300");
    assert_eq!(Quantity::MAX.to_string(), "184467440737.09551615");
    assert_eq!(format!("{:?}", Price::from_units(ONE)), "Price(1)");
}

#[test]
fn decimal_conversion_is_exact_or_refused() {
    let d: Decimal = "25000.12345678".parse().unwrap();
    let p = Price::try_from(d).unwrap();
    assert_eq!(p.units(), 2_500_012_345_678);
    assert_eq!(p.to_decimal(), d);
    assert_eq!(Decimal::from(p), d);
    assert_eq!(
        Price::try_from(Decimal::new(-1, 0)),
        Err(AmountError::Negative)
    );
    assert_eq!(
        Price::try_from(Decimal::new(1, 9)),
        Err(AmountError::TooPrecise)
    );
    assert_eq!(
        Price::try_from(Decimal::new(10, 9)).map(Price::units),
        Ok(1)
    );
    assert_eq!(Price::try_from(Decimal::MAX), Err(AmountError::Overflow));
    assert_eq!(
        Price::try_from(Decimal::NEGATIVE_ONE * Decimal::ZERO),
        Ok(Price::ZERO)
    );
}

#[test]
fn decimal_conversion_at_the_scale_edges() {
    // The largest amount, the smallest step, and one step past each.
    let max = Quantity::MAX.to_decimal();
    assert_eq!(max.to_string(), "184467440737.09551615");
    assert_eq!(Quantity::try_from(max), Ok(Quantity::MAX));
    let past = max + Decimal::new(1, SCALE);
    assert_eq!(Quantity::try_from(past), Err(AmountError::Overflow));
    let step = Decimal::new(1, SCALE);
    assert_eq!(Quantity::try_from(step), Ok(Quantity::from_units(1)));
    assert_eq!(
        Quantity::try_from(Decimal::new(1, SCALE + 1)),
        Err(AmountError::TooPrecise)
    );
    // Trailing zeros past the scale are exact, at the largest Decimal scale too.
    let padded = Decimal::from_i128_with_scale(15 * 10i128.pow(20), 28);
    assert_eq!(Quantity::try_from(padded), Ok(Quantity::from_units(15)));
}

#[test]
fn notional_is_exact_and_never_overflows() {
    let n = Notional::of(Price::MAX, Quantity::MAX);
    assert_eq!(n.units(), u128::from(u64::MAX) * u128::from(u64::MAX));
    let n = Notional::of("0.1".parse().unwrap(), "0.2".parse().unwrap());
    assert_eq!(n.to_string(), "0.02");
    assert_eq!(n.to_decimal(), Some("0.02".parse().unwrap()));
    assert_eq!(
        Notional::from_quote("5".parse().unwrap()),
        Notional::of(Price::from_units(ONE), "5".parse().unwrap())
    );
}

#[test]
fn serde_uses_decimal_strings() {
    let p: Price = serde_json::from_str("\"0.01000000\"").unwrap();
    assert_eq!(serde_json::to_string(&p).unwrap(), "\"0.01\"");
    assert!(serde_json::from_str::<Price>("\"abc\"").is_err());
    assert!(
        serde_json::from_str::<Price>("0.01").is_err(),
        "a JSON number is not exact"
    );
    let q: Quantity = serde_json::from_str("\"184467440737.09551615\"").unwrap();
    assert_eq!(q, Quantity::MAX);
}

proptest! {
    #[test]
    fn display_then_parse_round_trips(units in any::<u64>()) {
        let p = Price::from_units(units);
        prop_assert_eq!(p.to_string().parse::<Price>(), Ok(p));
        let q = Quantity::from_units(units);
        let json = serde_json::to_string(&q).unwrap();
        prop_assert_eq!(serde_json::from_str::<Quantity>(&json).unwrap(), q);
    }

    #[test]
    fn decimal_round_trips(units in any::<u64>()) {
        let p = Price::from_units(units);
        prop_assert_eq!(Price::try_from(p.to_decimal()), Ok(p));
        prop_assert_eq!(p.to_decimal().to_string(), p.to_string());
    }

    #[test]
    fn any_decimal_converts_exactly_or_says_why(mantissa in any::<i64>(), scale in 0u32..=28) {
        let d = Decimal::new(mantissa, scale);
        match Quantity::try_from(d) {
            Ok(q) => prop_assert_eq!(q.to_decimal(), d.normalize()),
            Err(AmountError::Negative) => prop_assert!(d.is_sign_negative() && !d.is_zero()),
            Err(AmountError::TooPrecise) => prop_assert!(d.normalize().scale() > SCALE),
            Err(AmountError::Overflow) => prop_assert!(d > Quantity::MAX.to_decimal()),
            Err(e) => prop_assert!(false, "unexpected {e:?} for {d}"),
        }
    }

    #[test]
    fn parse_never_panics(s in "\\PC{0,40}") {
        let _ = s.parse::<Quantity>();
    }

    #[test]
    fn parse_agrees_with_rust_decimal(int in 0u64..184_467_440_737, frac in 0u64..100_000_000) {
        let s = format!("{int}.{frac:08}");
        let ours = s.parse::<Price>().unwrap();
        let theirs: Decimal = s.parse().unwrap();
        prop_assert_eq!(ours.to_decimal(), theirs.normalize());
    }
}
