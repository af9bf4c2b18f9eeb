//! `supreme kill-switch ...` run as a real binary against real files.

#![allow(clippy::unwrap_used)] // test helpers: a failed unwrap is a failed test

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_supreme"))
}

fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("supreme-cli-ks-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn ks(args: &[&str]) -> Output {
    bin().arg("kill-switch").args(args).output().unwrap()
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

/// An operator key and a policy file authorizing it.
fn operator(d: &Path, name: &str, cooldown_secs: u64) -> (PathBuf, PathBuf) {
    let key = d.join(format!("{name}.pk8"));
    let out = ks(&["keygen", "--out", s(&key)]);
    assert_eq!(code(&out), 0, "{out:?}");
    let public = stdout(&out).trim().to_owned();
    assert_eq!(public.len(), 64);
    let policy = d.join("policy.json");
    std::fs::write(
        &policy,
        format!(r#"{{"cooldown_secs": {cooldown_secs}, "operators": {{"{name}": "{public}"}}}}"#),
    )
    .unwrap();
    (key, policy)
}

fn sign(latch: &Path, name: &str, key: &Path) -> String {
    let out = ks(&[
        "sign-reset",
        "--state",
        s(latch),
        "--operator",
        name,
        "--key",
        s(key),
    ]);
    assert_eq!(code(&out), 0, "{out:?}");
    stdout(&out).trim().to_owned()
}

/// Arms a new switch: `sign-reset --init` by the first operator, `--trip-id`
/// by the others, tokens passed in files.
fn init(latch: &Path, policy: &Path, operators: &[(&str, &Path)]) -> Output {
    let mut id = String::new();
    let mut args = vec![
        "init".to_owned(),
        "--state".to_owned(),
        s(latch).to_owned(),
        "--policy".to_owned(),
        s(policy).to_owned(),
    ];
    for (name, key) in operators {
        let mut sign = vec!["sign-reset", "--operator", name, "--key", s(key)];
        if id.is_empty() {
            sign.push("--init");
        } else {
            sign.extend(["--trip-id", &id]);
        }
        let out = ks(&sign);
        assert_eq!(code(&out), 0, "{out:?}");
        let token = stdout(&out).trim().to_owned();
        if id.is_empty() {
            id = token.split('.').nth(1).unwrap().to_owned();
        }
        let file = latch.with_extension(format!("{name}.init-token"));
        std::fs::write(&file, token).unwrap();
        args.extend(["--operator".to_owned(), (*name).to_owned()]);
        args.extend(["--token-file".to_owned(), s(&file).to_owned()]);
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    ks(&args)
}

#[test]
fn status_trigger_status_reset_status() {
    let d = dir("cycle");
    let latch = d.join("latch.json");
    let out = ks(&["status", "--state", s(&latch)]);
    assert_eq!(code(&out), 1, "a missing latch reads as tripped");
    assert!(stdout(&out).contains("no latch"), "{}", stdout(&out));
    let (key, policy) = operator(&d, "alice", 0);
    let out = init(&latch, &policy, &[("alice", &key)]);
    assert_eq!(code(&out), 0, "{out:?}");
    let out = ks(&["status", "--state", s(&latch), "--policy", s(&policy)]);
    assert_eq!(code(&out), 0, "{out:?}");
    assert!(stdout(&out).contains("armed by: alice"), "{}", stdout(&out));

    let out = ks(&[
        "trigger",
        "--state",
        s(&latch),
        "--reason",
        "exchange incident",
        "--operator",
        "bob",
    ]);
    assert_eq!(code(&out), 0, "{out:?}");

    let out = ks(&["status", "--state", s(&latch)]);
    assert_eq!(code(&out), 1);
    let text = stdout(&out);
    assert!(text.contains("state: tripped"), "{text}");
    assert!(text.contains("reason: exchange incident"), "{text}");
    assert!(text.contains("who: bob"), "{text}");
    assert!(text.contains("when: 20"), "{text}");

    let token = sign(&latch, "alice", &key);
    let out = ks(&[
        "reset",
        "--state",
        s(&latch),
        "--operator",
        "alice",
        "--policy",
        s(&policy),
        "--token",
        &token,
    ]);
    assert_eq!(code(&out), 0, "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("reset by alice: accepted"));
    assert_eq!(code(&ks(&["status", "--state", s(&latch)])), 0);

    // The token is for that trip only: a new trip refuses it.
    assert_eq!(
        code(&ks(&["trigger", "--state", s(&latch), "--reason", "again"])),
        0
    );
    let out = ks(&[
        "reset",
        "--state",
        s(&latch),
        "--operator",
        "alice",
        "--policy",
        s(&policy),
        "--token",
        &token,
    ]);
    assert_eq!(code(&out), 1, "{out:?}");
    assert!(
        stdout(&out).contains("token is for trip"),
        "{}",
        stdout(&out)
    );
    assert_eq!(code(&ks(&["status", "--state", s(&latch)])), 1);
}

#[test]
fn unauthorized_and_early_resets_are_refused() {
    let d = dir("refused");
    let latch = d.join("latch.json");
    let (key, policy) = operator(&d, "alice", 3600);
    assert_eq!(code(&init(&latch, &policy, &[("alice", &key)])), 0);
    assert_eq!(
        code(&ks(&["trigger", "--state", s(&latch), "--reason", "x"])),
        0
    );
    let token = sign(&latch, "alice", &key);

    // Cooldown not over.
    let out = ks(&[
        "reset",
        "--state",
        s(&latch),
        "--operator",
        "alice",
        "--policy",
        s(&policy),
        "--token",
        &token,
    ]);
    assert_eq!(code(&out), 1);
    assert!(stdout(&out).contains("cooldown"), "{}", stdout(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("refused"));

    // Unknown operator; forged token.
    let out = ks(&[
        "reset",
        "--state",
        s(&latch),
        "--operator",
        "mallory",
        "--policy",
        s(&policy),
        "--token",
        &token,
    ]);
    assert_eq!(code(&out), 1);
    let out = ks(&[
        "reset",
        "--state",
        s(&latch),
        "--operator",
        "alice",
        "--policy",
        s(&policy),
        "--token",
        "ksr1.x.alice.00.1.00",
    ]);
    assert_eq!(code(&out), 1);
    assert_eq!(code(&ks(&["status", "--state", s(&latch)])), 1);
}

#[test]
fn corrupt_latch_is_tripped_and_resettable() {
    let d = dir("corrupt");
    let latch = d.join("latch.json");
    let (key, policy) = operator(&d, "alice", 0);
    assert_eq!(code(&init(&latch, &policy, &[("alice", &key)])), 0);
    std::fs::write(&latch, b"\x00garbage").unwrap();
    let out = ks(&["status", "--state", s(&latch)]);
    assert_eq!(code(&out), 1);
    assert!(stdout(&out).contains("corrupt latch"));
    let token = sign(&latch, "alice", &key);
    let out = ks(&[
        "reset",
        "--state",
        s(&latch),
        "--operator",
        "alice",
        "--policy",
        s(&policy),
        "--token",
        &token,
    ]);
    assert_eq!(code(&out), 0, "{out:?}");
    assert_eq!(code(&ks(&["status", "--state", s(&latch)])), 0);
}

#[test]
fn usage_and_input_errors_exit_2() {
    let d = dir("usage");
    let latch = d.join("latch.json");
    assert_eq!(code(&ks(&["status"])), 2);
    assert_eq!(code(&ks(&["trigger", "--state", s(&latch)])), 2);
    assert_eq!(code(&ks(&["frobnicate"])), 2);
    // Bad policy file.
    std::fs::write(d.join("bad.json"), "{").unwrap();
    assert_eq!(
        code(&ks(&["trigger", "--state", s(&latch), "--reason", "x"])),
        0
    );
    let out = ks(&[
        "reset",
        "--state",
        s(&latch),
        "--operator",
        "a",
        "--policy",
        s(&d.join("bad.json")),
        "--token",
        "t",
    ]);
    assert_eq!(code(&out), 2);
    // Latch in a missing directory.
    let out = ks(&[
        "trigger",
        "--state",
        s(&d.join("no/such/latch.json")),
        "--reason",
        "x",
    ]);
    assert_eq!(code(&out), 2);
    // Keygen refuses to overwrite.
    let key = d.join("k.pk8");
    assert_eq!(code(&ks(&["keygen", "--out", s(&key)])), 0);
    assert_eq!(code(&ks(&["keygen", "--out", s(&key)])), 2);
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&key).unwrap().permissions().mode() & 0o777,
        0o600
    );
}

#[test]
fn a_killed_trigger_leaves_either_no_latch_or_a_whole_one() {
    // Trip from a child that is SIGKILLed right away, many times: the latch is
    // never half-written (status is 0 or 1, never a corrupt latch).
    let d = dir("crash");
    for i in 0..30 {
        let latch = d.join(format!("latch-{i}.json"));
        let mut child = bin()
            .args([
                "kill-switch",
                "trigger",
                "--state",
                s(&latch),
                "--reason",
                "crash test",
            ])
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_micros(200 * (i % 10)));
        let _ = child.kill();
        let _ = child.wait();
        let out = ks(&["status", "--state", s(&latch)]);
        assert!(
            !stdout(&out).contains("corrupt"),
            "run {i}: {}",
            stdout(&out)
        );
    }
}

#[test]
fn two_person_reset() {
    let d = dir("quorum");
    let latch = d.join("latch.json");
    let (ka, _) = operator(&d, "alice", 0);
    let (kb, _) = operator(&d, "bob", 0);
    let public = |k: &Path| {
        let out = ks(&["public-key", "--key", s(k)]);
        assert_eq!(code(&out), 0, "{out:?}");
        stdout(&out).trim().to_owned()
    };
    let policy = d.join("policy2.json");
    std::fs::write(
        &policy,
        format!(
            r#"{{"cooldown_secs": 0, "quorum": 2, "operators": {{"alice": "{}", "bob": "{}"}}}}"#,
            public(&ka),
            public(&kb)
        ),
    )
    .unwrap();
    // Init needs the quorum too.
    let out = init(&latch, &policy, &[("alice", &ka)]);
    assert_eq!(code(&out), 1, "{out:?}");
    assert!(stdout(&out).contains("1 of 2"), "{}", stdout(&out));
    let out = init(&latch, &policy, &[("alice", &ka), ("bob", &kb)]);
    assert_eq!(code(&out), 0, "{out:?}");
    let out = ks(&["status", "--state", s(&latch), "--policy", s(&policy)]);
    assert_eq!(code(&out), 0, "{out:?}");
    assert!(
        stdout(&out).contains("armed by: alice, bob"),
        "{}",
        stdout(&out)
    );
    assert_eq!(
        code(&ks(&["trigger", "--state", s(&latch), "--reason", "x"])),
        0
    );
    let ta = sign(&latch, "alice", &ka);
    let tb = sign(&latch, "bob", &kb);
    let reset = |args: &[&str]| {
        let mut all = vec!["reset", "--state", s(&latch), "--policy", s(&policy)];
        all.extend_from_slice(args);
        ks(&all)
    };
    let out = reset(&["--operator", "alice", "--token", &ta]);
    assert_eq!(code(&out), 1);
    assert!(
        stdout(&out).contains("1 of 2 required operators"),
        "{}",
        stdout(&out)
    );
    let out = reset(&["--operator", "alice", "--token", &ta, "--operator", "bob"]);
    assert_eq!(code(&out), 2);
    let out = reset(&[
        "--operator",
        "alice",
        "--token",
        &ta,
        "--operator",
        "bob",
        "--token",
        &tb,
    ]);
    assert_eq!(code(&out), 0, "{out:?}");
    assert_eq!(code(&ks(&["status", "--state", s(&latch)])), 0);
}

/// An operator's typo, `--ttl-secs -5`, is refused in words naming the
/// field, not as an unknown flag of the argument parser.
#[test]
fn negative_ttl_is_refused_naming_the_field() {
    let d = dir("ttl");
    let key = d.join("k.pk8");
    assert_eq!(code(&ks(&["keygen", "--out", s(&key)])), 0);
    for (ttl, want) in [
        ("-5", "ttl secs must not be negative (got -5)"),
        ("soon", "ttl secs \"soon\" is not a whole number"),
    ] {
        let out = ks(&[
            "sign-reset",
            "--init",
            "--operator",
            "a",
            "--key",
            s(&key),
            "--ttl-secs",
            ttl,
        ]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(code(&out), 2, "{ttl}: {err}");
        assert!(err.contains(want), "{ttl}: {err}");
        assert!(!err.contains("unexpected argument"), "{ttl}: {err}");
        assert!(out.stdout.is_empty(), "{ttl}: no token is printed");
    }
}
