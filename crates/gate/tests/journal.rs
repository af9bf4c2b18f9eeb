//! The live-order journal as a gate opens it: real files with real
//! permission bits in a private temporary directory.
//!
//! A torn last line is ignored, a corrupt line refuses the gate (and the
//! file is left as it was), the private-file policy refuses a symlinked or
//! readable journal, opening compacts the file to the orders still pending,
//! and an order dispatched and never answered is pending after a restart.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::sync::Arc;

use supreme_core::files::{self, Problem};
use supreme_gate::{
    DecisionLog, Error, Gate, GateBuilder, GateOptions, JournalError, LiveStatus, NoRateLimit,
    NoRiskLimits, Rejection,
};
use supreme_kill_switch::KillSwitch;
use supreme_order_guard::{
    ClientOrderId, ExchangeInfo, OpenOrderCounts, Order, OrderContext, Quantity, ReferencePrice,
    SAMPLE_EXCHANGE_INFO, Side, Symbol, Validator,
};

type TestGate = Gate<NoRiskLimits, NoRateLimit>;

const T0: u64 = 1_700_000_000_000;

fn open(journal: &Path) -> Result<TestGate, Error> {
    GateBuilder {
        kill_switch: KillSwitch::builder().build().gate(),
        rules: Arc::new(ExchangeInfo::from_json(SAMPLE_EXCHANGE_INFO).unwrap()),
        validator: Validator::default(),
        risk: NoRiskLimits,
        rate: NoRateLimit,
        decisions: Arc::new(DecisionLog::with_capacity(64)),
    }
    .build_with(GateOptions {
        journal: Some(journal.to_path_buf()),
        ..GateOptions::default()
    })
}

/// A private directory and the journal path in it.
fn private_dir() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
    let path = dir.path().join("orders.journal");
    (dir, path)
}

fn write_0600(path: &Path, text: &str) {
    files::write_atomic(path, text.as_bytes()).unwrap();
}

fn pending_ids(gate: &TestGate) -> Vec<String> {
    gate.pending()
        .iter()
        .map(|p| p.client_order_id.to_string())
        .collect()
}

fn send(id: &str, at: u64) -> String {
    format!("send {id} BTCUSDT BUY 0.01 20000 {at}\n")
}

fn limit_buy(id: &str) -> Order {
    Order::limit(
        Symbol::new("BTCUSDT").unwrap(),
        Side::Buy,
        "0.01".parse().unwrap(),
        "20000".parse().unwrap(),
    )
    .with_client_order_id(ClientOrderId::new(id).unwrap())
}

fn check(gate: &TestGate, order: &Order) -> supreme_gate::Verdict<NoRiskLimits, NoRateLimit> {
    let now = supreme_core::Clock::now_ms(&supreme_core::SystemClock);
    let ctx = OrderContext::new(now)
        .with_reference(ReferencePrice {
            price: "20000".parse().unwrap(),
            observed_at_ms: now,
        })
        .with_open_orders(OpenOrderCounts::default(), OpenOrderCounts::default())
        .with_base_position(Quantity::ZERO);
    gate.decisions().drain(|_| {});
    gate.check(order, &ctx)
}

#[test]
fn a_missing_journal_is_created_private_and_empty() {
    let (_dir, path) = private_dir();
    let gate = open(&path).unwrap();
    assert!(gate.pending().is_empty());
    assert!(!gate.is_reconciled(), "a journaled gate starts closed");
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    gate.mark_reconciled().unwrap();
    assert!(gate.is_reconciled());
}

#[test]
fn a_torn_last_line_is_ignored_and_compacted_away() {
    let (_dir, path) = private_dir();
    let text = format!("{}send bot-2 BTCUSDT SELL 0.0", send("bot-1", T0));
    write_0600(&path, &text);
    let gate = open(&path).unwrap();
    assert_eq!(pending_ids(&gate), ["bot-1"]);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), send("bot-1", T0));
}

