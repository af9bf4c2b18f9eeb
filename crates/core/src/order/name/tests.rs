use proptest::prelude::*;
use regex::Regex;

use crate::{Asset, ClientOrderId, NameError, NameKind, Symbol};

/// Binance's own rule for `newClientOrderId`, from its API documentation.
const BINANCE_CLIENT_ORDER_ID: &str = r"^[\.A-Z\:/a-z0-9_-]{1,36}$";

#[test]
fn symbol_rules() {
    assert!(Symbol::new("BTCUSDT").is_ok());
    assert!(Symbol::new("1INCHUSDT").is_ok()); // the seed's regex rejected this real symbol
    assert!(Symbol::new("AB").is_ok());
    assert!(Symbol::new("ABCDEFGHIJKLMNOPQRST").is_ok());
    let length = |len| NameError::Length {
        kind: NameKind::Symbol,
        len,
        min: 2,
        max: 20,
    };
    assert_eq!(Symbol::new("A"), Err(length(1)));
    assert_eq!(Symbol::new("ABCDEFGHIJKLMNOPQRSTU"), Err(length(21)));
    let char = |found, at| NameError::Char {
        kind: NameKind::Symbol,
        found,
        at,
    };
    assert_eq!(Symbol::new("BTCusdt"), Err(char('u', 3)));
    assert_eq!(Symbol::new("BTC-USDT"), Err(char('-', 3)));
    assert_eq!(Symbol::new("BTCÜSD"), Err(char('Ü', 3)));
    assert_eq!(Symbol::new("BTC\0USD"), Err(char('\0', 3)));
}

#[test]
fn errors_name_the_kind_and_the_fault() {
    assert_eq!(
        Symbol::new("btc").unwrap_err().to_string(),
        "symbol: character 'b' at byte 0 not allowed (only A-Z 0-9)"
    );
    assert_eq!(
        Asset::new("").unwrap_err().to_string(),
        "asset: length 0 outside 1..=16"
    );
    assert_eq!(
        ClientOrderId::new("a b").unwrap_err().to_string(),
        "client order id: character ' ' at byte 1 not allowed (only A-Z a-z 0-9 . : / _ -)"
    );
}

#[test]
fn asset_rules() {
    assert!(Asset::new("T").is_ok()); // Binance's shortest
    assert!(Asset::new("SUSHIDOWN").is_ok());
    assert!(Asset::new("1000SATS").is_ok());
    assert!(Asset::new(&"A".repeat(16)).is_ok());
    assert!(Asset::new(&"A".repeat(17)).is_err());
    assert!(Asset::new("usdt").is_err());
    assert!(Asset::new("US DT").is_err());
}

#[test]
fn client_order_id_rules() {
    assert!(ClientOrderId::new("a").is_ok());
    assert!(ClientOrderId::new("web_.:/-AZaz09").is_ok());
    assert!(ClientOrderId::new(&"x".repeat(36)).is_ok());
    assert!(ClientOrderId::new(&"x".repeat(37)).is_err());
    assert!(ClientOrderId::new("").is_err());
    assert!(ClientOrderId::new("a+b").is_err());
    assert!(ClientOrderId::new("a\nb").is_err());
}

#[test]
fn names_display_and_serialize_as_text() {
    let s = Symbol::new("ETHBTC").unwrap();
    assert_eq!(s.to_string(), "ETHBTC");
    assert_eq!(format!("{s:?}"), "Symbol(\"ETHBTC\")");
    assert_eq!(serde_json::to_string(&s).unwrap(), "\"ETHBTC\"");
    assert_eq!(serde_json::from_str::<Symbol>("\"ETHBTC\"").unwrap(), s);
    assert!(serde_json::from_str::<Symbol>("\"eth\"").is_err());
    let a = Asset::new("BNB").unwrap();
    assert_eq!(format!("{a:?}"), "Asset(\"BNB\")");
    assert_eq!(serde_json::from_str::<Asset>("\"BNB\"").unwrap(), a);
    let id: ClientOrderId = serde_json::from_str("\"x-1\"").unwrap();
    assert_eq!(serde_json::to_string(&id).unwrap(), "\"x-1\"");
    assert!(serde_json::from_str::<ClientOrderId>("\"x 1\"").is_err());
}

proptest! {
    #[test]
    fn valid_symbols_round_trip(s in "[A-Z0-9]{2,20}") {
        let sym = Symbol::new(&s).unwrap();
        prop_assert_eq!(sym.as_str(), s.as_str());
        prop_assert_eq!(sym.to_string().parse::<Symbol>(), Ok(sym));
        let json = serde_json::to_string(&sym).unwrap();
        prop_assert_eq!(serde_json::from_str::<Symbol>(&json).unwrap(), sym);
    }

    #[test]
    fn symbol_is_exactly_uppercase_alnum_of_2_to_20(s in "\\PC{0,30}") {
        let rule = Regex::new("^[A-Z0-9]{2,20}$").unwrap();
        prop_assert_eq!(Symbol::new(&s).is_ok(), rule.is_match(&s));
    }

    #[test]
    fn asset_is_exactly_uppercase_alnum_of_1_to_16(s in "[A-Za-z0-9 _.€-]{0,20}") {
        let rule = Regex::new("^[A-Z0-9]{1,16}$").unwrap();
        prop_assert_eq!(Asset::new(&s).is_ok(), rule.is_match(&s));
        if let Ok(a) = Asset::new(&s) {
            prop_assert_eq!(a.to_string().parse::<Asset>(), Ok(a));
        }
    }

    #[test]
    fn client_order_id_is_exactly_binances_rule(s in "[ -~\\t€Ü]{0,40}") {
        let rule = Regex::new(BINANCE_CLIENT_ORDER_ID).unwrap();
        let ours = ClientOrderId::new(&s);
        prop_assert_eq!(ours.is_ok(), rule.is_match(&s), "{:?}", s);
        if let Ok(id) = ours {
            prop_assert_eq!(id.to_string().parse::<ClientOrderId>(), Ok(id));
            let json = serde_json::to_string(&id).unwrap();
            prop_assert_eq!(serde_json::from_str::<ClientOrderId>(&json).unwrap(), id);
        }
    }

    #[test]
    fn client_order_ids_binance_accepts_are_accepted(s in "[.A-Z:/a-z0-9_-]{1,36}") {
        prop_assert_eq!(ClientOrderId::new(&s).map(|id| id.to_string()), Ok(s));
    }
}
