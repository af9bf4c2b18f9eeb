//! Supreme Security facade.
#[cfg(feature = "order-guard")]
pub use supreme_order_guard as order_guard;
