//! risk-limits in one screen: reservations, a warning, a refusal, the way
//! out that is always open, and a drawdown breach.
//!
//! `cargo run --example risk_limits`

#![allow(clippy::print_stdout)]

use supreme_security::order_guard::{Order, Side, Symbol};
use supreme_security::risk_limits::*;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Core dumps off and the process not dumpable, before any secret is loaded.
    supreme_security::vault::harden_process()?;
    let usdt = Asset::new("USDT")?;
    let limits = LimitSet {
        max_drawdown: Some(Pct::percent(2)),
        ..LimitSet::SEED
    };
    let config = RiskConfig::new(usdt)?.with_limits(Scope::Global, limits)?;
    let clock = FakeClock::new(1_700_000_000_000);
    let book = RiskBook::new(config, clock)?
        .with_breach_sink(|b: &Breach| println!("  BREACH   {b}  (a kill switch would trip here)"));
    let btc = Symbol::new("BTCUSDT")?;
    book.add_symbol(btc, Asset::new("BTC")?, usdt)?;
    book.deposit(AccountId::new("main")?, usdt, "100000".parse()?)?;
    book.set_mark(btc, "50000".parse()?)?;
    book.start_fresh()?;
    println!("equity 100,000 USDT; position limit 10 % (warning 5 %); drawdown limit 2 %");

    let buy = |qty: &str| {
        Order::limit(
            btc,
            Side::Buy,
            qty.parse().unwrap_or_default(),
            "50000".parse().unwrap_or_default(),
        )
    };
    let first = book.check_and_reserve(&buy("0.08"))?;
    println!(
        "  RESERVED buy 0.08 BTC (4 %), warnings: {}",
        first.warnings.iter().count()
    );
    let second = book.check_and_reserve(&buy("0.04"))?;
    for w in second.warnings.iter() {
        println!("  RESERVED buy 0.04 BTC (6 % in all), {w}");
    }
    match book.check_and_reserve(&buy("0.1")) {
        Ok(_) => println!("  accepted?!"),
        Err(refusal) => println!("  REFUSED  buy 0.1 BTC more: {refusal}"),
    }
    book.fill(first.id, "0.08".parse()?, "50000".parse()?, None)?;
    book.fill(second.id, "0.04".parse()?, "50000".parse()?, None)?;

    println!("the market falls 45 %:");
    book.set_mark(btc, "27500".parse()?)?;
    let view = book.view(Scope::Global)?;
    println!(
        "  equity {} (high-water mark {}), state {:?}",
        view.equity.unwrap_or_default(),
        view.high_water_mark.unwrap_or_default(),
        view.state
    );
    match book.check_and_reserve(&buy("0.01")) {
        Ok(_) => println!("  accepted?!"),
        Err(refusal) => println!("  REFUSED  buy 0.01 BTC: {refusal}"),
    }
    let exit = book.check_and_reserve(&Order::market(btc, Side::Sell, "0.12".parse()?))?;
    println!(
        "  ACCEPTED sell 0.12 BTC while halted: reducing = {}",
        exit.reducing
    );
    Ok(())
}
