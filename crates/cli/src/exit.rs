//! Exit codes shared by every subcommand.

use std::process::ExitCode;

/// Done, or the order was accepted.
pub(crate) const OK: u8 = 0;
/// Refused: rejected order, tampered file, wrong passphrase, tripped switch.
pub(crate) const REFUSED: u8 = 1;
/// Usage or input error (unreadable or malformed input, bad arguments).
pub(crate) const USAGE: u8 = 2;

/// Prints `error: {msg}` on standard error (escaped, as every `eprintln!`
/// line is: see `output.rs`) and returns [`USAGE`].
pub(crate) fn input_error(msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {msg}");
    ExitCode::from(USAGE)
}
