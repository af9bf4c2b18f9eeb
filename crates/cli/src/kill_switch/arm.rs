//! Arming and re-arming: `init`, `reset` and `sign-reset`, and reading
//! their tokens (from files in preference to argv).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use supreme_core::event::{Event, FnSink, Sink, SinkError};
use supreme_kill_switch::latch::{self, Standing};
use supreme_kill_switch::{
    Clock, Error, KillSwitch, OperatorKey, ResetPolicy, ResetRequest, SignReset, SystemClock,
    Trigger,
};

use crate::exit::{self, OK, REFUSED};

/// A token file larger than this is refused.
const MAX_TOKEN_FILE: u64 = 4096;

/// The operators' signed tokens, one per `--operator`, in the same order.
#[derive(Debug, clap::Args)]
#[group(required = true, multiple = false)]
pub(crate) struct Tokens {
    /// A file holding one token (`-` reads it from standard input); repeat
    /// per operator. Prefer this to `--token`: argv is visible to every user
    /// of the host (`ps`), and a token works once, for whoever uses it first.
    #[arg(long, value_name = "FILE")]
    token_file: Vec<PathBuf>,
    /// The token itself (visible in `ps` and shell history: prefer
    /// `--token-file`).
    #[arg(long)]
    token: Vec<String>,
}

impl Tokens {
    pub(crate) fn read(&self) -> Result<Vec<String>, String> {
        if !self.token.is_empty() {
            return Ok(self.token.clone());
        }
        let mut stdin_used = false;
        self.token_file
            .iter()
            .map(|p| {
                let mut text = String::new();
                let read = if p.as_os_str() == "-" {
                    if std::mem::replace(&mut stdin_used, true) {
                        return Err("standard input (-) can hold only one token".to_owned());
                    }
                    std::io::stdin()
                        .take(MAX_TOKEN_FILE + 1)
                        .read_to_string(&mut text)
                } else {
                    std::fs::File::open(p)
                        .and_then(|f| f.take(MAX_TOKEN_FILE + 1).read_to_string(&mut text))
                };
                read.map_err(|e| format!("{}: {e}", p.display()))?;
                if text.len() as u64 > MAX_TOKEN_FILE {
                    return Err(format!(
                        "{}: larger than {MAX_TOKEN_FILE} bytes",
                        p.display()
                    ));
                }
                Ok(text.trim().to_owned())
            })
            .collect()
    }

    pub(crate) fn requests(&self, operators: Vec<String>) -> Result<Vec<ResetRequest>, String> {
        let tokens = self.read()?;
        if tokens.len() != operators.len() {
            return Err("give one token per --operator".to_owned());
        }
        Ok(operators
            .into_iter()
            .zip(tokens)
            .map(|(operator, token)| ResetRequest { operator, token })
            .collect())
    }
}

/// Reads a reset policy file.
pub(crate) fn load_policy(path: &Path) -> Result<ResetPolicy, String> {
    std::fs::read_to_string(path)
        .map_err(|e| format!("{}: {e}", path.display()))
        .and_then(|t| ResetPolicy::from_json(&t).map_err(|e| format!("{}: {e}", path.display())))
}

/// Prints the reset's record (the switch's core events) to stderr.
fn report(e: &Event) -> Result<(), SinkError> {
    let operator = e.actor();
    match (e.kind(), e.get("outcome")) {
        ("KILL_SWITCH_RESET", _) => eprintln!("reset by {operator}: accepted"),
        ("KILL_SWITCH_RESET_REFUSED", Some(r)) => eprintln!("reset by {operator}: refused: {r}"),
        _ => {}
    }
    Ok(())
}

fn refused(e: &Error) -> ExitCode {
    match e {
        Error::ResetRefused { .. } => {
            println!("refused: {e}");
            ExitCode::from(REFUSED)
        }
        _ => exit::input_error(e),
    }
}

/// The reset policy and the operators' signed requests: what `init` and
/// `reset` both need before they touch the latch.
fn policy_and_requests(
    policy: &Path,
    operators: Vec<String>,
    tokens: &Tokens,
) -> Result<(ResetPolicy, Vec<ResetRequest>), String> {
    Ok((load_policy(policy)?, tokens.requests(operators)?))
}

