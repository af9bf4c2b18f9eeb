//! `supreme audit show`: a readable table of records. Text from the log
//! (actor, event, details) is escaped: a record cannot forge a row.

use std::path::Path;
use std::process::ExitCode;

use supreme_audit::{EventType, Record, format_utc_ms, parse_rfc3339_ms};

use crate::escape::escape;
use crate::exit::{self, OK};
use crate::output::stdout_closed;

pub(super) fn run(
    path: &Path,
    event_type: Option<&str>,
    since: Option<&str>,
    json: bool,
) -> ExitCode {
    let kind = match event_type.map(EventType::new).transpose() {
        Ok(k) => k,
        Err(e) => return exit::input_error(e),
    };
    let since = match since.map(parse_rfc3339_ms).transpose() {
        Ok(s) => s,
        Err(e) => return exit::input_error(e),
    };
    let files = match super::expand(&[path.to_owned()]) {
        Ok(f) => f,
        Err(e) => return exit::input_error(e),
    };
    if !json {
        println!(
            "{:>8}  {:<24}  {:<8}  {:<22}  {:<14}  DETAILS",
            "SEQ", "TIME", "SEVERITY", "EVENT", "ACTOR"
        );
    }
    let mut bad = 0u64;
    for file in &files {
        let text = match std::fs::read(file) {
            Ok(t) => t,
            Err(e) => return exit::input_error(format!("{}: {e}", file.display())),
        };
        for (i, line) in text.split(|b| *b == b'\n').enumerate() {
            if stdout_closed() {
                break;
            }
            if line.is_empty() {
                continue;
            }
            let Ok(r) = Record::parse(line) else {
                bad += 1;
                eprintln!("{}:{}: not a valid record", file.display(), i + 1);
                continue;
            };
            if kind.as_ref().is_some_and(|k| *k != r.event_type)
                || since.is_some_and(|s| r.time_ms < s)
            {
                continue;
            }
            if json {
                println!("{}", escape(&String::from_utf8_lossy(line)));
            } else {
                let mut details =
                    escape(&serde_json::Value::Object(r.details).to_string()).into_owned();
                if details.len() > 80 {
                    let cut = (0..=77)
                        .rev()
                        .find(|i| details.is_char_boundary(*i))
                        .unwrap_or(0);
                    details.truncate(cut);
                    details.push_str("...");
                }
                println!(
                    "{:>8}  {:<24}  {:<8}  {:<22}  {:<14}  {details}",
                    r.seq,
                    format_utc_ms(r.time_ms),
                    r.severity.as_str(),
                    escape(r.event_type.as_str()),
                    escape(&r.actor)
                );
            }
        }
    }
    if bad > 0 {
        eprintln!("{bad} line(s) are not valid records; run `supreme audit verify`");
    }
    ExitCode::from(OK)
}
