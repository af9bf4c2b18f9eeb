use proptest::prelude::*;
use rust_decimal::Decimal;

use super::*;

#[test]
fn reads_and_writes_like_an_amount() {
    let m: Multiplier = "1.05000000".parse().unwrap();
    assert_eq!(m.units(), 105_000_000);
    assert_eq!(m.to_string(), "1.05");
    assert_eq!(format!("{m:?}"), "Multiplier(1.05)");
    assert_eq!(m.to_decimal(), Decimal::new(105, 2));
    assert_eq!(Multiplier::try_from(Decimal::new(105, 2)), Ok(m));
    assert_eq!("-1".parse::<Multiplier>(), Err(AmountError::Negative));
    assert_eq!(
        "0.000000001".parse::<Multiplier>(),
        Err(AmountError::TooPrecise)
    );
    assert_eq!(serde_json::to_string(&m).unwrap(), "\"1.05\"");
    assert_eq!(serde_json::from_str::<Multiplier>("\"1.05\"").unwrap(), m);
}

proptest! {
    #[test]
    fn display_then_parse_round_trips(units in any::<u64>()) {
        let m = Multiplier::from_units(units);
        prop_assert_eq!(m.to_string().parse::<Multiplier>(), Ok(m));
        prop_assert_eq!(Multiplier::try_from(m.to_decimal()), Ok(m));
    }
}
