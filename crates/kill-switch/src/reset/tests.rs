use std::time::Duration;

use proptest::prelude::*;

use super::*;

const NOW: u64 = 1_700_000_000_000;

fn setup() -> (OperatorKey, ResetPolicy) {
    let key = OperatorKey::generate().unwrap();
    let policy = ResetPolicy::new(Duration::from_secs(60)).operator("alice", key.public_key());
    (key, policy)
}

fn req(token: String) -> ResetRequest {
    ResetRequest {
        operator: "alice".to_owned(),
        token,
    }
}

#[test]
fn valid_token_after_cooldown_is_accepted() {
    let (key, policy) = setup();
    let token = key.sign_reset("abc-1", "alice", NOW + 60_000).unwrap();
    let t = authorize(&policy, &req(token), "abc-1", NOW - 60_000, NOW).unwrap();
    assert_eq!(t.subject(), "abc-1");
    assert_eq!(t.operator(), "alice");
    assert_eq!(t.nonce().len(), 32);
}

#[test]
fn refusals() {
    let (key, policy) = setup();
    let good = key.sign_reset("abc-1", "alice", NOW + 60_000).unwrap();
    let auth = |r: &ResetRequest, trip: &str, at: u64| authorize(&policy, r, trip, at, NOW);
    let old = NOW - 120_000;

    let mut unknown = req(good.clone());
    unknown.operator = "mallory".to_owned();
    assert_eq!(
        auth(&unknown, "abc-1", old).unwrap_err(),
        ResetRefusal::Operator(Refusal::UnknownOperator)
    );

    assert!(matches!(
        auth(&req("garbage".into()), "abc-1", old).unwrap_err(),
        ResetRefusal::Operator(Refusal::MalformedToken(_))
    ));
    assert!(matches!(
        auth(&req(good.clone()), "other-trip", old).unwrap_err(),
        ResetRefusal::Operator(Refusal::WrongSubject { .. })
    ));
    assert_eq!(
        auth(&req(good.clone()), "abc-1", NOW - 10_000).unwrap_err(),
        ResetRefusal::Operator(Refusal::CoolingDown {
            remaining_ms: 50_000
        })
    );

    // Signed by someone else's key.
    let mallory = OperatorKey::generate().unwrap();
    let forged = mallory.sign_reset("abc-1", "alice", NOW + 60_000).unwrap();
    assert_eq!(
        auth(&req(forged), "abc-1", old).unwrap_err(),
        ResetRefusal::Operator(Refusal::BadSignature)
    );

    // Bob's valid token presented as alice.
    let bob_token = key.sign_reset("abc-1", "bob", NOW + 60_000).unwrap();
    assert_eq!(
        auth(&req(bob_token), "abc-1", old).unwrap_err(),
        ResetRefusal::Operator(Refusal::OperatorMismatch)
    );

    let expired = key.sign_reset("abc-1", "alice", NOW - 1).unwrap();
    assert!(matches!(
        auth(&req(expired), "abc-1", old).unwrap_err(),
        ResetRefusal::Operator(Refusal::Expired { .. })
    ));

    let forever = key.sign_reset("abc-1", "alice", NOW + 86_400_000).unwrap();
    assert_eq!(
        auth(&req(forever), "abc-1", old).unwrap_err(),
        ResetRefusal::Operator(Refusal::LifetimeTooLong)
    );

    // Any changed character breaks the signature or the syntax.
    let mut tampered = good.into_bytes();
    let i = tampered.len() / 2;
    tampered[i] = if tampered[i] == b'0' { b'1' } else { b'0' };
    let tampered = String::from_utf8(tampered).unwrap();
    assert!(auth(&req(tampered), "abc-1", old).is_err());
}

