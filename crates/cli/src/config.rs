//! `supreme config check FILE`: parse and validate a `supreme.toml`.
//!
//! Exit 0 valid, 2 invalid (every error with its line:column and fix) or
//! unreadable. The `SUPREME_*` overrides of the environment apply, as they
//! would for the bot.

use std::path::PathBuf;
use std::process::ExitCode;

use serde_json::json;
use supreme_guard::{Config, Location};

use crate::exit::{OK, USAGE};

/// Configuration subcommands.
#[derive(Debug, clap::Subcommand)]
pub(crate) enum ConfigCommand {
    /// Parse and validate a supreme.toml: exit 0 valid, 2 invalid (each error with line:column).
    Check {
        /// The file.
        file: PathBuf,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// Runs a `config` subcommand.
pub(crate) fn run(cmd: ConfigCommand) -> ExitCode {
    match cmd {
        ConfigCommand::Check { file, json } => check(&file, json),
    }
}

fn check(file: &std::path::Path, json: bool) -> ExitCode {
    match Config::load(file) {
        Ok(config) => {
            if json {
                println!(
                    "{}",
                    json!({
                        "valid": true,
                        "file": file.display().to_string(),
                        "base_url": config.exchange.base_url,
                        "danger": config.danger.is_some(),
                    })
                );
            } else {
                println!("valid: {}", file.display());
            }
            ExitCode::from(OK)
        }
        Err(errors) => {
            if json {
                let list: Vec<_> = errors
                    .iter()
                    .map(|e| {
                        let (line, column) = e.line_column().unzip();
                        let env = match e.location() {
                            Some(Location::Env { var }) => Some(*var),
                            _ => None,
                        };
                        json!({
                            "line": line,
                            "column": column,
                            "env": env,
                            "message": e.message(),
                            "fix": e.fix(),
                        })
                    })
                    .collect();
                println!(
                    "{}",
                    json!({"valid": false, "file": file.display().to_string(), "errors": list})
                );
            }
            for e in &errors {
                eprintln!("error: {e}");
            }
            ExitCode::from(USAGE)
        }
    }
}
