//! The crate's error type.

use std::path::PathBuf;

use crate::reset::ResetRefusal;
use crate::state::State;

/// Everything that can go wrong in the kill switch.
///
/// Whatever the variant, a failure never re-opens the gate: the switch fails
/// closed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The latch file could not be written, read or removed. When this comes
    /// from `trip()`, the gate is closed anyway (in memory).
    #[error("latch {path}: {detail}")]
    Latch {
        /// The latch file.
        path: PathBuf,
        /// What failed (the OS error or the parse error).
        detail: String,
    },
    /// A reset was refused; the switch stays tripped.
    #[error("reset by {operator:?} refused: {refusal}")]
    ResetRefused {
        /// The operator named in the request.
        operator: String,
        /// Why it was refused.
        refusal: ResetRefusal,
    },
    /// A reset token or operator key could not be parsed.
    #[error("malformed {what}: {detail}")]
    Malformed {
        /// What was being parsed ("reset token", "operator key", ...).
        what: &'static str,
        /// Why it was rejected.
        detail: String,
    },
    /// The halting or flattening procedure gave up before the venue was
    /// verified clean. The switch stays in `state` with the gate closed.
    #[error(
        "halt not verified after {attempts} attempts ({open_orders} open orders, {open_positions} positions left): {last_error}"
    )]
    HaltIncomplete {
        /// The state the switch was left in.
        state: State,
        /// Attempts made in the failing phase.
        attempts: u32,
        /// Open orders still reported by the venue (or the last known count).
        open_orders: usize,
        /// Non-zero positions still reported by the venue.
        open_positions: usize,
        /// The last venue error, or "not clean" when the venue answered but
        /// still had orders or positions.
        last_error: String,
    },
    /// The procedure could not run because the switch was not in the state it
    /// needs (for example it was reset while a halt was starting).
    #[error("kill switch in state {actual}, expected {expected}")]
    WrongState {
        /// The state needed.
        expected: State,
        /// The state found.
        actual: State,
    },
    /// A child process could not be started, waited for or signalled.
    #[error("process {program:?}: {detail}")]
    Process {
        /// The program.
        program: String,
        /// What failed.
        detail: String,
    },
    /// A child was not started because it could not be confined as asked:
    /// resource limits with no `prlimit(1)` to apply them, or a descriptor
    /// of this process that stays inheritable. Never run unconfined instead.
    #[error("process {program:?} not started: {detail}")]
    Unconfined {
        /// The program.
        program: String,
        /// What could not be applied.
        detail: String,
    },
    /// A trigger or notifier could not be set up (signal handler, thread).
    #[error("{what}: {detail}")]
    Setup {
        /// What was being set up.
        what: &'static str,
        /// Why it failed.
        detail: String,
    },
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl From<supreme_core::operator::Error> for Error {
    fn from(e: supreme_core::operator::Error) -> Self {
        use supreme_core::operator::Error as E;
        match e {
            E::Malformed { what, detail } => Self::Malformed { what, detail },
            E::Setup { what, detail } => Self::Setup { what, detail },
            other => Self::Setup {
                what: "operator",
                detail: other.to_string(),
            },
        }
    }
}
