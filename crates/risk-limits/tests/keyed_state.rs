//! The risk state is keyed: a breach edited out of the file, with the
//! checksum recomputed as anyone could for the old SHA-256 format, is
//! refused, and the book that cannot restore trades reduce-only.
#![allow(missing_docs, clippy::unwrap_used)]

mod common;

use std::path::Path;
use std::sync::Arc;

use common::*;
use supreme_risk_limits::*;

fn limits() -> LimitSet {
    LimitSet {
        max_drawdown: Some(Pct::percent(10)),
        ..LimitSet::default()
    }
}

/// A state file holding a latched drawdown at the global scope.
fn breached_state(path: &Path) {
    let book = unstarted(config(limits()), Arc::new(FakeClock::new(T0)));
    book.start_fresh().unwrap();
    book.persist_to(state_file(path)).unwrap();
    let a = book
        .check_and_reserve(&buy(btc(), q("1"), p("50000")))
        .unwrap();
    book.fill(a.id, q("1"), p("50000"), None).unwrap();
    book.set_mark(btc(), p("80000")).unwrap();
    book.save().unwrap();
    book.set_mark(btc(), p("60000")).unwrap();
    assert_eq!(
        book.view(Scope::Global).unwrap().latched,
        Some(LimitKind::Drawdown)
    );
}

/// The body with every latch removed, re-serialized.
fn body_without_breach(file: &[u8]) -> Vec<u8> {
    let body = file.splitn(3, |b| *b == b'\n').nth(2).unwrap();
    let mut json: serde_json::Value = serde_json::from_slice(body).unwrap();
    for scope in json["scopes"].as_array_mut().unwrap() {
        scope["latch"] = serde_json::Value::Null;
    }
    serde_json::to_vec_pretty(&json).unwrap()
}

fn sha256_hex(data: &[u8]) -> String {
    ring::digest::digest(&ring::digest::SHA256, data)
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// After the refusal, a restarted book is not started: orders that add
/// risk are refused, the way out of the position stays open.
fn assert_reduce_only(path: &Path) {
    let err = state_file(path).load().unwrap_err();
    assert!(
        matches!(&err, Error::StateCorrupt { reason, .. } if reason.contains("authentication failed") || reason.contains("version 2")),
        "{err}"
    );
    let book = unstarted(config(limits()), Arc::new(FakeClock::new(T0 + 1)));
    book.set_position(main_account(), btc(), q("1"), p("50000"))
        .unwrap();
    assert_eq!(
        book.check_and_reserve(&buy(btc(), q("0.1"), p("60000")))
            .unwrap_err(),
        Rejection::NotStarted
    );
    assert!(
        book.check_and_reserve(&sell(btc(), q("1"), p("60000")))
            .unwrap()
            .reducing
    );
}

#[test]
fn breach_edited_out_with_the_sha256_recomputed_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("risk.state");
    breached_state(&path);
    let forged = body_without_breach(&std::fs::read(&path).unwrap());
    let mut file = format!(
        "supreme-risk-state 2\nhmac-sha256={}\n",
        sha256_hex(&forged)
    )
    .into_bytes();
    file.extend_from_slice(&forged);
    std::fs::write(&path, &file).unwrap();
    assert_reduce_only(&path);
}

#[test]
fn breach_edited_out_and_downgraded_to_the_sha256_format_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("risk.state");
    breached_state(&path);
    let forged = body_without_breach(&std::fs::read(&path).unwrap());
    let mut file = format!("supreme-risk-state 1\nsha256={}\n", sha256_hex(&forged)).into_bytes();
    file.extend_from_slice(&forged);
    std::fs::write(&path, &file).unwrap();
    assert_reduce_only(&path);
}

#[test]
fn breach_edited_out_with_the_tag_kept_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("risk.state");
    breached_state(&path);
    let original = std::fs::read(&path).unwrap();
    let header: Vec<u8> = original
        .splitn(3, |b| *b == b'\n')
        .take(2)
        .flat_map(|l| [l, b"\n"].concat())
        .collect();
    let mut file = header;
    file.extend_from_slice(&body_without_breach(&original));
    std::fs::write(&path, &file).unwrap();
    assert_reduce_only(&path);
}

#[test]
fn state_key_file_readable_by_others_is_refused_with_the_fix() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("risk.state");
    breached_state(&path);
    let key = dir.path().join("risk.key");
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
    let err = StateFile::with_key_file(&path, &key).unwrap_err();
    assert!(
        err.to_string()
            .contains(&format!("chmod 600 {}", key.display())),
        "{err}"
    );
}
