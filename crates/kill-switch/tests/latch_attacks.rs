//! Attacks on the latch of a bot's switch, with real files: what a shell as
//! the bot's user can do between two starts of the bot.

#![allow(clippy::unwrap_used)] // test helpers: a failed unwrap is a failed test

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use supreme_kill_switch::latch::{ArmRecord, ArmSignature, LatchContents};
use supreme_kill_switch::*;

const T0: u64 = 1_700_000_000_000;

struct Bot {
    latch: PathBuf,
    clock: Arc<FakeClock>,
    alice: OperatorKey,
}

impl Bot {
    /// A new switch, armed by alice's init token.
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("ks-attack-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let bot = Self {
            latch: dir.join("latch.json"),
            clock: Arc::new(FakeClock::new(T0)),
            alice: OperatorKey::generate().unwrap(),
        };
        let token = bot.alice.sign_init("alice", T0 + 60_000).unwrap();
        let s = bot.builder().init(&[req(token)]).unwrap();
        assert_eq!(s.state(), State::Armed);
        bot
    }

    fn policy(&self) -> ResetPolicy {
        ResetPolicy::new(Duration::from_secs(60)).operator("alice", self.alice.public_key())
    }

    fn builder(&self) -> KillSwitchBuilder {
        KillSwitch::builder()
            .latch(&self.latch)
            .clock(self.clock.clone())
            .reset_policy(self.policy())
    }

    /// The next start of the bot.
    fn start(&self) -> KillSwitch {
        self.builder().build()
    }

    fn token(&self, trip_id: &str) -> ResetRequest {
        req(self
            .alice
            .sign_reset(trip_id, "alice", self.clock.now_ms() + 60_000)
            .unwrap())
    }
}

fn req(token: String) -> ResetRequest {
    ResetRequest {
        operator: "alice".to_owned(),
        token,
    }
}

fn refusal(r: Result<(), Error>) -> ResetRefusal {
    match r {
        Err(Error::ResetRefused { refusal, .. }) => refusal,
        other => panic!("{other:?}"),
    }
}

fn write(path: &Path, c: &LatchContents) {
    std::fs::write(path, serde_json::to_vec(c).unwrap()).unwrap();
}

#[test]
fn deleted_latch_starts_the_next_switch_tripped() {
    let bot = Bot::new("deleted");
    assert_eq!(bot.start().state(), State::Armed);
    std::fs::remove_file(&bot.latch).unwrap();
    let s = bot.start();
    assert_eq!(s.state(), State::Tripped);
    assert!(!s.gate().is_open());
    assert_eq!(s.trip_record().unwrap().trigger, Trigger::LatchMissing);
    bot.clock.advance(Duration::from_secs(61));
    let id = s.trip_record().unwrap().id;
    assert_eq!(refusal(s.reset(&bot.token(&id))), ResetRefusal::NeedsInit);
    // A running bot watching its latch trips as soon as it is gone.
    let armed = Bot::new("deleted-running");
    let running = armed.start();
    std::fs::remove_file(&armed.latch).unwrap();
    assert!(running.adopt_latch().is_some());
    assert!(!running.gate().is_open());
}

#[test]
fn armed_latch_signed_by_the_bot_users_own_key_starts_tripped() {
    let bot = Bot::new("forged");
    // Mallory cannot sign as alice, so she signs as alice with her own key.
    let mallory = OperatorKey::generate().unwrap();
    let id = "init-0011223344556677";
    let forged = LatchContents::armed(ArmRecord {
        trip_id: id.to_owned(),
        at_ms: T0,
        signatures: vec![ArmSignature {
            operator: "alice".to_owned(),
            public_key: mallory.public_key().to_hex(),
            token: mallory.sign_reset(id, "alice", T0).unwrap(),
        }],
    });
    write(&bot.latch, &forged);
    let s = bot.start();
    assert_eq!(s.state(), State::Tripped);
    let rec = s.trip_record().unwrap();
    assert_eq!(rec.trigger, Trigger::CorruptLatch);
    assert!(rec.reason.contains("reset policy"), "{}", rec.reason);
    // The same file claiming alice's public key does not verify at all.
    let mut claimed = forged.clone();
    claimed.armed.as_mut().unwrap().signatures[0].public_key = bot.alice.public_key().to_hex();
    write(&bot.latch, &claimed);
    assert_eq!(bot.start().state(), State::Tripped);
    // Unsigned: tripped with or without a policy.
    let mut unsigned = forged;
    unsigned.armed.as_mut().unwrap().signatures.clear();
    write(&bot.latch, &unsigned);
    assert_eq!(bot.start().state(), State::Tripped);
    assert_eq!(
        KillSwitch::builder().latch(&bot.latch).build().state(),
        State::Tripped
    );
}

