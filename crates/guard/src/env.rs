//! The environment variables the guard reads, listed in one place.
//!
//! | variable | overrides / means |
//! |---|---|
//! | `SUPREME_VAULT_PATH` | `[vault] path` |
//! | `SUPREME_AUDIT_LOG` | `[audit] log` |
//! | `SUPREME_AUDIT_KEY` | `[audit] key` |
//! | `SUPREME_AUDIT_ANCHORS` | `[audit] anchors` |
//! | `SUPREME_KILL_SWITCH_LATCH` | `[kill_switch] latch` |
//! | `SUPREME_RISK_STATE` | `[state] risk_state` |
//! | `SUPREME_ORDER_JOURNAL` | `[state] journal` |
//! | `SUPREME_METRICS_ADDR` | `[metrics] listen` |
//! | `SUPREME_ALLOW_DANGER` | `1` accepts a `[danger]` section; anything else refuses it |
//! | `SUPREME_VAULT_PASSPHRASE_FILE` | a 0600 file of ours holding the vault passphrase |
//! | `CREDENTIALS_DIRECTORY` | set by systemd (`LoadCredential=`): the passphrase is `$CREDENTIALS_DIRECTORY/<[vault] credential>` |
//!
//! Overrides are applied after parsing and validated as the file's values
//! are; an error in one names the variable. A relative path from the
//! environment is taken as given (against the working directory); a
//! relative path in the file is resolved against the file's directory.

use std::collections::BTreeMap;
use std::ffi::OsString;

/// `[vault] path`.
pub const VAULT_PATH: &str = "SUPREME_VAULT_PATH";
/// `[audit] log`.
pub const AUDIT_LOG: &str = "SUPREME_AUDIT_LOG";
/// `[audit] key`.
pub const AUDIT_KEY: &str = "SUPREME_AUDIT_KEY";
/// `[audit] anchors`.
pub const AUDIT_ANCHORS: &str = "SUPREME_AUDIT_ANCHORS";
/// `[kill_switch] latch`.
pub const KILL_SWITCH_LATCH: &str = "SUPREME_KILL_SWITCH_LATCH";
/// `[state] risk_state`.
pub const RISK_STATE: &str = "SUPREME_RISK_STATE";
/// `[state] journal`.
pub const ORDER_JOURNAL: &str = "SUPREME_ORDER_JOURNAL";
/// `[metrics] listen`.
pub const METRICS_ADDR: &str = "SUPREME_METRICS_ADDR";
/// `1` accepts `[danger]`.
pub const ALLOW_DANGER: &str = "SUPREME_ALLOW_DANGER";
/// The vault passphrase file.
pub const VAULT_PASSPHRASE_FILE: &str = supreme_vault::PASSPHRASE_FILE_ENV;
/// systemd's credentials directory.
pub const CREDENTIALS_DIRECTORY: &str = "CREDENTIALS_DIRECTORY";

/// Every variable above.
pub const ALL: [&str; 11] = [
    VAULT_PATH,
    AUDIT_LOG,
    AUDIT_KEY,
    AUDIT_ANCHORS,
    KILL_SWITCH_LATCH,
    RISK_STATE,
    ORDER_JOURNAL,
    METRICS_ADDR,
    ALLOW_DANGER,
    VAULT_PASSPHRASE_FILE,
    CREDENTIALS_DIRECTORY,
];

/// A snapshot of the variables in [`ALL`] (tests build their own, so no
/// test has to change the process environment).
///
/// ```
/// use supreme_guard::Environment;
/// let env = Environment::empty().with("SUPREME_ALLOW_DANGER", "1");
/// assert!(env.allows_danger());
/// assert!(!Environment::empty().allows_danger());
/// ```
#[derive(Debug, Clone, Default)]
pub struct Environment(BTreeMap<&'static str, OsString>);

impl Environment {
    /// The process's values of the variables in [`ALL`].
    pub fn process() -> Self {
        Self(
            ALL.iter()
                .filter_map(|v| std::env::var_os(v).map(|x| (*v, x)))
                .collect(),
        )
    }

    /// No variables.
    pub fn empty() -> Self {
        Self::default()
    }

    /// With `var` set (ignored unless it is one of [`ALL`]).
    #[must_use]
    pub fn with(mut self, var: &str, value: impl Into<OsString>) -> Self {
        if let Some(v) = ALL.iter().find(|v| **v == var) {
            self.0.insert(v, value.into());
        }
        self
    }

    /// The value of `var`, if set (and not empty).
    pub fn get(&self, var: &str) -> Option<&OsString> {
        self.0.get(var).filter(|v| !v.is_empty())
    }

    /// `SUPREME_ALLOW_DANGER=1`.
    pub fn allows_danger(&self) -> bool {
        self.get(ALLOW_DANGER).is_some_and(|v| v == "1")
    }
}
