//! Crash test of the order journal (issue 16): a bot is `kill -9`ed between
//! sending an order and reading its answer, restarted, and reconciles that
//! order before it trades again.
//!
//! The parent runs the simulated exchange over TLS with a 30 s answer
//! latency (the order is on the book while its answer is still pending) and
//! runs this binary as its children (harness = false, so it has its own
//! `main`):
//!
//! - `journal_crash crash ADDR CA JOURNAL`: a bot with a journaled gate
//!   places one resting limit order and blocks on its answer; the parent
//!   SIGKILLs it once the exchange holds the order.
//! - `journal_crash restart ADDR CA JOURNAL`: a fresh bot on the same
//!   journal. It finds the order pending, stays closed, recovers it (found
//!   resting on the exchange, cancelled), opens, places a new order, and
//!   prints what it saw, one `key value` line each, for the parent to check.
//!
//! The parent then checks the exchange's book and opens the journal once
//! more: nothing of the first run is pending.
#![allow(missing_docs, clippy::unwrap_used)]

mod support;

use std::net::SocketAddr;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use support::*;
use supreme_binance::{BinanceClient, blocking};
use supreme_gate::{Error as GateError, LiveStatus, Rejection, parse_journal};
use supreme_kill_switch::KillSwitch;
use supreme_testkit::binance::{Faults, OrderStatus, SimBinance};

/// The order the killed bot sent.
const FIRST: &str = "crash-first-1";
/// The order the restarted bot places once reconciled.
const SECOND: &str = "crash-after-restart-2";

/// The children are plain (not async) programs: the blocking wrapper.
fn client(addr: &str, ca: &Path) -> blocking::BinanceClient {
    let transport = DerTransport {
        addr: addr.parse::<SocketAddr>().unwrap(),
        ca_der: std::fs::read(ca).unwrap(),
    };
    blocking::BinanceClient::new(BinanceClient::new(
        transport,
        API_KEY,
        vault().signer("binance-hmac").unwrap(),
    ))
}

/// The bot that is killed: an empty journal, so it reconciles at once, then
/// sends one order and waits for an answer that comes after the kill.
fn crash(addr: &str, ca: &Path, journal: &Path) -> ! {
    let client = client(addr, ca);
    let gate = gate_journaled(&KillSwitch::builder().build(), journal).unwrap();
    assert!(gate.pending().is_empty(), "a fresh journal has no orders");
    gate.mark_reconciled().unwrap();
    let answer = client.place_order(approve_with(&gate, order(FIRST)));
    // Only reached if the answer came before the kill: the test is void.
    eprintln!("crash child: the answer arrived before the kill: {answer:?}");
    std::process::exit(3);
}

/// The restarted bot: everything it checks itself, and a report for the parent.
fn restart(addr: &str, ca: &Path, journal: &Path) {
    let client = client(addr, ca);
    let gate = gate_journaled(&KillSwitch::builder().build(), journal).unwrap();
    let pending = gate.pending();
    for p in &pending {
        assert_eq!(p.status, LiveStatus::Unknown);
        assert!(p.from_last_run);
        let price = p.price.map_or_else(|| "-".to_string(), |p| p.to_string());
        println!("pending {} {} {price}", p.client_order_id, p.symbol);
    }
    assert!(!gate.is_reconciled());
    match try_approve(&gate, order(SECOND)) {
        Err(Rejection::NotReconciled { pending }) => println!("closed {pending}"),
        other => {
            panic!("a gate with an unresolved order approved or rejected otherwise: {other:?}")
        }
    }
    match gate.mark_reconciled() {
        Err(GateError::StillPending { pending }) => println!("open_refused {pending}"),
        other => panic!("opened with an order of the last run unresolved: {other:?}"),
    }
    let recovery = client.recover(&gate).unwrap();
    for s in &recovery.cancelled {
        println!("cancelled {} {}", s.client_order_id, s.status);
    }
    println!(
        "ended {} not_found {}",
        recovery.ended.len(),
        recovery.not_found.len()
    );
    println!("live_after_recovery {}", gate.live_orders().len());
    gate.mark_reconciled().unwrap();
    println!("reconciled {}", gate.is_reconciled());
    let placed = client
        .place_order(approve_with(&gate, order(SECOND)))
        .unwrap();
    println!("placed {} {}", placed.client_order_id, placed.status);
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.as_slice() {
        [_, mode, addr, ca, journal] if mode == "crash" => {
            crash(addr, Path::new(ca), Path::new(journal))
        }
        [_, mode, addr, ca, journal] if mode == "restart" => {
            return restart(addr, Path::new(ca), Path::new(journal));
        }
        _ => {}
    }
    if args.iter().any(|a| a == "--list") {
        println!("kill_9_between_send_and_answer_then_reconcile: test");
        return;
    }
    let began = Instant::now();
    parent();
    println!(
        "kill_9_between_send_and_answer_then_reconcile: ok, {:?}",
        began.elapsed()
    );
    println!("test result: ok. 1 passed; 0 failed");
}

