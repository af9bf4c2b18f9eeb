//! `supreme`: the command-line face of Supreme Security.
//!
//! Each domain lives in its own module (`order.rs`, ...) with a clap
//! subcommand enum and a `run` function returning the process exit code.
//! Exit codes are shared: 0 done or accepted, 1 refused or rejected,
//! 2 usage or input error (see `exit.rs`).

#![allow(clippy::print_stdout)]

mod audit;
mod exit;
mod kill_switch;
mod net;
mod number;
mod order;
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
    /// Check or normalize an order against exchange rules.
    #[command(subcommand)]
    Order(order::OrderCommand),
    /// Risk limits: show a persisted risk state (breaches, halts, high-water marks).
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
    match cli.command {
        Command::Audit(cmd) => audit::run(cmd),
        Command::Order(cmd) => order::run(cmd),
        Command::Risk(cmd) => risk::run(cmd),
        Command::KillSwitch(cmd) => kill_switch::run(cmd),
        Command::Net(cmd) => net::run(cmd),
        Command::Vault(cmd) => vault::run(cmd),
    }
}
