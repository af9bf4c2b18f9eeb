//! `supreme audit show`: a readable table of records. Text from the log
//! (actor, event, details) is escaped: a record cannot forge a row.

use std::path::Path;
use std::process::ExitCode;

use supreme_audit::format_utc_ms;

use super::filter::{Filter, for_each};
use crate::escape::escape;
use crate::exit::{self, OK};

pub(super) fn run(path: &Path, filter: &Filter, json: bool) -> ExitCode {
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
    let bad = for_each(&files, filter, |line, r| {
        if json {
            println!("{}", escape(&String::from_utf8_lossy(line)));
            return;
        }
        let mut details = escape(&serde_json::Value::Object(r.details).to_string()).into_owned();
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
    });
    match bad {
        Err(e) => exit::input_error(e),
        Ok(0) => ExitCode::from(OK),
        Ok(bad) => {
            eprintln!("{bad} line(s) are not valid records; run `supreme audit verify`");
            ExitCode::from(OK)
        }
    }
}
