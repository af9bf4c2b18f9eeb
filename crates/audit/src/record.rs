//! The canonical record line: its writer, its strict parser and a fast scan.
//!
//! A record is one line of JSON with the fields in this fixed order, no
//! whitespace, detail keys sorted bytewise at every depth:
//!
//! ```text
//! {"seq":7,"time":"2026-11-29T02:43:04.123Z","mono_ns":91234,"event":"ORDER_SENT",
//!  "severity":"INFO","actor":"bot","source":{"host":"h1","pid":42},
//!  "details":{"symbol":"BTCUSDT"},"prev":"<64 hex>"}
//! ```
//!
//! (shown wrapped). `prev` is the [`record_hash`](crate::record_hash) of the
//! record before, all zeros for the first record of a log.

use std::io::Write;

use serde_json::{Map, Value};

use crate::digest::Digest;
use crate::error::{Error, Result};
use crate::event::{EventType, Severity};
use crate::redact::Redactor;
use crate::time::parse_rfc3339_ms;

/// One parsed record.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// Sequence number, from 0, one per record across all files of a log.
    pub seq: u64,
    /// UTC wall time in Unix milliseconds.
    pub time_ms: i64,
    /// Monotonic clock reading in nanoseconds.
    pub mono_ns: u64,
    /// Event type.
    pub event_type: EventType,
    /// Severity.
    pub severity: Severity,
    /// Who acted.
    pub actor: String,
    /// Host name of the writing process.
    pub host: String,
    /// Process id of the writing process.
    pub pid: u32,
    /// Structured details (secret fields already redacted).
    pub details: Map<String, Value>,
    /// Hash of the previous record.
    pub prev: Digest,
}

const PREV_SUFFIX_LEN: usize = 9 + 64 + 2; // ,"prev":" + hex + "}

impl Record {
    /// Writes the canonical line (without newline) to `out`.
    pub fn write_line(&self, out: &mut Vec<u8>) {
        LineParts {
            seq: self.seq,
            time_ms: self.time_ms,
            mono_ns: self.mono_ns,
            event: self.event_type.as_str(),
            severity: self.severity,
            actor: &self.actor,
            actor_json: None,
            host: &self.host,
            pid: self.pid,
            source: None,
            details: &canonical_object(&self.details),
            prev: &self.prev,
        }
        .write(out);
    }

    /// The canonical line as a vector.
    pub fn to_line(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(256);
        self.write_line(&mut out);
        out
    }

    /// Parses a line strictly: exact fields, valid values, canonical bytes.
    pub fn parse(line: &[u8]) -> Result<Self> {
        let bad = |what: &str| Error::MalformedRecord(what.to_owned());
        let value: Value = serde_json::from_slice(line).map_err(|e| bad(&e.to_string()))?;
        let Value::Object(mut obj) = value else {
            return Err(bad("not a JSON object"));
        };
        let mut take = |k: &str| {
            obj.remove(k)
                .ok_or_else(|| bad(&format!("missing field {k}")))
        };
        let seq = take("seq")?
            .as_u64()
            .ok_or_else(|| bad("seq is not an unsigned integer"))?;
        let time = take("time")?;
        let time_ms = parse_rfc3339_ms(time.as_str().ok_or_else(|| bad("time is not a string"))?)?;
        let mono_ns = take("mono_ns")?
            .as_u64()
            .ok_or_else(|| bad("mono_ns is not an unsigned integer"))?;
        let event_type = EventType::new(
            take("event")?
                .as_str()
                .ok_or_else(|| bad("event is not a string"))?,
        )?;
        let severity = take("severity")?
            .as_str()
            .ok_or_else(|| bad("severity is not a string"))?
            .parse()?;
        let actor = match take("actor")? {
            Value::String(s) => s,
            _ => return Err(bad("actor is not a string")),
        };
        let Value::Object(mut source) = take("source")? else {
            return Err(bad("source is not an object"));
        };
        let details = match take("details")? {
            Value::Object(m) => m,
            _ => return Err(bad("details is not an object")),
        };
        let prev = take("prev")?;
        let prev = Digest::from_hex(
            prev.as_str()
                .ok_or_else(|| bad("prev is not a string"))?
                .as_bytes(),
        )
        .ok_or_else(|| bad("prev is not 64 lower-case hex digits"))?;
        if let Some(k) = obj.keys().next() {
            return Err(bad(&format!("unknown field {k}")));
        }
        let host = match source.remove("host") {
            Some(Value::String(s)) => s,
            _ => return Err(bad("source.host missing or not a string")),
        };
        let pid = source
            .remove("pid")
            .and_then(|v| v.as_u64())
            .and_then(|v| u32::try_from(v).ok())
            .ok_or_else(|| bad("source.pid missing or not a u32"))?;
        if !source.is_empty() {
            return Err(bad("unknown field in source"));
        }
        let record = Self {
            seq,
            time_ms,
            mono_ns,
            event_type,
            severity,
            actor,
            host,
            pid,
            details,
            prev,
        };
        if record.to_line() != line {
            return Err(bad("not in canonical form"));
        }
        Ok(record)
    }
}

