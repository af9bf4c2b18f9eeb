//! HTTPS-only, SSRF-safe egress for trading bots.
//!
//! `supreme-net-guard` stands between a bot and the network:
//!
//! - [`mod@classify`]: every address that is not global unicast is denied, by the
//!   IANA special-purpose registries, with IPv4 carried in IPv6 unwrapped and
//!   6to4/Teredo/ISATAP denied; cloud metadata addresses are named.
//! - [`EgressPolicy`]: https only, a host allowlist (exact and `*.` one-label,
//!   IDNA), allowed ports, IP literals denied unless listed; URLs go through a
//!   real URL parser so `https://2130706433/` is judged as `127.0.0.1`.
//! - [`ratelimit`]: a Binance-exact limiter (REQUEST_WEIGHT, ORDERS,
//!   RAW_REQUESTS windows, header sync, 429 back-off, 418 ban) and keyed
//!   governor limiters with bounded memory.
//! - [`retry`]: exponential back-off with jitter and a deadline; an order POST
//!   is never re-sent, its failure is [`Error::OutcomeUnknown`].
//! - [`danger`]: exact test-only allowances (one socket address, one CA).
//!
//! ```
//! use supreme_net_guard::{EgressPolicy, Error};
//!
//! let policy = EgressPolicy::builder().allow_host("*.binance.com")?.build();
//! assert!(policy.check_url("https://api.binance.com/api/v3/time").is_ok());
//! // Decimal IPv4 and userinfo tricks are judged by the address they reach.
//! let err = policy.check_url("https://api.binance.com@2130706433/").unwrap_err();
//! assert!(matches!(err, Error::AddressDenied { .. }));
//! assert!(matches!(policy.check_url("http://api.binance.com/"), Err(Error::SchemeNotHttps { .. })));
//! # Ok::<(), Error>(())
//! ```
//!
//! Features: none; rustls uses the ring provider only.

pub mod classify;
pub mod client;
pub mod danger;
mod error;
pub mod hsts;
pub mod middleware;
pub mod pin;
pub mod policy;
pub mod ratelimit;
pub mod resolve;
pub mod retry;
mod tls_config;

pub use classify::{AddrClass, Denied, classify};
pub use client::{Event, GuardedClient, GuardedClientBuilder};
pub use error::{Error, Result};
pub use policy::{EgressPolicy, EgressPolicyBuilder, Target, TargetHost};
pub use ratelimit::{
    Charge, Cost, EndpointWeights, ExchangeLimiter, KeyedLimiter, LimitKind, Permit, RateLimit,
};
pub use supreme_core::{Clock, FakeClock, SystemClock};
