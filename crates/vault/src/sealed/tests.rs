use secrecy::ExposeSecret;
use serde::Deserialize;

use super::*;
use crate::test_support::*;

#[test]
fn text_round_trip_and_label_binding() {
    let v = new_vault();
    let sealed = v
        .seal_bytes("BINANCE_API_SECRET", BINANCE_SECRET.as_bytes())
        .expect("seal");
    assert!(sealed.starts_with("sv1:"));
    assert!(!sealed.contains(BINANCE_SECRET));
    assert_eq!(
        v.open_text("BINANCE_API_SECRET", &sealed)
            .expect("open")
            .expose_secret(),
        BINANCE_SECRET
    );
    assert!(matches!(
        v.open_text("OTHER_VAR", &sealed),
        Err(Error::SealedValue(_))
    ));
    assert!(matches!(
        new_vault().open_text("BINANCE_API_SECRET", &sealed),
        Err(Error::SealedValue(_))
    ));
}

#[test]
fn every_character_change_and_truncation_refused() {
    let v = new_vault();
    let sealed = v.seal_bytes("L", b"secret value").expect("seal");
    for i in 0..sealed.len() {
        for c in ['A', 'z', '0', '-', '_', ':'] {
            let mut bad: Vec<char> = sealed.chars().collect();
            if bad[i] == c {
                continue;
            }
            bad[i] = c;
            let bad: String = bad.into_iter().collect();
            assert!(
                v.open_bytes("L", &bad).is_err(),
                "change at {i} to {c} accepted"
            );
        }
        assert!(
            v.open_bytes("L", &sealed[..i]).is_err(),
            "truncation to {i} accepted"
        );
    }
}

#[test]
fn parse_and_display_round_trip() {
    let v = new_vault();
    let sealed = v.seal_bytes("L", b"x").expect("seal");
    let parsed = SealedText::parse(&sealed).expect("parse");
    assert_eq!(parsed.key_version, 1);
    assert_eq!(parsed.to_string(), sealed);
    assert!(SealedText::parse("sv2:AAAA").is_err());
    assert!(SealedText::parse("sv1:!!!").is_err());
    assert!(SealedText::parse("sv1:").is_err());
}

#[derive(Debug, PartialEq, serde::Serialize, Deserialize)]
struct Config {
    api_url: String,
    max_position: u64,
    symbols: Vec<String>,
}

#[test]
fn serde_values_round_trip() {
    let v = new_vault();
    let cfg = Config {
        api_url: "https://api.binance.com".into(),
        max_position: 5,
        symbols: vec!["BTCUSDT".into()],
    };
    let sealed = v.seal_value("config", &cfg).expect("seal");
    let back: Config = v.open_value("config", &sealed).expect("open");
    assert_eq!(back, cfg);
    let wrong: Result<Vec<u8>, _> = v.open_value("config", &sealed);
    let msg = wrong.expect_err("type mismatch").to_string();
    assert!(!msg.contains("binance.com"), "{msg}");
}

#[test]
fn env_sealed_preferred_plain_needs_opt_in() {
    let v = new_vault();
    let sealed = v.seal_bytes("API_SECRET", b"s3cr3t-value").expect("seal");
    let env = |k: &str| match k {
        "API_SECRET_ENCRYPTED" => Some(sealed.clone()),
        "PLAIN_SECRET" => Some("plain-value".to_owned()),
        _ => None,
    };
    let got = crate::read_secret_with(env, Some(&v), "API_SECRET", crate::PlainEnv::Refuse)
        .expect("sealed");
    assert_eq!(got.expose_secret(), "s3cr3t-value");
    let refused = crate::read_secret_with(env, Some(&v), "PLAIN_SECRET", crate::PlainEnv::Refuse);
    let msg = refused.expect_err("plain refused").to_string();
    assert!(!msg.contains("plain-value"), "{msg}");
    let allowed = crate::read_secret_with(env, Some(&v), "PLAIN_SECRET", crate::PlainEnv::Allow)
        .expect("opt-in");
    assert_eq!(allowed.expose_secret(), "plain-value");
    assert!(crate::read_secret_with(env, Some(&v), "MISSING", crate::PlainEnv::Allow).is_err());
    assert!(crate::read_secret_with(env, None, "API_SECRET", crate::PlainEnv::Refuse).is_err());
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    #[test]
    fn any_bytes_round_trip(data in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..512), label in "[A-Z_]{1,20}") {
        let v = new_vault();
        let sealed = v.seal_bytes(&label, &data).expect("seal");
        let opened = v.open_bytes(&label, &sealed).expect("open");
        proptest::prop_assert_eq!(opened.as_slice(), data.as_slice());
    }

    #[test]
    fn parse_never_panics(s in "\\PC{0,200}") {
        let _ = SealedText::parse(&s);
        let _ = SealedText::parse(&format!("sv1:{s}"));
    }
}