/// Borrowed parts of a record, so the writer formats without copying.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LineParts<'a> {
    pub(crate) seq: u64,
    pub(crate) time_ms: i64,
    pub(crate) mono_ns: u64,
    pub(crate) event: &'a str,
    pub(crate) severity: Severity,
    pub(crate) actor: &'a str,
    /// `actor` already written as a JSON string, so a writer that has it
    /// (rendered on the caller's thread, or once per log) copies it.
    pub(crate) actor_json: Option<&'a [u8]>,
    pub(crate) host: &'a str,
    pub(crate) pid: u32,
    /// `host` and `pid` already written as the `source` object (what
    /// [`source_json`] returns for them), so a writer renders them once.
    pub(crate) source: Option<&'a [u8]>,
    /// The details object, already in canonical form ([`canonical_object`]).
    pub(crate) details: &'a [u8],
    pub(crate) prev: &'a Digest,
}

impl LineParts<'_> {
    /// Appends the canonical line (without newline) to `out`.
    pub(crate) fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(b"{\"seq\":");
        push_u64(out, self.seq);
        out.extend_from_slice(b",\"time\":\"");
        crate::time::push_utc_ms(out, self.time_ms);
        out.extend_from_slice(b"\",\"mono_ns\":");
        push_u64(out, self.mono_ns);
        out.extend_from_slice(b",\"event\":\"");
        out.extend_from_slice(self.event.as_bytes());
        out.extend_from_slice(b"\",\"severity\":\"");
        out.extend_from_slice(self.severity.as_str().as_bytes());
        out.extend_from_slice(b"\",\"actor\":");
        match self.actor_json {
            Some(actor) => out.extend_from_slice(actor),
            None => write_str(out, self.actor),
        }
        out.extend_from_slice(b",\"source\":");
        match self.source {
            Some(source) => out.extend_from_slice(source),
            None => write_source(out, self.host, self.pid),
        }
        out.extend_from_slice(b",\"details\":");
        out.extend_from_slice(self.details);
        out.extend_from_slice(b",\"prev\":\"");
        self.prev.push_hex(out);
        out.extend_from_slice(b"\"}");
    }
}

/// `s` as a JSON string.
pub(crate) fn json_string(s: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len() + 2);
    write_str(&mut out, s);
    out
}

/// The record's `source` object for this host and process.
pub(crate) fn source_json(host: &str, pid: u32) -> Vec<u8> {
    let mut out = Vec::with_capacity(host.len() + 24);
    write_source(&mut out, host, pid);
    out
}

fn write_source(out: &mut Vec<u8>, host: &str, pid: u32) {
    out.extend_from_slice(b"{\"host\":");
    write_str(out, host);
    out.extend_from_slice(b",\"pid\":");
    push_u64(out, u64::from(pid));
    out.push(b'}');
}

pub(crate) fn push_u64(out: &mut Vec<u8>, v: u64) {
    out.extend_from_slice(itoa::Buffer::new().format(v).as_bytes());
}

/// The canonical form of a details object: keys sorted bytewise at every
/// depth, no whitespace, serde_json's string escaping and number form.
pub(crate) fn canonical_object(map: &Map<String, Value>) -> Vec<u8> {
    let mut out = Vec::with_capacity(256);
    write_object(&mut out, map, None);
    out
}

/// A JSON string as serde_json writes it. Text without a quote, backslash or
/// control character (what serde_json escapes) is copied as is.
pub(crate) fn write_str(out: &mut Vec<u8>, s: &str) {
    write_text(out, s.as_bytes());
}

