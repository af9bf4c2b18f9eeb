use std::sync::atomic::AtomicBool;
use std::sync::atomic::AtomicUsize;

use supreme_core::FakeClock;

use super::*;
use crate::reset::{OperatorKey, SignReset};
use crate::reset::{Refusal, ResetRefusal, ResetRequest};
use crate::state::Trigger;

const T0: u64 = 1_700_000_000_000;

fn temp_latch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("ks-switch-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d.join("latch.json")
}

struct Fixture {
    clock: Arc<FakeClock>,
    key: OperatorKey,
    events: Arc<supreme_core::event::VecSink>,
}

impl Fixture {
    fn new() -> Self {
        Self {
            clock: Arc::new(FakeClock::new(T0)),
            key: OperatorKey::generate().unwrap(),
            events: Arc::default(),
        }
    }

    fn build(&self, latch: Option<&Path>) -> KillSwitch {
        let mut b = KillSwitch::builder()
            .clock(self.clock.clone())
            .events(self.events.clone())
            .reset_policy(
                ResetPolicy::new(Duration::from_secs(60)).operator("alice", self.key.public_key()),
            );
        if let Some(p) = latch {
            b = b.latch(p);
        }
        b.build()
    }

    /// A switch on a new latch, armed by `init`.
    fn init(&self, latch: &Path) -> KillSwitch {
        let mut b = KillSwitch::builder()
            .clock(self.clock.clone())
            .latch(latch)
            .reset_policy(
                ResetPolicy::new(Duration::from_secs(60)).operator("alice", self.key.public_key()),
            );
        b = b.events(self.events.clone());
        let token = self
            .key
            .sign_init("alice", self.clock.now_ms() + 60_000)
            .unwrap();
        let s = b
            .init(&[ResetRequest {
                operator: "alice".to_owned(),
                token,
            }])
            .unwrap();
        self.events.take();
        s
    }

    fn token(&self, trip_id: &str) -> ResetRequest {
        ResetRequest {
            operator: "alice".to_owned(),
            token: self
                .key
                .sign_reset(trip_id, "alice", self.clock.now_ms() + 60_000)
                .unwrap(),
        }
    }

    /// The refused resets' reasons, as recorded.
    fn refusals(&self) -> Vec<String> {
        self.events
            .events()
            .iter()
            .filter(|e| e.kind() == "KILL_SWITCH_RESET_REFUSED")
            .map(|e| e.get("outcome").unwrap_or_default().to_owned())
            .collect()
    }
}

#[test]
fn trip_records_reason_who_when_values_and_keeps_the_first() {
    let f = Fixture::new();
    let s = f.build(None);
    assert_eq!(s.state(), State::Armed);
    let rec = s
        .trip(
            TripRequest::new(Trigger::RiskBreach, "drawdown", "risk-limits")
                .value("drawdown_bps", 512),
        )
        .unwrap();
    assert_eq!(s.state(), State::Tripped);
    assert_eq!(rec.at_ms, T0);
    assert_eq!(rec.who, "risk-limits");
    assert_eq!(rec.values["drawdown_bps"], "512");
    let again = s.trip(TripRequest::manual("second", "bob")).unwrap();
    assert_eq!(again, rec);
    let ev = f.events.events();
    assert_eq!(ev[0], Event::Tripped { record: rec }.to_core(T0));
    assert_eq!(
        (ev[1].kind(), ev[1].get("reason")),
        ("KILL_SWITCH_TRIP_REPEATED", Some("second"))
    );
}

#[test]
fn no_order_passes_after_trip_returns() {
    let s = KillSwitch::builder().build();
    let tripped = Arc::new(AtomicBool::new(false));
    let passed_before = Arc::new(AtomicUsize::new(0));
    let passed_after = Arc::new(AtomicUsize::new(0));
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let gate = s.gate();
            let (tripped, before, after) = (
                Arc::clone(&tripped),
                Arc::clone(&passed_before),
                Arc::clone(&passed_after),
            );
            std::thread::spawn(move || {
                let deadline = std::time::Instant::now() + Duration::from_secs(20);
                // "Submit" in a loop: read "trip() has returned", then check the gate.
                while std::time::Instant::now() < deadline {
                    let returned = tripped.load(Ordering::Acquire);
                    let open = gate.is_open();
                    match (returned, open) {
                        (false, true) => {
                            before.fetch_add(1, Ordering::Relaxed);
                        }
                        (true, true) => {
                            after.fetch_add(1, Ordering::Relaxed);
                        }
                        // Seen closed after trip() returned: keep going a little.
                        (true, false) => return true,
                        (false, false) => {}
                    }
                }
                false
            })
        })
        .collect();
    // Let every thread get going, then trip.
    while passed_before.load(Ordering::Relaxed) < 8_000 {
        std::thread::yield_now();
    }
    s.trip(TripRequest::manual("test", "t")).unwrap();
    tripped.store(true, Ordering::Release);
    for t in threads {
        assert!(t.join().unwrap(), "thread never saw the trip");
    }
    assert_eq!(passed_after.load(Ordering::Relaxed), 0);
    // And it stays closed.
    let gate = s.gate();
    assert!((0..1_000_000).all(|_| !gate.is_open()));
}

