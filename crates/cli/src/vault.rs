//! `supreme vault ...`: encrypted credentials, signing, sealed values, streams.
//!
//! The passphrase comes from `SUPREME_VAULT_PASSPHRASE`, or the file named
//! by `SUPREME_VAULT_PASSPHRASE_FILE` (0600, ours), or a no-echo prompt on
//! the terminal. Secrets and payloads come from standard input, never the
//! command line; one trailing newline on standard input is not data.
//! Exit 0 done; 1 refused (tampered, expired, wrong passphrase, unsafe
//! permissions, an older copy than one already seen); 2 usage or I/O error.
//! No message contains secret bytes.
//!
//! Every command remembers the highest generation it has seen of each vault
//! (see `session.rs`) and refuses an older copy unless `--accept-rollback`.

mod commands;
mod input;
mod rekey;
mod session;
mod streams;

pub(crate) use input::format_rfc3339;

use std::path::PathBuf;
use std::process::ExitCode;

use supreme_vault::Error;

use crate::exit;
use crate::number;

/// `supreme vault [--accept-rollback] COMMAND`.
#[derive(Debug, clap::Args)]
pub(crate) struct VaultArgs {
    /// Open a vault older than the newest generation this user has seen
    /// (an older copy restored on purpose); it becomes the newest remembered.
    #[arg(long, global = true)]
    accept_rollback: bool,
    #[command(subcommand)]
    command: VaultCommand,
}

/// Vault subcommands.
#[derive(Debug, clap::Subcommand)]
pub(crate) enum VaultCommand {
    /// Create a new, empty vault (0600, in a 0700 directory if created).
    Init {
        /// Where to create it.
        path: PathBuf,
    },
    /// Store a secret read from standard input.
    Put(PutArgs),
    /// List entries: names, kinds, key versions, expiry. Never secrets.
    List {
        /// The vault.
        path: PathBuf,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Sign standard input with an hmac (hex) or ed25519 (base64) entry.
    Sign {
        /// The vault.
        path: PathBuf,
        /// The entry.
        name: String,
    },
    /// Print a secret. Needs --reveal, so it is never done by accident.
    Get {
        /// The vault.
        path: PathBuf,
        /// The entry.
        name: String,
        /// Yes, print the secret on standard output.
        #[arg(long)]
        reveal: bool,
    },
    /// Remove an entry.
    Remove {
        /// The vault.
        path: PathBuf,
        /// The entry.
        name: String,
    },
    /// New data key (version + 1); every entry re-sealed under it; older versions kept, so values and streams sealed before still open (until `retire`).
    Rotate {
        /// The vault.
        path: PathBuf,
    },
    /// Re-seal under the newest key version: every entry (default), or an `sv1:` value from standard input (--value LABEL, printed re-sealed), or an encrypted stream (--stream).
    Reseal(rekey::ResealArgs),
    /// Drop every key version below N (never the newest); refused while an entry is sealed under one. What they sealed is refused afterwards.
    Retire {
        /// The vault.
        path: PathBuf,
        /// The oldest key version to keep.
        #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = |s: &str| number::whole::<u32>("key version", s))]
        below: u32,
    },
    /// Change the passphrase (new one from SUPREME_VAULT_NEW_PASSPHRASE or a prompt) and start a new data-key version: older versions stay readable, and an old copy of the file opens nothing sealed or stored afterwards.
    Passwd {
        /// The vault.
        path: PathBuf,
    },
    /// Check permissions, passphrase, whole-file MAC, every entry, the rollback memory and the KDF floor (exit 1 if below the calibrated default).
    Verify {
        /// The vault.
        path: PathBuf,
        /// Refuse a file older than this generation (rollback).
        #[arg(long, default_value_t = 0, allow_negative_numbers = true, value_parser = |s: &str| number::whole::<u64>("min generation", s))]
        min_generation: u64,
    },
    /// Seal standard input as an `sv1:` value for environment variable LABEL.
    Seal {
        /// The vault.
        path: PathBuf,
        /// The variable name the value is bound to (e.g. BINANCE_API_SECRET).
        label: String,
    },
    /// Open an `sv1:` value from standard input. Needs --reveal.
    Unseal {
        /// The vault.
        path: PathBuf,
        /// The variable name it was sealed for.
        label: String,
        /// Yes, print the secret on standard output.
        #[arg(long)]
        reveal: bool,
    },
    /// Encrypt a file or standard input in 64 KiB authenticated chunks.
    Encrypt(streams::StreamArgs),
    /// Decrypt what `encrypt` made; an output file appears only if all of it authenticates.
    Decrypt(streams::StreamArgs),
}

/// Arguments of `put`.
#[derive(Debug, clap::Args)]
pub(crate) struct PutArgs {
    /// The vault.
    pub(crate) path: PathBuf,
    /// Entry name: 1 to 128 of A-Z a-z 0-9 . _ -
    pub(crate) name: String,
    /// What the secret is.
    #[arg(long, default_value = "text", value_parser = ["hmac", "ed25519", "text"])]
    pub(crate) kind: String,
    /// The public API key id on the command line, where every user sees it
    /// (ps); prefer --key-id-file. One of the two is required for --kind hmac.
    #[arg(long, conflicts_with = "key_id_file")]
    pub(crate) key_id: Option<String>,
    /// Preferred: read the API key id from FILE (one line), or with `-` from
    /// the first line of standard input, before the secret.
    #[arg(long, value_name = "FILE|-")]
    pub(crate) key_id_file: Option<PathBuf>,
    /// Expiry, RFC 3339 (e.g. 2027-01-01T00:00:00Z); refused after it.
    #[arg(long)]
    pub(crate) expires: Option<String>,
    /// Replace an existing entry of that name.
    #[arg(long)]
    pub(crate) replace: bool,
    /// Also check the exchange's key format (binance: 64 letters and digits).
    #[arg(long, value_parser = ["binance"])]
    pub(crate) exchange: Option<String>,
}

/// Runs a vault subcommand.
pub(crate) fn run(args: VaultArgs) -> ExitCode {
    if let Err(e) = supreme_vault::harden_process() {
        eprintln!("warning: could not disable core dumps: {e}");
    }
    let result = session::Session::start(args.accept_rollback)
        .and_then(|s| commands::dispatch(&s, args.command));
    match result {
        Ok(()) => ExitCode::from(exit::OK),
        Err(Failure::Vault(e)) => fail(&e),
        Err(Failure::Usage(msg)) => exit::input_error(msg),
        Err(Failure::Reported) => ExitCode::from(exit::REFUSED),
    }
}

/// Why a command failed.
pub(crate) enum Failure {
    /// From the library: refusal (exit 1) or I/O (exit 2).
    Vault(Error),
    /// Bad arguments or input (exit 2).
    Usage(String),
    /// A refusal already explained on standard error (exit 1).
    Reported,
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Self::Vault(e)
    }
}

fn fail(e: &Error) -> ExitCode {
    if e.is_refusal() {
        eprintln!("refused: {e}");
        ExitCode::from(exit::REFUSED)
    } else {
        exit::input_error(e)
    }
}
