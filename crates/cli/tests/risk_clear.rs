//! `supreme risk clear` and `sign-clear`, run as the real binary on state
//! files a real book wrote: a latched breach is cleared only with a fresh
//! token an authorized operator signed for this scope and this breach.
#![allow(clippy::unwrap_used)] // test helpers: a failed unwrap is a failed test

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::atomic::{AtomicUsize, Ordering};

mod risk_support;

use risk_support::{code, key_of, s, state_file, supreme, text};
use supreme_risk_limits::{AccountId, Scope};

/// A state whose drawdown limit (10 %, global and on the account `main`)
/// latched at `at_ms`.
fn write_breached_state(path: &Path, at_ms: u64) {
    let main = Scope::Account(AccountId::new("main").unwrap());
    risk_support::write_state(path, at_ms, &[Scope::Global, main], true);
}

struct Fixture {
    _dir: tempfile::TempDir,
    dir: PathBuf,
    state: PathBuf,
    key: PathBuf,
    policy: PathBuf,
    alice: PathBuf,
}

/// A latched state, alice's key, and a policy naming only alice.
fn fixture() -> Fixture {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_owned();
    let state = dir.join("risk.state");
    write_breached_state(&state, 1_700_000_000_000);
    let alice = keygen(&dir, "alice");
    let policy = dir.join("policy.json");
    let public = public_key(&alice);
    std::fs::write(
        &policy,
        format!(r#"{{"cooldown_secs": 0, "operators": {{"alice": "{public}"}}}}"#),
    )
    .unwrap();
    Fixture {
        _dir: tmp,
        dir,
        key: key_of(&state),
        state,
        policy,
        alice,
    }
}

fn keygen(dir: &Path, name: &str) -> PathBuf {
    let key = dir.join(format!("{name}.pk8"));
    let o = supreme(&["kill-switch", "keygen", "--out", s(&key)]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    key
}

fn public_key(key: &Path) -> String {
    let o = supreme(&["kill-switch", "public-key", "--key", s(key)]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    String::from_utf8_lossy(&o.stdout).trim().to_owned()
}

/// `sign-clear` for `scope` by `operator` with `key`, written to a token file.
fn sign_clear(f: &Fixture, scope: &str, operator: &str, key: &Path, ttl: &str) -> PathBuf {
    let o = supreme(&[
        "risk",
        "sign-clear",
        "--state",
        s(&f.state),
        "--key-file",
        s(&f.key),
        "--scope",
        scope,
        "--operator",
        operator,
        "--key",
        s(key),
        "--ttl-secs",
        ttl,
    ]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    token_file(f, &String::from_utf8_lossy(&o.stdout))
}

fn token_file(f: &Fixture, token: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let path = f
        .dir
        .join(format!("token-{}", N.fetch_add(1, Ordering::Relaxed)));
    std::fs::write(&path, token.trim()).unwrap();
    path
}

fn clear(f: &Fixture, scope: &str, token: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "risk",
        "clear",
        "--state",
        s(&f.state),
        "--key-file",
        s(&f.key),
        "--scope",
        scope,
        "--policy",
        s(&f.policy),
        "--token-file",
        s(token),
    ];
    args.extend_from_slice(extra);
    supreme(&args)
}

/// The clear was refused (exit 1) for the reason `why`.
fn assert_refused(o: &Output, why: &str) {
    assert_eq!(code(o), 1, "{}", text(o));
    assert!(text(o).contains(why), "{}", text(o));
}

fn latched(f: &Fixture, scope: &str) -> bool {
    let state = state_file(&f.state).load().unwrap();
    state
        .record(&scope.parse().unwrap())
        .unwrap()
        .latch
        .is_some()
}

#[test]
fn a_token_signed_for_the_breach_clears_it_once() {
    let f = fixture();
    let o = supreme(&["risk", "state", "--key-file", s(&f.key), s(&f.state)]);
    assert_eq!(code(&o), 1, "{}", text(&o));
    let token = sign_clear(&f, "global", "alice", &f.alice, "300");
    let o = clear(&f, "global", &token, &[]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert!(
        text(&o).contains("cleared: drawdown at global"),
        "{}",
        text(&o)
    );
    assert!(!latched(&f, "global"));
    assert!(latched(&f, "account:main"), "another scope's breach stays");
    let nonces = f.dir.join("risk.state.nonces");
    let mode = std::fs::metadata(&nonces).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
}

#[test]
fn a_replayed_clear_token_is_refused_even_on_a_rolled_back_state() {
    let f = fixture();
    let before = std::fs::read(&f.state).unwrap();
    let token = sign_clear(&f, "global", "alice", &f.alice, "300");
    assert_eq!(code(&clear(&f, "global", &token, &[])), 0);
    // The old state, breach and all, put back: the spent token stays spent.
    std::fs::write(&f.state, &before).unwrap();
    let o = clear(&f, "global", &token, &[]);
    assert_refused(&o, "already used");
    assert!(latched(&f, "global"));
}

#[test]
fn a_forged_clear_token_from_an_unlisted_key_is_refused() {
    let f = fixture();
    let mallory = keygen(&f.dir, "mallory");
    let token = sign_clear(&f, "global", "alice", &mallory, "300");
    let o = clear(&f, "global", &token, &[]);
    assert_refused(&o, "bad signature");
    assert!(latched(&f, "global"));
}

#[test]
fn another_operators_clear_token_is_refused() {
    let f = fixture();
    let bob = keygen(&f.dir, "bob");
    let token = sign_clear(&f, "global", "bob", &bob, "300");
    let o = clear(&f, "global", &token, &[]);
    assert_refused(&o, "unknown operator");
    // Presented in alice's name: the token names bob.
    let o = clear(&f, "global", &token, &["--operator", "alice"]);
    assert_refused(&o, "another operator");
    assert!(latched(&f, "global"));
}

#[test]
fn an_expired_clear_token_is_refused() {
    let f = fixture();
    let token = sign_clear(&f, "global", "alice", &f.alice, "0");
    std::thread::sleep(std::time::Duration::from_millis(20));
    let o = clear(&f, "global", &token, &[]);
    assert_refused(&o, "expired");
    assert!(latched(&f, "global"));
}

#[test]
fn a_clear_token_for_another_scope_is_refused() {
    let f = fixture();
    let token = sign_clear(&f, "global", "alice", &f.alice, "300");
    let o = clear(&f, "account:main", &token, &[]);
    assert_eq!(code(&o), 1, "{}", text(&o));
    assert!(
        text(&o).contains("not account:main:drawdown"),
        "{}",
        text(&o)
    );
    assert!(latched(&f, "account:main") && latched(&f, "global"));
}

#[test]
fn a_clear_token_for_an_earlier_breach_cannot_clear_a_later_one() {
    let f = fixture();
    let token = sign_clear(&f, "global", "alice", &f.alice, "300");
    // Cleared some other way and breached again a minute later.
    write_breached_state(&f.state, 1_700_000_060_000);
    let o = clear(&f, "global", &token, &[]);
    assert_refused(&o, "1700000060000");
    assert!(latched(&f, "global"));
}

#[test]
fn a_kill_switch_reset_token_is_refused_as_a_clear_token() {
    let f = fixture();
    let o = supreme(&[
        "kill-switch",
        "sign-reset",
        "--trip-id",
        "global",
        "--operator",
        "alice",
        "--key",
        s(&f.alice),
    ]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    let token = token_file(&f, &String::from_utf8_lossy(&o.stdout));
    for named in [&["--operator", "alice"][..], &[]] {
        let o = clear(&f, "global", &token, named);
        assert_eq!(code(&o), 1, "{}", text(&o));
        assert!(text(&o).contains("unknown prefix \"ksr1\""), "{}", text(&o));
    }
    assert!(latched(&f, "global"));
}

#[test]
fn a_clear_without_a_readable_policy_or_state_is_an_input_error() {
    let f = fixture();
    let token = sign_clear(&f, "global", "alice", &f.alice, "300");
    std::fs::write(&f.policy, "{}").unwrap();
    assert_eq!(code(&clear(&f, "global", &token, &[])), 2);
    let o = clear(&f, "nowhere", &token, &[]);
    assert_eq!(code(&o), 2, "{}", text(&o));
    assert!(latched(&f, "global"));
}

#[test]
fn a_clear_inside_the_policys_cooldown_since_the_breach_is_refused() {
    let f = fixture();
    // A cooldown that outlasts the time since the breach (2023) by far.
    let policy = std::fs::read_to_string(&f.policy)
        .unwrap()
        .replace("\"cooldown_secs\": 0", "\"cooldown_secs\": 9000000000");
    std::fs::write(&f.policy, policy).unwrap();
    let token = sign_clear(&f, "global", "alice", &f.alice, "300");
    let o = clear(&f, "global", &token, &[]);
    assert_refused(&o, "cooldown");
    assert!(latched(&f, "global"));
}
