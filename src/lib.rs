//! Supreme Security: security libraries for Rust trading bots.
//!
//! This facade re-exports each library as a module, so a bot can depend on
//! one crate and compose what it needs. Every module is also usable on its
//! own as a separate crate.
//!
//! | module | crate | guards |
//! |---|---|---|
//! | [`core`] | `supreme-core` | the shared vocabulary: clock, file policy, event + sink, operator tokens, order types; always present |
//! | [`order_guard`] | `supreme-order-guard` | exchange filters, exact decimals, fat-finger caps |
//! | [`vault`] | `supreme-vault` | encrypted credentials, a signer that never reveals its key |
//! | [`audit`] | `supreme-audit` | tamper-evident, durable security log |
//! | [`kill_switch`] | `supreme-kill-switch` | emergency stop: gate, latch, cancel, flatten, authorized reset |
//! | [`net_guard`] | `supreme-net-guard` | HTTPS-only, SSRF-safe egress, exact exchange rate limits |
//! | [`risk_limits`] | `supreme-risk-limits` | position, exposure, loss and drawdown limits with reservations |
//! | [`gate`] | `supreme-gate` | the pre-trade gate: the only `Approval`, the live-order registry and journal |
//! | [`binance`] | `supreme-binance` | Binance spot adapter: vault signing, rules, reconciliation, venue |
//! | `fleet` | `supreme-fleet` | several instances on one account: shared limits, fleet kill switch, order ids, in Redis (feature `fleet`, off by default) |
//! | [`guard`] | `supreme-guard` | one `supreme.toml`, validated (line:column and the fix), built into each part's configuration |
//!
//! ```
//! use supreme_security::order_guard::*;
//!
//! let info = ExchangeInfo::from_json(SAMPLE_EXCHANGE_INFO)?;
//! let ctx = OrderContext::new(0)
//!     .with_reference(ReferencePrice { price: "25000".parse()?, observed_at_ms: 0 })
//!     .with_open_orders(OpenOrderCounts::default(), OpenOrderCounts::default());
//! let order = Order::limit(Symbol::new("BTCUSDT")?, Side::Buy, "0.01".parse()?, "25000".parse()?);
//! assert!(Validator::default().validate(&info, &order, &ctx).is_ok());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Features
//!
//! Each module has a feature of the same name, all on by default; turn
//! default features off and list the ones you need to leave the rest out:
//!
//! - `order-guard`: [`order_guard`]
//! - `vault`: [`vault`]
//! - `audit`: [`audit`]; `audit-tracing` adds its `tracing` layer
//! - `kill-switch`: [`kill_switch`]
//! - `risk-limits`: [`risk_limits`]
//! - `net-guard`: [`net_guard`]
//! - `gate`: [`gate`] (with `risk-limits` and `net-guard`, their adapters as stages)
//! - `binance`: [`binance`]
//! - `guard`: [`guard`]
//! - `fleet`: `fleet` (not in the defaults: it brings in the Redis client)

#[cfg(feature = "audit")]
pub use supreme_audit as audit;
#[cfg(feature = "binance")]
pub use supreme_binance as binance;
/// The shared vocabulary every crate speaks: clock, files, events, orders.
pub use supreme_core as core;
#[cfg(feature = "fleet")]
pub use supreme_fleet as fleet;
#[cfg(feature = "gate")]
pub use supreme_gate as gate;
#[cfg(feature = "guard")]
pub use supreme_guard as guard;
#[cfg(feature = "kill-switch")]
pub use supreme_kill_switch as kill_switch;
#[cfg(feature = "net-guard")]
pub use supreme_net_guard as net_guard;
#[cfg(feature = "order-guard")]
pub use supreme_order_guard as order_guard;
#[cfg(feature = "risk-limits")]
pub use supreme_risk_limits as risk_limits;
#[cfg(feature = "vault")]
pub use supreme_vault as vault;
