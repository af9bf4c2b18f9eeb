//! `supreme risk state`, run as a real process on state files a real book wrote.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::{Command, Output};

mod risk_support;

use risk_support::key_of;
use supreme_risk_limits::Scope;

fn supreme(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_supreme"))
        .args(args)
        .output()
        .expect("run supreme")
}

/// `supreme risk state --key-file <key of path> [extra..] path`.
fn risk_state(path: &Path, extra: &[&str]) -> Output {
    let key = key_of(path);
    let mut args = vec!["risk", "state", "--key-file", key.to_str().unwrap()];
    args.extend_from_slice(extra);
    args.push(path.to_str().unwrap());
    supreme(&args)
}

fn write_state(path: &Path, breach: bool) {
    risk_support::write_state(path, 1_700_000_000_000, &[Scope::Global], breach);
}

#[test]
fn clear_state_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("risk.state");
    write_state(&path, false);
    let o = risk_state(&path, &[]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(out.contains("global"), "{out}");
    assert!(out.contains("hwm 100000"), "{out}");
}

#[test]
fn latched_breach_exits_1_and_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("risk.state");
    write_state(&path, true);
    let o = risk_state(&path, &[]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(out.contains("LATCHED drawdown"), "{out}");
    assert!(out.contains("25%, limit 10%"), "{out}");
    let o = risk_state(&path, &["--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["scopes"][0]["latch"]["kind"], "drawdown");
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn missing_or_corrupt_state_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("risk.state");
    write_state(&path, false);
    std::fs::remove_file(&path).unwrap();
    let o = risk_state(&path, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("missing"));
    write_state(&path, false);
    let mut bytes = std::fs::read(&path).unwrap();
    let last = bytes.len() - 3;
    bytes[last] ^= 1;
    std::fs::write(&path, bytes).unwrap();
    let o = risk_state(&path, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("corrupt"));
}

#[test]
fn state_under_another_key_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("risk.state");
    write_state(&path, true);
    std::fs::remove_file(key_of(&path)).unwrap();
    supreme_risk_limits::StateKey::load_or_create(&key_of(&path)).unwrap();
    let o = risk_state(&path, &[]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("authentication failed"), "{err}");
}

#[test]
fn key_file_readable_by_others_exits_2_with_the_fix() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("risk.state");
    write_state(&path, false);
    let key = key_of(&path);
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o640)).unwrap();
    let o = risk_state(&path, &[]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains(&format!("chmod 600 {}", key.display())),
        "{err}"
    );
}
