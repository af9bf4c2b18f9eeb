//! The main job: a tokio trading bot with every guard in place, against a
//! simulated Binance on loopback. Run it with
//!
//! `cargo run --release --example guarded_bot`
//!
//! The whole guard comes from one file, `examples/guarded_bot.toml` (the
//! simulator's address filled in at start). Two strategies run at once
//! through the one gate, limiter and kill switch, sending good orders and
//! deliberately bad ones; the bot is handed dangerous URLs; a falling
//! market drives a drawdown that trips the kill switch, whose responder
//! cancels every order and flattens the position on a runtime of its own;
//! a forged reset is refused; the audit log is verified against its signed
//! checkpoint. Net-guard's warnings (a missing HSTS header: the simulator
//! sends none) go to standard error, once each.

#![allow(clippy::print_stdout, missing_docs)]

mod fills;
mod metrics;
mod report;
mod setup;
mod strategy;

use std::sync::{Arc, Mutex};
use std::time::Instant;

use supreme_security::audit::{VerifyOptions, verify_log};
use supreme_security::core::{Asset, Clock as _, SystemClock};
use supreme_security::kill_switch::{OperatorKey, ResetRequest, SignReset as _, State};
use supreme_security::risk_limits::Scope;

use crate::report::Tally;
use crate::setup::symbol;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

fn section(title: &str) {
    println!("\n== {title}");
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let started = Instant::now();
    println!("Supreme Security: a guarded trading bot against a simulated Binance (loopback only)");

    section("1. Setting up: one supreme.toml builds the whole guard");
    // Core dumps off and the process not dumpable, before any secret is loaded.
    let hardening = supreme_security::vault::harden_process()?;
    println!(
        "  {:<26} core dumps off: {}, not dumpable: {}",
        "process hardened", hardening.core_dumps_disabled, hardening.not_dumpable
    );
    let bot = Arc::new(setup::start().await?);
    let tally = Arc::new(Mutex::new(Tally::default()));

    section("2. Two strategies send orders at once; every one passes the gate first");
    let trend = tokio::spawn(strategy::run(
        bot.clone(),
        tally.clone(),
        "trend",
        strategy::trend(),
    ));
    let maker = tokio::spawn(strategy::run(
        bot.clone(),
        tally.clone(),
        "maker",
        strategy::maker(),
    ));
    trend.await?;
    maker.await?;

    section("3. The bot is handed URLs; net-guard judges each before connecting");
    for (label, url) in strategy::urls(bot.port) {
        strategy::fetch(&bot, &tally, label, &url).await;
    }

    section("4. The market falls; the drawdown limit trips the kill switch");
    let risk = bot.guard.gate().risk();
    for price in ["24800", "24200", "23500", "22400", "21000", "20000"] {
        bot.sim.set_price("BTCUSDT", price);
        fills::sync(&bot).await;
        risk.set_mark(symbol("BTCUSDT"), price.parse()?)?;
        // ETH is valued through ETHBTC at BTC's price.
        risk.set_rate(Asset::new("BTC")?, price.parse()?);
        let view = risk.view(Scope::Global)?;
        let (equity, hwm) = (
            view.equity.unwrap_or_default(),
            view.high_water_mark.unwrap_or_default(),
        );
        println!(
            "  BTCUSDT {price:>6}   equity {equity} USDT   high-water mark {hwm}   state {:?}",
            view.state
        );
        if bot.guard.switch().trip_record().is_some() {
            break;
        }
    }
    let trip = bot
        .guard
        .switch()
        .trip_record()
        .ok_or("the drawdown never reached the limit")?;
    println!(
        "  TRIPPED  {} (by {}); the gate is closed: a new order now gets",
        trip.reason, trip.who
    );
    let (label, late) = strategy::trend().remove(0);
    strategy::submit(&bot, &tally, "trend", label, late).await;

    // The responder halted on its own thread and runtime as the switch
    // tripped: every order cancelled, BTC flattened, the venue verified.
    let halt = bot.guard.halted().await.ok_or("no halt after the trip")??;
    println!(
        "  HALTED   open orders cancelled: {}; close orders sent: {}; in {} ms; state {:?}",
        halt.orders_found,
        halt.close_orders_sent,
        halt.elapsed_ms,
        bot.guard.switch().state()
    );
    let clean = bot.sim.open_orders().is_empty() && bot.sim.balance("BTC") == Default::default();
    let venue = if clean && bot.guard.switch().state() == State::Halted {
        "clean (verified)"
    } else {
        "NOT CLEAN"
    };
    println!(
        "  venue:   {} open orders, {} BTC left (the 2 ETH stay: not in flatten_assets)",
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
    match bot.guard.switch().reset(&forged) {
        Ok(()) => return Err("a forged reset was accepted".into()),
        Err(e) => println!("  RESET    refused: {e}"),
    }

    section("5. Metrics, as Prometheus scrapes them");
    metrics::show(&bot).await?;

    section("6. The audit log");
    // The gate wrote each decision (ORDER_APPROVED / ORDER_REJECTED, with the
    // rule, limit and observed value) and each order it sent; the vault, the
    // client, net-guard and the kill switch wrote theirs. The bot writes no
    // record itself. Shutdown flushes the gate's last decisions, closes the
    // log and writes its signed checkpoint into the anchors directory.
    let bot = Arc::try_unwrap(bot).map_err(|_| "the bot is still shared")?;
    let key = bot.guard.audit_key().clone();
    let log = bot.guard.config().audit.log.clone();
    let checkpoint = bot.guard.shutdown()?;
    let report = verify_log(
        &log,
        &VerifyOptions {
            public_key: Some(key),
            anchor: Some(checkpoint),
            ..Default::default()
        },
    )?;
    let first = report.to_string();
    println!("  verify: {}", first.lines().next().unwrap_or_default());
    let audit_line = if report.is_intact() {
        "intact (signed checkpoint)"
    } else {
        "TAMPERED"
    };

    section("7. Summary");
    let tally = tally.lock().map_err(|_| "tally poisoned")?;
    tally.print(audit_line, venue, started.elapsed());
    println!("  files kept in {}", bot.dir.display());
    if !report.is_intact() || venue != "clean (verified)" {
        return Err("the run did not end clean".into());
    }
    Ok(())
}
