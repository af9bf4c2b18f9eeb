//! The gate's one error type.

use supreme_core::event::SinkError;

use crate::JournalError;

/// What went wrong outside a decision (a [`Rejection`](crate::Rejection) is
/// a decision, not an error).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The live-order journal cannot be read or written.
    #[error(transparent)]
    Journal(#[from] JournalError),
    /// The event sink (the audit log) refused a record.
    #[error("the audit sink refused a record: {0}")]
    Sink(#[from] SinkError),
    /// Orders of the last run are still unresolved: the gate stays closed.
    #[error("{pending} orders of the last run are still unresolved")]
    StillPending {
        /// How many.
        pending: usize,
    },
    /// No live order has this client order id.
    #[error("no live order {0}")]
    UnknownOrder(String),
}
