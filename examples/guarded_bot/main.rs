//! The main job: a trading bot with every guard in place, against a
//! simulated Binance on loopback. Run it with
//!
//! `cargo run --release --example guarded_bot`
//!
//! It sets everything up (exchange, vault, client, rules, kill switch, audit
//! log, gate), sends good orders and deliberately bad ones, drives a
//! drawdown that trips the kill switch (orders cancelled, positions
//! flattened, the venue verified clean), verifies the audit log, and prints
//! a summary. Net-guard's warnings (a missing HSTS header: the simulator
//! sends none) go to standard error, once each.

#![allow(clippy::print_stdout, missing_docs)]

mod fills;
mod report;
mod setup;
mod strategy;
mod transport;

use std::sync::Arc;
use std::time::Instant;

use supreme_security::audit::{VerifyOptions, verify_log};
use supreme_security::core::{Clock as _, SystemClock};
use supreme_security::kill_switch::{
    FlattenConfig, HaltConfig, OperatorKey, ResetRequest, SignReset as _, State,
};
use supreme_security::risk_limits::Scope;

fn section(title: &str) {
    println!("\n== {title}");
}

fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let started = Instant::now();
    println!("Supreme Security: a guarded trading bot against a simulated Binance (loopback only)");

    section("1. Setting up");
    // Core dumps off and the process not dumpable, before any secret is loaded.
    let hardening = supreme_security::vault::harden_process()?;
    println!(
        "  {:<26} core dumps off: {}, not dumpable: {}",
        "process hardened", hardening.core_dumps_disabled, hardening.not_dumpable
    );
    let bot = setup::start()?;
    let mut run = strategy::Run::default();

    section("2. The strategy sends orders; every one passes the gate first");
    for (label, order) in strategy::orders() {
        strategy::submit(&bot, &mut run, label, order);
    }

    section("3. The bot is handed URLs; net-guard judges each before connecting");
    for (label, url) in strategy::urls(bot.port) {
        strategy::fetch(&bot, &mut run, label, &url);
    }

    section("4. The market falls; the drawdown limit trips the kill switch");
    let mut tripped = None;
    for price in ["24800", "24200", "23500", "22400", "21000", "20000"] {
        bot.sim.set_price("BTCUSDT", price);
        fills::sync(&bot);
        bot.gate.risk().set_mark(setup::btc(), price.parse()?)?;
        let view = bot.gate.risk().view(Scope::Global)?;
        let (equity, hwm) = (
            view.equity.unwrap_or_default(),
            view.high_water_mark.unwrap_or_default(),
        );
        println!(
            "  BTCUSDT {price:>6}   equity {equity} USDT   high-water mark {hwm}   state {:?}",
            view.state
        );
        if let Some(trip) = bot.switch.trip_record() {
            tripped = Some(trip);
            break;
        }
    }
    let trip = tripped.ok_or("the drawdown never reached the limit")?;
    println!(
        "  TRIPPED  {} (by {}); the gate is closed: a new order now gets",
        trip.reason, trip.who
    );
    let (label, late) = strategy::orders().remove(0);
    strategy::submit(&bot, &mut run, label, late);

    let open_before = bot.sim.open_orders().len();
    let flatten = FlattenConfig::new(200, "1".parse()?)?;
    let halt = bot.switch.halt(
        &bot.venue,
        &HaltConfig {
            flatten: Some(flatten),
            ..HaltConfig::default()
        },
    )?;
    println!(
        "  HALTED   open orders cancelled: {}; close orders sent: {}; in {} ms; state {:?}",
        open_before,
        halt.close_orders_sent,
        halt.elapsed_ms,
        bot.switch.state()
    );
    let clean = bot.sim.open_orders().is_empty() && bot.sim.balance("BTC") == Default::default();
    let venue = if clean && bot.switch.state() == State::Halted {
        "clean (verified)"
    } else {
        "NOT CLEAN"
    };
    println!(
        "  venue:   {} open orders, {} BTC left",
        bot.sim.open_orders().len(),
        bot.sim.balance("BTC").free
    );

    // Someone without an operator key tries to re-arm the switch: refused,
    // and the refusal is in the audit log (the switch records it).
    let intruder = OperatorKey::generate()?;
    let forged = ResetRequest {
        operator: "operator".into(),
        token: intruder.sign_reset(&trip.id, "operator", SystemClock.now_ms() + 60_000)?,
    };
    match bot.switch.reset(&forged) {
        Ok(()) => return Err("a forged reset was accepted".into()),
        Err(e) => println!("  RESET    refused: {e}"),
    }

    section("5. The audit log");
    // The gate wrote each decision (ORDER_APPROVED / ORDER_REJECTED, with the
    // rule, limit and observed value) and each order it sent to the audit
    // log as it went; the last rejections are flushed now. The bot writes no
    // record itself.
    let drained = bot.gate.flush()?;
    // The switch, the risk book (in the gate) and the exchange client (in
    // the venue too) hold the other handles on the log: drop them before
    // closing it.
    drop(bot.gate);
    drop(bot.switch);
    bot.audit_trips
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .take();
    drop(bot.venue);
    drop(bot.client);
    drop(bot.net);
    let audit = Arc::try_unwrap(bot.audit).map_err(|_| "audit log still shared")?;
    let checkpoint = audit.close()?;
    std::fs::write(bot.dir.join("checkpoint.txt"), checkpoint.to_text())?;
    let options = VerifyOptions {
        public_key: Some(bot.audit_key),
        anchor: Some(checkpoint),
        ..Default::default()
    };
    let report = verify_log(&bot.audit_path, &options)?;
    let first = report.to_string();
    println!(
        "  {drained} last gate decisions flushed; verify: {}",
        first.lines().next().unwrap_or_default()
    );
    let audit_line = if report.is_intact() {
        "intact (signed checkpoint)"
    } else {
        "TAMPERED"
    };

    section("6. Summary");
    run.tally.print(audit_line, venue, started.elapsed());
    if !report.is_intact() || venue != "clean (verified)" {
        return Err("the run did not end clean".into());
    }
    Ok(())
}
