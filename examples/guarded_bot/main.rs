//! The main job: a trading bot with every guard in place, against a
//! simulated Binance on loopback. Run it with
//!
//! `cargo run --release --example guarded_bot`
//!
//! It sets everything up (exchange, vault, client, rules, kill switch, audit
//! log, gate), sends good orders and deliberately bad ones, drives a
//! drawdown that trips the kill switch (orders cancelled, positions
//! flattened, the venue verified clean), verifies the audit log, and prints
//! a summary.

#![allow(clippy::print_stdout, missing_docs)]

mod report;
mod setup;
mod strategy;
mod transport;

use std::sync::Arc;
use std::time::Instant;

use supreme_security::audit::{Event as AuditEvent, EventType, VerifyOptions, verify_log};
use supreme_security::kill_switch::{FlattenConfig, HaltConfig, State, TripRequest};
use supreme_security::order_guard::InFlightOrders;

fn section(title: &str) {
    println!("\n== {title}");
}

fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let started = Instant::now();
    println!("Supreme Security: a guarded trading bot against a simulated Binance (loopback only)");

    section("1. Setting up");
    let bot = setup::start()?;
    let mut tally = report::Tally::default();
    let mut in_flight = InFlightOrders::default();

    section("2. The strategy sends orders; every one passes the gate first");
    for (label, order) in strategy::orders() {
        strategy::submit(&bot, &mut tally, &mut in_flight, label, order);
    }

    section("3. The market falls; the drawdown limit trips the kill switch");
    // Equity in 10^-8 USDT, exact: cash + BTC x price.
    let equity = |price: u64| {
        let (usdt, btc) = (bot.sim.balance("USDT"), bot.sim.balance("BTC"));
        u128::from(usdt.free + usdt.locked) + u128::from(btc.free + btc.locked) * u128::from(price)
    };
    let high_water = equity(25_000);
    let mut tripped = None;
    for price in [24_800u64, 24_200, 23_500, 22_400, 21_000, 20_000] {
        bot.sim.set_price("BTCUSDT", &price.to_string());
        let now = equity(price);
        let drawdown_bps = high_water.saturating_sub(now) * 10_000 / high_water;
        println!(
            "  BTCUSDT {price:>6}   equity {:>9} USDT   drawdown {}.{:02}%",
            now / 100_000_000,
            drawdown_bps / 100,
            drawdown_bps % 100
        );
        if drawdown_bps >= 200 {
            let trip =
                TripRequest::manual("drawdown 2% from the high-water mark", "drawdown-monitor")
                    .value("drawdown_bps", drawdown_bps.to_string());
            tripped = Some(bot.switch.trip(trip)?);
            break;
        }
    }
    let trip = tripped.ok_or("the drawdown never reached the limit")?;
    println!(
        "  TRIPPED  {} (by {}); the gate is closed: a new order now gets",
        trip.reason, trip.who
    );
    let (label, late) = strategy::orders().remove(0);
    strategy::submit(&bot, &mut tally, &mut in_flight, label, late);

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
        "  HALTED   {} open orders cancelled, {} close orders sent, in {} ms; state {:?}",
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

    section("4. The audit log");
    let drained = bot.gate.decisions().drain(|d| {
        let kind = if d.outcome.as_str() == "APPROVED" {
            EventType::OrderSent
        } else {
            EventType::OrderRejected
        };
        let _ = bot.audit.append(
            AuditEvent::new(kind)
                .actor("gate")
                .detail("outcome", d.outcome.as_str())
                .detail("symbol", d.order.symbol.to_string())
                .detail(
                    "client_order_id",
                    d.order
                        .client_order_id
                        .map(|c| c.to_string())
                        .unwrap_or_default(),
                ),
        );
    });
    drop(bot.switch); // its event sink holds the last other handle on the log
    let audit = Arc::try_unwrap(bot.audit).map_err(|_| "audit log still shared")?;
    let checkpoint = audit.close()?;
    let options = VerifyOptions {
        public_key: Some(bot.audit_key),
        anchor: Some(checkpoint),
        ..Default::default()
    };
    let report = verify_log(&bot.audit_path, &options)?;
    let first = report.to_string();
    println!(
        "  {drained} gate decisions recorded; verify: {}",
        first.lines().next().unwrap_or_default()
    );
    let audit_line = if report.is_intact() {
        "intact (signed checkpoint)"
    } else {
        "TAMPERED"
    };

    section("5. Summary");
    tally.print(audit_line, venue, started.elapsed());
    if !report.is_intact() || venue != "clean (verified)" {
        return Err("the run did not end clean".into());
    }
    Ok(())
}
