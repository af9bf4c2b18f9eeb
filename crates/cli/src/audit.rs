//! `supreme audit ...`: verify, append, checkpoint, show, export.
//!
//! `verify` exits 0 when intact and authenticated, 1 when tampered (naming
//! the first bad record), 3 when intact but not authenticated, 2 on usage
//! or I/O errors. Without key options the commands use the key file beside
//! the log, `<log>.key` (mode 0600, created on first use, and said so), and
//! its public half `<log>.key.pub`, which `verify` trusts only when its
//! fingerprint is given (`--key-fingerprint`).

mod details_input;
mod export;
mod filter;
mod record;
mod show;

pub(crate) use record::{AuditArgs, auth_failure, record_and_close};

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use supreme_audit::{
    AuditLog, Checkpoint, Event, EventType, Options, PublicKey, Severity, SigningKey,
    VerifyOptions, log_files, missing_active, proofs_path, public_path, verify_files,
};

use crate::exit::{self, OK, REFUSED};

/// Audit-log subcommands.
#[derive(Debug, clap::Subcommand)]
pub(crate) enum AuditCommand {
    /// Check logs. Exit 0: intact and authenticated (every checkpoint
    /// signature checked against a key you trust, given as --public-key or
    /// --key-fingerprint, and a signed checkpoint covers the log from its
    /// first record). Exit 1: tampered (the first bad record and what is
    /// wrong; an anchor the files neither reach nor are proven to extend).
    /// Exit 3: intact but NOT authenticated (no trusted key, only the key
    /// beside the log, no covering checkpoint, an empty log, the active file
    /// missing, or with --strict an uncovered tail); the reasons are listed.
    /// Exit 2: usage or I/O error.
    Verify {
        /// Log files; a log's active file brings its rotated files along.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// An exported checkpoint the log must still contain (catches a cut tail).
        #[arg(long)]
        anchor: Option<PathBuf>,
        /// The retention archive directory: its segments no longer live come
        /// first, so archive and live log verify as one chain (one log path).
        #[arg(long, value_name = "DIR")]
        archive: Option<PathBuf>,
        /// Public key file (`<name>+<id>+<key>`), trusted; keep it where the
        /// log's writer cannot change it. Default: `<first path>.key.pub` if
        /// present, checked but trusted only with --key-fingerprint.
        #[arg(long)]
        public_key: Option<PathBuf>,
        /// SHA-256 fingerprint (64 hex digits) of a key you trust, as
        /// `supreme audit checkpoint` prints it; repeatable. The key used
        /// must match one.
        #[arg(long = "key-fingerprint", value_name = "HEX")]
        key_fingerprints: Vec<String>,
        /// Parse every record fully, require canonical form, and allow no
        /// record after the last checkpoint (no uncovered tail).
        #[arg(long)]
        strict: bool,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Append one event (synced before the command returns).
    Append {
        /// The log's active file.
        path: PathBuf,
        /// Event type, e.g. ORDER_SENT or any UPPER_SNAKE_CASE name.
        #[arg(long)]
        event_type: String,
        /// DEBUG, INFO, NOTICE, WARNING, ERROR or CRITICAL.
        #[arg(long, default_value = "INFO")]
        severity: String,
        /// Details as a JSON object on the command line, for values that are
        /// not secret (any user of the host can read a process's arguments):
        /// prefer --details-file. Secret-looking fields are redacted.
        #[arg(long, conflicts_with = "details_file")]
        details: Option<String>,
        /// Details as a JSON object read from this file, or `-` for standard
        /// input: the way to pass anything secret.
        #[arg(long, value_name = "PATH")]
        details_file: Option<PathBuf>,
        /// Who acted (default: $USER).
        #[arg(long)]
        actor: Option<String>,
        /// Signing key file (default `<path>.key`, created mode 0600 if missing).
        #[arg(long)]
        key: Option<PathBuf>,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Seal what is there: sign a checkpoint if records are uncovered, and
    /// print it in the form `verify --anchor` reads.
    Checkpoint {
        /// The log's active file.
        path: PathBuf,
        /// Signing key file (default `<path>.key`, created mode 0600 if missing).
        #[arg(long)]
        key: Option<PathBuf>,
        /// Also export it to this file (and allow retention of what it covers).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Show records as a table.
    Show {
        /// The log's active file (its rotated files are included) or one file.
        path: PathBuf,
        /// Only this event type.
        #[arg(long)]
        event_type: Option<String>,
        /// Only records at or after this RFC 3339 time (or date).
        #[arg(long)]
        since: Option<String>,
        /// Only records before this RFC 3339 time (or date).
        #[arg(long)]
        until: Option<String>,
        /// Print records as JSON Lines.
        #[arg(long)]
        json: bool,
    },
    /// Export records for reporting, with stable columns: seq, time,
    /// time_ms, event_type, severity, actor, host, pid, details,
    /// record_hash, prev. Exit 0 done, 1 when some lines are not records
    /// (named on stderr; the rest is exported), 2 on errors.
    Export {
        /// The log's active file (its rotated files are included) or one file.
        path: PathBuf,
        /// jsonl (one object per record) or csv (header row, RFC 4180).
        #[arg(long, value_enum)]
        format: export::Format,
        /// Only this event type.
        #[arg(long)]
        event_type: Option<String>,
        /// Only records at or after this RFC 3339 time (or date).
        #[arg(long)]
        since: Option<String>,
        /// Only records before this RFC 3339 time (or date).
        #[arg(long)]
        until: Option<String>,
        /// Write to this new file (mode 0600, atomically) instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

pub(crate) fn run(cmd: AuditCommand) -> ExitCode {
    match cmd {
        AuditCommand::Verify {
            paths,
            anchor,
            archive,
            public_key,
            key_fingerprints,
            strict,
            json,
        } => verify(
            &paths,
            anchor,
            archive.as_deref(),
            TrustedKey {
                file: public_key,
                fingerprints: key_fingerprints,
            },
            strict,
            json,
        ),
        AuditCommand::Append {
            path,
            event_type,
            severity,
            details,
            details_file,
            actor,
            key,
            json,
        } => match details_input::read(details, details_file.as_deref()) {
            Ok(details) => append(
                &path,
                &event_type,
                &severity,
                details.as_deref(),
                actor,
                key,
                json,
            ),
            Err(e) => exit::input_error(e),
        },
        AuditCommand::Checkpoint {
            path,
            key,
            out,
            json,
        } => checkpoint(&path, key, out, json),
        AuditCommand::Show {
            path,
            event_type,
            since,
            until,
            json,
        } => match filter::Filter::parse(event_type.as_deref(), since.as_deref(), until.as_deref())
        {
            Ok(f) => show::run(&path, &f, json),
            Err(e) => exit::input_error(e),
        },
        AuditCommand::Export {
            path,
            format,
            event_type,
            since,
            until,
            out,
        } => match filter::Filter::parse(event_type.as_deref(), since.as_deref(), until.as_deref())
        {
            Ok(f) => export::run(&path, &f, format, out.as_deref()),
            Err(e) => exit::input_error(e),
        },
    }
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// The files of each path: a log's rotated files plus itself, or the file.
pub(crate) fn expand(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    for p in paths {
        let files = log_files(p).map_err(|e| e.to_string())?;
        if files.is_empty() {
            return Err(format!("{}: no such log file", p.display()));
        }
        for f in files {
            if !out.contains(&f) {
                out.push(f);
            }
        }
    }
    Ok(out)
}

fn options(path: &Path, key: SigningKey) -> Options {
    let name = path.file_name().map_or_else(
        || "log".into(),
        |n| n.to_string_lossy().replace(char::is_whitespace, "_"),
    );
    Options::new(key).origin(format!("supreme-audit/{name}"))
}

fn load_key(path: &Path, key: Option<PathBuf>) -> Result<SigningKey, String> {
    let key_path = key.unwrap_or_else(|| with_suffix(path, ".key"));
    let (key, created) =
        SigningKey::load_or_create(&key_path, "supreme-audit").map_err(|e| e.to_string())?;
    if created {
        eprintln!(
            "created signing key {} (mode 0600); public key in {}, fingerprint {} (keep it off this host: `verify --key-fingerprint`)",
            key_path.display(),
            public_path(&key_path).display(),
            key.public_key().fingerprint()
        );
    }
    Ok(key)
}

/// Where `verify` takes its key from, and what makes it trusted.
struct TrustedKey {
    file: Option<PathBuf>,
    fingerprints: Vec<String>,
}

/// Exit code of `verify` for a log that is intact but not authenticated.
const UNAUTHENTICATED: u8 = 3;

fn verify(
    paths: &[PathBuf],
    anchor: Option<PathBuf>,
    archive: Option<&Path>,
    trust: TrustedKey,
    strict: bool,
    json: bool,
) -> ExitCode {
    let files = match archive {
        Some(_) if paths.len() != 1 => {
            return exit::input_error("--archive takes one log path");
        }
        Some(dir) => {
            supreme_audit::log_files_with_archive(&paths[0], dir).map_err(|e| e.to_string())
        }
        None => expand(paths),
    };
    let files = match files {
        Ok(f) => f,
        Err(e) => return exit::input_error(e),
    };
    let mut fingerprints = Vec::new();
    for fp in &trust.fingerprints {
        let fp = fp.trim().to_ascii_lowercase();
        if fp.len() != 64 || !fp.bytes().all(|b| b.is_ascii_hexdigit()) {
            return exit::input_error(format!(
                "--key-fingerprint {fp:?}: expected 64 hex digits (SHA-256)"
            ));
        }
        fingerprints.push(fp);
    }
    let default_pub = public_path(&with_suffix(&paths[0], ".key"));
    let given = trust.file.is_some();
    let key_path = trust
        .file
        .or_else(|| default_pub.exists().then_some(default_pub));
    let public_key = match key_path.as_deref().map(PublicKey::load).transpose() {
        Ok(k) => k,
        Err(e) => return exit::input_error(e),
    };
    let trusted = public_key.as_ref().is_some_and(|k| {
        if fingerprints.is_empty() {
            given
        } else {
            fingerprints.contains(&k.fingerprint())
        }
    });
    let anchor = match anchor
        .map(|a| std::fs::read_to_string(&a).map_err(|e| format!("{}: {e}", a.display())))
    {
        None => None,
        Some(Err(e)) => return exit::input_error(e),
        Some(Ok(text)) => match Checkpoint::parse(&text) {
            Ok(cp) => Some(cp),
            Err(e) => return exit::input_error(format!("anchor: {e}")),
        },
    };
    let fingerprint = public_key.as_ref().map(PublicKey::fingerprint);
    let opts = VerifyOptions {
        untrusted_key: public_key.is_some() && !trusted,
        public_key,
        anchor,
        proofs: Some(proofs_path(&paths[0])),
        strict,
    };
    let show_progress = std::io::stderr().is_terminal() && !json;
    let mut progress = |done: u64, total: u64| {
        if show_progress && total > 32 << 20 {
            let pct = done.saturating_mul(100) / total.max(1);
            eprint!(
                "\rverifying {pct:3}% ({} of {} MiB)",
                done >> 20,
                total >> 20
            );
            if done >= total {
                eprintln!();
            }
        }
    };
    let mut report = match verify_files(&files, &opts, &mut progress) {
        Ok(r) => r,
        Err(e) => return exit::input_error(e),
    };
    report
        .unauthenticated
        .extend(paths.iter().filter_map(|p| missing_active(p)));
    if json {
        println!("{}", report.to_json());
    } else {
        if let (Some(k), Some(fp)) = (&key_path, &fingerprint) {
            let how = if trusted {
                "trusted"
            } else if fingerprints.is_empty() {
                "NOT trusted: give --public-key, or --key-fingerprint with this fingerprint"
            } else {
                "NOT trusted: matches no --key-fingerprint"
            };
            println!("public key: {} (fingerprint {fp}; {how})", k.display());
        }
        print!("{report}");
    }
    ExitCode::from(if !report.is_intact() {
        REFUSED
    } else if report.is_authenticated() {
        OK
    } else {
        UNAUTHENTICATED
    })
}

fn append(
    path: &Path,
    event_type: &str,
    severity: &str,
    details: Option<&str>,
    actor: Option<String>,
    key: Option<PathBuf>,
    json: bool,
) -> ExitCode {
    let kind = match EventType::new(event_type) {
        Ok(k) if !k.is_reserved() => k,
        Ok(k) => return exit::input_error(format!("{k} is written by the log itself")),
        Err(e) => return exit::input_error(e),
    };
    let severity: Severity = match severity.parse() {
        Ok(s) => s,
        Err(e) => return exit::input_error(e),
    };
    let details: serde_json::Value = match details.map(serde_json::from_str).transpose() {
        Ok(Some(v @ serde_json::Value::Object(_))) => v,
        Ok(None) => serde_json::Value::Null,
        Ok(Some(_)) => return exit::input_error("--details must be a JSON object"),
        Err(e) => return exit::input_error(format!("--details: {e}")),
    };
    let key = match load_key(path, key) {
        Ok(k) => k,
        Err(e) => return exit::input_error(e),
    };
    let log = match AuditLog::open(path, options(path, key)) {
        Ok(l) => l,
        Err(e) => return exit::input_error(e),
    };
    if let Some(r) = log.recovery() {
        eprintln!(
            "recovered: cut a torn last line of {} bytes at offset {} (recorded as seq {})",
            r.torn_bytes, r.offset, r.recorded_as
        );
    }
    let mut event = Event::new(kind)
        .severity(severity)
        .details(details)
        .require_sync();
    if let Some(a) = actor {
        event = event.actor(a);
    }
    let seq = match log.append(event) {
        Ok(supreme_audit::Appended::Synced(seq)) => seq,
        Ok(_) => return exit::input_error("append was not synced"),
        Err(e) => return exit::input_error(e),
    };
    if let Err(e) = log.close() {
        return exit::input_error(e);
    }
    if json {
        println!("{}", serde_json::json!({"appended": seq}));
    } else {
        println!("appended seq {seq} to {}", path.display());
    }
    ExitCode::from(OK)
}

fn checkpoint(path: &Path, key: Option<PathBuf>, out: Option<PathBuf>, json: bool) -> ExitCode {
    let key = match load_key(path, key) {
        Ok(k) => k,
        Err(e) => return exit::input_error(e),
    };
    let log = match AuditLog::open(path, options(path, key)) {
        Ok(l) => l,
        Err(e) => return exit::input_error(e),
    };
    let fingerprint = log.public_key().fingerprint();
    let cp = match &out {
        Some(dest) => log.export_checkpoint(dest),
        None => log.checkpoint(),
    };
    let cp = match cp.and_then(|cp| log.close().map(|_| cp)) {
        Ok(cp) => cp,
        Err(e) => return exit::input_error(e),
    };
    if json {
        println!(
            "{}",
            serde_json::json!({"size": cp.size, "root": cp.root.to_hex(), "head": cp.head.to_hex(), "checkpoint": cp.to_text(), "key_fingerprint": fingerprint})
        );
    } else {
        print!("{cp}");
        eprintln!("signed by the key with fingerprint {fingerprint}");
    }
    if let Some(dest) = out {
        eprintln!("exported to {}", dest.display());
    }
    ExitCode::from(OK)
}
