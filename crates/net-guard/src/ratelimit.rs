//! Rate limits: the Binance-exact exchange limiter and keyed limiters.
//!
//! - [`ExchangeLimiter`]: REQUEST_WEIGHT, ORDERS and RAW_REQUESTS windows
//!   aligned to wall-clock boundaries, loaded from `exchangeInfo`
//!   `rateLimits`, synced from `X-MBX-USED-WEIGHT-*` / `X-MBX-ORDER-COUNT-*`
//!   headers, 429 back-off and 418 ban. A request is admitted only if every
//!   window has room for it.
//! - [`Permit`]: capacity counted once, carried to the request that spends
//!   it ([`Charge::Prepaid`]), never counted twice.
//! - [`KeyedLimiter`]: per-key GCRA limiters (governor), O(1) per check,
//!   with a bound on live keys.
//! - [`EndpointWeights`]: a weight per endpoint.

mod exchange;
mod keyed;
mod limits;
mod permit;
mod weights;

pub use exchange::{ExchangeLimiter, parse_retry_after, parse_usage_header};
pub use keyed::{BoundedStore, KeyedLimiter};
pub use limits::{Cost, LimitKind, RateLimit};
pub use permit::{Charge, Permit};
pub use weights::EndpointWeights;
