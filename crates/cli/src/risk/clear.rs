//! `supreme risk clear` and `supreme risk sign-clear`: a latched breach is
//! cleared only with operators' signed tokens, as the kill switch is reset.
//!
//! `clear` exits 0 when the breach was cleared, 1 when refused (a forged,
//! expired, spent or misdirected token, nothing latched), 2 on an input
//! error (missing or corrupt state, unreadable policy, bad scope).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use supreme_risk_limits::operator::{OperatorKey, Request, RiskClear, Token};
use supreme_risk_limits::{Clock, Error, Scope, StateFile, StateKey, SystemClock, breach_subject};

use crate::exit::{self, OK, REFUSED};
use crate::kill_switch::{Tokens, load_policy};

/// Arguments of `supreme risk clear`.
#[derive(Debug, clap::Args)]
pub(crate) struct ClearArgs {
    /// The state file (the bot stopped: a running book rewrites it).
    #[arg(long)]
    state: PathBuf,
    /// The state key file (0600, ours) the state is tagged under.
    #[arg(long, value_name = "FILE")]
    key_file: PathBuf,
    /// The scope whose breach to clear: `global`, `account:NAME`,
    /// `strategy:NAME` or `symbol:SYMBOL`.
    #[arg(long)]
    scope: String,
    /// The operator policy, the kill switch's reset policy file:
    /// `{"cooldown_secs": N, "operators": {"name": "<hex public key>"}}`.
    #[arg(long)]
    policy: PathBuf,
    /// The operator clearing (repeat for a quorum, in the order of the
    /// tokens; default: the operator each token names).
    #[arg(long)]
    operator: Vec<String>,
    #[command(flatten)]
    tokens: Tokens,
    #[command(flatten)]
    audit: crate::audit::AuditArgs,
}

/// Arguments of `supreme risk sign-clear`.
#[derive(Debug, clap::Args)]
pub(crate) struct SignClearArgs {
    /// The state file (to read the breach latched at the scope).
    #[arg(long)]
    state: PathBuf,
    /// The state key file (0600, ours) the state is tagged under.
    #[arg(long, value_name = "FILE")]
    key_file: PathBuf,
    /// The scope whose breach the token clears.
    #[arg(long)]
    scope: String,
    /// The operator signing.
    #[arg(long)]
    operator: String,
    /// The operator's private key (`supreme kill-switch keygen`).
    #[arg(long)]
    key: PathBuf,
    /// Validity in seconds.
    #[arg(long, default_value_t = 300)]
    ttl_secs: u64,
}

fn scope(text: &str) -> Result<Scope, String> {
    text.parse().map_err(|e: Error| format!("--scope: {e}"))
}

/// Why the requests could not be made.
enum NoRequests {
    /// A token is not a clear token: refused, as a bad token is.
    Refused(String),
    /// The token files could not be read, or do not match `--operator`.
    Input(String),
}

/// The requests: one per `--operator`, or, without, each in the name its
/// token gives.
fn requests(args: &ClearArgs) -> Result<Vec<Request>, NoRequests> {
    if !args.operator.is_empty() {
        return args
            .tokens
            .requests(args.operator.clone())
            .map_err(NoRequests::Input);
    }
    args.tokens
        .read()
        .map_err(NoRequests::Input)?
        .into_iter()
        .map(|token| match Token::<RiskClear>::parse(&token) {
            Ok(t) => Ok(Request {
                operator: t.operator().to_owned(),
                token,
            }),
            Err(e) => Err(NoRequests::Refused(format!("malformed token: {e}"))),
        })
        .collect()
}

