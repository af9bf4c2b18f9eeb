//! Value and Pct: parsing, display, exact ratio comparisons.

use super::*;

#[test]
fn value_round_trips_and_refuses_junk() {
    for s in ["0", "1", "-1", "0.0000000000000001", "123456789.5", "-0.25"] {
        assert_eq!(s.parse::<Value>().unwrap().to_string(), s);
    }
    for s in [
        "",
        "-",
        "1.",
        ".5",
        "1e5",
        "0.00000000000000001",
        "1,5",
        "+1",
        "--1",
    ] {
        assert!(s.parse::<Value>().is_err(), "{s}");
    }
    assert_eq!(Value::whole(3), "3".parse().unwrap());
}

#[test]
fn pct_bounds_and_exact_comparison() {
    let ten = Pct::percent(10);
    assert!(!ten.exceeded_by(10, 100));
    assert!(ten.exceeded_by(11, 100));
    assert!(!ten.exceeded_by(0, 0));
    assert!(ten.exceeded_by(1, 0), "no equity: fail closed");
    assert!(ten.exceeded_by(i128::MAX, 1), "overflow: fail closed");
    assert_eq!(Pct::ratio(1, 3).to_string(), "33.333333%");
    assert!(Pct::from_fraction_units(0).is_err());
    assert!(Pct::from_fraction_units(ONE + 1).is_err());
    assert_eq!("100%".parse::<Pct>().unwrap(), Pct::FULL);
    assert!("0.0000001".parse::<Pct>().is_err(), "finer than 10⁻⁸ of 1");
}

#[test]
fn conversion_is_exact_at_rate_one_and_rounds_outward_otherwise() {
    let one = Price::from_units(ONE);
    assert_eq!(convert(7, one), 7);
    let third = Price::from_units(33_333_333);
    assert_eq!(convert(3, third), 1); // 0.99999999 rounds up
    assert_eq!(convert(-3, third), -1);
    assert_eq!(convert(i128::MAX, Price::from_units(2 * ONE)), i128::MAX);
}
