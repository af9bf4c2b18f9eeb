//! The composition root of Supreme Security, its configuration half: one
//! `supreme.toml` describes a whole guarded bot, is parsed with serde
//! refusing unknown keys, validated as a whole, and turned into each part's
//! configuration ([`RiskConfig`](supreme_risk_limits::RiskConfig), the
//! [`EgressPolicy`](supreme_net_guard::EgressPolicy) and its pins, the
//! order-guard [`Policy`](supreme_order_guard::Policy), the kill switch's
//! [`ResetPolicy`](supreme_kill_switch::ResetPolicy) and triggers, the audit
//! log's durability, rotation and retention).
//!
//! ```no_run
//! use supreme_guard::Config;
//! match Config::load("supreme.toml".as_ref()) {
//!     Ok(config) => println!("drawdown limits for {:?}", config.risk),
//!     Err(errors) => {
//!         for e in &errors {
//!             eprintln!("{e}"); // supreme.toml:12:20: ...; fix: ...
//!         }
//!     }
//! }
//! ```
//!
//! # The file
//!
//! Sections (each documented on its struct in [`config`]): `[exchange]`,
//! `[egress]` (with `[[egress.pins]]`, `[[egress.nameservers]]`),
//! `[vault]`, `[order_policy]`, `[risk]` (with `[[risk.limits]]`),
//! `[kill_switch]` (with `[kill_switch.reset]`, `[kill_switch.triggers]`),
//! `[audit]`, `[state]`, `[metrics]`, `[danger]`. A full example is
//! `crates/guard/tests/fixtures/valid/full.toml`.
//!
//! - Money and shares are exact decimal strings (`"50000.5"`); a TOML float
//!   is refused.
//! - Secrets are never in the file: a `passphrase`, `secret`, `api_key`...
//!   key is refused, saying where secrets come from ([`vault_passphrase`]).
//! - Relative paths are resolved against the file's directory; every
//!   path's directory must be one no other user can write in.
//! - `[danger]` is refused unless `SUPREME_ALLOW_DANGER=1`.
//! - `SUPREME_*` variables override paths and the metrics address: the
//!   list is in [`env`](mod@crate::env).
//!
//! Every error ([`Error`]) names the file, line and column (or the
//! environment variable) and the fix; [`Config::load`] reports all the
//! validation errors of a file at once ([`Errors`]).
//!
//! # Features
//!
//! None yet.

pub mod config;
pub mod env;
mod error;
mod guard;
mod located;
pub mod metrics;
mod passphrase;
mod source;

pub use config::Config;
pub use env::Environment;
pub use error::{Error, Errors, Location};
pub use guard::{
    FLATTEN_MAX_SLIPPAGE_BPS, Guard, GuardBuilder, GuardGate, TRIGGER_POLL, Transport,
};
pub use located::{At, Decimal, Located};
pub use passphrase::vault_passphrase;
pub use source::{Check, Source};
