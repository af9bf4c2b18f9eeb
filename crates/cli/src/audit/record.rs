//! `--audit-log PATH [--audit-key FILE]` on the commands that reset or
//! clear: the outcome goes into that audit log, a refusal as one
//! `AUTH_FAILURE` record (`action`, `operators`, `reason`, and what was
//! refused: `latch` or `state` and `scope`). Never a token.

use std::path::PathBuf;
use std::sync::Arc;

use supreme_audit::AuditLog;
use supreme_core::Clock;
use supreme_core::event::{Event, Severity, Sink};

/// The audit log a command records into, when one is given.
#[derive(Debug, clap::Args)]
pub(crate) struct AuditArgs {
    /// Record the outcome into this audit log (its active file; read it with
    /// `supreme audit show`): a refusal as AUTH_FAILURE, and the command's
    /// own events. The command acts only once the log kept its record.
    #[arg(long, value_name = "PATH")]
    audit_log: Option<PathBuf>,
    /// The audit log's signing key file (default `<audit-log>.key`, created
    /// mode 0600 if missing), as `supreme audit append --key`.
    #[arg(long, value_name = "FILE", requires = "audit_log")]
    audit_key: Option<PathBuf>,
}

impl AuditArgs {
    /// Opens the log, if one was given.
    pub(crate) fn open(&self) -> Result<Option<Arc<AuditLog>>, String> {
        let Some(path) = &self.audit_log else {
            return Ok(None);
        };
        let key = super::load_key(path, self.audit_key.clone())?;
        AuditLog::open(path, super::options(path, key))
            .map(|log| Some(Arc::new(log)))
            .map_err(|e| format!("{}: {e}", path.display()))
    }
}

/// An `AUTH_FAILURE` by the CLI: `action` refused for `operators`, because
/// of `reason` (a refusal's text, which never quotes a token).
pub(crate) fn auth_failure(action: &'static str, operators: &[String], reason: &str) -> Event {
    let now = supreme_core::SystemClock.now_ms();
    Event::new("AUTH_FAILURE", Severity::Warning, "supreme-cli", now)
        .field("action", action)
        .field("operators", operators.join(","))
        .field("reason", reason)
}

/// Records `event` into `log` (if any) and closes it (a signed checkpoint
/// over what it holds). `Err` says what could not be kept.
pub(crate) fn record_and_close(
    log: Option<Arc<AuditLog>>,
    event: Option<&Event>,
) -> Result<(), String> {
    let Some(log) = log else { return Ok(()) };
    let kept = event.map_or(Ok(()), |e| log.record(e).map_err(|e| e.to_string()));
    close(log).and(kept)
}

/// Closes the log once the last handle is ours (the switch's sink shares it).
fn close(log: Arc<AuditLog>) -> Result<(), String> {
    match Arc::try_unwrap(log) {
        Ok(log) => log.close().map(|_| ()).map_err(|e| e.to_string()),
        // Still shared: dropping it closes it when the last handle goes.
        Err(_) => Ok(()),
    }
}