#[test]
fn policy_file_parses_and_rejects_unknown_fields() {
    let key = OperatorKey::generate().unwrap();
    let json = format!(
        r#"{{"cooldown_secs": 30, "operators": {{"alice": "{}"}}}}"#,
        key.public_key()
    );
    let p = ResetPolicy::from_json(&json).unwrap();
    assert_eq!(p.cooldown(), Duration::from_secs(30));
    assert_eq!(p.key_of("alice"), Some(&key.public_key()));
    assert_eq!(p.required_operators(), 1);
    let two = json.replace(
        "\"cooldown_secs\": 30",
        "\"cooldown_secs\": 30, \"quorum\": 1",
    );
    assert_eq!(
        ResetPolicy::from_json(&two).unwrap().required_operators(),
        1
    );
    let too_many = json.replace(
        "\"cooldown_secs\": 30",
        "\"cooldown_secs\": 30, \"quorum\": 2",
    );
    assert!(ResetPolicy::from_json(&too_many).is_err());
    assert!(ResetPolicy::from_json(r#"{"cooldown_secs": 30, "operators": {}, "x": 1}"#).is_err());
    assert!(ResetPolicy::from_json(r#"{"cooldown_secs": 30, "operators": {"a": "zz"}}"#).is_err());
    assert!(ResetPolicy::from_json(r#"{"cooldown_secs": 30, "operators": {"a b": ""}}"#).is_err());
}

#[test]
fn operator_key_round_trips_through_pkcs8() {
    let key = OperatorKey::generate().unwrap();
    let bytes = secrecy::ExposeSecret::expose_secret(key.pkcs8()).to_vec();
    let again = OperatorKey::from_pkcs8(bytes.clone().into()).unwrap();
    assert_eq!(again.public_key(), key.public_key());
    let debug = format!("{key:?}");
    assert!(debug.contains("REDACTED"), "{debug}");
    assert!(!debug.contains(&format!("{:?}", &bytes[bytes.len() - 8..])));
    assert!(OperatorKey::from_pkcs8(vec![1, 2, 3].into()).is_err());
}

proptest! {
    #[test]
    fn token_parse_never_panics(s in ".{0,600}") {
        let _ = ResetToken::parse(&s);
    }

    #[test]
    fn token_parse_of_near_tokens(fields in proptest::collection::vec("[a-z0-9.-]{0,40}", 0..8)) {
        let _ = ResetToken::parse(&fields.join("."));
    }
}

#[test]
fn one_key_under_two_names_is_not_a_quorum_of_two() {
    let key = OperatorKey::generate().unwrap();
    let policy = ResetPolicy::new(Duration::ZERO)
        .operator("alice", key.public_key())
        .operator("alice-again", key.public_key())
        .quorum(2);
    let reqs = [
        ResetRequest {
            operator: "alice".to_owned(),
            token: key.sign_reset("trip-1", "alice", NOW + 60_000).unwrap(),
        },
        ResetRequest {
            operator: "alice-again".to_owned(),
            token: key
                .sign_reset("trip-1", "alice-again", NOW + 60_000)
                .unwrap(),
        },
    ];
    assert_eq!(
        authorize_all(&policy, &reqs, "trip-1", 0, NOW).unwrap_err(),
        ResetRefusal::Operator(Refusal::SameKey {
            first: "alice".to_owned(),
            second: "alice-again".to_owned()
        })
    );
}

#[test]
fn a_policy_listing_one_key_under_two_names_is_refused_when_loaded() {
    let key = OperatorKey::generate().unwrap().public_key();
    let text = format!(
        r#"{{"cooldown_secs": 0, "quorum": 2, "operators": {{"alice": "{key}", "mallory": "{key}"}}}}"#
    );
    let err = ResetPolicy::from_json(&text).unwrap_err().to_string();
    assert!(err.contains("same key"), "{err}");
}

#[test]
fn a_risk_clear_token_is_refused_as_a_reset() {
    let (key, policy) = setup();
    let clear = key
        .sign::<supreme_core::operator::RiskClear>("abc-1", "alice", NOW + 60_000)
        .unwrap();
    let refused = authorize(&policy, &req(clear.clone()), "abc-1", 0, NOW).unwrap_err();
    assert!(
        matches!(&refused, ResetRefusal::Operator(Refusal::MalformedToken(m)) if m.contains("prefix")),
        "{refused}"
    );
    let relabelled = clear.replacen("rlc1", "ksr1", 1);
    assert_eq!(
        authorize(&policy, &req(relabelled), "abc-1", 0, NOW).unwrap_err(),
        ResetRefusal::Operator(Refusal::BadSignature)
    );
}

#[test]
fn core_refusals_print_as_the_reset_refusals_they_replace() {
    let printed = |r: Refusal| ResetRefusal::from(r).to_string();
    let wrong = Refusal::WrongSubject {
        token: "t-1".into(),
        expected: "t-2".into(),
    };
    for (refusal, text) in [
        (Refusal::UnknownOperator, "unknown operator"),
        (Refusal::MalformedToken("x".into()), "malformed token: x"),
        (Refusal::OperatorMismatch, "token is for another operator"),
        (wrong, "token is for trip t-1, current trip is t-2"),
        (Refusal::Expired { expires_ms: 7 }, "token expired at 7"),
        (Refusal::LifetimeTooLong, "token lifetime exceeds policy"),
        (Refusal::BadSignature, "bad signature"),
        (
            Refusal::CoolingDown { remaining_ms: 5 },
            "cooldown: 5 ms left",
        ),
        (Refusal::DuplicateOperator, "same operator twice"),
        (
            Refusal::SameKey {
                first: "a".into(),
                second: "b".into(),
            },
            "operators a and b share one key",
        ),
        (
            Refusal::QuorumNotMet { have: 1, need: 2 },
            "1 of 2 required operators",
        ),
    ] {
        assert_eq!(printed(refusal), text);
    }
}
