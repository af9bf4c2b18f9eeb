//! `supreme kill-switch ...`: status, trigger, reset, operator keys.
//!
//! `status` exits 0 when armed and 1 when tripped (a corrupt latch counts as
//! tripped); `reset` exits 0 when accepted and 1 when refused; 2 is a usage
//! or input error everywhere.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use supreme_kill_switch::latch::{self, LatchRead};
use supreme_kill_switch::{
    Clock, KillSwitch, OperatorKey, ResetPolicy, ResetRequest, SystemClock, TripRecord, TripRequest,
};

use crate::exit::{self, OK, REFUSED};

/// Kill-switch subcommands.
#[derive(Debug, clap::Subcommand)]
pub(crate) enum KillSwitchCommand {
    /// Show the switch state from its latch file (exit 0 armed, 1 tripped).
    Status {
        /// The latch file.
        #[arg(long)]
        state: PathBuf,
    },
    /// Trip the switch: write the latch (a running bot watching it, or the
    /// next one to start, stays halted).
    Trigger {
        /// The latch file.
        #[arg(long)]
        state: PathBuf,
        /// Why.
        #[arg(long)]
        reason: String,
        /// Who (default "cli").
        #[arg(long)]
        operator: Option<String>,
    },
    /// Reset to armed with an operator's signed token (exit 1 when refused).
    /// With a policy quorum of 2, pass `--operator`/`--token` twice.
    Reset {
        /// The latch file.
        #[arg(long)]
        state: PathBuf,
        /// The operator resetting (repeat for a quorum, in the order of the tokens).
        #[arg(long, required = true)]
        operator: Vec<String>,
        /// The reset policy: `{"cooldown_secs": N, "operators": {"name": "<hex public key>"}}`.
        #[arg(long)]
        policy: PathBuf,
        /// The token from `sign-reset` (one per `--operator`).
        #[arg(long, required = true)]
        token: Vec<String>,
    },
    /// Make an operator key (PKCS#8, mode 0600) and print its public key.
    Keygen {
        /// Where to write the private key (must not exist).
        #[arg(long)]
        out: PathBuf,
    },
    /// Print the public key of an operator key file (for the reset policy).
    PublicKey {
        /// The operator's private key.
        #[arg(long)]
        key: PathBuf,
    },
    /// Sign a reset token for the trip in a latch file (run by the operator).
    SignReset {
        /// The latch file (to read the trip id).
        #[arg(long)]
        state: PathBuf,
        /// The operator signing.
        #[arg(long)]
        operator: String,
        /// The operator's private key.
        #[arg(long)]
        key: PathBuf,
        /// Validity in seconds.
        #[arg(long, default_value_t = 300)]
        ttl_secs: u64,
    },
}

pub(crate) fn run(cmd: KillSwitchCommand) -> ExitCode {
    match cmd {
        KillSwitchCommand::Status { state } => status(&state),
        KillSwitchCommand::Trigger {
            state,
            reason,
            operator,
        } => trigger(&state, reason, operator),
        KillSwitchCommand::Reset {
            state,
            operator,
            policy,
            token,
        } => reset(&state, operator, &policy, token),
        KillSwitchCommand::Keygen { out } => keygen(&out),
        KillSwitchCommand::PublicKey { key } => match OperatorKey::from_pkcs8_file(&key) {
            Ok(k) => {
                println!("{}", k.public_key());
                ExitCode::from(OK)
            }
            Err(e) => exit::input_error(e),
        },
        KillSwitchCommand::SignReset {
            state,
            operator,
            key,
            ttl_secs,
        } => sign_reset(&state, &operator, &key, ttl_secs),
    }
}

fn status(path: &Path) -> ExitCode {
    match latch::read_latch(path) {
        LatchRead::Absent => {
            println!("state: armed");
            ExitCode::from(OK)
        }
        LatchRead::Present(c) => {
            println!("state: {}", c.state);
            print_record(&c.trip);
            ExitCode::from(REFUSED)
        }
        LatchRead::Corrupt { detail, digest } => {
            println!(
                "state: tripped (corrupt latch: {})",
                crate::escape::escape(&detail.to_string())
            );
            println!("latch sha256: {digest}");
            ExitCode::from(REFUSED)
        }
    }
}

