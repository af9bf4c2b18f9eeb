//! Binance spot adapter: what a Binance bot needs between Supreme
//! Security's guards and the exchange.
//!
//! - Async first: every call of [`BinanceClient`] is `async` and its future
//!   `Send`, so a tokio bot awaits it from any task; [`Transport`] returns
//!   `impl Future + Send` for a [`Request`] that is a plain value (sans-IO).
//!   Bots that are not async use [`blocking::BinanceClient`]: the same
//!   methods on one shared runtime, refusing with [`Error::InsideRuntime`]
//!   when called inside a runtime.
//! - Requests are signed by the vault's [`Signer`](supreme_vault::Signer)
//!   (HMAC-SHA256 or Ed25519): the secret never leaves the vault. The signed
//!   payload is the percent-encoded query ([`Params`]) with `recvWindow` and a
//!   `timestamp` on the exchange's clock ([`ServerTime`], re-measured on -1021).
//! - Rules: [`BinanceClient::exchange_info`] loads `exchangeInfo` for
//!   order-guard; [`weight`] gives each endpoint's request weight; response
//!   headers (`X-MBX-USED-WEIGHT-1M`, `X-MBX-ORDER-COUNT-*`) are read back
//!   ([`Usage`]; [`GuardedTransport`] corrects its rate limiter from them).
//! - Every request is recorded as one `API_ACCESS` core event in the
//!   client's sink ([`BinanceClient::with_events`]: the audit log): method,
//!   path, status, weight, latency; never the key, the signature or the
//!   signed query. A refused key or signature (-2014, -2015, -1022) is
//!   also one [`AUTH_FAILURE`] event.
//! - Orders carry client order ids. An order whose answer is lost is
//!   [`Error::OutcomeUnknown`] and is reconciled by asking for that id
//!   ([`BinanceClient::reconcile`]), never by sending it again.
//! - Least privilege: [`BinanceClient::check_key_privileges`] refuses a key
//!   that can withdraw or transfer, and warns (or refuses) without an IP
//!   restriction.
//! - [`BinanceVenue`] is the kill switch's venue: cancel everything, holdings
//!   as positions, close orders that pass the filters. The halt's close
//!   orders have their own path, [`BinanceClient::place_close_order`], which
//!   takes the kill switch's [`CloseOrder`](supreme_kill_switch::CloseOrder)
//!   capability (only the halt can make one) by value. It implements the
//!   kill switch's async `Venue` with the async client; give it a client of
//!   its own (own transport, own connection pool) so a stalled application
//!   runtime cannot hold up the halt.
//! - Every request goes through a [`Transport`]: [`GuardedTransport`] is
//!   net-guard's guarded HTTPS client with the exchange rate limiter (HTTPS
//!   only, allowlist, SSRF-safe resolution, pinning, exact weights); tests
//!   may plug in a bare loopback TLS client.
//!
//! Pointing it at the real API or the testnet is a matter of the transport's
//! base URL: `https://api.binance.com` or `https://testnet.binance.vision`
//! (its own keys).
//!
//! ```
//! use supreme_binance::{BinanceClient, Request, Response, Transport, TransportError};
//! # use supreme_vault::{EntrySecret, KdfParams, Vault};
//! # use secrecy::SecretString;
//! struct Answer; // stands in for the exchange (production: GuardedTransport)
//! impl Transport for Answer {
//!     async fn send(&self, _: &Request) -> Result<Response, TransportError> {
//!         Ok(Response { status: 200, headers: vec![], body: r#"{"serverTime":1}"#.into() })
//!     }
//! }
//! # let mut vault = Vault::create(&SecretString::from("p"), KdfParams::dangerous().insecure_for_tests())?;
//! # vault.put("binance", &EntrySecret::Hmac { key_id: "sim-api-key-0001".into(), secret: SecretString::from("NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP") }, None)?;
//! let client = BinanceClient::new(Answer, "sim-api-key-0001", vault.signer("binance")?);
//! let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
//! // A task on a multi-thread runtime: the client's futures are Send.
//! let offset = rt.block_on(async move {
//!     tokio::spawn(async move { client.sync_time().await }).await
//! })??;
//! # let _ = offset;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ```
//! use supreme_binance::{Params, weight};
//! let query = Params::new().with("symbol", "BTCUSDT").with("limit", 5).encode();
//! assert_eq!(query, "symbol=BTCUSDT&limit=5");
//! assert_eq!(weight("GET", "/api/v3/account", false), 20);
//! ```
//!
//! # Features
//!
//! None.

mod access;
mod account;
mod auth_events;
pub mod blocking;
mod client;
mod close;
mod error;
mod guarded;
mod orders;
mod payload;
pub mod privileges;
mod reconcile;
mod recover;
mod scrub;
mod server_time;
pub mod stream;
mod transport;
mod venue;
mod weights;

pub use access::API_ACCESS;
pub use account::AssetBalance;
pub use auth_events::AUTH_FAILURE;
pub use client::{BinanceClient, Usage};
pub use error::{Error, Result};
pub use guarded::GuardedTransport;
pub use orders::{OrderState, Prepaid, Reconciled};
pub use payload::Params;
pub use privileges::{ApiRestrictions, KeyPolicy, judge};
pub use recover::Recovery;
pub use server_time::ServerTime;
pub use supreme_core::{Clock, FakeClock, SystemClock};
pub use transport::{DEFAULT_MAX_BODY_BYTES, Request, Response, Transport, TransportError};
pub use venue::BinanceVenue;
pub use weights::{is_order, weight};
