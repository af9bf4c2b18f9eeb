//! Which records `show` and `export` print: one filter, one reader.

use std::path::PathBuf;

use supreme_audit::{EventType, Record, parse_rfc3339_ms};

use crate::output::stdout_closed;

/// Records of one event type, at or after `since`, before `until`.
#[derive(Debug, Default)]
pub(super) struct Filter {
    kind: Option<EventType>,
    since: Option<i64>,
    until: Option<i64>,
}

impl Filter {
    /// From the command-line values (times in RFC 3339, or a date).
    pub(super) fn parse(
        event_type: Option<&str>,
        since: Option<&str>,
        until: Option<&str>,
    ) -> Result<Self, String> {
        let time = |s: Option<&str>, flag: &str| {
            s.map(parse_rfc3339_ms)
                .transpose()
                .map_err(|e| format!("--{flag}: {e}"))
        };
        Ok(Self {
            kind: event_type
                .map(EventType::new)
                .transpose()
                .map_err(|e| format!("--event-type: {e}"))?,
            since: time(since, "since")?,
            until: time(until, "until")?,
        })
    }

    fn matches(&self, r: &Record) -> bool {
        self.kind.as_ref().is_none_or(|k| *k == r.event_type)
            && self.since.is_none_or(|s| r.time_ms >= s)
            && self.until.is_none_or(|u| r.time_ms < u)
    }
}

/// Calls `each` with the line and record of every record of `files` (from
/// [`expand`](super::expand): a log's rotated files first) that `filter`
/// matches, in order, until
/// standard output closes. Lines that are not records are named on standard
/// error and counted; the count is returned.
pub(super) fn for_each(
    files: &[PathBuf],
    filter: &Filter,
    mut each: impl FnMut(&[u8], Record),
) -> Result<u64, String> {
    let mut bad = 0u64;
    for file in files {
        let text = std::fs::read(file).map_err(|e| format!("{}: {e}", file.display()))?;
        for (i, line) in text.split(|b| *b == b'\n').enumerate() {
            if stdout_closed() {
                return Ok(bad);
            }
            if line.is_empty() {
                continue;
            }
            let Ok(r) = Record::parse(line) else {
                bad += 1;
                eprintln!("{}:{}: not a valid record", file.display(), i + 1);
                continue;
            };
            if filter.matches(&r) {
                each(line, r);
            }
        }
    }
    Ok(bad)
}
