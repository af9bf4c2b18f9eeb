use std::time::Duration;

use proptest::prelude::*;

use super::*;

const NOW: u64 = 1_700_000_000_000;
const BREACH: &str = "account:main.eu:drawdown:1699999990000";

fn setup() -> (OperatorKey, Policy) {
    let key = OperatorKey::generate().unwrap();
    let policy = Policy::new(Duration::from_secs(60)).operator("alice", key.public_key());
    (key, policy)
}

fn req(token: String) -> Request {
    Request {
        operator: "alice".to_owned(),
        token,
    }
}

#[test]
fn valid_tokens_of_each_purpose_are_accepted() {
    let (key, policy) = setup();
    let reset = key
        .sign::<KillSwitchReset>("abc-1", "alice", NOW + 60_000)
        .unwrap();
    let (t, k) = policy
        .authorize_one::<KillSwitchReset>(&req(reset), "abc-1", NOW - 60_000, NOW)
        .unwrap();
    assert_eq!(
        (t.subject(), t.operator(), k),
        ("abc-1", "alice", key.public_key())
    );
    let clear = key
        .sign::<RiskClear>(BREACH, "alice", NOW + 60_000)
        .unwrap();
    let t = policy
        .authorize::<RiskClear>(&[req(clear.clone())], BREACH, NOW - 60_000, NOW)
        .unwrap();
    assert_eq!(t[0].0.subject(), BREACH);
    assert_eq!(t[0].0.to_text(), clear);
}

#[test]
fn a_kill_switch_reset_token_is_refused_as_a_risk_clear_and_back() {
    let (key, policy) = setup();
    let reset = key
        .sign::<KillSwitchReset>("abc-1", "alice", NOW + 60_000)
        .unwrap();
    let clear = key
        .sign::<RiskClear>("abc-1", "alice", NOW + 60_000)
        .unwrap();
    let as_clear = policy.authorize_one::<RiskClear>(&req(reset.clone()), "abc-1", 0, NOW);
    assert!(matches!(as_clear, Err(Refusal::MalformedToken(m)) if m.contains("prefix")));
    let as_reset = policy.authorize_one::<KillSwitchReset>(&req(clear.clone()), "abc-1", 0, NOW);
    assert!(matches!(as_reset, Err(Refusal::MalformedToken(m)) if m.contains("prefix")));
    // Relabelled with the other tag, the signature no longer verifies: the
    // domains differ.
    let relabelled = reset.replacen("ksr1", "rlc1", 1);
    assert_eq!(
        policy.authorize_one::<RiskClear>(&req(relabelled), "abc-1", 0, NOW),
        Err(Refusal::BadSignature)
    );
    let relabelled = clear.replacen("rlc1", "ksr1", 1);
    assert_eq!(
        policy.authorize_one::<KillSwitchReset>(&req(relabelled), "abc-1", 0, NOW),
        Err(Refusal::BadSignature)
    );
}

#[test]
fn refusals_name_the_reason() {
    let (key, policy) = setup();
    let good = key
        .sign::<RiskClear>(BREACH, "alice", NOW + 60_000)
        .unwrap();
    let old = NOW - 120_000;
    let auth = |r: &Request, subject: &str, at: u64| {
        policy
            .authorize_one::<RiskClear>(r, subject, at, NOW)
            .map(|_| ())
    };
    let mut unknown = req(good.clone());
    unknown.operator = "mallory".to_owned();
    assert_eq!(auth(&unknown, BREACH, old), Err(Refusal::UnknownOperator));
    let later = "account:main.eu:drawdown:1700000000000";
    assert!(matches!(
        auth(&req(good.clone()), later, old),
        Err(Refusal::WrongSubject { .. })
    ));
    assert_eq!(
        auth(&req(good.clone()), BREACH, NOW - 10_000),
        Err(Refusal::CoolingDown {
            remaining_ms: 50_000
        })
    );
    let mallory = OperatorKey::generate().unwrap();
    let forged = mallory
        .sign::<RiskClear>(BREACH, "alice", NOW + 60_000)
        .unwrap();
    assert_eq!(auth(&req(forged), BREACH, old), Err(Refusal::BadSignature));
    let bob = key.sign::<RiskClear>(BREACH, "bob", NOW + 60_000).unwrap();
    assert_eq!(auth(&req(bob), BREACH, old), Err(Refusal::OperatorMismatch));
    let expired = key.sign::<RiskClear>(BREACH, "alice", NOW - 1).unwrap();
    assert!(matches!(
        auth(&req(expired), BREACH, old),
        Err(Refusal::Expired { .. })
    ));
    let forever = key
        .sign::<RiskClear>(BREACH, "alice", NOW + 86_400_000)
        .unwrap();
    assert_eq!(
        auth(&req(forever), BREACH, old),
        Err(Refusal::LifetimeTooLong)
    );
    let mut tampered = good.into_bytes();
    let i = tampered.len() / 2;
    tampered[i] = if tampered[i] == b'0' { b'1' } else { b'0' };
    assert!(auth(&req(String::from_utf8(tampered).unwrap()), BREACH, old).is_err());
}

