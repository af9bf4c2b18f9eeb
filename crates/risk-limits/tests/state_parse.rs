//! proptests of the state file parser (outside input): any bytes give a
//! state or a typed error, never a panic; written states round-trip; every
//! single-byte change is refused.
#![allow(missing_docs, clippy::unwrap_used)]

use proptest::prelude::*;
use supreme_order_guard::Symbol;
use supreme_risk_limits::*;

fn scope() -> impl Strategy<Value = Scope> {
    prop_oneof![
        Just(Scope::Global),
        "[a-z][a-z0-9_-]{0,20}".prop_map(|s| Scope::Account(AccountId::new(&s).unwrap())),
        "[a-z][a-z0-9_-]{0,20}".prop_map(|s| Scope::Strategy(StrategyId::new(&s).unwrap())),
        "[A-Z0-9]{2,20}".prop_map(|s| Scope::Symbol(Symbol::new(&s).unwrap())),
    ]
}

fn latch() -> impl Strategy<Value = Option<LatchRecord>> {
    let observed = prop_oneof![
        (any::<i64>(), any::<i64>()).prop_map(|(l, o)| Observed::Amount {
            limit: Value::from_units(i128::from(l).abs() + 1),
            observed: Value::from_units(i128::from(o))
        }),
        (any::<u32>(), any::<u32>())
            .prop_map(|(limit, observed)| Observed::Count { limit, observed }),
        (1..=100_000_000u64).prop_map(|u| Observed::Share {
            limit: Pct::from_fraction_units(u).unwrap(),
            observed: serde_json::from_str(&u.to_string()).unwrap()
        }),
    ];
    prop::option::of(
        (
            observed,
            any::<u64>(),
            prop_oneof![Just(LimitKind::Drawdown), Just(LimitKind::DailyLoss)],
        )
            .prop_map(|(observed, at_ms, kind)| LatchRecord {
                kind,
                at_ms,
                observed,
            }),
    )
}

fn record() -> impl Strategy<Value = ScopeRecord> {
    (
        scope(),
        latch(),
        any::<u64>(),
        any::<i64>(),
        any::<i64>(),
        any::<i64>(),
        0..3u8,
    )
        .prop_map(
            |(scope, latch, cooldown_until_ms, hwm, start, realized, state)| ScopeRecord {
                scope,
                operator_state: [
                    TradingState::Active,
                    TradingState::ReduceOnly,
                    TradingState::Halted,
                ][usize::from(state)],
                latch,
                cooldown_until_ms,
                high_water_mark: Value::from_units(i128::from(hwm) * 1_000_000),
                day_start: Value::from_units(i128::from(start)),
                realized_today: Value::from_units(i128::from(realized)),
            },
        )
}

fn state() -> impl Strategy<Value = PersistedState> {
    (
        any::<u64>(),
        any::<i64>(),
        record(),
        prop::collection::vec(record(), 0..6),
    )
        .prop_map(|(saved_at_ms, day, mut global, rest)| {
            global.scope = Scope::Global;
            let mut scopes = vec![global];
            scopes.extend(rest);
            PersistedState {
                saved_at_ms,
                day,
                scopes,
            }
        })
}

/// The fixed key the fuzz target and its seed use (a test key, never a real one).
fn key() -> StateKey {
    StateKey::from_secret(secrecy::SecretBox::new(Box::new([0x5a; 32])))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

proptest! {
    #[test]
    fn any_bytes_parse_or_fail_typed(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        match PersistedState::parse(&bytes, &key()) {
            Ok(_) | Err(Error::StateCorrupt { .. }) => {}
            Err(other) => prop_assert!(false, "untyped failure {other:?}"),
        }
    }

    #[test]
    fn written_states_round_trip(state in state()) {
        prop_assert_eq!(PersistedState::parse(&state.to_bytes(&key()), &key()).unwrap(), state);
    }

    #[test]
    fn every_single_byte_change_is_refused(state in state(), at in any::<prop::sample::Index>(), bit in 0..8u8) {
        let mut bytes = state.to_bytes(&key());
        let i = at.index(bytes.len());
        bytes[i] ^= 1 << bit;
        prop_assert!(PersistedState::parse(&bytes, &key()).is_err());
    }

    #[test]
    fn a_json_body_with_a_valid_tag_is_still_checked(body in "\\PC{0,200}") {
        let tag = hex(&key().tag(PersistedState::FORMAT, body.as_bytes()));
        let file = format!("supreme-risk-state 2\nhmac-sha256={tag}\n{body}");
        prop_assert!(PersistedState::parse(file.as_bytes(), &key()).is_err());
    }

    #[test]
    fn a_written_state_under_another_key_is_refused(state in state()) {
        let other = StateKey::generate().unwrap();
        prop_assert!(PersistedState::parse(&state.to_bytes(&other), &key()).is_err());
    }
}

#[test]
fn the_fuzz_seed_is_a_valid_state() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fuzz/seeds/risk_state_parse/valid.state"
    );
    let state = PersistedState::parse(&std::fs::read(path).unwrap(), &key()).unwrap();
    let global = state.record(&Scope::Global).unwrap();
    assert_eq!(global.latch.unwrap().kind, LimitKind::Drawdown);
    assert_eq!(global.high_water_mark, "130000".parse().unwrap());
    assert_eq!(state.scopes.len(), 4);
}
