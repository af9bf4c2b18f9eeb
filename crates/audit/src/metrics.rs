//! What the audit log tells the `metrics` facade (target `supreme_audit`).
//!
//! | metric | kind | what |
//! |---|---|---|
//! | `supreme_audit_fsync_seconds` | histogram | each fsync of the active file |
//!
//! The queue depth and the checkpoint's age are read when metrics are
//! scraped, from [`AuditLog::queue_depth`](crate::AuditLog::queue_depth) and
//! [`AuditLog::last_checkpoint_ms`](crate::AuditLog::last_checkpoint_ms)
//! (the guard exports them as `supreme_audit_queue_depth` and
//! `supreme_audit_checkpoint_age_seconds`).

use std::time::Duration;

/// The fsync histogram's name.
pub const FSYNC_SECONDS: &str = "supreme_audit_fsync_seconds";

pub(crate) fn fsynced(took: Duration) {
    metrics::histogram!(FSYNC_SECONDS).record(took.as_secs_f64());
}
