use super::*;

#[test]
fn binance_format() {
    let good = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";
    assert!(check_api_key(KeyFormat::Binance, good).is_ok());
    assert!(check_api_key(KeyFormat::Binance, &good[..63]).is_err());
    assert!(check_api_key(KeyFormat::Binance, &format!("{}-", &good[..63])).is_err());
}

#[test]
fn placeholders_rejected() {
    for p in [
        "your_api_key",
        "YOUR-API-SECRET",
        "changeme",
        "<insert key here>",
        &"a".repeat(64),
        &"ab".repeat(32),
        "abcdefghijklmnopqrstuvwxyz0123456789",
        "0123456789012345678901234567890123456789012345678901234567890123",
        "short",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab",
    ] {
        assert!(check_not_placeholder(p).is_err(), "{p} should be rejected");
    }
}

#[test]
fn error_never_quotes_the_value() {
    let err = check_not_placeholder("your_api_key")
        .expect_err("placeholder")
        .to_string();
    assert!(!err.contains("your_api_key"), "{err}");
}

#[test]
fn seed_substrings_are_advisory_only() {
    // A real-looking random key that happens to contain "test".
    let key = "Q7zTestR2mKp9Lw4Xv8Yb1Nc6Hd3Jf5Gs0Ae7Ui2Oy4Tt9Rq1Wm6Zn8Xk3Vj5Bh0";
    assert_eq!(advisory_substrings(key), vec!["test"]);
    assert!(check_api_key(KeyFormat::Binance, key).is_ok());
}

#[test]
fn ed25519_pkcs8_checked() {
    assert!(check_ed25519_pkcs8(&crate::test_support::ed25519_pkcs8()).is_ok());
    assert!(check_ed25519_pkcs8(b"not a key").is_err());
}

proptest::proptest! {
    #[test]
    fn random_alphanumeric_keys_pass(key in "[A-Za-z0-9]{64}") {
        proptest::prop_assert!(check_api_key(KeyFormat::Binance, &key).is_ok());
    }
}
