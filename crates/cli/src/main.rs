//! `supreme`: the command-line face of Supreme Security.
//!
//! Each domain lives in its own module (`order.rs`, ...) with a clap
//! subcommand enum and a `run` function returning the process exit code.
//! Exit codes are shared: 0 done or accepted, 1 refused or rejected,
//! 2 usage or input error (see `exit.rs`).

#![allow(clippy::print_stdout)]

// Every print in the CLI goes through `output` (a closed pipe ends quietly,
// diagnostics are escaped): these shadow std's macros in every module below.
macro_rules! println {
    () => { $crate::output::out(format_args!(""), true) };
    ($($arg:tt)*) => { $crate::output::out(format_args!($($arg)*), true) };
}
macro_rules! print {
    ($($arg:tt)*) => { $crate::output::out(format_args!($($arg)*), false) };
}
macro_rules! eprintln {
    () => { $crate::output::err(format_args!(""), true) };
    ($($arg:tt)*) => { $crate::output::err(format_args!($($arg)*), true) };
}
macro_rules! eprint {
    ($($arg:tt)*) => { $crate::output::err(format_args!($($arg)*), false) };
}

mod audit;
mod config;
mod escape;
mod exit;
mod incident;
mod kill_switch;
mod net;
mod number;
mod order;
mod output;
mod risk;
mod vault;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Supreme Security command-line tool.
#[derive(Debug, Parser)]
#[command(name = "supreme", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Tamper-evident audit log: verify, append, checkpoint, show.
    #[command(subcommand)]
    Audit(audit::AuditCommand),
    /// supreme.toml: check a configuration file.
    #[command(subcommand)]
    Config(config::ConfigCommand),
    /// Incident response: gather a signed evidence bundle, verify one.
    #[command(subcommand)]
    Incident(incident::IncidentCommand),
    /// Check or normalize an order against exchange rules.
    #[command(subcommand)]
    Order(order::OrderCommand),
    /// Risk limits: show a persisted risk state (breaches, halts, high-water marks), clear a breach with signed tokens.
    #[command(subcommand)]
    Risk(risk::RiskCommand),
    /// Operate the kill switch: init, status, trigger, reset, operator keys.
    #[command(subcommand)]
    KillSwitch(kill_switch::KillSwitchCommand),
    /// Network egress: check a URL against the egress policy.
    #[command(subcommand)]
    Net(net::NetCommand),
    /// Encrypted credentials: init, put, list, sign, get, rotate, passwd, verify, encrypt, decrypt.
    Vault(vault::VaultArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    output::finish(match cli.command {
        Command::Audit(cmd) => audit::run(cmd),
        Command::Config(cmd) => config::run(cmd),
        Command::Incident(cmd) => incident::run(cmd),
        Command::Order(cmd) => order::run(cmd),
        Command::Risk(cmd) => risk::run(cmd),
        Command::KillSwitch(cmd) => kill_switch::run(cmd),
        Command::Net(cmd) => net::run(cmd),
        Command::Vault(cmd) => vault::run(cmd),
    })
}