pub(super) fn init(
    path: &Path,
    policy: &Path,
    operators: Vec<String>,
    tokens: &Tokens,
) -> ExitCode {
    let (policy, requests) = match policy_and_requests(policy, operators, tokens) {
        Ok(v) => v,
        Err(e) => return exit::input_error(e),
    };
    let built = KillSwitch::builder()
        .latch(path)
        .reset_policy(policy)
        .events(Arc::new(FnSink::new(report)))
        .init(&requests);
    match built {
        Ok(_) => {
            println!("state: armed");
            ExitCode::from(OK)
        }
        Err(e) => refused(&e),
    }
}

/// With an audit log, the reset's own records (`KILL_SWITCH_RESET`,
/// `KILL_SWITCH_RESET_REFUSED`) go into it, and a refusal adds one
/// `AUTH_FAILURE`: the switch re-arms only once the log kept its record.
pub(super) fn reset(
    path: &Path,
    operators: Vec<String>,
    policy: &Path,
    tokens: &Tokens,
    audit: &crate::audit::AuditArgs,
) -> ExitCode {
    let (policy, requests) = match policy_and_requests(policy, operators.clone(), tokens) {
        Ok(v) => v,
        Err(e) => return exit::input_error(e),
    };
    let log = match audit.open() {
        Ok(log) => log,
        Err(e) => return exit::input_error(e),
    };
    let to_log = log.clone();
    let events = FnSink::new(move |e: &Event| {
        report(e)?;
        match &to_log {
            Some(log) if e.kind().starts_with("KILL_SWITCH_RESET") => log.record(e),
            _ => Ok(()),
        }
    });
    let switch = KillSwitch::builder()
        .latch(path)
        .reset_policy(policy)
        .events(Arc::new(events))
        .build();
    let outcome = switch.reset_quorum(&requests);
    drop(switch);
    let failure = outcome.as_ref().err().and_then(|e| {
        matches!(e, supreme_kill_switch::Error::ResetRefused { .. }).then(|| {
            crate::audit::auth_failure("kill_switch_reset", &operators, &e.to_string())
                .field("latch", path.display().to_string())
        })
    });
    if let Err(e) = crate::audit::record_and_close(log, failure.as_ref()) {
        eprintln!("error: audit log: {e}");
    }
    match outcome {
        Ok(()) => {
            println!("state: armed");
            ExitCode::from(OK)
        }
        Err(e) => refused(&e),
    }
}

/// What a token is signed for.
pub(super) enum Target {
    /// The trip in this latch, judged with this policy.
    Latch(PathBuf, Option<PathBuf>),
    /// A fresh `init-` id.
    Init,
    /// This id.
    Id(String),
}

pub(super) fn sign_reset(target: Target, operator: &str, key: &Path, ttl_secs: u64) -> ExitCode {
    let now = SystemClock.now_ms();
    let trip_id = match target {
        Target::Latch(path, policy) => {
            let policy = match policy.as_deref().map(load_policy).transpose() {
                Ok(p) => p.unwrap_or_else(|| ResetPolicy::new(Duration::ZERO)),
                Err(e) => return exit::input_error(e),
            };
            match latch::open_latch(&path, &policy, now) {
                Standing::Armed(_) => {
                    return exit::input_error(format!("{}: not tripped", path.display()));
                }
                Standing::Tripped { record, .. }
                    if record.trigger == Trigger::LatchMissing && !path.exists() =>
                {
                    return exit::input_error(format!(
                        "{}: no latch (a new switch: sign with --init)",
                        path.display()
                    ));
                }
                Standing::Tripped { record, .. } => Some(record.id),
            }
        }
        Target::Init => None,
        Target::Id(id) => Some(id),
    };
    let expires = now.saturating_add(
        Duration::from_secs(ttl_secs)
            .as_millis()
            .try_into()
            .unwrap_or(u64::MAX),
    );
    let signed = OperatorKey::from_pkcs8_file(key)
        .map_err(Error::from)
        .and_then(|k| match &trip_id {
            Some(id) => k.sign_reset(id, operator, expires),
            None => k.sign_init(operator, expires),
        });
    match signed {
        Ok(token) => {
            if trip_id.is_none()
                && let Ok(t) = supreme_kill_switch::ResetToken::parse(&token)
            {
                eprintln!(
                    "init id: {} (other operators: sign-reset --trip-id {0})",
                    t.subject()
                );
            }
            println!("{token}");
            ExitCode::from(OK)
        }
        Err(e) => exit::input_error(e),
    }
}
