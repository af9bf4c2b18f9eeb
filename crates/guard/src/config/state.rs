//! `[state]`: the files that carry the bot's state across restarts.

use std::path::PathBuf;

use serde::Deserialize;

use crate::Check;
use crate::located::Located;

/// `[state]`.
///
/// ```toml
/// [state]
/// risk_state = "risk.state"        # SUPREME_RISK_STATE overrides
/// journal = "orders.journal"       # the gate's order journal; SUPREME_ORDER_JOURNAL overrides
/// ```
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StateSection {
    /// The risk book's state file.
    pub risk_state: Located<PathBuf>,
    /// The gate's order journal.
    pub journal: Located<PathBuf>,
}

/// The state files, resolved and their directories checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct State {
    /// The risk book's state file.
    pub risk_state: PathBuf,
    /// The gate's order journal.
    pub journal: PathBuf,
}

impl StateSection {
    /// Resolves and checks both paths.
    pub fn to_state(&self, check: &mut Check<'_>) -> State {
        State {
            risk_state: check.path("risk state", &self.risk_state),
            journal: check.path("order journal", &self.journal),
        }
    }
}
