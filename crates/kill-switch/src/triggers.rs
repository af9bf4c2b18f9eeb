//! What trips the switch besides a direct call.
//!
//! Each trigger holds a clone of the [`KillSwitch`](crate::KillSwitch) and trips it with its own
//! [`Trigger`](crate::Trigger) kind, a reason and the observed values. Polled triggers
//! (dead-man's heartbeat, stale data, trip file) implement [`Watch`] and can
//! be driven by a [`Monitor`] thread or by hand (with a [`FakeClock`](supreme_core::FakeClock) in
//! tests).

mod error_rate;
mod heartbeat;
mod monitor;
mod risk;
mod signal;
mod stale;
mod trip_file;

pub use error_rate::{ErrorRateLimit, ErrorRateTrigger};
pub use heartbeat::DeadMansSwitch;
pub use monitor::{Monitor, Watch};
pub use risk::RiskBreach;
pub use signal::SignalTrigger;
pub use stale::StaleDataTrigger;
pub use trip_file::{LatchWatcher, TripFileWatcher};

#[cfg(test)]
mod tests;
