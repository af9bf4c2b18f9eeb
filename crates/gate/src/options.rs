//! [`GateOptions`]: how old an approval may be at send, where the
//! live-order journal is, where events go.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use supreme_core::event::Sink;
use supreme_core::{Clock, SystemClock};

/// How a [`Gate`](crate::Gate) is run, beyond its parts.
///
/// ```
/// use std::time::Duration;
/// let options = supreme_gate::GateOptions::default();
/// assert_eq!(options.max_approval_age, Duration::from_secs(5));
/// assert!(options.journal.is_none() && options.events.is_none());
/// ```
#[derive(Clone)]
pub struct GateOptions {
    /// An approval older than this at send is refused (its reference price
    /// is stale): 5 s by default.
    pub max_approval_age: Duration,
    /// The live-order journal: each order is written down here before it
    /// is sent, and its end after. A gate with a journal rejects orders
    /// until it is reconciled ([`Gate::mark_reconciled`](crate::Gate::mark_reconciled)).
    pub journal: Option<PathBuf>,
    /// Where decisions and order events go (the audit log). Without one,
    /// the bot drains [`Gate::decisions`](crate::Gate::decisions) itself.
    pub events: Option<Arc<dyn Sink>>,
    /// The clock that dates order events and ages approvals at send (the
    /// one clock the bot hands every part).
    pub clock: Arc<dyn Clock>,
}

impl Default for GateOptions {
    fn default() -> Self {
        Self {
            max_approval_age: Duration::from_secs(5),
            journal: None,
            events: None,
            clock: Arc::new(SystemClock),
        }
    }
}

impl std::fmt::Debug for GateOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GateOptions")
            .field("max_approval_age", &self.max_approval_age)
            .field("journal", &self.journal)
            .field("events", &self.events.is_some())
            .finish()
    }
}
