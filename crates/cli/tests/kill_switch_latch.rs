//! Attacks on the kill switch's latch, replayed with the real `supreme`
//! binary, one process per step, against real files: what a shell as the
//! bot's user can do to the latch and its nonce store.

#![allow(clippy::unwrap_used)] // test helpers: a failed unwrap is a failed test

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

fn ks(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_supreme"))
        .arg("kill-switch")
        .args(args)
        .output()
        .unwrap()
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// A directory, an operator key, a policy for it with `cooldown_secs`, and
/// the latch path (not created).
struct Setup {
    dir: PathBuf,
    key: PathBuf,
    policy: PathBuf,
    latch: PathBuf,
}

impl Setup {
    fn new(name: &str, cooldown_secs: u64) -> Self {
        let dir =
            std::env::temp_dir().join(format!("supreme-ks-attack-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let key = dir.join("alice.pk8");
        let out = ks(&["keygen", "--out", s(&key)]);
        assert_eq!(code(&out), 0, "{out:?}");
        let policy = dir.join("policy.json");
        std::fs::write(
            &policy,
            format!(
                r#"{{"cooldown_secs": {cooldown_secs}, "operators": {{"alice": "{}"}}}}"#,
                stdout(&out).trim()
            ),
        )
        .unwrap();
        let latch = dir.join("latch.json");
        Self {
            dir,
            key,
            policy,
            latch,
        }
    }

    /// Signs with `extra` (`--init`, or `--state LATCH`) into a token file.
    fn sign(&self, extra: &[&str], file: &str) -> PathBuf {
        let mut args = vec!["sign-reset", "--operator", "alice", "--key", s(&self.key)];
        args.extend_from_slice(extra);
        let out = ks(&args);
        assert_eq!(code(&out), 0, "{out:?}");
        let path = self.dir.join(file);
        std::fs::write(&path, stdout(&out).trim()).unwrap();
        path
    }

    fn init(&self) {
        let token = self.sign(&["--init"], "init.token");
        let out = self.run("init", &token);
        assert_eq!(code(&out), 0, "{out:?}");
    }

    fn trigger(&self) {
        let out = ks(&["trigger", "--state", s(&self.latch), "--reason", "drill"]);
        assert_eq!(code(&out), 0, "{out:?}");
    }

    /// `init` or `reset` with a token file.
    fn run(&self, command: &str, token: &Path) -> Output {
        ks(&[
            command,
            "--state",
            s(&self.latch),
            "--policy",
            s(&self.policy),
            "--operator",
            "alice",
            "--token-file",
            s(token),
        ])
    }

    fn reset(&self, token: &Path) -> Output {
        self.run("reset", token)
    }

    fn status(&self) -> Output {
        ks(&[
            "status",
            "--state",
            s(&self.latch),
            "--policy",
            s(&self.policy),
        ])
    }
}

#[test]
fn deleting_the_latch_does_not_rearm_the_switch() {
    let t = Setup::new("delete", 0);
    t.init();
    assert_eq!(code(&t.status()), 0);
    t.trigger();
    std::fs::remove_file(&t.latch).unwrap();
    let out = t.status();
    assert_eq!(code(&out), 1, "{out:?}");
    assert!(stdout(&out).contains("no latch"), "{}", stdout(&out));
    // No token can be signed for it, and an old one does not reset it.
    let out = ks(&[
        "sign-reset",
        "--state",
        s(&t.latch),
        "--operator",
        "alice",
        "--key",
        s(&t.key),
    ]);
    assert_eq!(code(&out), 2, "{out:?}");
    // Deleting it while armed trips the next start too.
    let t = Setup::new("delete-armed", 0);
    t.init();
    std::fs::remove_file(&t.latch).unwrap();
    assert_eq!(code(&t.status()), 1);
}

#[test]
fn corrupt_latch_resets_after_the_cooldown_from_its_first_sighting_across_processes() {
    let t = Setup::new("corrupt", 2);
    t.init();
    std::fs::write(
        &t.latch,
        b"{\"format\": \"supreme-kill-switch-latch/2\", \"state\": tru",
    )
    .unwrap();
    // First sighting (this process), then the same trip id in the next ones.
    let first = stdout(&t.status());
    assert!(first.contains("corrupt latch"), "{first}");
    let id = |text: &str| {
        text.lines()
            .find(|l| l.starts_with("trip id: "))
            .unwrap()
            .to_owned()
    };
    assert!(id(&first).contains("corrupt-"), "{first}");
    let token = t.sign(&["--state", s(&t.latch)], "corrupt.token");
    let out = t.reset(&token);
    assert_eq!(code(&out), 1, "{out:?}");
    assert!(stdout(&out).contains("cooldown"), "{}", stdout(&out));
    assert_eq!(id(&stdout(&t.status())), id(&first));
    std::thread::sleep(Duration::from_millis(2_200));
    let out = t.reset(&token);
    assert_eq!(code(&out), 0, "{out:?}");
    assert_eq!(code(&t.status()), 0);
}

#[test]
fn reset_token_replayed_in_a_second_process_is_refused() {
    let t = Setup::new("replay", 0);
    t.init();
    t.trigger();
    let tripped = std::fs::read(&t.latch).unwrap();
    let token = t.sign(&["--state", s(&t.latch)], "reset.token");
    let out = t.reset(&token);
    assert_eq!(code(&out), 0, "{out:?}");
    // The attacker puts the tripped latch back and replays the used token.
    std::fs::write(&t.latch, &tripped).unwrap();
    let out = t.reset(&token);
    assert_eq!(code(&out), 1, "{out:?}");
    assert!(
        stdout(&out).contains("token already used"),
        "{}",
        stdout(&out)
    );
    assert_eq!(code(&t.status()), 1);
}

#[test]
fn deleted_nonce_store_refuses_every_reset() {
    let t = Setup::new("nonces", 0);
    t.init();
    t.trigger();
    let store = PathBuf::from(format!("{}.nonces", s(&t.latch)));
    std::fs::remove_file(&store).unwrap();
    let token = t.sign(&["--state", s(&t.latch)], "fresh.token");
    let out = t.reset(&token);
    assert_eq!(code(&out), 1, "{out:?}");
    assert!(stdout(&out).contains("nonce store"), "{}", stdout(&out));
    // An unreadable (not private) store refuses too.
    std::fs::write(
        &store,
        r#"{"format":"supreme-kill-switch-nonces/1","used":[]}"#,
    )
    .unwrap();
    let out = t.reset(&token);
    assert_eq!(code(&out), 1, "{out:?}");
    assert!(stdout(&out).contains("must be private"), "{}", stdout(&out));
    assert_eq!(code(&t.status()), 1);
}

#[test]
fn hand_written_armed_latch_reads_as_tripped() {
    let t = Setup::new("handwritten", 0);
    t.init();
    t.trigger();
    for text in [
        r#"{"format": "supreme-kill-switch-latch/2", "state": "armed"}"#,
        r#"{"format": "supreme-kill-switch-latch/1", "state": "armed"}"#,
        r#"{"format": "supreme-kill-switch-latch/2", "state": "armed", "armed": {"trip_id": "x", "at_ms": 1, "signatures": []}}"#,
    ] {
        std::fs::write(&t.latch, text).unwrap();
        for out in [t.status(), ks(&["status", "--state", s(&t.latch)])] {
            assert_eq!(code(&out), 1, "{text}: {out:?}");
            assert!(stdout(&out).contains("corrupt latch"), "{}", stdout(&out));
        }
    }
}

#[test]
fn armed_latch_signed_by_a_key_outside_the_policy_reads_as_tripped() {
    let t = Setup::new("forged", 0);
    t.init();
    t.trigger();
    // Mallory (the bot's user) signs an arming with her own key, under alice's name.
    let mallory = Setup::new("forged-mallory", 0);
    mallory.init();
    std::fs::copy(&mallory.latch, &t.latch).unwrap();
    let out = t.status();
    assert_eq!(code(&out), 1, "{out:?}");
    assert!(
        stdout(&out).contains("of the reset policy's operators"),
        "{}",
        stdout(&out)
    );
    // The bot, started with the policy, stays tripped: a reset with a valid
    // token is still needed, and the trigger path can always trip it.
    let out = ks(&["trigger", "--state", s(&t.latch), "--reason", "again"]);
    assert_eq!(code(&out), 0, "{out:?}");
    assert_eq!(code(&t.status()), 1);
}

#[test]
fn reset_token_from_standard_input() {
    let t = Setup::new("stdin", 0);
    t.init();
    t.trigger();
    let token = std::fs::read(t.sign(&["--state", s(&t.latch)], "stdin.token")).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_supreme"))
        .args([
            "kill-switch",
            "reset",
            "--state",
            s(&t.latch),
            "--policy",
            s(&t.policy),
        ])
        .args(["--operator", "alice", "--token-file", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&token).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(code(&out), 0, "{out:?}");
    assert_eq!(code(&t.status()), 0);
}

#[test]
fn policy_listing_one_key_under_two_names_is_refused_when_loaded() {
    let t = Setup::new("samekey", 0);
    let public = stdout(&ks(&["public-key", "--key", s(&t.key)]))
        .trim()
        .to_owned();
    std::fs::write(
        &t.policy,
        format!(r#"{{"cooldown_secs": 0, "quorum": 2, "operators": {{"alice": "{public}", "alice2": "{public}"}}}}"#),
    )
    .unwrap();
    let token = t.sign(&["--init"], "init.token");
    for command in ["init", "reset"] {
        let out = t.run(command, &token);
        assert_eq!(code(&out), 2, "{out:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("same key"),
            "{out:?}"
        );
    }
    assert!(!t.latch.exists());
}
