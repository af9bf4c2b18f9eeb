//! Fleet state in Redis, for several bot processes (or hosts) that share one
//! Binance account and one egress IP.
//!
//! Each guard that lives in one process's memory stops being true for a
//! fleet: Binance counts request weight per IP and orders per account, so
//! every instance must count against the same windows; a trip on one must
//! halt all; two must never send the same client order id. This crate
//! keeps that state in Redis, an engine operators already run:
//!
//! - [`SharedLimiter`]: REQUEST_WEIGHT (per IP), ORDERS (per account) and
//!   RAW_REQUESTS windows, reserved with one Lua script per acquire (atomic
//!   across instances); usage headers written back (raise only); a 429's
//!   Retry-After or a 418 ban seen by one instance holds back all of them.
//! - Fleet kill switch: [`Fleet::trip`] trips the local
//!   [`KillSwitch`](supreme_kill_switch::KillSwitch) first, then writes a
//!   durable record (`SET NX`) and publishes it; every instance's
//!   subscriber trips its own switch (a poll of the record in each health
//!   check is the fallback). An instance that starts while the record stands
//!   starts tripped, whatever its local latch says.
//! - Fail closed: the [`FleetGate`] closes once Redis has not answered for
//!   [`FleetConfig::unreachable_bound`] (1 s by default) and reopens only
//!   after a health check has re-synced (epoch, kill record). If Redis came
//!   back without the fleet's data, traffic is held for
//!   [`FleetConfig::lost_data_hold`] so the forgotten windows end first.
//! - [`Fleet::claim_order_id`] / [`Fleet::next_order_id`]: fleet-wide unique
//!   client order ids (`SET NX` with an expiry; `INCR`).
//!
//! # Where it sits in the send path
//!
//! The gate's check stays synchronous, local and I/O-free. The fleet's
//! reservations are **one async stage between the approval and the send**:
//! `gate.check(order)` → `Approval` → `limiter.reserve(cost).await` (and
//! `fleet.claim_order_id(id).await`) → [`FleetGate::enter_order`] right
//! before the bytes go out (the kill switch's re-check, plus the fleet's
//! health) → send → `limiter.observe(status, headers).await`. A
//! [`FleetPermit`] is counted once in Redis and travels with the request;
//! the local limiter still counts the request as it is sent, which can
//! never refuse what the fleet admitted (its count is a subset).
//!
//! # Keys
//!
//! Every key starts with the hash tag `{supreme:<namespace>}` so that each
//! script's keys live in one slot, and every key has a TTL (windows: their
//! end plus a minute; order ids: `order_id_ttl`; the kill record and the
//! epoch: `record_ttl`, refreshed by every health check). Redis Cluster is
//! **untested and out of scope** for now, as is Sentinel: point the URL
//! at one primary. Run it with `appendonly yes` and `appendfsync always`
//! so that a restart forgets nothing; without it the data-loss hold applies.
//!
//! - [`SharedExposure`]: the account's gross and worst-case net exposure
//!   and open-order count, reserved with one Lua check-and-reserve as
//!   leases that expire if an instance dies; the settled figure comes from
//!   the exchange's reconciliation and must be fresh (fail closed).
//!
//! Not built yet: a fleet-wide reset with operator tokens (nonces kept in
//! Redis). Until the reset exists,
//! clearing a fleet trip is done offline: stop every instance, reset each
//! local latch, delete `{supreme:<namespace>}:kill`, start them again (a
//! running instance re-trips from the record, and with
//! `propagate_local_trips` a tripped instance re-writes it).
//!
//! ```
//! use supreme_fleet::{Fleet, FleetConfig, SharedLimiter};
//! use supreme_kill_switch::{KillSwitch, TripRequest};
//! use supreme_net_guard::{Cost, RateLimit, SystemClock};
//!
//! # let redis = supreme_testkit::redis::RedisServer::require();
//! # let url = redis.url();
//! # tokio::runtime::Runtime::new()?.block_on(async {
//! let config = FleetConfig::new(url, "doc").with_instance("bot-a");
//! let fleet = Fleet::connect(config, KillSwitch::builder().build()).await?;
//! let limiter = SharedLimiter::new(
//!     &fleet, RateLimit::binance_spot_defaults(), "egress-1", "main", SystemClock,
//! )?;
//! let permit = limiter.reserve(Cost::order(1)).await?;
//! assert_eq!(permit.cost(), Cost::order(1));
//! let id = fleet.next_order_id().await?;
//! assert!(fleet.claim_order_id(&id).await.is_err()); // already ours
//! fleet.trip(TripRequest::manual("doc", "operator")).await?;
//! assert!(!fleet.gate().is_open());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # })?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod config;
mod error;
mod exposure;
mod fleet;
mod gate;
mod ids;
mod kill;
mod limiter;
mod monitor;

pub use config::FleetConfig;
pub use error::Error;
pub use exposure::{AccountLimits, Lease, MAX_AMOUNT, SharedExposure, Totals};
pub use fleet::Fleet;
pub use gate::FleetGate;
pub use kill::FleetTrip;
pub use limiter::{FleetPermit, SharedLimiter};
