use serde_json::{Value, json};

use super::*;

const NOW: u64 = 1_700_000_000_000;

fn trading_only() -> Value {
    json!({
        "ipRestrict": true, "createTime": 1_698_645_219_000_u64,
        "enableReading": true, "enableSpotAndMarginTrading": true,
        "enableWithdrawals": false, "enableInternalTransfer": false,
        "permitsUniversalTransfer": false, "enableMargin": false,
        "enableFutures": false, "enableVanillaOptions": false,
        "enablePortfolioMarginTrading": false, "enableFixApiTrade": false,
        "enableFixReadOnly": false, "tradingAuthorityExpirationTime": 0,
    })
}

fn verdict(v: &Value, policy: &KeyPolicy) -> Result<Vec<String>, String> {
    let r = ApiRestrictions::from_json(v).map_err(|e| e.to_string())?;
    judge(&r, policy, NOW).map_err(|e| e.to_string())
}

fn with(field: &str, value: Value) -> Value {
    let mut v = trading_only();
    v[field] = value;
    v
}

#[test]
fn a_trading_only_key_passes_without_warnings() {
    assert_eq!(verdict(&trading_only(), &KeyPolicy::default()), Ok(vec![]));
}

#[test]
fn every_power_beyond_reading_and_spot_refuses_naming_the_flag() {
    let powers = REQUIRED_FLAGS
        .iter()
        .chain(OPTIONAL_FLAGS.iter())
        .filter(|f| !NEEDED_BY_DEFAULT.contains(f) && **f != "ipRestrict");
    for flag in powers {
        let err = verdict(&with(flag, json!(true)), &KeyPolicy::default()).unwrap_err();
        assert!(err.contains(flag), "{flag}: {err}");
        let allowed = KeyPolicy::default().allow(flag);
        assert_eq!(
            verdict(&with(flag, json!(true)), &allowed),
            Ok(vec![]),
            "{flag}"
        );
    }
}

#[test]
fn an_unknown_power_set_to_true_refuses() {
    for flag in ["enableX", "permitsEverything"] {
        let err = verdict(&with(flag, json!(true)), &KeyPolicy::default()).unwrap_err();
        assert!(
            err.contains(&format!("{flag} is granted and unknown")),
            "{err}"
        );
        assert_eq!(
            verdict(&with(flag, json!(false)), &KeyPolicy::default()),
            Ok(vec![])
        );
    }
}

#[test]
fn a_missing_flag_the_decision_needs_refuses() {
    for flag in REQUIRED_FLAGS {
        let mut v = trading_only();
        v.as_object_mut().unwrap().remove(flag);
        let err = verdict(&v, &KeyPolicy::default()).unwrap_err();
        assert!(err.contains(&format!("lacks {flag}")), "{flag}: {err}");
    }
    for flag in OPTIONAL_FLAGS {
        let mut v = trading_only();
        v.as_object_mut().unwrap().remove(flag);
        assert_eq!(verdict(&v, &KeyPolicy::default()), Ok(vec![]), "{flag}");
    }
}

#[test]
fn other_unknown_fields_only_warn() {
    let w = verdict(&with("colour", json!("blue")), &KeyPolicy::default()).unwrap();
    assert_eq!(
        w,
        vec!["unknown field colour in the key's restrictions".to_string()]
    );
}

#[test]
fn trading_authority_expiry_warns_within_7_days_and_refuses_when_past() {
    let soon = with(
        "tradingAuthorityExpirationTime",
        json!(NOW + 3 * 24 * 3_600_000),
    );
    let w = verdict(&soon, &KeyPolicy::default()).unwrap();
    assert!(w[0].contains("expires in 72 h"), "{w:?}");
    let later = with(
        "tradingAuthorityExpirationTime",
        json!(NOW + 8 * 24 * 3_600_000),
    );
    assert_eq!(verdict(&later, &KeyPolicy::default()), Ok(vec![]));
    let past = with("tradingAuthorityExpirationTime", json!(NOW - 1));
    assert!(
        verdict(&past, &KeyPolicy::default())
            .unwrap_err()
            .contains("expired")
    );
}

#[test]
fn no_ip_restriction_warns_or_refuses() {
    let open = with("ipRestrict", json!(false));
    assert_eq!(verdict(&open, &KeyPolicy::default()).unwrap().len(), 1);
    let strict = KeyPolicy {
        require_ip_restriction: true,
        ..KeyPolicy::default()
    };
    assert!(
        verdict(&open, &strict)
            .unwrap_err()
            .contains("no IP restriction")
    );
}

#[test]
fn a_key_that_cannot_trade_spot_refuses() {
    let err = verdict(
        &with("enableSpotAndMarginTrading", json!(false)),
        &KeyPolicy::default(),
    );
    assert!(err.unwrap_err().contains("cannot trade spot"));
}

#[test]
fn malformed_answers_name_the_field() {
    let err = verdict(
        &with("enableWithdrawals", json!("no")),
        &KeyPolicy::default(),
    );
    assert!(
        err.unwrap_err()
            .contains("enableWithdrawals is not true or false")
    );
    let err = verdict(&json!([1, 2]), &KeyPolicy::default()).unwrap_err();
    assert!(err.contains("not a JSON object"), "{err}");
}