/// [`write_str`] for text held as bytes. Callers pass UTF-8 (a `&str`'s
/// bytes): text needing no escape is copied as is, and text that does is
/// escaped by serde_json (with invalid sequences, were any passed, replaced).
pub(crate) fn write_text(out: &mut Vec<u8>, s: &[u8]) {
    // No early exit: the whole scan vectorizes.
    let plain = s
        .iter()
        .fold(true, |ok, &b| ok & (b >= 0x20) & (b != b'"') & (b != b'\\'));
    if plain {
        out.reserve(s.len() + 2);
        out.push(b'"');
        out.extend_from_slice(s);
        out.push(b'"');
    } else {
        // serde_json's string escaping is deterministic; writing to a Vec cannot fail.
        let _ = serde_json::to_writer(&mut *out, &String::from_utf8_lossy(s));
    }
}

/// Writes `map` canonically; with a redactor, the value of every field it
/// marks secret (at any depth) is written as [`REDACTED`](crate::REDACTED),
/// and so are the secrets inside string values.
fn write_object(out: &mut Vec<u8>, map: &Map<String, Value>, redactor: Option<&Redactor>) {
    out.push(b'{');
    // serde_json's map iterates sorted unless its `preserve_order` feature
    // is on somewhere in the build: sort only then.
    let sorted = map.keys().zip(map.keys().skip(1)).all(|(a, b)| a <= b);
    if sorted {
        for (i, (k, v)) in map.iter().enumerate() {
            write_entry(out, i, k, v, redactor);
        }
    } else {
        let mut entries: Vec<(&String, &Value)> = map.iter().collect();
        entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
        for (i, (k, v)) in entries.into_iter().enumerate() {
            write_entry(out, i, k, v, redactor);
        }
    }
    out.push(b'}');
}

fn write_entry(out: &mut Vec<u8>, i: usize, key: &str, value: &Value, redactor: Option<&Redactor>) {
    if i > 0 {
        out.push(b',');
    }
    write_str(out, key);
    out.push(b':');
    if redactor.is_some_and(|r| r.is_secret(key)) {
        write_str(out, crate::event::REDACTED);
    } else {
        write_value(out, value, redactor);
    }
}

/// Writes a JSON value canonically (see [`write_object`] for `redactor`).
pub(crate) fn write_value(out: &mut Vec<u8>, v: &Value, redactor: Option<&Redactor>) {
    match v {
        Value::Object(m) => write_object(out, m, redactor),
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_value(out, item, redactor);
            }
            out.push(b']');
        }
        Value::String(s) => match redactor {
            Some(r) => r.write_str(out, s),
            None => write_str(out, s),
        },
        Value::Number(n) => {
            let _ = write!(out, "{n}");
        }
        Value::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Value::Null => out.extend_from_slice(b"null"),
    }
}

/// The few fields the verifier needs on its fast path, read without a full
/// JSON parse: any change to the line changes its hash, which the chain catches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Head<'a> {
    pub(crate) seq: u64,
    pub(crate) event: &'a [u8],
    pub(crate) prev: Digest,
}

/// Reads seq, event and prev from a line in canonical layout.
pub(crate) fn scan_head(line: &[u8]) -> Option<Head<'_>> {
    let rest = line.strip_prefix(b"{\"seq\":")?;
    let n = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    if n == 0 || n > 20 || (n > 1 && rest[0] == b'0') {
        return None;
    }
    let seq: u64 = std::str::from_utf8(&rest[..n]).ok()?.parse().ok()?;
    let rest = rest[n..].strip_prefix(b",\"time\":\"")?;
    // A canonical time has exactly 24 bytes.
    let rest = rest.get(24..)?.strip_prefix(b"\",\"mono_ns\":")?;
    let n = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    let rest = rest[n..].strip_prefix(b",\"event\":\"")?;
    let n = rest.iter().take_while(|b| **b != b'"').count();
    let event = &rest[..n];
    if line.len() < PREV_SUFFIX_LEN {
        return None;
    }
    let suffix = &line[line.len() - PREV_SUFFIX_LEN..];
    let hex = suffix.strip_prefix(b",\"prev\":\"")?.strip_suffix(b"\"}")?;
    let prev = Digest::from_hex(hex)?;
    Some(Head { seq, event, prev })
}

#[cfg(test)]
mod tests;
