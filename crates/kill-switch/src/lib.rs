//! Emergency stop for trading bots.
//!
//! `supreme-kill-switch` stops a bot in nanoseconds, proves the venue is
//! clean, survives restarts, and cannot be undone by the code path that
//! tripped it.
//!
//! - **Gate**: the order path checks [`Gate::is_open`], one atomic load. Once
//!   [`KillSwitch::trip`] returns, no check passes.
//! - **State machine**: Armed -> Tripped (reason, who, when, values) ->
//!   Halting (cancel every open order, verify none is left) -> Flattening
//!   (optional: reduce-only orders in chunks with a slippage bound, verify no
//!   position is left) -> Halted. Failures are retried with backoff.
//! - **Latch** ([`latch`]): the trip is written atomically to a latch file
//!   before any action. A switch with a latch starts armed only from a latch
//!   that says armed and carries the operator signatures that armed it
//!   (checked against the reset policy where it names operators); a
//!   missing, unreadable, corrupt, hand-written or forged latch reads as
//!   tripped. Tripping never needs a secret, only arming does:
//!   [`KillSwitchBuilder::init`] writes the first armed latch, an authorized
//!   reset rewrites it.
//! - **Reset** needs an operator's Ed25519-signed token over the trip id,
//!   the operator, a nonce and an expiry, and a cooldown since the trip;
//!   optionally tokens from a quorum of operators with distinct keys
//!   ([`ResetPolicy::quorum`]). The switch holds only public keys. Used
//!   nonces, and a corrupt latch's random trip id and first sighting, are
//!   kept in the nonce store beside the latch ([`nonce_store_path`]), so no
//!   token works twice and the cooldown ends, across processes; without a
//!   readable nonce store every reset is refused. Refused resets are reported.
//! - **Residual risk**: whoever can write the latch (the bot's user) can put
//!   back an old armed latch saved earlier, with genuine signatures; a file
//!   on one host cannot tell it from the current one. Fleet mode closes this
//!   by keeping the authoritative record in Redis.
//! - **Events**: every trip, action and reset attempt is a core event in
//!   the switch's [`Sink`](supreme_core::event::Sink)
//!   ([`KillSwitchBuilder::events`]: the audit log); a reset whose record is
//!   refused is refused. The other way round, an audit log whose writes
//!   fail trips the switch through [`KillSwitch::tripper`]
//!   ([`Trigger::AuditFailure`]).
//! - **Triggers** ([`triggers`]): manual, signals (SIGUSR1), risk breaches,
//!   error rate over a window, stale market data, a dead-man's heartbeat, a
//!   trip file, and a latch written by another process (`supreme kill-switch
//!   trigger`).
//! - **Response**: ordered shutdown hooks, rate-limited notifiers (log,
//!   command), supervised child processes killed as a tree. Children are
//!   confined ([`ChildSpec`]): a clean environment, no inherited
//!   descriptors, core dumps off and resource limits through `prlimit(1)`,
//!   output captured up to a cap.
//!
//! ```
//! use std::sync::Arc;
//! use std::time::Duration;
//! use supreme_kill_switch::*;
//!
//! // The operator's key lives with the operator; the bot gets the public half.
//! let operator = OperatorKey::generate()?;
//! let clock = Arc::new(FakeClock::new(1_700_000_000_000));
//! let switch = KillSwitch::builder()
//!     .clock(clock.clone())
//!     .reset_policy(ResetPolicy::new(Duration::from_secs(60)).operator("alice", operator.public_key()))
//!     .build();
//!
//! let gate = switch.gate();
//! assert!(gate.is_open());
//!
//! let trip = switch.trip(TripRequest::manual("fat finger", "bob").value("notional", "1e9"))?;
//! assert!(!gate.is_open());
//!
//! // The trip path cannot undo it: a token needs alice's private key.
//! let expires = clock.now_ms() + 600_000;
//! let token = operator.sign_reset(&trip.id, "alice", expires)?;
//! let request = ResetRequest { operator: "alice".into(), token };
//! assert!(switch.reset(&request).is_err()); // cooldown
//! clock.advance(Duration::from_secs(61));
//! switch.reset(&request)?;
//! assert!(gate.is_open());
//! # Ok::<(), supreme_kill_switch::Error>(())
//! ```
//!
//! # Differences from the Python original
//!
//! The seed's `EmergencyStop` set an in-memory flag (lost on restart), closed
//! positions without a price bound or a check that anything closed, and
//! "authorized" a reset by the name the caller passed in. Its
//! `kill_process_tree` slept a fixed 5 s, and looked the group up with
//! `getpgid` of a leader that may already be gone (so grandchildren
//! survived); `run_secure_process` handed the child the whole environment,
//! secrets included. Here the flag is the gate, the trip is durable before
//! any action, the venue is listed again until verified clean, close orders
//! are reduce-only with a slippage bound, only an operator's key re-arms,
//! the process group id is kept from spawn time, the grace period ends as
//! soon as the group is gone, a child can start from an empty environment,
//! and no child ever sees `SUPREME_VAULT_PASSPHRASE*` (nor
//! `SUPREME_VAULT_NEW_PASSPHRASE*`).
//!
//! # Features
//!
//! None: the crate has no optional parts. Unix only (signals, process groups).

mod error;
mod event;
mod gate;
mod halt;
mod hex;
mod hooks;
pub mod latch;
mod nonce_store;
mod notify;
mod reset;
mod respond;
mod state;
mod supervise;
mod switch;
pub mod triggers;
mod venue;

pub use error::{Error, Result};
pub use event::{Action, Event, EventSink};
pub use gate::{Gate, InFlight};
pub use halt::{FlattenConfig, HaltConfig, HaltReport, RetryPolicy};
pub use hooks::ShutdownHooks;
pub use nonce_store::nonce_store_path;
pub use notify::{
    CommandNotifier, Flusher, FnNotifier, LogNotifier, Notice, Notifier, NotifyError, RateLimited,
    Urgency,
};
pub use reset::{
    OperatorKey, OperatorPublicKey, Refusal, ResetPolicy, ResetRefusal, ResetRequest, ResetToken,
    SignReset,
};
pub use respond::{Responder, ResponderHandle};
pub use state::{State, Trigger, TripRecord, TripRequest};
pub use supervise::{
    BASELINE_ENV, Captured, CapturedOutput, ChildOutcome, ChildSpec, PRLIMIT_PATHS, Supervised,
    VAULT_PASSPHRASE_PREFIX,
};
pub use supreme_core::{Clock, FakeClock, SystemClock};
pub use switch::{KillSwitch, KillSwitchBuilder};
pub use venue::{
    BoxVenueFuture, CloseOrder, DynVenue, LeftHolding, OpenOrder, Position, Venue, VenueError,
};
