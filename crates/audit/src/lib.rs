//! Tamper-evident, durable security audit log for trading bots.
//!
//! `supreme-audit` records security events (API access, authentication
//! failures, orders sent and rejected, risk breaches, kill-switch trips and
//! resets, vault and secret access, signatures, configuration changes, and
//! any other `UPPER_SNAKE_CASE` kind) so that what it recorded cannot be
//! changed, removed or reordered without the verifier saying where, and a
//! crash loses nothing that was synced.
//!
//! ```
//! use supreme_audit::*;
//!
//! let dir = tempfile::tempdir()?;
//! let key = SigningKey::generate("bot-audit")?.0;
//! let public = key.public_key();
//! let log = AuditLog::open(dir.path().join("audit.log"), Options::new(key))?;
//!
//! let api_secret = secrecy::SecretString::from("hunter2");
//! log.append(
//!     Event::new(EventType::OrderSent)
//!         .actor("strategy-1")
//!         .detail("symbol", "BTCUSDT")
//!         .secret("api_secret", &api_secret), // written as "[REDACTED]"
//! )?;
//! // Critical events are synced before append returns.
//! log.append(Event::new(EventType::KillSwitchTriggered).severity(Severity::Critical))?;
//! let checkpoint = log.close()?; // signed; export it off the host as an anchor
//!
//! let report = verify_log(
//!     &dir.path().join("audit.log"),
//!     &VerifyOptions { public_key: Some(public), anchor: Some(checkpoint), ..Default::default() },
//! )?;
//! assert!(report.is_authenticated(), "{report}");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # How
//!
//! - **Records**: canonical JSON Lines ([`Record`]): sequence number, UTC
//!   time (RFC 3339, ms), monotonic time, event type, severity, actor,
//!   source (host, pid), details, and `prev`, the hash of the record before.
//!   A record's hash is SHA-256 over `0x00 || line`, the RFC 6962 leaf hash,
//!   so the chain and the Merkle tree share it.
//! - **Redaction**: fields marked secret ([`Event::secret`], or named like a
//!   secret per the [`Redactor`]) are replaced before the event is queued.
//! - **Checkpoints**: every N records, every T seconds, on rotation and on
//!   close, a CHECKPOINT record holds a [`Checkpoint`] in C2SP
//!   tlog-checkpoint form, signed with Ed25519 (ring), over the record count,
//!   the Merkle root and the chain head. Exported checkpoints are anchors.
//! - **Durability**: [`FlushPolicy`] none, batch (group commit) or every
//!   record; critical events sync before `append` returns; a bounded queue
//!   pushes back; write failures follow [`OnWriteFailure`].
//! - **Rotation**: by size and age; a SEGMENT_START record commits to the
//!   previous file's last record and is bound to its last signed checkpoint
//!   (the compact range it carries must hash to the signed root);
//!   [`Retention`] archives rotated files and deletes one (by count, age or
//!   total size) only when an exported checkpoint covers it and its archived
//!   copy was read back identical; archive and live log verify as one chain.
//! - **Evidence bundles**: [`bundle`] gathers latch, risk state, audit
//!   segments, config and venue snapshot into one archive signed by an
//!   operator key.
//! - **Consistency proofs**: each checkpoint carries the RFC 6962
//!   consistency proof from the one before, in its record and in the proof
//!   file ([`proofs_path`]), so an anchor older than the files kept still
//!   verifies, through signed checkpoints and proofs only.
//! - **Recovery**: after a crash, opening cuts a torn last line and writes a
//!   LOG_RECOVERED record about it.
//! - **Verifier**: [`verify_files`] names the first bad record and what is
//!   wrong ([`FindingKind`]).
//!
//! # What it can and cannot see
//!
//! - A changed record is seen at the next record, whose `prev` no longer
//!   matches; the finding names the changed one. When the next record is
//!   itself gone or moved, the finding names that one instead.
//! - A history rewritten and re-chained from some record on (possible
//!   without the key) is caught by the next signed checkpoint, which names
//!   the range since the last good checkpoint.
//! - Records after the last checkpoint or anchor are covered only by the
//!   chain: a cut tail there, or a change to the very last record, is
//!   invisible without a later anchor. Export checkpoints off the host.
//! - Checkpoints signed with another key fail as `bad-signature`, and the
//!   writer refuses to continue a file with them: the log does not support
//!   key rotation.
//! - [`Report::is_authenticated`] holds only when every signature was
//!   checked against a key the caller trusts and a checkpoint covers the
//!   files from their first record; [`Report::is_intact`] alone says nothing
//!   about who wrote them.
//! - The key beside the log (the CLI default) protects against accidents,
//!   not against someone who can read that directory: with the signing key
//!   readable by the bot's user, only an anchor kept off the host, or a key
//!   that user cannot read (a vault entry via [`SigningKey::from_pkcs8`]),
//!   stops someone who can write the log.
//! - The verifier's default fast path reads sequence, event and `prev`
//!   without a full JSON parse; [`VerifyOptions::strict`] parses every record.
//! - Under [`OnWriteFailure::Block`], a failed fsync is retried; on Linux a
//!   failed fsync may already have dropped the dirty pages, so prefer
//!   `Error` or `Halt` where that matters.
//!
//! # Features
//!
//! - `tracing`: `AuditLayer`, a `tracing_subscriber::Layer` that records
//!   events of a chosen target.

mod binding;
pub mod bundle;
mod checkpoint;
pub mod danger;
mod details;
mod digest;
mod error;
mod event;
mod key;
#[cfg(feature = "tracing")]
mod layer;
mod merkle;
pub mod metrics;
mod options;
mod proofs;
mod record;
mod redact;
mod retention;
mod segment;
mod sink;
mod state;
mod time;
mod verify;
mod writer;

/// This crate's version, as an evidence bundle records it.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

pub use checkpoint::{Checkpoint, NoteSignature};
pub use details::{Detail, DetailValue};
pub use digest::{Digest, record_hash};
pub use error::{Error, Result};
pub use event::{Event, EventType, REDACTED, Severity};
pub use key::{PublicKey, SigningKey, public_path};
#[cfg(feature = "tracing")]
pub use layer::AuditLayer;
pub use merkle::MerkleState;
pub use options::{FlushPolicy, OnWriteFailure, Options, Rotation};
pub use proofs::proofs_path;
pub use record::Record;
pub use redact::Redactor;
pub use retention::{Retention, RetentionOutcome, archived_segments, log_files_with_archive};
pub use segment::{exported_path, last_exported, list_segments, log_files, segment_path};
pub use supreme_core::{Clock, FakeClock, SystemClock};
pub use time::{format_utc_ms, parse_rfc3339_ms};
pub use verify::{
    Finding, FindingKind, Report, VerifyOptions, missing_active, verify_files, verify_log,
};
pub use writer::{Appended, AuditLog, Recovery};
