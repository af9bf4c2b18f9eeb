//! `supreme audit export`: records for an auditor or a regulator, as JSON
//! Lines or CSV, with stable columns.
//!
//! Columns, in this order, in both formats (JSON Lines: one object per
//! record with these keys in this order; CSV: a header row of these names,
//! RFC 4180 quoting, `\r\n` line ends):
//!
//! | column | value |
//! | --- | --- |
//! | `seq` | sequence number, from 0 across the log's files |
//! | `time` | UTC wall time, RFC 3339 with milliseconds |
//! | `time_ms` | the same, Unix milliseconds |
//! | `event_type` | e.g. `ORDER_SENT`, `GATE_REJECTED`, `KILL_SWITCH_TRIGGERED` |
//! | `severity` | `DEBUG` to `CRITICAL` |
//! | `actor` | who acted |
//! | `host` | host of the writing process |
//! | `pid` | its process id |
//! | `details` | the details object as compact JSON (secrets already `[REDACTED]`; a gate decision's rule and limit are here) |
//! | `record_hash` | SHA-256 of `0x00 || line`, hex: what the chain and the checkpoints commit to |
//! | `prev` | the previous record's hash, hex |
//!
//! A new column would only ever be added at the end. In CSV, a text field
//! that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is
//! prefixed with `'` so a spreadsheet does not run it as a formula (OWASP's
//! CSV injection advice); JSON Lines carries values unchanged. The export
//! reads the records as they are; `supreme audit verify` says whether they
//! are intact. Lines that are not records are named on standard error and
//! make the exit code 1 (the rest is still exported).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde_json::Value;
use supreme_audit::{Record, format_utc_ms, record_hash};
use supreme_core::files::AtomicFile;

use super::filter::{Filter, for_each};
use crate::exit::{self, OK, REFUSED};

/// The columns, in order.
pub(crate) const COLUMNS: [&str; 11] = [
    "seq",
    "time",
    "time_ms",
    "event_type",
    "severity",
    "actor",
    "host",
    "pid",
    "details",
    "record_hash",
    "prev",
];

/// Output formats.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub(crate) enum Format {
    /// One JSON object per line.
    Jsonl,
    /// Comma-separated values with a header row.
    Csv,
}

fn row(line: &[u8], r: Record) -> Vec<Value> {
    vec![
        Value::from(r.seq),
        Value::from(format_utc_ms(r.time_ms)),
        Value::from(r.time_ms),
        Value::from(r.event_type.as_str()),
        Value::from(r.severity.as_str()),
        Value::from(r.actor),
        Value::from(r.host),
        Value::from(r.pid),
        Value::Object(r.details),
        Value::from(record_hash(line).to_hex()),
        Value::from(r.prev.to_hex()),
    ]
}

fn csv_field(v: &Value) -> String {
    let text = match v {
        Value::String(s) => {
            if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
                format!("'{s}")
            } else {
                s.clone()
            }
        }
        other => other.to_string(),
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

fn encode(format: Format, values: Vec<Value>, out: &mut Vec<u8>) {
    match format {
        Format::Jsonl => {
            // By hand, so the keys keep the columns' order.
            out.push(b'{');
            for (i, (c, v)) in COLUMNS.iter().zip(values).enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                out.extend_from_slice(format!("\"{c}\":{v}").as_bytes());
            }
            out.extend_from_slice(b"}\n");
        }
        Format::Csv => {
            let fields: Vec<String> = values.iter().map(csv_field).collect();
            out.extend_from_slice(fields.join(",").as_bytes());
            out.extend_from_slice(b"\r\n");
        }
    }
}

/// Writes the export through `put`; the count of lines that are not records.
fn write_all(
    files: &[PathBuf],
    filter: &Filter,
    format: Format,
    mut put: impl FnMut(&[u8]) -> std::io::Result<()>,
) -> Result<u64, String> {
    let mut buf = Vec::new();
    let mut failed = None;
    let mut emit = |buf: &mut Vec<u8>| {
        if failed.is_none()
            && let Err(e) = put(buf)
        {
            failed = Some(e);
        }
        buf.clear();
    };
    if let Format::Csv = format {
        encode(
            format,
            COLUMNS.iter().map(|c| Value::from(*c)).collect(),
            &mut buf,
        );
        emit(&mut buf);
    }
    let bad = for_each(files, filter, |line, r| {
        encode(format, row(line, r), &mut buf);
        emit(&mut buf);
    })?;
    match failed {
        Some(e) => Err(format!("writing the export: {e}")),
        None => Ok(bad),
    }
}

pub(super) fn run(path: &Path, filter: &Filter, format: Format, out: Option<&Path>) -> ExitCode {
    let files = match super::expand(&[path.to_owned()]) {
        Ok(f) => f,
        Err(e) => return exit::input_error(e),
    };
    let bad = match out {
        None => write_all(&files, filter, format, |bytes| {
            print!("{}", String::from_utf8_lossy(bytes));
            Ok(())
        }),
        Some(p) => AtomicFile::create(p)
            .map_err(|e| e.to_string())
            .and_then(|f| {
                let mut w = std::io::BufWriter::new(f);
                let bad = write_all(&files, filter, format, |bytes| w.write_all(bytes))?;
                let f = w.into_inner().map_err(|e| e.into_error().to_string())?;
                f.commit_new().map_err(|e| e.to_string())?;
                Ok(bad)
            }),
    };
    match bad {
        Err(e) => exit::input_error(e),
        Ok(0) => ExitCode::from(OK),
        Ok(bad) => {
            eprintln!("{bad} line(s) are not valid records; run `supreme audit verify`");
            ExitCode::from(REFUSED)
        }
    }
}
