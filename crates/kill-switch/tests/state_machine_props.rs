//! Property: under any sequence of trips, procedure steps, clock moves and
//! reset attempts (valid, forged, early, replayed), the gate is open exactly
//! when the switch is armed, the latch file says armed (signed) exactly when
//! the switch is, and a reset succeeds only with a fresh valid token after
//! the cooldown.

#![allow(clippy::unwrap_used)] // test helpers: a failed unwrap is a failed test

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use proptest::prelude::*;
use supreme_kill_switch::latch::{LatchRead, read_latch};
use supreme_kill_switch::*;

#[derive(Debug, Clone)]
enum Op {
    Trip,
    Advance(u64),
    ResetValid,
    ResetForged,
    ResetReplay,
    ResetWrongOperator,
    Restart,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => Just(Op::Trip),
        3 => (0u64..120).prop_map(Op::Advance),
        3 => Just(Op::ResetValid),
        1 => Just(Op::ResetForged),
        1 => Just(Op::ResetReplay),
        1 => Just(Op::ResetWrongOperator),
        1 => Just(Op::Restart),
    ]
}

fn req(operator: &str, token: String) -> ResetRequest {
    ResetRequest {
        operator: operator.to_owned(),
        token,
    }
}

fn latch_path(case: u64) -> PathBuf {
    let d = std::env::temp_dir().join(format!("ks-props-{}-{case}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d.join("latch.json")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn invariants_hold(ops in proptest::collection::vec(op(), 1..25), case in any::<u64>()) {
        let path = latch_path(case);
        let clock = Arc::new(FakeClock::new(1_700_000_000_000));
        let alice = OperatorKey::generate().unwrap();
        let mallory = OperatorKey::generate().unwrap();
        let policy = ResetPolicy::new(Duration::from_secs(60)).operator("alice", alice.public_key());
        let build = || {
            KillSwitch::builder()
                .latch(&path)
                .clock(clock.clone())
                .reset_policy(policy.clone())
                .build()
        };
        let init = alice.sign_init("alice", clock.now_ms() + 60_000).unwrap();
        let mut switch = KillSwitch::builder()
            .latch(&path)
            .clock(clock.clone())
            .reset_policy(policy.clone())
            .init(&[req("alice", init)])
            .unwrap();
        let mut last_good: Option<ResetRequest> = None;
        for op in ops {
            let before = switch.trip_record();
            match op {
                Op::Trip => {
                    let rec = switch.trip(TripRequest::manual("p", "q")).unwrap();
                    if let Some(b) = &before {
                        prop_assert_eq!(&rec, b, "first trip record stands");
                    }
                }
                Op::Advance(s) => clock.advance(Duration::from_secs(s)),
                Op::ResetValid => {
                    let Some(rec) = before.clone() else {
                        let refused = switch.reset(&req("alice", "x".into())).is_err();
                        prop_assert!(refused);
                        continue;
                    };
                    let token = alice.sign_reset(&rec.id, "alice", clock.now_ms() + 60_000).unwrap();
                    let req = ResetRequest { operator: "alice".into(), token };
                    let cooled = clock.now_ms() >= rec.at_ms + 60_000;
                    let r = switch.reset(&req);
                    prop_assert_eq!(r.is_ok(), cooled, "{:?}", r);
                    if r.is_ok() {
                        last_good = Some(req);
                    }
                }
                Op::ResetForged => {
                    if let Some(rec) = &before {
                        let token = mallory.sign_reset(&rec.id, "alice", clock.now_ms() + 60_000).unwrap();
                        let refused = switch.reset(&req("alice", token)).is_err();
                        prop_assert!(refused);
                    }
                }
                Op::ResetReplay => {
                    if let Some(req) = &last_good {
                        prop_assert!(switch.reset(req).is_err());
                    }
                }
                Op::ResetWrongOperator => {
                    if let Some(rec) = &before {
                        let token = alice.sign_reset(&rec.id, "mallory", clock.now_ms() + 60_000).unwrap();
                        let refused = switch.reset(&req("mallory", token)).is_err();
                        prop_assert!(refused);
                    }
                }
                Op::Restart => {
                    drop(switch);
                    switch = build();
                    prop_assert_eq!(switch.trip_record(), before.clone(), "restart keeps the trip");
                }
            }
            let armed = switch.state() == State::Armed;
            prop_assert_eq!(switch.gate().is_open(), armed);
            prop_assert_eq!(switch.trip_record().is_none(), armed);
            match read_latch(&path) {
                LatchRead::Absent => prop_assert!(false, "latch missing"),
                LatchRead::Present(c) => {
                    prop_assert_eq!(c.state == State::Armed, armed);
                    prop_assert_eq!(c.trip, switch.trip_record());
                }
                LatchRead::Corrupt { detail, .. } => prop_assert!(false, "corrupt latch: {}", detail),
            }
        }
    }
}
