//! `supreme config check` on the guard's committed fixtures, copied into a
//! private directory made at test time.

#![allow(clippy::unwrap_used)]

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixture_copy(rel: &str) -> (tempfile::TempDir, PathBuf) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../guard/tests/fixtures")
        .join(rel);
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
    let path = dir.path().join("supreme.toml");
    std::fs::copy(src, &path).unwrap();
    (dir, path)
}

fn supreme(args: &[&str], danger: bool) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_supreme"));
    cmd.args(args);
    for var in [
        "SUPREME_ALLOW_DANGER",
        "SUPREME_RISK_STATE",
        "SUPREME_METRICS_ADDR",
        "SUPREME_AUDIT_LOG",
    ] {
        cmd.env_remove(var);
    }
    if danger {
        cmd.env("SUPREME_ALLOW_DANGER", "1");
    }
    cmd.output().unwrap()
}

#[test]
fn a_valid_file_exits_0() {
    let (_dir, path) = fixture_copy("valid/full.toml");
    let o = supreme(&["config", "check", path.to_str().unwrap()], false);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("valid: "));
    let o = supreme(
        &["config", "check", "--json", path.to_str().unwrap()],
        false,
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["valid"], true);
}

#[test]
fn an_invalid_file_exits_2_with_line_and_column() {
    let (_dir, path) = fixture_copy("invalid/warn_above_max.toml");
    let o = supreme(&["config", "check", path.to_str().unwrap()], false);
    assert_eq!(o.status.code(), Some(2), "{o:?}");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("supreme.toml:23:21: position_warn_pct 12%"),
        "{err}"
    );
    assert!(err.contains("fix: "), "{err}");

    let o = supreme(
        &["config", "check", "--json", path.to_str().unwrap()],
        false,
    );
    assert_eq!(o.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["valid"], false);
    assert_eq!(v["errors"][0]["line"], 23);
    assert_eq!(v["errors"][0]["column"], 21);
}

#[test]
fn danger_needs_the_variable_and_overrides_apply() {
    let (_dir, path) = fixture_copy("valid/danger.toml");
    let file = path.to_str().unwrap();
    assert_eq!(
        supreme(&["config", "check", file], false).status.code(),
        Some(2)
    );
    assert_eq!(
        supreme(&["config", "check", file], true).status.code(),
        Some(0)
    );
    let (_dir, path) = fixture_copy("valid/full.toml");
    let o = Command::new(env!("CARGO_BIN_EXE_supreme"))
        .args(["config", "check", "--json", path.to_str().unwrap()])
        .env_remove("SUPREME_ALLOW_DANGER")
        .env("SUPREME_METRICS_ADDR", "0.0.0.0:9464")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{o:?}");
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["errors"][0]["env"], "SUPREME_METRICS_ADDR");
}

#[test]
fn a_missing_file_exits_2() {
    let o = supreme(&["config", "check", "/nonexistent/supreme.toml"], false);
    assert_eq!(o.status.code(), Some(2));
}
