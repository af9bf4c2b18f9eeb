//! [`Sink`]: where events go, and may be refused; small adapters.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use super::Event;

/// Why a sink did not keep an event. The caller decides: an action that must
/// not go unrecorded is not taken.
///
/// ```
/// use supreme_core::event::SinkError;
/// let e = SinkError::new("audit log", "disk full");
/// assert_eq!(e.to_string(), "audit log refused the event: disk full");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SinkError {
    sink: String,
    reason: String,
}

impl SinkError {
    /// `sink` (which one) refused, for `reason`.
    pub fn new(sink: impl Into<String>, reason: impl Into<String>) -> Self {
        Self {
            sink: sink.into(),
            reason: reason.into(),
        }
    }

    /// Which sink refused.
    pub fn sink(&self) -> &str {
        &self.sink
    }

    /// Why.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

impl fmt::Display for SinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} refused the event: {}", self.sink, self.reason)
    }
}

impl std::error::Error for SinkError {}

/// Receives security events; `Err` when it could not keep one.
///
/// `record` runs on the caller's thread: keep it short (append to a log,
/// push to a bounded channel). A sink that cannot keep an event says so
/// rather than dropping it, so the caller can fail closed.
///
/// ```
/// use supreme_core::event::{Event, Severity, Sink, SinkError};
///
/// /// Refuses everything: a bot wired to it takes no recorded action.
/// struct Closed;
/// impl Sink for Closed {
///     fn record(&self, _: &Event) -> Result<(), SinkError> {
///         Err(SinkError::new("closed", "not accepting"))
///     }
/// }
/// let e = Event::new("CONFIG_CHANGED", Severity::Notice, "ops", 0);
/// assert!(Closed.record(&e).is_err());
/// ```
pub trait Sink: Send + Sync {
    /// Keeps `event`, or says why not.
    fn record(&self, event: &Event) -> Result<(), SinkError>;
}

impl<S: Sink + ?Sized> Sink for Arc<S> {
    fn record(&self, event: &Event) -> Result<(), SinkError> {
        (**self).record(event)
    }
}

impl<S: Sink + ?Sized> Sink for Box<S> {
    fn record(&self, event: &Event) -> Result<(), SinkError> {
        (**self).record(event)
    }
}

impl<S: Sink + ?Sized> Sink for &S {
    fn record(&self, event: &Event) -> Result<(), SinkError> {
        (**self).record(event)
    }
}

/// Collects every event in memory (tests, and checking what a part reports).
///
/// ```
/// use supreme_core::event::{Event, Severity, Sink, VecSink};
/// let sink = VecSink::new();
/// sink.record(&Event::new("ORDER_SENT", Severity::Info, "bot", 1))?;
/// assert_eq!(sink.take().len(), 1);
/// assert!(sink.events().is_empty());
/// # Ok::<(), supreme_core::event::SinkError>(())
/// ```
#[derive(Debug, Default)]
pub struct VecSink {
    events: Mutex<Vec<Event>>,
}

impl VecSink {
    /// An empty collector.
    pub fn new() -> Self {
        Self::default()
    }

    /// A copy of the events so far.
    pub fn events(&self) -> Vec<Event> {
        self.events
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The events so far, leaving none.
    pub fn take(&self) -> Vec<Event> {
        std::mem::take(&mut *self.events.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

impl Sink for VecSink {
    fn record(&self, event: &Event) -> Result<(), SinkError> {
        self.events
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(event.clone());
        Ok(())
    }
}

/// Sends each event to every sink, in order, even after one refuses (so the
/// audit log still gets it when a notifier fails), and refuses when any of
/// them refused (with the first refusal).
///
/// ```
/// use std::sync::Arc;
/// use supreme_core::event::{Event, FanOut, FnSink, Severity, Sink, SinkError, VecSink};
///
/// let kept = Arc::new(VecSink::new());
/// let broken = FnSink::new(|_: &Event| Err(SinkError::new("pager", "unreachable")));
/// let both = FanOut::new(vec![Arc::new(broken), kept.clone()]);
/// let err = both.record(&Event::new("RISK_BREACH", Severity::Critical, "risk", 1)).unwrap_err();
/// assert_eq!(err.sink(), "pager");
/// assert_eq!(kept.events().len(), 1, "the others still got it");
/// ```
#[derive(Clone, Default)]
pub struct FanOut {
    sinks: Vec<Arc<dyn Sink>>,
}

impl fmt::Debug for FanOut {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FanOut")
            .field("sinks", &self.sinks.len())
            .finish()
    }
}

impl FanOut {
    /// Every one of `sinks`.
    pub fn new(sinks: Vec<Arc<dyn Sink>>) -> Self {
        Self { sinks }
    }

    /// Adds a sink.
    #[must_use]
    pub fn with(mut self, sink: Arc<dyn Sink>) -> Self {
        self.sinks.push(sink);
        self
    }
}

impl Sink for FanOut {
    fn record(&self, event: &Event) -> Result<(), SinkError> {
        let mut first = None;
        for sink in &self.sinks {
            if let Err(e) = sink.record(event) {
                first.get_or_insert(e);
            }
        }
        first.map_or(Ok(()), Err)
    }
}

/// A closure as a sink.
///
/// ```
/// use supreme_core::event::{Event, FnSink, Severity, Sink};
/// let print = FnSink::new(|e: &Event| {
///     eprintln!("{e}");
///     Ok(())
/// });
/// print.record(&Event::new("CONFIG_CHANGED", Severity::Notice, "ops", 0))?;
/// # Ok::<(), supreme_core::event::SinkError>(())
/// ```
pub struct FnSink<F>(F);

impl<F> fmt::Debug for FnSink<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("FnSink")
    }
}

impl<F> FnSink<F>
where
    F: Fn(&Event) -> Result<(), SinkError> + Send + Sync,
{
    /// Wraps `f`.
    pub fn new(f: F) -> Self {
        Self(f)
    }
}

impl<F> Sink for FnSink<F>
where
    F: Fn(&Event) -> Result<(), SinkError> + Send + Sync,
{
    fn record(&self, event: &Event) -> Result<(), SinkError> {
        (self.0)(event)
    }
}
