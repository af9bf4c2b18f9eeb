use super::*;

#[test]
fn side_reads_and_writes_binances_words() {
    for side in [Side::Buy, Side::Sell] {
        assert_eq!(side.to_string().parse::<Side>(), Ok(side));
        let json = serde_json::to_string(&side).unwrap();
        assert_eq!(json, format!("\"{side}\""));
        assert_eq!(serde_json::from_str::<Side>(&json).unwrap(), side);
        assert_eq!(side.opposite().opposite(), side);
        assert_ne!(side.opposite(), side);
    }
}

#[test]
fn anything_but_buy_or_sell_is_refused() {
    for text in ["buy", "Sell", "", " BUY", "LONG"] {
        let e = text.parse::<Side>().unwrap_err();
        assert_eq!(e.text, text);
        assert!(e.to_string().contains("neither BUY nor SELL"), "{e}");
    }
    assert!(serde_json::from_str::<Side>("\"buy\"").is_err());
}