#[test]
fn a_torn_line_of_invalid_utf8_is_ignored_too() {
    let (_dir, path) = private_dir();
    let mut bytes = send("bot-1", T0).into_bytes();
    bytes.extend_from_slice(b"send bot-\xff\xfe");
    files::write_atomic(&path, &bytes).unwrap();
    assert_eq!(pending_ids(&open(&path).unwrap()), ["bot-1"]);
}

#[test]
fn a_corrupt_middle_line_refuses_the_gate_with_its_line_number_and_keeps_the_file() {
    let (_dir, path) = private_dir();
    let cases = [
        ("garbage", "not a send or end record"),
        (
            "send bot-9 BTCUSDT UP 1 - 1",
            "side \"UP\" is not BUY or SELL",
        ),
        ("send bot-9 BTCUSDT BUY 1.2.3 - 1", "quantity"),
        ("send bot-9 BTCUSDT BUY 1 - yesterday", "not Unix ms"),
        ("send bad\tid BTCUSDT BUY 1 - 1", "client order id"),
        ("end bot-1", "not a send or end record"),
        ("end bot-1 ", "not a send or end record"),
        ("send  bot-9 BTCUSDT BUY 1 - 1", "not a send or end record"),
    ];
    for (bad, reason) in cases {
        let text = format!("{}{bad}\n{}", send("bot-1", T0), send("bot-2", T0 + 1));
        write_0600(&path, &text);
        match open(&path) {
            Err(Error::Journal(JournalError::Corrupt {
                path: p,
                line,
                reason: why,
            })) => {
                assert_eq!(p, path);
                assert_eq!(line, 2, "{bad:?}");
                assert!(why.contains(reason), "{bad:?}: {why}");
            }
            other => panic!("{bad:?} opened: {other:?}"),
        }
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            text,
            "a refused journal is rewritten"
        );
    }
}

#[test]
fn invalid_utf8_in_a_middle_line_is_refused_with_its_line_number() {
    let (_dir, path) = private_dir();
    let mut bytes = send("bot-1", T0).into_bytes();
    bytes.extend_from_slice(send("bot-1", T0).as_bytes());
    bytes.extend_from_slice(b"send bot-\xff BTCUSDT BUY 1 - 1\n");
    bytes.extend_from_slice(send("bot-2", T0).as_bytes());
    files::write_atomic(&path, &bytes).unwrap();
    match open(&path) {
        Err(Error::Journal(JournalError::Corrupt { line, reason, .. })) => {
            assert_eq!((line, reason.as_str()), (3, "not UTF-8"));
        }
        other => panic!("opened: {other:?}"),
    }
}

fn assert_refused(result: Result<TestGate, Error>, problem: Problem) {
    match result {
        Err(Error::Journal(JournalError::File(files::Error::Unsafe { problem: p, .. }))) => {
            assert_eq!(p, problem);
        }
        other => panic!("opened, or refused otherwise: {other:?}"),
    }
}

#[test]
fn a_symlinked_journal_is_refused() {
    let (dir, path) = private_dir();
    let real = dir.path().join("real.journal");
    write_0600(&real, &send("bot-1", T0));
    std::os::unix::fs::symlink(&real, &path).unwrap();
    assert_refused(open(&path), Problem::Symlink);
    assert!(std::fs::symlink_metadata(&path).unwrap().is_symlink());
    assert_eq!(std::fs::read_to_string(&real).unwrap(), send("bot-1", T0));
}

#[test]
fn a_journal_others_can_read_is_refused() {
    let (_dir, path) = private_dir();
    write_0600(&path, &send("bot-1", T0));
    for mode in [0o644, 0o640, 0o604, 0o660] {
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
        assert_refused(open(&path), Problem::TooOpen { mode });
    }
}

