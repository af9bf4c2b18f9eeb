//! Secrets inside string values: query strings and URLs, header lines,
//! JSON (also escaped JSON) held in a string, and `Bearer`/`Basic`
//! credentials.
//!
//! The text is scanned once for names (runs of ASCII letters, digits, `_`,
//! `-`, `.`), each optionally quoted, followed by `=` or `:`. When the name
//! is secret (the same rule as for field names), its value is replaced:
//!
//! - a quoted value up to its closing quote (`"apiKey":"..."`, `\"token\":\"...\"`);
//! - a JSON object or array up to its matching bracket;
//! - after `=`, up to `&`, `;`, `#`, a space, a quote, a bracket or a comma
//!   (`?symbol=BTCUSDT&signature=...`);
//! - after a quoted name, up to a comma, a bracket or a space (`"pin":1234`);
//! - after an unquoted name and `:`, to the end of the line (a header line,
//!   `Authorization: Bearer ...`, `X-MBX-APIKEY: ...`).
//!
//! Also replaced: the password of a URL's user info (`https://user:...@host`)
//! and the credential after the word `Bearer` or `Basic`.

use std::ops::Range;

/// Whether the text may hold something [`spans`] finds: only then is it
/// scanned. Every span follows a `=` or a `:` (a pair, a URL's `://`) or
/// a space or tab (after `Bearer`/`Basic`); text with none of them (most
/// values: numbers, symbols, ids) has nothing to find.
pub(super) fn may_hold_secret(s: &[u8]) -> bool {
    s.iter().any(|&b| TRIGGERS[usize::from(b)] & 1 != 0)
}

/// [`may_hold_secret`] for the inside of a JSON string: an escape (`\t`,
/// `\u003d`) may stand for one of those bytes, so it is a trigger too.
pub(super) fn json_may_hold_secret(s: &[u8]) -> bool {
    s.iter().any(|&b| TRIGGERS[usize::from(b)] != 0)
}

/// The bytes [`may_hold_secret`] (bit 1) and [`json_may_hold_secret`]
/// (any bit) look for.
static TRIGGERS: [u8; 256] = {
    let mut t = [0; 256];
    t[b'=' as usize] = 1;
    t[b':' as usize] = 1;
    t[b' ' as usize] = 1;
    t[b'\t' as usize] = 1;
    t[b'\\' as usize] = 2;
    t
};

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.')
}

fn is_quote(b: u8) -> bool {
    matches!(b, b'"' | b'\'' | b'\\')
}

/// The first index at or after `from` where `stop` holds (or the end).
fn until(s: &[u8], from: usize, stop: impl Fn(u8) -> bool) -> usize {
    s[from..]
        .iter()
        .position(|&b| stop(b))
        .map_or(s.len(), |p| from + p)
}

fn skip(s: &[u8], from: usize, what: impl Fn(u8) -> bool) -> usize {
    until(s, from, |b| !what(b))
}

/// The end of a JSON object or array starting at `from` (its matching
/// bracket, or the end of the text when it never closes).
fn bracket_end(s: &[u8], from: usize) -> usize {
    let mut depth = 0usize;
    for (i, &b) in s.iter().enumerate().skip(from) {
        match b {
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
    }
    s.len()
}

/// The ranges of `s` that hold secrets, in order, not overlapping.
pub(super) fn spans(s: &[u8], is_secret: impl Fn(&[u8]) -> bool) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < s.len() {
        if !is_name_byte(s[i]) {
            i += 1;
            continue;
        }
        let start = i;
        i = skip(s, i, is_name_byte);
        let name = &s[start..i];
        let after_quotes = skip(s, i, is_quote);
        let quoted_name = after_quotes > i;
        let sep_at = skip(s, after_quotes, |b| b == b' ' || b == b'\t');
        match s.get(sep_at) {
            Some(b':') if s[sep_at + 1..].starts_with(b"//") => {
                userinfo_password(s, sep_at + 3, &mut out);
                i = sep_at + 3;
            }
            Some(&sep @ (b'=' | b':')) if is_secret(name) => {
                let open = skip(s, sep_at + 1, |b| b == b' ' || b == b'\t');
                let from = skip(s, open, is_quote);
                let end = if from > open {
                    until(s, from, |b| is_quote(b) || b == b'\n' || b == b'\r')
                } else if matches!(s.get(from), Some(b'{' | b'[')) {
                    bracket_end(s, from)
                } else if sep == b'=' {
                    until(s, from, |b| {
                        matches!(
                            b,
                            b'&' | b';' | b'#' | b',' | b'<' | b'>' | b')' | b']' | b'}'
                        ) || b.is_ascii_whitespace()
                            || is_quote(b)
                    })
                } else if quoted_name {
                    until(s, from, |b| {
                        matches!(b, b',' | b'}' | b']') || b.is_ascii_whitespace() || is_quote(b)
                    })
                } else {
                    until(s, from, |b| b == b'\n' || b == b'\r')
                };
                if end > from {
                    out.push(from..end);
                }
                i = end.max(sep_at + 1);
            }
            _ if name.eq_ignore_ascii_case(b"bearer") || name.eq_ignore_ascii_case(b"basic") => {
                let from = skip(s, i, |b| b == b' ' || b == b'\t');
                if from > i {
                    let end = until(s, from, |b| {
                        b.is_ascii_whitespace() || is_quote(b) || matches!(b, b',' | b';')
                    });
                    if end > from {
                        out.push(from..end);
                    }
                    i = end;
                }
            }
            _ => {}
        }
    }
    out
}

/// `user:password@` right after `scheme://`: the password's range.
fn userinfo_password(s: &[u8], from: usize, out: &mut Vec<Range<usize>>) {
    let authority_end = until(s, from, |b| {
        matches!(b, b'/' | b'?' | b'#') || b.is_ascii_whitespace() || is_quote(b)
    });
    let authority = &s[from..authority_end];
    if let Some(at) = authority.iter().rposition(|&b| b == b'@')
        && let Some(colon) = authority[..at].iter().position(|&b| b == b':')
        && colon + 1 < at
    {
        out.push(from + colon + 1..from + at);
    }
}

/// `s` with every span replaced by `with`.
pub(super) fn replace(s: &str, spans: &[Range<usize>], with: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut last = 0;
    for r in spans {
        // Spans start and end at ASCII bytes or the text's ends: char boundaries.
        out.push_str(s.get(last..r.start).unwrap_or_default());
        out.push_str(with);
        last = r.end;
    }
    out.push_str(s.get(last..).unwrap_or_default());
    out
}
