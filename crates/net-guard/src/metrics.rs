//! What net-guard tells the `metrics` facade (target `supreme_net_guard`).
//!
//! | metric | kind | labels |
//! |---|---|---|
//! | `supreme_net_guard_throttled_total` | counter | `status`: `429` (backed off) or `418` (banned) |
//! | `supreme_net_guard_retries_total` | counter | retries of idempotent requests |
//!
//! The windows' use against their limits is read when metrics are
//! scraped, from [`ExchangeLimiter::usage`](crate::ExchangeLimiter::usage)
//! (the guard exports it as `supreme_rate_limit_used` and
//! `supreme_rate_limit_max`, labels `kind` and `interval_ms`).

use metrics::counter;

/// The 429/418 counter's name.
pub const THROTTLED: &str = "supreme_net_guard_throttled_total";
/// The retry counter's name.
pub const RETRIES: &str = "supreme_net_guard_retries_total";

pub(crate) fn throttled(status: u16) {
    let status = match status {
        429 => "429",
        418 => "418",
        _ => return,
    };
    counter!(THROTTLED, "status" => status).increment(1);
    tracing::warn!(target: "supreme_net_guard", status, "the exchange throttled us");
}

pub(crate) fn retried() {
    counter!(RETRIES).increment(1);
    tracing::debug!(target: "supreme_net_guard", "retrying an idempotent request");
}