#[test]
fn one_key_under_two_names_is_not_a_quorum_of_two() {
    let key = OperatorKey::generate().unwrap();
    let policy = Policy::new(Duration::ZERO)
        .operator("alice", key.public_key())
        .operator("alice-again", key.public_key())
        .quorum(2);
    let reqs: Vec<Request> = ["alice", "alice-again"]
        .iter()
        .map(|op| Request {
            operator: (*op).to_owned(),
            token: key.sign::<RiskClear>(BREACH, op, NOW + 60_000).unwrap(),
        })
        .collect();
    assert!(matches!(
        policy.authorize::<RiskClear>(&reqs, BREACH, 0, NOW),
        Err(Refusal::SameKey { .. })
    ));
    assert_eq!(
        policy
            .authorize::<RiskClear>(&reqs[..1], BREACH, 0, NOW)
            .unwrap_err(),
        Refusal::QuorumNotMet { have: 1, need: 2 }
    );
}

#[test]
fn policy_file_parses_and_rejects_what_it_does_not_know() {
    let key = OperatorKey::generate().unwrap().public_key();
    let json = format!(r#"{{"cooldown_secs": 30, "operators": {{"alice": "{key}"}}}}"#);
    let p = Policy::from_json(&json).unwrap();
    assert_eq!(
        (p.cooldown(), p.key_of("alice")),
        (Duration::from_secs(30), Some(&key))
    );
    let too_many = json.replace("30,", "30, \"quorum\": 2,");
    assert!(Policy::from_json(&too_many).is_err());
    assert!(Policy::from_json(r#"{"cooldown_secs": 30, "operators": {}, "x": 1}"#).is_err());
    let bad_key = Policy::from_json(r#"{"cooldown_secs": 1, "operators": {"a": "zz"}}"#);
    assert!(
        bad_key
            .unwrap_err()
            .to_string()
            .contains("operator public key")
    );
    let twice = format!(r#"{{"cooldown_secs": 0, "operators": {{"a": "{key}", "b": "{key}"}}}}"#);
    assert!(
        Policy::from_json(&twice)
            .unwrap_err()
            .to_string()
            .contains("same key")
    );
}

#[test]
fn a_spent_nonce_is_refused_across_opens_and_the_store_must_be_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.nonces");
    assert!(NonceStore::open(&path).is_err(), "missing store opens");
    let key = OperatorKey::generate().unwrap();
    let token =
        Token::<RiskClear>::parse(&key.sign::<RiskClear>(BREACH, "alice", NOW).unwrap()).unwrap();
    NonceStore::open_or_create(&path)
        .unwrap()
        .spend([&token])
        .unwrap();
    let mut again = NonceStore::open(&path).unwrap();
    assert!(again.is_used(token.nonce()));
    assert!(
        again
            .spend([&token])
            .unwrap_err()
            .to_string()
            .contains("already used")
    );
    drop(again);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let err = NonceStore::open(&path).unwrap_err().to_string();
    assert!(err.contains("chmod 600"), "{err}");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn operator_key_round_trips_through_pkcs8_and_stays_redacted() {
    let key = OperatorKey::generate().unwrap();
    let bytes = secrecy::ExposeSecret::expose_secret(key.pkcs8()).to_vec();
    let again = OperatorKey::from_pkcs8(bytes.clone().into()).unwrap();
    assert_eq!(again.public_key(), key.public_key());
    let debug = format!("{key:?}");
    assert!(debug.contains("REDACTED"), "{debug}");
    assert!(OperatorKey::from_pkcs8(vec![1, 2, 3].into()).is_err());
}

proptest! {
    #[test]
    fn token_parse_never_panics(s in ".{0,600}") {
        let _ = Token::<KillSwitchReset>::parse(&s);
        let _ = Token::<RiskClear>::parse(&s);
    }

    #[test]
    fn token_parse_of_near_tokens(fields in proptest::collection::vec("[a-z0-9.:-]{0,40}", 0..8)) {
        let _ = Token::<RiskClear>::parse(&fields.join("."));
        let _ = Token::<KillSwitchReset>::parse(&fields.join("."));
    }
}
