//! `supreme risk state FILE`: read a risk-limits state file (breaches,
//! trading states, high-water marks) the way a restarting bot would;
//! `supreme risk clear` / `sign-clear`: clear a latched breach with
//! operators' signed tokens (see `risk/clear.rs`).
//!
//! Exit 0 when every scope is active with nothing latched, 1 when any scope
//! is halted, reduce-only, latched or cooling down (one line per scope, or
//! the state as JSON with `--json`), 2 when the file is missing, corrupt or
//! not authentic under the state key (`--key-file`, read as a private file).

use std::path::PathBuf;
use std::process::ExitCode;

use supreme_risk_limits::{
    Clock, PersistedState, ScopeRecord, StateFile, StateKey, SystemClock, TradingState,
};

use crate::exit;

mod clear;

/// Risk-limits subcommands.
#[derive(Debug, clap::Subcommand)]
pub(crate) enum RiskCommand {
    /// Show a state file: exit 0 all clear, 1 something latched or halted, 2 missing or corrupt.
    State {
        /// The state file a RiskBook persists to.
        file: PathBuf,
        /// The state key file (0600, ours) the state is tagged under.
        #[arg(long, value_name = "FILE")]
        key_file: PathBuf,
        /// Print the state as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Clear the breach latched at a scope with operators' signed tokens
    /// (exit 0 cleared, 1 refused, 2 input error). Stop the bot first.
    Clear(clear::ClearArgs),
    /// Sign a token clearing the breach latched at a scope (run by the operator).
    SignClear(clear::SignClearArgs),
}

pub(crate) fn run(cmd: RiskCommand) -> ExitCode {
    match cmd {
        RiskCommand::State {
            file,
            json,
            key_file,
        } => state(file, &key_file, json),
        RiskCommand::Clear(args) => clear::clear(&args),
        RiskCommand::SignClear(args) => clear::sign_clear(&args),
    }
}

fn state(file: PathBuf, key_file: &std::path::Path, json: bool) -> ExitCode {
    let key = match StateKey::load(key_file) {
        Ok(k) => k,
        Err(e) => return exit::input_error(e),
    };
    let state = match StateFile::new(&file, key).load() {
        Ok(s) => s,
        Err(e) => return exit::input_error(e),
    };
    let now = SystemClock.now_ms();
    let clear = state.scopes.iter().all(|r| is_clear(r, now));
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&state).unwrap_or_default()
        );
    } else {
        print_text(&file, &state, now);
    }
    ExitCode::from(if clear { exit::OK } else { exit::REFUSED })
}

fn is_clear(r: &ScopeRecord, now: u64) -> bool {
    r.latch.is_none() && r.operator_state == TradingState::Active && r.cooldown_until_ms <= now
}

fn print_text(file: &std::path::Path, state: &PersistedState, now: u64) {
    println!(
        "{}: saved at {} ms, trading day {}, {} scopes",
        file.display(),
        state.saved_at_ms,
        state.day,
        state.scopes.len()
    );
    for r in &state.scopes {
        let mut line = format!(
            "{:<28} {:<11} hwm {} day start {}",
            r.scope.to_string(),
            format!("{:?}", r.operator_state).to_lowercase(),
            r.high_water_mark,
            r.day_start
        );
        if let Some(l) = r.latch {
            line += &format!(" | LATCHED {} at {} ms: {}", l.kind, l.at_ms, l.observed);
        }
        if r.cooldown_until_ms > now {
            line += &format!(" | cooling down until {} ms", r.cooldown_until_ms);
        }
        println!("{line}");
    }
}
