//! [`AuditLog`] as a core [`Sink`]: every security event of the workspace
//! can be appended to the log, and a record the log cannot keep is refused.

use supreme_core::event::{Event as CoreEvent, Sink, SinkError};

use crate::{AuditLog, Event, EventType};

/// The audit event for a core event: its kind as the event type, its
/// severity and actor, its fields as details (through the log's redactor,
/// like every detail) and its time as `event_at_ms`.
pub(crate) fn to_audit(event: &CoreEvent) -> Result<Event, SinkError> {
    let kind =
        EventType::new(event.kind()).map_err(|e| SinkError::new("audit log", e.to_string()))?;
    let mut out = Event::new(kind)
        .severity(event.severity())
        .actor(event.actor())
        .detail("event_at_ms", event.at_ms());
    for (name, value) in event.fields() {
        out = out.detail(name, value.as_str());
    }
    Ok(out)
}

/// Appends each event as a record ([`AuditLog::append`]: blocks while the
/// queue is full; returns after the sync when the event's type or severity
/// requires one, as a CRITICAL event does by default). Refused when the kind
/// is not an `UPPER_SNAKE_CASE` name or is one only the log writes
/// (`CHECKPOINT`, ...), or when the log has failed: the caller fails closed.
///
/// ```
/// use std::sync::Arc;
/// use supreme_audit::{AuditLog, Options, SigningKey};
/// use supreme_core::event::{Event, Severity, Sink};
///
/// let dir = std::env::temp_dir().join(format!("audit-sink-doc-{}", std::process::id()));
/// # let _ = std::fs::remove_dir_all(&dir);
/// std::fs::create_dir_all(&dir).unwrap();
/// let (key, _pkcs8) = SigningKey::generate("bot")?;
/// let log = AuditLog::open(dir.join("audit.log"), Options::new(key))?;
/// let sink: Arc<dyn Sink> = Arc::new(log);
/// let trip = Event::new("KILL_SWITCH_TRIGGERED", Severity::Critical, "kill-switch", 1)
///     .field("reason", "daily loss");
/// sink.record(&trip)?;
/// assert!(sink.record(&Event::new("CHECKPOINT", Severity::Info, "me", 1)).is_err());
/// # drop(sink);
/// # std::fs::remove_dir_all(&dir).unwrap();
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
impl Sink for AuditLog {
    fn record(&self, event: &CoreEvent) -> Result<(), SinkError> {
        self.append(to_audit(event)?)
            .map(|_| ())
            .map_err(|e| SinkError::new("audit log", e.to_string()))
    }
}
