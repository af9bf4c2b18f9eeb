//! `supreme kill-switch ...`: init, status, trigger, reset, operator keys.
//!
//! `status` exits 0 when armed and 1 when tripped (a missing or corrupt
//! latch, or an armed one without signatures the policy accepts, counts as
//! tripped); `init` and `reset` exit 0 when accepted and 1 when refused; 2
//! is a usage or input error everywhere.

mod arm;

pub(crate) use arm::{Tokens, load_policy};

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use supreme_kill_switch::latch::{self, Standing};
use supreme_kill_switch::{
    Clock, KillSwitch, OperatorKey, ResetPolicy, SystemClock, Trigger, TripRecord, TripRequest,
};

use crate::exit::{self, OK, REFUSED};

/// Kill-switch subcommands.
#[derive(Debug, clap::Subcommand)]
pub(crate) enum KillSwitchCommand {
    /// Arm a new switch: write its first armed latch, signed with tokens
    /// from `sign-reset --init` (one per `--operator`, the policy's quorum).
    Init {
        /// The latch file (must not exist).
        #[arg(long)]
        state: PathBuf,
        /// The reset policy (who may arm and reset).
        #[arg(long)]
        policy: PathBuf,
        /// The operator arming (repeat for a quorum, in the order of the tokens).
        #[arg(long, required = true)]
        operator: Vec<String>,
        #[command(flatten)]
        tokens: arm::Tokens,
    },
    /// Show the switch state from its latch file (exit 0 armed, 1 tripped).
    /// A missing latch reads as tripped.
    Status {
        /// The latch file.
        #[arg(long)]
        state: PathBuf,
        /// Check an armed latch's signatures against this reset policy
        /// (without it, only that they verify under the keys they name).
        #[arg(long)]
        policy: Option<PathBuf>,
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
    /// With a policy quorum of 2, pass `--operator`/`--token-file` twice.
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
        #[command(flatten)]
        tokens: arm::Tokens,
        #[command(flatten)]
        audit: crate::audit::AuditArgs,
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
    /// Sign a reset token for the trip in a latch file, or with `--init` for
    /// the first arming of a new switch (run by the operator).
    SignReset {
        /// The latch file (to read the trip id).
        #[arg(long, required_unless_present_any = ["init", "trip_id"], conflicts_with_all = ["init", "trip_id"])]
        state: Option<PathBuf>,
        /// Sign for `init` with a fresh `init-` id (printed on stderr; the
        /// other operators of a quorum sign it with `--trip-id`).
        #[arg(long)]
        init: bool,
        /// Sign for this trip (or `init-`) id.
        #[arg(long, conflicts_with = "init")]
        trip_id: Option<String>,
        /// The reset policy, to judge an armed latch as the switch does.
        #[arg(long, requires = "state")]
        policy: Option<PathBuf>,
        /// The operator signing.
        #[arg(long)]
        operator: String,
        /// The operator's private key.
        #[arg(long)]
        key: PathBuf,
        /// Validity in seconds.
        #[arg(long, default_value_t = 300, allow_negative_numbers = true, value_parser = |s: &str| crate::number::whole::<u64>("ttl secs", s))]
        ttl_secs: u64,
    },
}

pub(crate) fn run(cmd: KillSwitchCommand) -> ExitCode {
    match cmd {
        KillSwitchCommand::Init {
            state,
            policy,
            operator,
            tokens,
        } => arm::init(&state, &policy, operator, &tokens),
        KillSwitchCommand::Status { state, policy } => status(&state, policy.as_deref()),
        KillSwitchCommand::Trigger {
            state,
            reason,
            operator,
        } => trigger(&state, reason, operator),
        KillSwitchCommand::Reset {
            state,
            operator,
            policy,
            tokens,
            audit,
        } => arm::reset(&state, operator, &policy, &tokens, &audit),
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
            init,
            trip_id,
            policy,
            operator,
            key,
            ttl_secs,
        } => {
            let target = match (state, init, trip_id) {
                (Some(s), _, _) => arm::Target::Latch(s, policy),
                (None, true, _) => arm::Target::Init,
                (None, false, Some(id)) => arm::Target::Id(id),
                (None, false, None) => {
                    return exit::input_error("give --state, --init or --trip-id");
                }
            };
            arm::sign_reset(target, &operator, &key, ttl_secs)
        }
    }
}

fn status(path: &Path, policy: Option<&Path>) -> ExitCode {
    let policy = match policy.map(arm::load_policy).transpose() {
        Ok(p) => p,
        Err(e) => return exit::input_error(e),
    };
    let checked = policy.is_some();
    let policy = policy.unwrap_or_else(|| ResetPolicy::new(Duration::ZERO));
    match latch::open_latch(path, &policy, SystemClock.now_ms()) {
        Standing::Armed(armed) => {
            println!("state: armed");
            println!("armed by: {}", armed.operators().join(", "));
            println!("armed at: {} ({} ms)", utc(armed.at_ms), armed.at_ms);
            println!("armed after: {}", armed.trip_id);
            if !checked {
                println!(
                    "signatures: verified under the keys the latch names; pass --policy to check them against the reset policy"
                );
            }
            ExitCode::from(OK)
        }
        Standing::Tripped { state, record } => {
            match record.trigger {
                Trigger::LatchMissing => println!("state: tripped (no latch)"),
                Trigger::CorruptLatch if record.who == "latch" => {
                    println!("state: tripped (corrupt latch)");
                }
                _ => println!("state: {state}"),
            }
            print_record(&record);
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

fn keygen(out: &Path) -> ExitCode {
    match OperatorKey::generate().and_then(|k| k.write_pkcs8_file(out).map(|()| k)) {
        Ok(k) => {
            println!("{}", k.public_key());
            ExitCode::from(OK)
        }
        Err(e) => exit::input_error(e),
    }
}

/// `YYYY-MM-DDTHH:MM:SSZ` for milliseconds since the Unix epoch (RFC 3339
/// from the `time` crate, as the vault commands print expiries; `@SECONDS`
/// past year 9999).
pub(crate) fn utc(ms: u64) -> String {
    crate::vault::format_rfc3339(i64::try_from(ms / 1000).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests;
