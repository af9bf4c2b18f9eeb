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
//! - [`middleware`]: the guard as a `reqwest_middleware` middleware.
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
//! # On reqwest: the client and the middleware
//!
//! A bot already on reqwest (barter's `RestClient`, binance-sdk, anything
//! on [`reqwest_middleware`]) adopts the guard by swapping its client:
//!
//! - [`GuardedClient::reqwest_client`] (or
//!   [`GuardedClientBuilder::build_reqwest`]) is a plain `reqwest::Client`
//!   that holds the policy on every connection by itself: the resolver hook
//!   refuses names off the allowlist and judges every answer from the
//!   trusted nameservers, the TLS verifier checks the pins and refuses
//!   unlisted IP literals, the connector judges the real peer before a byte
//!   is written; https only, no proxy, no redirects.
//! - [`middleware::GuardMiddleware`] adds, per request, the URL policy (a
//!   refusal recorded as `EGRESS_DENIED`), the [`ExchangeLimiter`] (a cost
//!   or a [`middleware::PrepaidPermit`] per request, header sync, 429
//!   back-off, 418 stop) and the order-safe retry, by the same code as
//!   [`GuardedClient::send_charged`].
//!
//! ```no_run
//! use std::sync::Arc;
//! use supreme_net_guard::middleware::GuardMiddleware;
//! use supreme_net_guard::{EgressPolicy, Error, ExchangeLimiter, GuardedClient, RateLimit, SystemClock};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let policy = EgressPolicy::builder().allow_host("*.binance.com")?.build();
//! let guarded = GuardedClient::builder(policy).build()?;
//! let limiter = Arc::new(ExchangeLimiter::new(RateLimit::binance_spot_defaults(), SystemClock)?);
//! let http = reqwest_middleware::ClientBuilder::new(guarded.reqwest_client())
//!     .with(GuardMiddleware::new(&guarded).limiter(limiter))
//!     .build();
//! let time = http.get("https://api.binance.com/api/v3/time").send().await?;
//! # let _ = time;
//! let err = http.get("https://169.254.169.254/latest/").send().await.unwrap_err();
//! assert!(matches!(Error::from_middleware(&err), Some(Error::AddressDenied { .. })));
//! # Ok(())
//! # }
//! ```
//!
//! Features: none; rustls uses the ring provider only.

pub mod classify;
pub mod client;
pub mod danger;
mod error;
pub mod hsts;
pub mod metrics;
pub mod middleware;
pub mod pin;
pub mod policy;
pub mod ratelimit;
pub mod resolve;
pub mod retry;
mod tls_config;

pub use classify::{AddrClass, Denied, classify};
pub use client::{Event, GuardedClient, GuardedClientBuilder, TlsTcpStream, WssStream};
pub use error::{Error, Result};
pub use policy::{EgressPolicy, EgressPolicyBuilder, Target, TargetHost};
pub use ratelimit::{
    Charge, Cost, EndpointWeights, ExchangeLimiter, KeyedLimiter, LimitKind, Permit, RateLimit,
    parse_retry_after, parse_usage_header,
};
pub use supreme_core::{Clock, FakeClock, SystemClock};
