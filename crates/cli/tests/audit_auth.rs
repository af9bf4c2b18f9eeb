//! `--audit-log` on `kill-switch reset` and `risk clear`, run as the real
//! binary on real files: a refused reset and a refused breach clearing are
//! each one AUTH_FAILURE record in a log `supreme audit verify` accepts,
//! and no token ever reaches the log.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::path::{Path, PathBuf};

mod risk_support;

use risk_support::{code, s, supreme, text};

use supreme_risk_limits::Scope;

/// `name`'s operator key in `dir`, and a policy (cooldown 0) naming only it.
fn operator(dir: &Path, name: &str) -> (PathBuf, PathBuf) {
    let key = dir.join(format!("{name}.pk8"));
    let o = supreme(&["kill-switch", "keygen", "--out", s(&key)]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    let public = String::from_utf8_lossy(&o.stdout).trim().to_owned();
    let policy = dir.join("policy.json");
    std::fs::write(
        &policy,
        format!(r#"{{"cooldown_secs": 0, "operators": {{"{name}": "{public}"}}}}"#),
    )
    .unwrap();
    (key, policy)
}

/// The records of `log` as JSON (`supreme audit show --json`), after
/// checking the log verifies under its own public key.
fn records(log: &Path) -> Vec<serde_json::Value> {
    let public = format!("{}.key.pub", s(log));
    let o = supreme(&["audit", "verify", s(log), "--public-key", &public]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    let o = supreme(&["audit", "show", s(log), "--json"]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn of_type<'a>(records: &'a [serde_json::Value], kind: &str) -> Vec<&'a serde_json::Value> {
    records.iter().filter(|r| r["event"] == kind).collect()
}

#[test]
fn a_refused_kill_switch_reset_is_an_auth_failure_in_the_audit_log() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let latch = dir.join("latch.json");
    let log = dir.join("audit.log");
    let (alice, policy) = operator(dir, "alice");
    let o = supreme(&[
        "kill-switch",
        "sign-reset",
        "--init",
        "--operator",
        "alice",
        "--key",
        s(&alice),
    ]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    let init = String::from_utf8_lossy(&o.stdout).trim().to_owned();
    let o = supreme(&[
        "kill-switch",
        "init",
        "--state",
        s(&latch),
        "--policy",
        s(&policy),
        "--operator",
        "alice",
        "--token",
        &init,
    ]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    let o = supreme(&[
        "kill-switch",
        "trigger",
        "--state",
        s(&latch),
        "--reason",
        "drill",
    ]);
    assert_eq!(code(&o), 0, "{}", text(&o));

    // mallory is not in the policy: refused, and recorded.
    let forged = "ksr1.x.mallory.00.1.00";
    let reset = |operator: &str, token: &str| {
        supreme(&[
            "kill-switch",
            "reset",
            "--state",
            s(&latch),
            "--operator",
            operator,
            "--policy",
            s(&policy),
            "--token",
            token,
            "--audit-log",
            s(&log),
        ])
    };
    let o = reset("mallory", forged);
    assert_eq!(code(&o), 1, "{}", text(&o));
    assert_eq!(
        code(&supreme(&["kill-switch", "status", "--state", s(&latch)])),
        1
    );

    // Then alice resets it: recorded as the reset.
    let o = supreme(&[
        "kill-switch",
        "sign-reset",
        "--state",
        s(&latch),
        "--operator",
        "alice",
        "--key",
        s(&alice),
    ]);
    let token = String::from_utf8_lossy(&o.stdout).trim().to_owned();
    let o = reset("alice", &token);
    assert_eq!(code(&o), 0, "{}", text(&o));

    let all = records(&log);
    let failures = of_type(&all, "AUTH_FAILURE");
    assert_eq!(failures.len(), 1, "{all:#?}");
    let f = &failures[0]["details"];
    assert_eq!(f["action"], "kill_switch_reset");
    assert_eq!(f["operators"], "mallory");
    assert!(f["reason"].as_str().unwrap().contains("refused"), "{f}");
    assert_eq!(f["latch"], s(&latch));
    assert_eq!(
        of_type(&all, "KILL_SWITCH_RESET_REFUSED").len(),
        1,
        "{all:#?}"
    );
    let resets = of_type(&all, "KILL_SWITCH_RESET");
    assert_eq!(resets.len(), 1, "{all:#?}");
    assert_eq!(resets[0]["actor"], "alice");
    let file = std::fs::read_to_string(&log).unwrap();
    assert!(!file.contains(&token) && !file.contains(&init) && !file.contains(forged));
}

#[test]
fn a_refused_breach_clearing_is_an_auth_failure_in_the_audit_log() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let state = dir.join("risk.state");
    risk_support::write_state(&state, 1_700_000_000_000, &[Scope::Global], true);
    let key_file = risk_support::key_of(&state);
    let (_alice, policy) = operator(dir, "alice");
    // mallory's key, outside alice's policy, signs in alice's name.
    let elsewhere = dir.join("m");
    std::fs::create_dir(&elsewhere).unwrap();
    let (mallory, _) = operator(&elsewhere, "mallory");
    let log = dir.join("audit.log");
    let o = supreme(&[
        "risk",
        "sign-clear",
        "--state",
        s(&state),
        "--key-file",
        s(&key_file),
        "--scope",
        "global",
        "--operator",
        "alice",
        "--key",
        s(&mallory),
    ]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    let token = String::from_utf8_lossy(&o.stdout).trim().to_owned();
    let o = supreme(&[
        "risk",
        "clear",
        "--state",
        s(&state),
        "--key-file",
        s(&key_file),
        "--scope",
        "global",
        "--policy",
        s(&policy),
        "--token",
        &token,
        "--audit-log",
        s(&log),
    ]);
    assert_eq!(code(&o), 1, "{}", text(&o));
    assert!(text(&o).contains("bad signature"), "{}", text(&o));

    let all = records(&log);
    let failures = of_type(&all, "AUTH_FAILURE");
    assert_eq!(failures.len(), 1, "{all:#?}");
    let f = &failures[0]["details"];
    assert_eq!(f["action"], "risk_clear");
    assert_eq!(f["operators"], "alice");
    assert_eq!(f["scope"], "global");
    assert_eq!(f["state"], s(&state));
    assert!(
        f["reason"].as_str().unwrap().contains("bad signature"),
        "{f}"
    );
    assert!(of_type(&all, "RISK_BREACH_CLEARED").is_empty());
    assert!(!std::fs::read_to_string(&log).unwrap().contains(&token));
}

#[test]
fn an_audit_log_that_cannot_be_opened_clears_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let state = dir.join("risk.state");
    risk_support::write_state(&state, 1_700_000_000_000, &[Scope::Global], true);
    let key_file = risk_support::key_of(&state);
    let (alice, policy) = operator(dir, "alice");
    let o = supreme(&[
        "risk",
        "sign-clear",
        "--state",
        s(&state),
        "--key-file",
        s(&key_file),
        "--scope",
        "global",
        "--operator",
        "alice",
        "--key",
        s(&alice),
    ]);
    let token = String::from_utf8_lossy(&o.stdout).trim().to_owned();
    let nowhere = dir.join("no/such/dir/audit.log");
    let o = supreme(&[
        "risk",
        "clear",
        "--state",
        s(&state),
        "--key-file",
        s(&key_file),
        "--scope",
        "global",
        "--policy",
        s(&policy),
        "--token",
        &token,
        "--audit-log",
        s(&nowhere),
    ]);
    assert_eq!(code(&o), 2, "{}", text(&o));
    let still = risk_support::state_file(&state).load().unwrap();
    assert!(still.record(&Scope::Global).unwrap().latch.is_some());
}