#[test]
fn latch_is_written_before_trip_returns_and_restores_on_restart() {
    let f = Fixture::new();
    let path = temp_latch("restart");
    let s = f.init(&path);
    assert_eq!(s.state(), State::Armed);
    let rec = s.trip(TripRequest::manual("halt", "bob")).unwrap();
    match latch::read_latch(&path) {
        LatchRead::Present(c) => assert_eq!(c.trip, Some(rec.clone())),
        other => panic!("{other:?}"),
    }
    drop(s);
    let restarted = f.build(Some(&path));
    assert_eq!(restarted.state(), State::Tripped);
    assert!(!restarted.gate().is_open());
    assert_eq!(restarted.trip_record(), Some(rec.clone()));
    // The restored trip resets with a token for it.
    f.clock.advance(Duration::from_secs(61));
    restarted.reset(&f.token(&rec.id)).unwrap();
    assert!(restarted.gate().is_open());
    match latch::read_latch(&path) {
        LatchRead::Present(c) => {
            assert_eq!(c.state, State::Armed);
            assert_eq!(c.armed.unwrap().operators(), ["alice"]);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(f.build(Some(&path)).state(), State::Armed);
}

#[test]
fn corrupt_latch_starts_tripped_with_a_random_persisted_id() {
    let f = Fixture::new();
    let path = temp_latch("corrupt");
    drop(f.init(&path));
    std::fs::write(&path, b"{\"format\": trunc").unwrap();
    let s = f.build(Some(&path));
    assert_eq!(s.state(), State::Tripped);
    let rec = s.trip_record().unwrap();
    assert_eq!(rec.trigger, Trigger::CorruptLatch);
    assert!(rec.id.starts_with("corrupt-"));
    // Not a digest of the bytes: random, and the same for the next process.
    assert!(!rec.values["latch_sha256"].starts_with(&rec.id["corrupt-".len()..]));
    assert_eq!(f.build(Some(&path)).trip_record().unwrap().id, rec.id);
    assert_eq!(
        f.events.events()[0].get("restored_from_latch"),
        Some("true")
    );
    f.clock.advance(Duration::from_secs(61));
    s.reset(&f.token(&rec.id)).unwrap();
    assert_eq!(s.state(), State::Armed);
    assert_eq!(f.build(Some(&path)).state(), State::Armed);
}

#[test]
fn unauthorized_resets_are_refused_and_reported() {
    let f = Fixture::new();
    let s = f.build(None);
    let rec = s.trip(TripRequest::manual("x", "bob")).unwrap();
    // Cooldown.
    let early = f.token(&rec.id);
    assert!(matches!(
        s.reset(&early),
        Err(Error::ResetRefused {
            refusal: ResetRefusal::Operator(Refusal::CoolingDown { .. }),
            ..
        })
    ));
    f.clock.advance(Duration::from_secs(61));
    // No token / wrong trip / someone else's key.
    let mut bad = f.token("some-other-trip");
    assert!(s.reset(&bad).is_err());
    bad.token = OperatorKey::generate()
        .unwrap()
        .sign_reset(&rec.id, "alice", T0 + 120_000)
        .unwrap();
    assert!(s.reset(&bad).is_err());
    assert_eq!(s.state(), State::Tripped);
    // Accepted, then the same token replayed after a new trip fails.
    let good = f.token(&rec.id);
    s.reset(&good).unwrap();
    assert!(matches!(
        s.reset(&good),
        Err(Error::ResetRefused {
            refusal: ResetRefusal::NotTripped,
            ..
        })
    ));
    s.trip(TripRequest::manual("y", "bob")).unwrap();
    f.clock.advance(Duration::from_secs(61));
    assert!(s.reset(&good).is_err());
    let refusals = f.refusals();
    assert!(refusals[0].starts_with("cooldown:"), "{refusals:?}");
    assert!(refusals[1].starts_with("token is for trip"), "{refusals:?}");
    assert_eq!(
        refusals[2],
        ResetRefusal::Operator(Refusal::BadSignature).to_string()
    );
    assert_eq!(refusals[3], ResetRefusal::NotTripped.to_string());
    assert!(refusals[4].starts_with("token is for trip"), "{refusals:?}");
}

#[test]
fn replayed_nonce_is_refused() {
    let f = Fixture::new();
    let s = f.build(None);
    let rec = s.trip(TripRequest::manual("x", "bob")).unwrap();
    f.clock.advance(Duration::from_secs(61));
    let good = f.token(&rec.id);
    s.reset(&good).unwrap();
    // Force the same trip back (as a restart from a copied latch would) and replay.
    *s.inner.record.lock().unwrap() = Some(rec);
    s.inner.state.store(State::Tripped as u8, Ordering::Release);
    assert!(matches!(
        s.reset(&good),
        Err(Error::ResetRefused {
            refusal: ResetRefusal::Replayed,
            ..
        })
    ));
}

#[test]
fn reset_refused_during_procedure() {
    let f = Fixture::new();
    let s = f.build(None);
    let rec = s.trip(TripRequest::manual("x", "bob")).unwrap();
    s.transition(State::Tripped, State::Halting).unwrap();
    f.clock.advance(Duration::from_secs(61));
    assert!(matches!(
        s.reset(&f.token(&rec.id)),
        Err(Error::ResetRefused {
            refusal: ResetRefusal::ActionInProgress(State::Halting),
            ..
        })
    ));
}

#[test]
fn latch_failure_still_trips() {
    let f = Fixture::new();
    let path = temp_latch("fail").join("missing-dir/latch.json");
    let s = f.build(Some(&path));
    assert!(matches!(
        s.trip(TripRequest::manual("x", "y")),
        Err(Error::Latch { .. })
    ));
    assert!(!s.gate().is_open());
    assert!(
        f.events
            .events()
            .iter()
            .any(|e| e.kind() == "KILL_SWITCH_LATCH_FAILED")
    );
}

#[test]
fn wait_tripped_wakes_up() {
    let s = KillSwitch::builder().build();
    assert_eq!(s.wait_tripped(Duration::from_millis(1)), None);
    let s2 = s.clone();
    let h = std::thread::spawn(move || s2.wait_tripped(Duration::from_secs(10)));
    std::thread::sleep(Duration::from_millis(10));
    s.trip(TripRequest::manual("x", "y")).unwrap();
    assert!(h.join().unwrap().is_some());
}

#[test]
fn repeated_trip_retries_a_failed_latch_write() {
    let f = Fixture::new();
    let dir = temp_latch("retry").with_file_name("later");
    let path = dir.join("latch.json");
    let s = f.build(Some(&path));
    let first = s.trip(TripRequest::manual("x", "y"));
    assert!(first.is_err());
    std::fs::create_dir_all(&dir).unwrap();
    let rec = s.trip(TripRequest::manual("again", "y")).unwrap();
    assert_eq!(rec.reason, "x");
    match latch::read_latch(&path) {
        LatchRead::Present(c) => assert_eq!(c.trip, Some(rec)),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_running_switch_adopts_a_latch_written_by_another_process() {
    let f = Fixture::new();
    let path = temp_latch("adopt");
    let bot = f.init(&path);
    assert!(bot.adopt_latch().is_none());
    // Another instance (the CLI) trips through the same latch file.
    let cli = f.build(Some(&path));
    let rec = cli.trip(TripRequest::manual("ops", "carol")).unwrap();
    assert!(bot.gate().is_open());
    let watcher = crate::triggers::LatchWatcher::new(bot.clone());
    crate::triggers::Watch::poll(&watcher);
    assert!(!bot.gate().is_open());
    assert_eq!(bot.trip_record(), Some(rec.clone()));
    // Adopting does not rewrite; the same token id resets it.
    f.clock.advance(Duration::from_secs(61));
    bot.reset(&f.token(&rec.id)).unwrap();
    assert!(bot.gate().is_open());
    assert!(bot.adopt_latch().is_none(), "latch armed by the reset");
}

#[test]
fn two_person_rule_needs_two_distinct_operators() {
    let clock = Arc::new(FakeClock::new(T0));
    let alice = OperatorKey::generate().unwrap();
    let bob = OperatorKey::generate().unwrap();
    let s = KillSwitch::builder()
        .clock(clock.clone())
        .reset_policy(
            ResetPolicy::new(Duration::ZERO)
                .operator("alice", alice.public_key())
                .operator("bob", bob.public_key())
                .quorum(2),
        )
        .build();
    let rec = s.trip(TripRequest::manual("x", "y")).unwrap();
    let req = |key: &OperatorKey, name: &str| ResetRequest {
        operator: name.to_owned(),
        token: key.sign_reset(&rec.id, name, T0 + 60_000).unwrap(),
    };
    let refusal = |r: Result<(), Error>| match r {
        Err(Error::ResetRefused { refusal, .. }) => refusal,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        refusal(s.reset(&req(&alice, "alice"))),
        ResetRefusal::Operator(Refusal::QuorumNotMet { have: 1, need: 2 })
    );
    assert_eq!(
        refusal(s.reset_quorum(&[req(&alice, "alice"), req(&alice, "alice")])),
        ResetRefusal::Operator(Refusal::DuplicateOperator)
    );
    // Bob's name with alice's key.
    assert_eq!(
        refusal(s.reset_quorum(&[req(&alice, "alice"), req(&alice, "bob")])),
        ResetRefusal::Operator(Refusal::BadSignature)
    );
    assert_eq!(s.state(), State::Tripped);
    s.reset_quorum(&[req(&alice, "alice"), req(&bob, "bob")])
        .unwrap();
    assert_eq!(s.state(), State::Armed);
}