fn parent() {
    let sim = SimBinance::with_sample();
    sim.set_balance("USDT", "100000");
    sim.set_balance("BTC", "0.5");
    let (sim, server, _client) = setup_with(sim);
    let dir = tempfile::tempdir().unwrap(); // 0700
    let ca = dir.path().join("ca.der");
    std::fs::write(&ca, server.ca().cert_der()).unwrap();
    let journal = dir.path().join("orders.journal");
    let addr = server.addr().to_string();
    let exe = std::env::current_exe().unwrap();
    let args = |mode: &str| {
        [
            mode.to_string(),
            addr.clone(),
            ca.display().to_string(),
            journal.display().to_string(),
        ]
    };

    // 1. The bot sends, the exchange books the order, the answer is held
    //    back; the bot is killed while it waits.
    sim.set_faults(Faults {
        latency: Duration::from_secs(30),
        ..Faults::default()
    });
    let mut child = Command::new(&exe)
        .args(args("crash"))
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while !sim.orders().iter().any(|o| o.client_order_id == FIRST) {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the crash child ended before its order was booked: {status}");
        }
        assert!(
            Instant::now() < deadline,
            "the order never reached the exchange"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL
    let status = child.wait().unwrap();
    assert_eq!(
        status.signal(),
        Some(9),
        "the child was not killed: {status}"
    );
    sim.set_faults(Faults::default());

    // What the crash left: the send, durable before the bytes went out, no end.
    let left = std::fs::read(&journal).unwrap();
    let open = parse_journal(&journal, &left).unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].client_order_id.as_str(), FIRST);
    let text = String::from_utf8(left).unwrap();
    assert!(text.starts_with(&format!("send {FIRST} BTCUSDT BUY 0.01 20000 ")));
    assert_eq!(text.lines().count(), 1, "more than the send: {text:?}");
    let booked = sim.orders();
    assert_eq!(booked.len(), 1);
    assert_eq!(booked[0].status, OrderStatus::New, "it rests on the book");

    // 2. A fresh process on the same journal reconciles, then trades.
    let out = Command::new(&exe)
        .args(args("restart"))
        .stderr(Stdio::inherit())
        .output()
        .unwrap();
    let report = String::from_utf8(out.stdout).unwrap();
    assert!(
        out.status.success(),
        "the restart failed: {}\n{report}",
        out.status
    );
    let expected = [
        format!("pending {FIRST} BTCUSDT 20000"),
        "closed 1".to_string(),
        "open_refused 1".to_string(),
        format!("cancelled {FIRST} CANCELED"),
        "ended 0 not_found 0".to_string(),
        "live_after_recovery 0".to_string(),
        "reconciled true".to_string(),
        format!("placed {SECOND} NEW"),
    ];
    let lines: Vec<&str> = report.lines().collect();
    assert_eq!(lines, expected, "the restart's report");

    // The exchange: the first order was cancelled, never sent twice; the
    // second rests.
    let booked = sim.orders();
    let ids: Vec<&str> = booked.iter().map(|o| o.client_order_id.as_str()).collect();
    assert_eq!(ids, [FIRST, SECOND]);
    assert_eq!(booked[0].status, OrderStatus::Canceled);
    assert_eq!(booked[1].status, OrderStatus::New);
    let open_ids: Vec<String> = sim
        .open_orders()
        .into_iter()
        .map(|o| o.client_order_id)
        .collect();
    assert_eq!(open_ids, [SECOND]);

    // 3. Restarted once more: nothing of the first run is pending; the
    //    order the second run left resting is (it has no end).
    let text = String::from_utf8(std::fs::read(&journal).unwrap()).unwrap();
    assert!(
        text.contains(&format!("end {FIRST} ENDED\n")),
        "the first order's end: {text:?}"
    );
    let gate = gate_journaled(&KillSwitch::builder().build(), &journal).unwrap();
    let pending: Vec<String> = gate
        .pending()
        .iter()
        .map(|p| p.client_order_id.to_string())
        .collect();
    assert_eq!(pending, [SECOND]);
    let compacted = String::from_utf8(std::fs::read(&journal).unwrap()).unwrap();
    assert_eq!(compacted.lines().count(), 1, "compacted: {compacted:?}");
    assert!(compacted.starts_with(&format!("send {SECOND} ")));
    drop(server);
}
