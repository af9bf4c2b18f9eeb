//! The audit log a guard reports to: its signing key loaded (or made, 0600,
//! on the first run), the file's durability, rotation and retention, and a
//! record it cannot keep trips the kill switch.

use std::sync::{Arc, Mutex, PoisonError};

use supreme_audit::{AuditLog, Checkpoint, OnWriteFailure, Options, PublicKey, SigningKey};
use supreme_kill_switch::{KillSwitch, Trigger};

use crate::Error;
use crate::config::Audit;

/// The slot the log's write-failure handler trips through (filled once the
/// switch exists: the switch reports to the log, so the log comes first).
pub(super) type TripSlot = Arc<Mutex<Option<KillSwitch>>>;

/// Opens the log of `[audit]`.
pub(super) fn open(config: &Audit) -> Result<(Arc<AuditLog>, PublicKey, TripSlot), Error> {
    let name = config
        .log
        .file_stem()
        .map_or_else(|| "supreme".into(), |s| s.to_string_lossy());
    let (key, _created) =
        SigningKey::load_or_create(&config.key, &name).map_err(|e| Error::start("audit key", e))?;
    let public = key.public_key();
    let slot: TripSlot = Arc::default();
    let trips = slot.clone();
    let options = config
        .apply(Options::new(key))
        .on_write_failure(OnWriteFailure::Halt(Arc::new(
            move |e: &supreme_audit::Error| {
                let switch = trips.lock().unwrap_or_else(PoisonError::into_inner).clone();
                if let Some(switch) = switch {
                    switch.tripper(Trigger::AuditFailure, "audit log write failed", "audit-log")(e);
                }
            },
        )));
    let log = AuditLog::open(&config.log, options).map_err(|e| Error::start("audit log", e))?;
    Ok((Arc::new(log), public, slot))
}

/// Writes `checkpoint` to `<anchors>/<log file name>.checkpoint`, in the
/// form `supreme audit verify --anchor` reads, atomically and 0600.
pub(super) fn write_anchor(config: &Audit, checkpoint: &Checkpoint) -> Result<(), Error> {
    let name = config
        .log
        .file_name()
        .map_or_else(|| "audit".into(), |s| s.to_string_lossy());
    let path = config.anchors.join(format!("{name}.checkpoint"));
    supreme_core::files::write_atomic(&path, checkpoint.to_text().as_bytes())
        .map_err(|e| Error::start("audit anchor", e))
}