#[test]
fn deleted_nonce_store_refuses_every_reset() {
    let bot = Bot::new("nonces");
    let s = bot.start();
    let rec = s.trip(TripRequest::manual("drill", "ops")).unwrap();
    std::fs::remove_file(nonce_store_path(&bot.latch)).unwrap();
    bot.clock.advance(Duration::from_secs(61));
    assert!(matches!(
        refusal(s.reset(&bot.token(&rec.id))),
        ResetRefusal::NonceStore(_)
    ));
    let restarted = bot.start();
    assert!(matches!(
        refusal(restarted.reset(&bot.token(&rec.id))),
        ResetRefusal::NonceStore(_)
    ));
    assert_eq!(restarted.state(), State::Tripped);
}

#[test]
fn reset_token_replayed_after_a_restart_is_refused() {
    let bot = Bot::new("replay");
    let s = bot.start();
    let rec = s.trip(TripRequest::manual("drill", "ops")).unwrap();
    let tripped = std::fs::read(&bot.latch).unwrap();
    bot.clock.advance(Duration::from_secs(61));
    let token = bot.token(&rec.id);
    s.reset(&token).unwrap();
    drop(s);
    std::fs::write(&bot.latch, tripped).unwrap();
    let restarted = bot.start();
    assert_eq!(restarted.trip_record(), Some(rec));
    assert_eq!(refusal(restarted.reset(&token)), ResetRefusal::Replayed);
}

#[test]
fn init_refuses_an_existing_latch_and_a_used_init_token() {
    let bot = Bot::new("init-twice");
    let token = bot.alice.sign_init("alice", T0 + 60_000).unwrap();
    assert!(matches!(
        bot.builder().init(&[req(token.clone())]),
        Err(Error::Latch { .. })
    ));
    // A reset token is not an init token.
    std::fs::remove_file(&bot.latch).unwrap();
    let reset_token = bot.token("trip-1");
    assert!(bot.builder().init(&[reset_token]).is_err());
    bot.builder().init(&[req(token.clone())]).unwrap();
    std::fs::remove_file(&bot.latch).unwrap();
    assert!(matches!(
        bot.builder().init(&[req(token)]),
        Err(Error::ResetRefused {
            refusal: ResetRefusal::Replayed,
            ..
        })
    ));
}

#[test]
fn init_has_no_cooldown_to_wait_for() {
    let dir = std::env::temp_dir().join(format!("ks-attack-init-clock-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let alice = OperatorKey::generate().unwrap();
    let clock = Arc::new(FakeClock::new(1_000));
    let s = KillSwitch::builder()
        .latch(dir.join("latch.json"))
        .clock(clock)
        .reset_policy(
            ResetPolicy::new(Duration::from_secs(300)).operator("alice", alice.public_key()),
        )
        .init(&[req(alice.sign_init("alice", 60_000).unwrap())])
        .unwrap();
    assert_eq!(s.state(), State::Armed);
}

#[test]
fn armed_latch_written_over_a_running_trip_is_overwritten_by_the_next_trip() {
    let bot = Bot::new("overwrite");
    let armed = std::fs::read(&bot.latch).unwrap();
    let s = bot.start();
    let rec = s.trip(TripRequest::manual("drill", "ops")).unwrap();
    // The bot's user puts the armed latch back while the bot is tripped.
    std::fs::write(&bot.latch, armed).unwrap();
    assert_eq!(
        bot.start().state(),
        State::Armed,
        "the residual risk, on disk"
    );
    // The next trip request (a trigger, a watcher) writes the trip again.
    assert_eq!(s.trip(TripRequest::manual("again", "ops")).unwrap(), rec);
    let restarted = bot.start();
    assert_eq!(restarted.trip_record(), Some(rec));
}
