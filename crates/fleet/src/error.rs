//! The one error type of this crate.

use std::time::Duration;

use supreme_net_guard::LimitKind;

/// What went wrong in the fleet. "Not yet" (a full window, a back-off, a
/// ban) is a value with the wait, as in the single-host limiter.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The fleet gate is closed: Redis was out of reach for longer than the
    /// configured bound, or is back but not yet re-synced. Nothing is sent.
    #[error("fleet state unavailable (fail closed): {reason}")]
    Unavailable {
        /// Why (the last Redis error, or the re-sync hold).
        reason: String,
    },
    /// A Redis call failed or timed out (the gate closes if it lasts).
    #[error("redis: {0}")]
    Redis(#[from] redis::RedisError),
    /// A Redis call did not answer within the configured timeout.
    #[error("redis did not answer within {0:?}")]
    Timeout(Duration),
    /// A shared window has no room: retry after `wait`.
    #[error("fleet {limit} window full; wait {wait:?}")]
    RateLimited {
        /// The window that is full (the one that frees last).
        limit: LimitKind,
        /// Until it rolls over.
        wait: Duration,
    },
    /// An instance saw a 429: the whole fleet backs off for `wait`.
    #[error("fleet backed off after a 429; wait {wait:?}")]
    BackedOff {
        /// Until the back-off ends.
        wait: Duration,
    },
    /// An instance saw a 418: the whole fleet is banned for `wait`.
    #[error("fleet IP banned (418); wait {wait:?}")]
    Banned {
        /// Until the ban ends.
        wait: Duration,
    },
    /// The limits or the cost are unusable (no windows, a cost that can
    /// never fit a window).
    #[error("fleet rate limits: {0}")]
    RateLimits(String),
    /// The client order id is already claimed somewhere in the fleet.
    #[error("client order id {0} already claimed in the fleet")]
    DuplicateOrderId(String),
    /// An account-wide exposure limit would be exceeded by the fleet.
    #[error("fleet account limit {what} would be exceeded")]
    ExposureLimit {
        /// `gross`, `net` or `open_orders`.
        what: String,
    },
    /// The configuration is invalid.
    #[error("fleet config: {0}")]
    Config(String),
    /// The fleet kill switch is tripped (here or elsewhere in the fleet),
    /// or its record in Redis is unreadable.
    #[error("fleet kill switch: {0}")]
    KillSwitch(String),
    /// Tripping the local kill switch failed (its latch could not be
    /// written); the local gate is closed regardless.
    #[error("local kill switch: {0}")]
    Local(#[from] supreme_kill_switch::Error),
}