#[test]
fn a_journal_in_a_directory_others_can_write_is_refused() {
    let (dir, path) = private_dir();
    write_0600(&path, &send("bot-1", T0));
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
    assert_refused(open(&path), Problem::DirectoryWritable { mode: 0o777 });
}

#[test]
fn opening_compacts_to_the_pending_orders_in_order() {
    let (_dir, path) = private_dir();
    let text = [
        send("bot-1", T0),
        send("bot-2", T0 + 1),
        "end bot-1 FILLED\n".to_string(),
        "send bot-3 BTCUSDT SELL - - 1700000000002\n".to_string(),
        send("bot-4", T0 + 3),
        "end bot-4 NOT_ACCEPTED\n".to_string(),
        "end bot-never-sent NOT_FOUND\n".to_string(),
    ]
    .concat();
    write_0600(&path, &text);
    let gate = open(&path).unwrap();
    assert_eq!(pending_ids(&gate), ["bot-2", "bot-3"]);
    let three = &gate.pending()[1];
    assert_eq!(
        (three.side, three.quantity, three.price),
        (Side::Sell, None, None)
    );
    assert_eq!(three.status, LiveStatus::Unknown);
    let compacted = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        compacted,
        format!(
            "{}send bot-3 BTCUSDT SELL - - 1700000000002\n",
            send("bot-2", T0 + 1)
        )
    );
    drop(gate);
    // Compaction is a fixed point.
    let again = open(&path).unwrap();
    assert_eq!(pending_ids(&again), ["bot-2", "bot-3"]);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), compacted);
}

#[test]
fn a_dispatched_order_never_answered_is_pending_after_a_restart_and_closes_the_gate() {
    let (_dir, path) = private_dir();
    let gate = open(&path).unwrap();
    gate.mark_reconciled().unwrap();
    let (sent, _permit) = check(&gate, &limit_buy("bot-lost"))
        .unwrap()
        .dispatch()
        .unwrap();
    let (refused, _permit) = check(&gate, &limit_buy("bot-refused"))
        .unwrap()
        .dispatch()
        .unwrap();
    refused.not_accepted("the exchange said no").unwrap();
    // The process dies with `sent` in flight: nothing more is written.
    drop(sent); // no answer: held unknown, no end journaled
    drop(gate);

    let restarted = open(&path).unwrap();
    assert_eq!(pending_ids(&restarted), ["bot-lost"]);
    match check(&restarted, &limit_buy("bot-next")) {
        Err(Rejection::NotReconciled { pending }) => assert_eq!(pending, 1),
        other => panic!("approved before reconciliation: {other:?}"),
    }
    match restarted.mark_reconciled() {
        Err(Error::StillPending { pending }) => assert_eq!(pending, 1),
        other => panic!("opened with an order unresolved: {other:?}"),
    }
    restarted
        .not_found(&ClientOrderId::new("bot-lost").unwrap())
        .unwrap();
    restarted.mark_reconciled().unwrap();
    assert!(check(&restarted, &limit_buy("bot-next")).is_ok());
    drop(restarted);
    assert!(open(&path).unwrap().pending().is_empty());
}

#[test]
fn a_second_gate_on_an_open_journal_is_refused_and_the_first_keeps_recording() {
    let (_dir, path) = private_dir();
    let first = open(&path).unwrap();
    first.mark_reconciled().unwrap();
    // Another bot (or a second copy) on the same journal: refused, naming
    // the holder, instead of compacting the file under the first one.
    match open(&path) {
        Err(Error::Journal(supreme_gate::JournalError::File(files::Error::Locked { .. }))) => {}
        other => panic!("{other:?}"),
    }
    let (sent, ()) = check(&first, &limit_buy("bot-a"))
        .unwrap()
        .dispatch()
        .unwrap();
    drop(sent); // the process dies with the order in flight: no end journaled
    drop(first);
    let restarted = open(&path).unwrap();
    assert_eq!(pending_ids(&restarted), ["bot-a"]);
}