/// With an audit log (`--audit-log`), a refusal is recorded as one
/// `AUTH_FAILURE` (action `risk_clear`, the scope and state file) and a
/// clearing as one `RISK_BREACH_CLEARED`; the log is opened before the
/// state is touched, so a log that cannot be opened clears nothing.
pub(crate) fn clear(args: &ClearArgs) -> ExitCode {
    let input = (|| Ok::<_, String>((scope(&args.scope)?, load_policy(&args.policy)?)))();
    let (scope, policy) = match input {
        Ok(v) => v,
        Err(e) => return exit::input_error(e),
    };
    let log = match args.audit.open() {
        Ok(log) => log,
        Err(e) => return exit::input_error(e),
    };
    let refusal = |reason: &str, operators: &[String]| {
        crate::audit::auth_failure("risk_clear", operators, reason)
            .field("scope", scope.to_string())
            .field("state", args.state.display().to_string())
    };
    let reqs = match requests(args) {
        Ok(r) => r,
        Err(NoRequests::Refused(reason)) => {
            let e = refusal(&reason, &args.operator);
            recorded(crate::audit::record_and_close(log, Some(&e)));
            println!("refused: clearing the breach at {scope} refused: {reason}");
            return ExitCode::from(REFUSED);
        }
        Err(NoRequests::Input(e)) => return exit::input_error(e),
    };
    let operators: Vec<String> = reqs.iter().map(|r| r.operator.clone()).collect();
    let key = match StateKey::load(&args.key_file) {
        Ok(k) => k,
        Err(e) => return exit::input_error(e),
    };
    let file = StateFile::new(&args.state, key);
    match file.clear_breach(scope, &policy, &reqs, SystemClock.now_ms()) {
        Ok(latch) => {
            let e = supreme_core::event::Event::new(
                "RISK_BREACH_CLEARED",
                supreme_core::event::Severity::Notice,
                operators.join(","),
                SystemClock.now_ms(),
            )
            .field("scope", scope.to_string())
            .field("limit", latch.kind.to_string())
            .field("breached_at_ms", latch.at_ms.to_string())
            .field("state", args.state.display().to_string());
            recorded(crate::audit::record_and_close(log, Some(&e)));
            println!(
                "cleared: {} at {scope} (breached at {} ms: {})",
                latch.kind, latch.at_ms, latch.observed
            );
            ExitCode::from(OK)
        }
        Err(e @ Error::ClearRefused { .. }) => {
            let event = refusal(&e.to_string(), &operators);
            recorded(crate::audit::record_and_close(log, Some(&event)));
            println!("refused: {e}");
            ExitCode::from(REFUSED)
        }
        Err(e) => exit::input_error(e),
    }
}

/// Says on stderr when the audit log did not keep the record.
fn recorded(kept: Result<(), String>) {
    if let Err(e) = kept {
        eprintln!("error: audit log: {e}");
    }
}

pub(crate) fn sign_clear(args: &SignClearArgs) -> ExitCode {
    let scope = match scope(&args.scope) {
        Ok(s) => s,
        Err(e) => return exit::input_error(e),
    };
    let key = match StateKey::load(&args.key_file) {
        Ok(k) => k,
        Err(e) => return exit::input_error(e),
    };
    let state = match StateFile::new(&args.state, key).load() {
        Ok(s) => s,
        Err(e) => return exit::input_error(e),
    };
    let Some(latch) = state.record(&scope).and_then(|r| r.latch) else {
        println!(
            "refused: no breach is latched at {scope} in {}",
            args.state.display()
        );
        return ExitCode::from(REFUSED);
    };
    let expires = SystemClock.now_ms().saturating_add(
        Duration::from_secs(args.ttl_secs)
            .as_millis()
            .try_into()
            .unwrap_or(u64::MAX),
    );
    match sign(
        &args.key,
        &breach_subject(&scope, &latch),
        &args.operator,
        expires,
    ) {
        Ok(token) => {
            println!("{token}");
            ExitCode::from(OK)
        }
        Err(e) => exit::input_error(e),
    }
}

fn sign(key: &Path, subject: &str, operator: &str, expires: u64) -> Result<String, String> {
    OperatorKey::from_pkcs8_file(key)
        .and_then(|k| k.sign::<RiskClear>(subject, operator, expires))
        .map_err(|e| e.to_string())
}
