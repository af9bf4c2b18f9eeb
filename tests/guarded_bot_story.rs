//! The main job's audit log tells the same story as its summary: the built
//! `guarded_bot` example (run directly, not through a nested `cargo run`)
//! keeps its files in a directory the test names, and its log, verified
//! against its signed checkpoint, holds every order sent and stopped with
//! its reason, the trip, the halt, the refused reset and the egress
//! denials, all written by the parts themselves (the bot writes none).

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;
use supreme_security::audit::{Checkpoint, PublicKey, VerifyOptions, verify_log};
use supreme_testkit::prometheus::sample;

/// The example binary `cargo test` built beside this test's own binary.
fn example() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let profile_dir = exe.parent().and_then(|deps| deps.parent()).unwrap();
    let bin = profile_dir.join("examples").join("guarded_bot");
    assert!(
        bin.exists(),
        "{} is missing: `cargo test` builds the examples (or run `cargo build --example guarded_bot`)",
        bin.display()
    );
    bin
}

#[test]
fn the_audit_log_of_a_guarded_bot_run_holds_its_whole_story_and_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(example())
        .env("SUPREME_DEMO_DIR", dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let log = dir.path().join("audit").join("security.log");
    let key = PublicKey::load(&dir.path().join("audit.key.pub")).unwrap();
    // Shutdown wrote the signed checkpoint into the anchors directory.
    let anchor = dir.path().join("audit").join("security.log.checkpoint");
    let checkpoint = Checkpoint::parse(&std::fs::read_to_string(anchor).unwrap()).unwrap();
    let report = verify_log(
        &log,
        &VerifyOptions {
            public_key: Some(key),
            anchor: Some(checkpoint),
            ..Default::default()
        },
    )
    .unwrap();
    assert!(report.is_authenticated(), "{report}");

    let text = std::fs::read_to_string(&log).unwrap();
    assert!(
        !text.contains("demo-api-key-0123456789"),
        "the API key is in the log"
    );
    let records: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let of =
        |kind: &str| -> Vec<&Value> { records.iter().filter(|r| r["event"] == kind).collect() };
    let detail = |r: &Value, k: &str| r["details"][k].as_str().unwrap_or_default().to_string();

    // Every order sent: approved, sent, and its request to the exchange.
    // Two strategies ran at once: the order between them is not fixed.
    let mut sent: Vec<String> = of("ORDER_SENT")
        .iter()
        .map(|r| detail(r, "client_order_id"))
        .collect();
    sent.sort();
    assert_eq!(sent, ["bot-1", "bot-2", "bot-3", "eth-1"]);
    // The duplicate bot-2 passed the gate's checks and was refused at
    // dispatch by the live-order registry: approved, never sent.
    assert_eq!(of("ORDER_APPROVED").len(), 5);
    let posts = of("API_ACCESS")
        .into_iter()
        .filter(|r| detail(r, "method") == "POST" && detail(r, "path") == "/api/v3/order")
        .count();
    assert_eq!(posts, 5, "four strategy orders and the halt's close order");
    assert!(!of("ORDER_FILLED").is_empty());
    // The soft limit the resting bid crossed (position share over 15 %).
    let warned = of("RISK_WARNING");
    assert!(!warned.is_empty());
    assert!(
        warned
            .iter()
            .all(|w| detail(w, "client_order_id") == "bot-2")
    );

    // Every order stopped, with the guard and the rule that stopped it.
    let rejected: Vec<(String, String)> = of("ORDER_REJECTED")
        .iter()
        .map(|r| (detail(r, "guard"), detail(r, "rule")))
        .collect();
    for expected in [
        ("order-guard", "PRICE_NOT_ON_TICK"),
        ("order-guard", "NOTIONAL_BELOW_MIN"),
        ("order-guard", "FAT_FINGER_NOTIONAL"),
        ("order-guard", "PRICE_ABOVE_BAND"),
        ("risk-limits", "POSITION"),
        ("kill-switch", "KILL_SWITCH"),
    ] {
        assert!(
            rejected
                .iter()
                .any(|(g, r)| g == expected.0 && r.starts_with(expected.1)),
            "no ORDER_REJECTED by {expected:?} in {rejected:?}"
        );
    }
    let fat_finger = of("ORDER_REJECTED")
        .into_iter()
        .find(|r| detail(r, "rule") == "FAT_FINGER_NOTIONAL")
        .unwrap();
    assert_eq!(
        (detail(fat_finger, "limit"), detail(fat_finger, "observed")),
        ("20000".into(), "25000".into())
    );

    // The trip, the halt and its verification, the refused reset.
    assert_eq!(of("KILL_SWITCH_TRIGGERED").len(), 1);
    assert!(!of("RISK_BREACH").is_empty());
    assert!(!of("KILL_SWITCH_ACTION").is_empty());
    assert!(!of("KILL_SWITCH_VERIFIED").is_empty());
    assert_eq!(of("KILL_SWITCH_RESET_REFUSED").len(), 1);
    // Net-guard's refusals, by the client itself; the vault's opening and uses.
    assert_eq!(of("EGRESS_DENIED").len(), 4);
    assert_eq!(of("VAULT_OPENED").len(), 1);
    assert!(!of("SIGNATURE_MADE").is_empty());

    // The bot's own /metrics, scraped over HTTP before it shut down, counts
    // what the log and the simulator saw.
    let metrics = std::fs::read_to_string(dir.path().join("metrics.txt")).unwrap();
    let decisions = |labels: &[&str]| sample(&metrics, "supreme_gate_decisions_total", labels);
    assert_eq!(
        decisions(&[r#"outcome="APPROVED""#]),
        of("ORDER_APPROVED").len() as f64,
        "{metrics}"
    );
    for guard in ["order-guard", "risk-limits", "kill-switch"] {
        let logged = rejected.iter().filter(|(g, _)| g == guard).count();
        let label = format!("guard=\"{guard}\"");
        assert_eq!(decisions(&[&label]), logged as f64, "{guard}: {metrics}");
    }
    let day = [r#"kind="ORDERS""#, r#"interval_ms="86400000""#];
    // Every slot reserved is counted once: each approval (the duplicate
    // bot-2's too: a slot reserved is not given back when dispatch refuses
    // it, which errs on the safe side) and the halt's close order.
    let close_orders = posts - sent.len();
    assert_eq!(
        sample(&metrics, "supreme_rate_limit_used", &day),
        (of("ORDER_APPROVED").len() + close_orders) as f64,
        "the local ORDERS window counts each reserved slot once"
    );
    assert!(sample(&metrics, "supreme_rate_limit_used", &day) >= posts as f64);
    assert_eq!(
        sample(
            &metrics,
            "supreme_kill_switch_state",
            &[r#"state="halted""#]
        ),
        1.0
    );
    assert!(stdout.contains("kept as metrics.txt"), "{stdout}");
}
