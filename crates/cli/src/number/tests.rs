use proptest::prelude::*;

use super::*;

#[test]
fn negative_amounts_name_the_field() {
    let e = amount::<Price>("price", Zero::Refused, "-5").unwrap_err();
    assert_eq!(e, "price must be positive (got -5)");
    let e = amount::<Quantity>("base position", Zero::Allowed, "-0.1").unwrap_err();
    assert_eq!(e, "base position must not be negative (got -0.1)");
}

#[test]
fn zero_is_refused_only_where_it_means_nothing() {
    assert!(amount::<Price>("price", Zero::Refused, "0").is_err());
    assert!(amount::<Price>("price", Zero::Refused, "0.00000000").is_err());
    let zero = amount::<Quantity>("base position", Zero::Allowed, "0").unwrap();
    assert!(zero.is_zero());
}

#[test]
fn too_many_decimals_say_which_field_and_why() {
    let e = amount::<Price>("stop price", Zero::Refused, "1.123456789").unwrap_err();
    assert!(
        e.starts_with("stop price 1.123456789 has more than 8 decimal places"),
        "{e}"
    );
}

#[test]
fn garbage_is_named() {
    let e = amount::<Quantity>("quantity", Zero::Refused, "1e5").unwrap_err();
    assert!(
        e.starts_with("quantity \"1e5\" is not a decimal amount"),
        "{e}"
    );
    let e = whole::<u32>("open orders", "-1").unwrap_err();
    assert_eq!(e, "open orders must not be negative (got -1)");
    let e = whole::<u32>("open orders", "1.5").unwrap_err();
    assert!(
        e.starts_with("open orders \"1.5\" is not a whole number"),
        "{e}"
    );
}

proptest! {
    #[test]
    fn never_panics_and_accepts_what_order_guard_accepts(text in "\\PC{0,24}") {
        let ours = amount::<Price>("price", Zero::Allowed, &text);
        let theirs = text.trim().parse::<Price>();
        if text.trim().starts_with('-') {
            prop_assert!(ours.is_err());
        } else {
            prop_assert_eq!(ours.ok(), theirs.ok());
        }
        let _ = whole::<u32>("open orders", &text);
    }
}
