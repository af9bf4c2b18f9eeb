//! The one escaping function for text the CLI did not write itself (an
//! actor, a reason, a detail, an error's message), so that such text cannot
//! forge a row, a line or a terminal escape sequence in what a human reads.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Whether `c` could change how the output reads: C0 and C1 control
/// characters and DEL (newline, carriage return, ESC...), the Unicode line
/// and paragraph separators, and the bidirectional overrides and isolates
/// that reorder what a terminal shows ("Trojan Source", CVE-2021-42574).
fn is_dangerous(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
        )
}

/// `text` with every dangerous character written as a JSON-style escape:
/// `\n`, `\r`, `\t`, or a `\u` escape such as `\u001b` (so an escaped JSON document stays valid
/// JSON with the same value). Other text, backslashes included, is unchanged.
pub(crate) fn escape(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_dangerous) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_dangerous(c) => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests;
