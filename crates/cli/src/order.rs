//! `supreme order ...`
use std::process::ExitCode;

/// Order subcommands.
#[derive(Debug, clap::Subcommand)]
pub(crate) enum OrderCommand {}

pub(crate) fn run(cmd: OrderCommand) -> ExitCode {
    match cmd {}
}
