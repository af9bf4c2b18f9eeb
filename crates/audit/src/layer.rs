//! A `tracing_subscriber::Layer` that records the events of one target.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::{Map, Value};
use tracing::field::{Field, Visit};
use tracing::{Level, Subscriber};
use tracing_subscriber::layer::Context;

use crate::event::{Event, EventType, Severity};
use crate::writer::AuditLog;

/// Records every `tracing` event whose target is `target` (or starts with
/// `target::`). The field `event_type` names the kind (default
/// `TRACING_EVENT`), `actor` the actor, `message` and the other fields
/// become details (redacted as usual); the level maps to the severity.
///
/// ```no_run
/// # fn demo(log: std::sync::Arc<supreme_audit::AuditLog>) {
/// use tracing_subscriber::prelude::*;
/// tracing_subscriber::registry().with(supreme_audit::AuditLayer::new(log, "security")).init();
/// tracing::warn!(target: "security", event_type = "AUTH_FAILURE", user = "alice", "bad password");
/// # }
/// ```
#[derive(Debug)]
pub struct AuditLayer {
    log: Arc<AuditLog>,
    target: String,
    failures: AtomicU64,
}

impl AuditLayer {
    /// A layer appending to `log` the events of `target`.
    pub fn new(log: Arc<AuditLog>, target: impl Into<String>) -> Self {
        Self {
            log,
            target: target.into(),
            failures: AtomicU64::new(0),
        }
    }

    /// Events that could not be appended (the log had failed or closed).
    pub fn failures(&self) -> u64 {
        self.failures.load(Ordering::Relaxed)
    }

    fn wants(&self, target: &str) -> bool {
        target == self.target
            || target
                .strip_prefix(self.target.as_str())
                .is_some_and(|rest| rest.starts_with("::"))
    }
}

#[derive(Default)]
struct Fields(Map<String, Value>);

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0
            .insert(field.name().to_owned(), Value::from(format!("{value:?}")));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), Value::from(value));
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.0.insert(field.name().to_owned(), Value::from(value));
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.0.insert(field.name().to_owned(), Value::from(value));
    }
    fn record_bool(&mut self, field: &Field, value: bool) {
        self.0.insert(field.name().to_owned(), Value::from(value));
    }
}

fn severity(level: &Level) -> Severity {
    match *level {
        Level::ERROR => Severity::Error,
        Level::WARN => Severity::Warning,
        Level::INFO => Severity::Info,
        _ => Severity::Debug,
    }
}

impl<S: Subscriber> tracing_subscriber::Layer<S> for AuditLayer {
    fn on_event(&self, event: &tracing::Event<'_>, _ctx: Context<'_, S>) {
        let meta = event.metadata();
        if !self.wants(meta.target()) {
            return;
        }
        let mut fields = Fields::default();
        event.record(&mut fields);
        let mut details = fields.0;
        let kind = details
            .remove("event_type")
            .and_then(|v| v.as_str().and_then(|s| EventType::new(s).ok()))
            .filter(|k| !k.is_reserved())
            .unwrap_or_else(|| EventType::Other("TRACING_EVENT".into()));
        let mut ev = Event::new(kind).severity(severity(meta.level()));
        if let Some(Value::String(actor)) = details.remove("actor") {
            ev = ev.actor(actor);
        }
        ev = ev.details(Value::Object(details));
        if self.log.append(ev).is_err() {
            self.failures.fetch_add(1, Ordering::Relaxed);
        }
    }
}
