//! The bot's own `/metrics`, scraped over HTTP as Prometheus would, beside
//! what the simulator saw; the text is kept as `metrics.txt`.

use supreme_testkit::prometheus::{sample, scrape};

use crate::BoxError;
use crate::setup::Bot;

/// Scrapes, prints the figures an operator watches, and keeps the text.
pub(crate) async fn show(bot: &Bot) -> Result<(), BoxError> {
    let addr = bot
        .guard
        .metrics_addr()
        .ok_or("no [metrics] in the bot's file")?;
    let text = tokio::task::spawn_blocking(move || scrape(addr)).await??;
    std::fs::write(bot.dir.join("metrics.txt"), &text)?;
    let decisions = "supreme_gate_decisions_total";
    let count = |labels: &[&str]| sample(&text, decisions, labels);
    println!(
        "  scraped http://{addr}/metrics ({} lines, kept as metrics.txt)",
        text.lines().count()
    );
    println!(
        "  gate decisions: {} approved; rejected by order-guard {}, risk-limits {}, kill-switch {}, rate-limit {}",
        count(&[r#"outcome="APPROVED""#]),
        count(&[r#"guard="order-guard""#]),
        count(&[r#"guard="risk-limits""#]),
        count(&[r#"guard="kill-switch""#]),
        count(&[r#"guard="rate-limit""#]),
    );
    let day = [r#"kind="ORDERS""#, r#"interval_ms="86400000""#];
    println!(
        "  ORDERS today: {} of {} in the local window; the simulator took {} orders",
        sample(&text, "supreme_rate_limit_used", &day),
        sample(&text, "supreme_rate_limit_max", &day),
        bot.sim.orders().len()
    );
    println!(
        "  kill switch halted: {}; orders of unknown outcome: {}; audit queue: {}",
        sample(&text, "supreme_kill_switch_state", &[r#"state="halted""#]),
        sample(&text, "supreme_gate_live_orders", &[r#"status="unknown""#]),
        sample(&text, "supreme_audit_queue_depth", &[]),
    );
    Ok(())
}
