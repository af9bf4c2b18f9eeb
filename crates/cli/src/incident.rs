//! `supreme incident ...`: evidence bundles.
//!
//! `bundle` gathers the kill-switch latch, the risk state, the audit log
//! since its last exported anchor, the configuration and a venue snapshot
//! into one archive whose manifest (SHA-256 of every file) is signed with
//! an operator key (see `supreme_audit::bundle`). `verify` checks one
//! against a public key the verifier brings: exit 0 intact, 1 tampered (a
//! file changed, added or removed, a bad signature or manifest, any byte
//! out of form, a cut archive), 2 unreadable (no such file, no permission,
//! a bad key argument).
//!
//! Which files are gathered is decided in one place, [`Inputs`], so a
//! `--config FILE` lookup can fill the same fields later.

mod bundle;

use std::path::PathBuf;
use std::process::ExitCode;

/// Incident subcommands.
#[derive(Debug, clap::Subcommand)]
pub(crate) enum IncidentCommand {
    /// Gather the evidence of an incident into one signed archive.
    Bundle {
        /// Where to write the bundle (must not exist).
        #[arg(long)]
        out: PathBuf,
        /// The operator's private key (PKCS#8 from `supreme kill-switch
        /// keygen`, mode 0600 in a private directory; read through the
        /// private-file policy).
        #[arg(long)]
        key: PathBuf,
        /// Why the bundle is made (recorded in its manifest).
        #[arg(long, default_value = "on demand")]
        reason: String,
        #[command(flatten)]
        inputs: Inputs,
        /// Print the manifest as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Check a bundle against a public key you trust. Exit 0 intact, 1
    /// tampered, 2 unreadable.
    Verify {
        /// The bundle.
        bundle: PathBuf,
        /// The operator's public key: a file holding its 64 hex digits (as
        /// `supreme kill-switch keygen` prints it), or the digits. Never
        /// taken from the bundle.
        #[arg(long)]
        public_key: String,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
}

/// What a bundle gathers. Every input is optional; one asked for and not
/// found is listed in the manifest as missing (a missing latch is evidence).
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct Inputs {
    /// The kill-switch latch file.
    #[arg(long)]
    pub(crate) latch: Option<PathBuf>,
    /// The risk state file (its key file is never gathered).
    #[arg(long)]
    pub(crate) risk_state: Option<PathBuf>,
    /// The audit log's active file: its segments since the last exported
    /// anchor, that anchor, the proofs and the public key come along (the
    /// signing key never does).
    #[arg(long)]
    pub(crate) audit_log: Option<PathBuf>,
    /// The supreme.toml; gathered only if it validates (it then holds
    /// secrets only as references).
    #[arg(long)]
    pub(crate) config_file: Option<PathBuf>,
    /// A venue snapshot (open orders, balances, recent fills) as JSON.
    #[arg(long)]
    pub(crate) venue_snapshot: Option<PathBuf>,
}

/// Runs an `incident` subcommand.
pub(crate) fn run(cmd: IncidentCommand) -> ExitCode {
    match cmd {
        IncidentCommand::Bundle {
            out,
            key,
            reason,
            inputs,
            json,
        } => bundle::make(&out, &key, reason, &inputs, json),
        IncidentCommand::Verify {
            bundle,
            public_key,
            json,
        } => bundle::verify(&bundle, &public_key, json),
    }
}
