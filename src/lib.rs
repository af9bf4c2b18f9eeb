//! Supreme Security facade.
#[cfg(feature = "order-guard")]
pub use supreme_order_guard as order_guard;
#[cfg(feature = "vault")]
pub use supreme_vault as vault;
#[cfg(feature = "audit")]
pub use supreme_audit as audit;
#[cfg(feature = "kill-switch")]
pub use supreme_kill_switch as kill_switch;
