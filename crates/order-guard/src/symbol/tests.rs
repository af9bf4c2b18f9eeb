use proptest::prelude::*;

use super::*;

#[test]
fn symbol_rules() {
    assert!(Symbol::new("BTCUSDT").is_ok());
    assert!(Symbol::new("1INCHUSDT").is_ok()); // the seed's regex rejected this real symbol
    assert!(Symbol::new("AB").is_ok());
    assert!(Symbol::new("ABCDEFGHIJKLMNOPQRST").is_ok());
    assert_eq!(
        Symbol::new("A"),
        Err(NameError::Length {
            len: 1,
            min: 2,
            max: 20
        })
    );
    assert_eq!(
        Symbol::new("ABCDEFGHIJKLMNOPQRSTU"),
        Err(NameError::Length {
            len: 21,
            min: 2,
            max: 20
        })
    );
    assert_eq!(Symbol::new("BTCusdt"), Err(NameError::Char('u')));
    assert_eq!(Symbol::new("BTC-USDT"), Err(NameError::Char('-')));
    assert_eq!(Symbol::new("BTCÜSD"), Err(NameError::Char('Ü')));
}

#[test]
fn client_order_id_rules() {
    assert!(ClientOrderId::new("a").is_ok());
    assert!(ClientOrderId::new("web_.:/-AZaz09").is_ok());
    assert!(ClientOrderId::new(&"x".repeat(36)).is_ok());
    assert!(ClientOrderId::new(&"x".repeat(37)).is_err());
    assert!(ClientOrderId::new("").is_err());
    assert_eq!(ClientOrderId::new("a b"), Err(NameError::Char(' ')));
}

#[test]
fn names_display_and_serialize_as_text() {
    let s = Symbol::new("ETHBTC").unwrap();
    assert_eq!(s.to_string(), "ETHBTC");
    assert_eq!(format!("{s:?}"), "Symbol(\"ETHBTC\")");
    assert_eq!(serde_json::to_string(&s).unwrap(), "\"ETHBTC\"");
    assert_eq!(serde_json::from_str::<Symbol>("\"ETHBTC\"").unwrap(), s);
    assert!(serde_json::from_str::<Symbol>("\"eth\"").is_err());
}

proptest! {
    #[test]
    fn valid_symbols_round_trip(s in "[A-Z0-9]{2,20}") {
        let sym = Symbol::new(&s).unwrap();
        prop_assert_eq!(sym.as_str(), s.as_str());
    }

    #[test]
    fn anything_else_is_a_typed_error(s in "\\PC{0,30}") {
        let ok = (2..=20).contains(&s.len()) && s.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
        prop_assert_eq!(Symbol::new(&s).is_ok(), ok);
    }
}