/// Prints a trip record; its text came from a file anyone with the bot's
/// shell can write, so every field is escaped.
fn print_record(r: &TripRecord) {
    use crate::escape::escape;
    println!("trigger: {}", escape(&r.trigger.to_string()));
    println!("reason: {}", escape(&r.reason));
    println!("who: {}", escape(&r.who));
    println!("when: {} ({} ms)", utc(r.at_ms), r.at_ms);
    println!("trip id: {}", escape(&r.id.to_string()));
    for (k, v) in &r.values {
        println!(
            "value {}: {}",
            escape(&k.to_string()),
            escape(&v.to_string())
        );
    }
}

fn trigger(path: &Path, reason: String, operator: Option<String>) -> ExitCode {
    let switch = KillSwitch::builder().latch(path).build();
    let who = operator.unwrap_or_else(|| "cli".to_owned());
    match switch.trip(TripRequest::manual(reason, who)) {
        Ok(record) => {
            println!("state: tripped");
            print_record(&record);
            ExitCode::from(OK)
        }
        Err(e) => exit::input_error(e),
    }
}

fn reset(path: &Path, operators: Vec<String>, policy: &Path, tokens: Vec<String>) -> ExitCode {
    if operators.len() != tokens.len() {
        return exit::input_error("give one --token per --operator");
    }
    let policy = match std::fs::read_to_string(policy)
        .map_err(|e| format!("{}: {e}", policy.display()))
        .and_then(|t| ResetPolicy::from_json(&t).map_err(|e| e.to_string()))
    {
        Ok(p) => p,
        Err(e) => return exit::input_error(e),
    };
    let switch = KillSwitch::builder()
        .latch(path)
        .reset_policy(policy)
        .events(std::sync::Arc::new(|e: &supreme_kill_switch::Event| {
            if let supreme_kill_switch::Event::ResetAttempt {
                operator, outcome, ..
            } = e
            {
                match outcome {
                    Ok(()) => eprintln!("reset by {operator}: accepted"),
                    Err(r) => eprintln!("reset by {operator}: refused: {r}"),
                }
            }
        }))
        .build();
    let requests: Vec<ResetRequest> = operators
        .into_iter()
        .zip(tokens)
        .map(|(operator, token)| ResetRequest { operator, token })
        .collect();
    match switch.reset_quorum(&requests) {
        Ok(()) => {
            println!("state: armed");
            ExitCode::from(OK)
        }
        Err(e) => {
            println!("refused: {e}");
            ExitCode::from(REFUSED)
        }
    }
}

fn keygen(out: &Path) -> ExitCode {
    match OperatorKey::generate().and_then(|k| k.write_pkcs8_file(out).map(|()| k)) {
        Ok(k) => {
            println!("{}", k.public_key());
            ExitCode::from(OK)
        }
        Err(e) => exit::input_error(e),
    }
}

fn sign_reset(path: &Path, operator: &str, key: &Path, ttl_secs: u64) -> ExitCode {
    let trip_id = match latch::read_latch(path) {
        LatchRead::Absent => return exit::input_error(format!("{}: not tripped", path.display())),
        LatchRead::Present(c) => c.trip.id,
        // Same id the switch gives a corrupt latch on start.
        LatchRead::Corrupt { digest, .. } => {
            format!("corrupt-{}", digest.get(..32).unwrap_or(&digest))
        }
    };
    let expires = SystemClock.now_ms().saturating_add(
        Duration::from_secs(ttl_secs)
            .as_millis()
            .try_into()
            .unwrap_or(u64::MAX),
    );
    match OperatorKey::from_pkcs8_file(key).and_then(|k| k.sign_reset(&trip_id, operator, expires))
    {
        Ok(token) => {
            println!("{token}");
            ExitCode::from(OK)
        }
        Err(e) => exit::input_error(e),
    }
}

/// `YYYY-MM-DDTHH:MM:SSZ` for milliseconds since the Unix epoch.
fn utc(ms: u64) -> String {
    let secs = ms / 1000;
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Howard Hinnant's civil_from_days, for days >= 0.
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests;
