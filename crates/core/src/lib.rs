//! The shared vocabulary of Supreme Security, and nothing else.
//!
//! Every crate of the workspace reads time, keeps files, reports security
//! events and names orders. Each used to carry its own copy of those few
//! things (six clocks with four signatures, five atomic writers with
//! different rules). This crate holds the one copy, in the spirit of
//! `rustls-pki-types`: small, dependency-light, depended on by every other
//! supreme crate and depending on none of them.
//!
//! What lives here:
//!
//! - [`time`]: one [`Clock`] trait (wall time in ms and a monotonic
//!   reading), the [`SystemClock`] (and [`CoarseClock`] for hot paths), and one [`FakeClock`] that tests move by
//!   a [`Duration`](std::time::Duration).
//! - [`event`]: one security [`Event`](event::Event) and one
//!   [`Sink`](event::Sink) that can refuse it, so a caller can fail closed.
//! - [`operator`]: operator keys, signed tokens (one purpose each: a kill
//!   switch reset, a risk breach clear) and the policy that verifies them.
//! - [`order`]: the order vocabulary, [`Symbol`], [`Asset`], [`Side`],
//!   [`ClientOrderId`], and the exact amounts [`Price`] and [`Quantity`]
//!   (integers of 10⁻⁸, converted to and from `rust_decimal` exactly).
//! - [`files`] (Unix): atomic writes, private-file reads, bounded locks,
//!   state keys and private temporary files, one policy for every file a
//!   bot keeps.
//!
//! A bot builds one clock and hands it to every part, so one decision reads
//! one time:
//!
//! ```
//! use std::sync::Arc;
//! use std::time::Duration;
//! use supreme_core::{Clock, FakeClock};
//!
//! let clock = Arc::new(FakeClock::new(1_700_000_000_000));
//! let shared: Arc<dyn Clock> = clock.clone();
//! clock.advance(Duration::from_secs(2));
//! assert_eq!(shared.now_ms(), 1_700_000_002_000);
//! ```

pub mod event;
#[cfg(unix)]
pub mod files;
pub mod hex;
pub mod operator;
pub mod order;
pub mod time;

pub use order::{
    AmountError, Asset, ClientOrderId, InlineStr, NameError, NameKind, Notional, ONE,
    ParseSideError, Price, Quantity, SCALE, Side, Symbol,
};
pub use time::{Clock, CoarseClock, FakeClock, SystemClock};
