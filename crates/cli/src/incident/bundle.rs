//! `incident bundle` and `incident verify`.

use std::path::Path;
use std::process::ExitCode;

use serde_json::json;
use supreme_audit::bundle::{BundleBuilder, Problem, verify_bundle};
use supreme_core::operator::{OperatorKey, OperatorPublicKey};

use super::Inputs;
use crate::exit::{self, OK, REFUSED};

/// `dir/<file name>`, the name made a valid bundle path.
fn entry(dir: &str, file: &Path) -> String {
    let name: String = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._-".contains(c) {
                c
            } else {
                '_'
            }
        })
        .take(80)
        .collect();
    match name.as_str() {
        "" | "." | ".." => format!("{dir}/file"),
        _ => format!("{dir}/{name}"),
    }
}

fn gather(b: &mut BundleBuilder, inputs: &Inputs) -> Result<(), String> {
    let e = |e: supreme_audit::Error| e.to_string();
    if let Some(p) = &inputs.latch {
        b.file(&entry("latch", p), p).map_err(e)?;
    }
    if let Some(p) = &inputs.risk_state {
        b.file(&entry("risk", p), p).map_err(e)?;
    }
    if let Some(p) = &inputs.audit_log {
        b.audit_log("audit", p).map_err(e)?;
    }
    if let Some(p) = &inputs.config_file {
        let text = std::fs::read_to_string(p).map_err(|err| format!("{}: {err}", p.display()))?;
        let src = supreme_guard::Source::new(p, text.clone());
        if let Err(errors) =
            supreme_guard::Config::parse(&src, &supreme_guard::Environment::process())
        {
            let first = errors
                .iter()
                .next()
                .map(ToString::to_string)
                .unwrap_or_default();
            return Err(format!(
                "{}: does not validate, so it is not gathered (it might hold a secret): {first}",
                p.display()
            ));
        }
        b.bytes(&entry("config", p), text.into_bytes()).map_err(e)?;
    }
    if let Some(p) = &inputs.venue_snapshot {
        let bytes = std::fs::read(p).map_err(|err| format!("{}: {err}", p.display()))?;
        serde_json::from_slice::<serde_json::Value>(&bytes)
            .map_err(|err| format!("{}: not JSON: {err}", p.display()))?;
        b.bytes("venue/snapshot.json", bytes).map_err(e)?;
    }
    for part in [
        "supreme-cli",
        "supreme-core",
        "supreme-kill-switch",
        "supreme-risk-limits",
        "supreme-guard",
    ] {
        // One workspace version for every crate of this build.
        b.version(part, env!("CARGO_PKG_VERSION"));
    }
    Ok(())
}

pub(super) fn make(
    out: &Path,
    key: &Path,
    reason: String,
    inputs: &Inputs,
    json: bool,
) -> ExitCode {
    let key = match OperatorKey::from_pkcs8_file(key) {
        Ok(k) => k,
        Err(e) => return exit::input_error(format!("{}: {e}", key.display())),
    };
    let mut b = BundleBuilder::new(reason);
    if let Err(e) = gather(&mut b, inputs) {
        return exit::input_error(e);
    }
    let manifest = match b.write(out, &key) {
        Ok(m) => m,
        Err(e) => return exit::input_error(e),
    };
    if json {
        println!("{}", serde_json::to_string(&manifest).unwrap_or_default());
    } else {
        for f in &manifest.files {
            println!("{}  {:>10}  {}", f.sha256, f.size, f.path);
        }
        for m in &manifest.missing {
            println!("missing: {}: {}", m.path, m.reason);
        }
        println!(
            "wrote {} ({} files), signed by {}",
            out.display(),
            manifest.files.len(),
            manifest.signer
        );
    }
    ExitCode::from(OK)
}

fn public_key(arg: &str) -> Result<OperatorPublicKey, String> {
    if arg.len() == 64 && arg.bytes().all(|b| b.is_ascii_hexdigit()) {
        return OperatorPublicKey::from_hex(arg).map_err(|e| e.to_string());
    }
    let text = std::fs::read_to_string(arg).map_err(|e| format!("--public-key {arg}: {e}"))?;
    OperatorPublicKey::from_hex(&text).map_err(|e| format!("--public-key {arg}: {e}"))
}

pub(super) fn verify(bundle: &Path, key: &str, json: bool) -> ExitCode {
    let key = match public_key(key) {
        Ok(k) => k,
        Err(e) => return exit::input_error(e),
    };
    let report = match verify_bundle(bundle, &key) {
        Ok(r) => r,
        Err(e) => return exit::input_error(e),
    };
    let intact = report.is_intact();
    if json {
        let problems: Vec<String> = report.problems.iter().map(Problem::to_string).collect();
        println!(
            "{}",
            json!({"intact": intact, "matched": report.matched, "problems": problems,
                   "manifest": report.manifest})
        );
    } else {
        for p in &report.problems {
            println!("{p}");
        }
        if intact {
            println!(
                "intact: {} files match the manifest signed by {key}",
                report.matched
            );
        } else {
            println!("TAMPERED: {} problem(s)", report.problems.len());
        }
    }
    ExitCode::from(if intact { OK } else { REFUSED })
}
