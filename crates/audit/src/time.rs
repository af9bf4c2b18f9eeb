//! RFC 3339 UTC timestamps with millisecond precision: formatted by the
//! `time` crate (with a per-second cache for the writer), parsed here.

use std::sync::LazyLock;

use time::format_description::BorrowedFormatItem;
use time::{Duration, OffsetDateTime};

use crate::error::{Error, Result};

const MS_PER_DAY: i64 = 86_400_000;

/// 400 Gregorian years (146 097 days) in milliseconds: the calendar repeats
/// after them, weekday and leap days included.
const CYCLE_MS: i64 = 146_097 * MS_PER_DAY;

/// Everything after the year: `-MM-DDTHH:MM:SS.mmmZ`.
static AFTER_YEAR: LazyLock<Vec<BorrowedFormatItem<'static>>> = LazyLock::new(|| {
    time::format_description::parse_borrowed::<2>(
        "-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z",
    )
    .expect("a valid format description")
});

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Formats Unix milliseconds as `YYYY-MM-DDTHH:MM:SS.mmmZ`.
///
/// ```
/// use supreme_audit::format_utc_ms;
/// assert_eq!(format_utc_ms(1_764_384_184_123), "2025-11-29T02:43:04.123Z");
/// assert_eq!(format_utc_ms(-1), "1969-12-31T23:59:59.999Z");
/// ```
///
/// Every `i64` has a text: `time` formats the instant moved by whole
/// 400-year cycles into 1970 to 2369, and the cycles are added back to the
/// year, so years past `time`'s ±9999 print as they always did (`10000-…`,
/// `-001-…`), though [`parse_rfc3339_ms`] reads only years 0000 to 9999.
pub fn format_utc_ms(unix_ms: i64) -> String {
    let cycles = unix_ms.div_euclid(CYCLE_MS);
    let moved = OffsetDateTime::UNIX_EPOCH + Duration::milliseconds(unix_ms.rem_euclid(CYCLE_MS));
    let year = i64::from(moved.year()) + 400 * cycles;
    let rest = moved
        .format(&AFTER_YEAR[..])
        .expect("an OffsetDateTime has every component the description names");
    format!("{year:04}{rest}")
}

/// Appends what [`format_utc_ms`] returns. The text up to the second is
/// kept per thread and reused while the second lasts (a writer stamps many
/// records in each one), so only the first record of a second formats.
pub(crate) fn push_utc_ms(out: &mut Vec<u8>, unix_ms: i64) {
    let (second, ms) = (unix_ms.div_euclid(1000), unix_ms.rem_euclid(1000));
    let prefix = LAST_SECOND.with(|last| {
        let (cached, text) = last.get();
        if cached == second {
            return Some(text);
        }
        let text = second_prefix(second)?;
        last.set((second, text));
        Some(text)
    });
    let Some(prefix) = prefix else {
        out.extend_from_slice(format_utc_ms(unix_ms).as_bytes());
        return;
    };
    let ms = u16::try_from(ms).unwrap_or(0);
    let digit = |d: u16| b'0' + u8::try_from(d % 10).unwrap_or(0);
    out.extend_from_slice(&prefix);
    out.extend_from_slice(&[digit(ms / 100), digit(ms / 10), digit(ms), b'Z']);
}

thread_local! {
    /// The last second [`push_utc_ms`] formatted (`i64::MIN`: none yet; it
    /// is outside years 0000 to 9999, so it is never cached).
    static LAST_SECOND: std::cell::Cell<(i64, [u8; 20])> =
        const { std::cell::Cell::new((i64::MIN, [0; 20])) };
}

/// `YYYY-MM-DDTHH:MM:SS.`, the first 20 bytes of [`format_utc_ms`], for a
/// Unix second in years 0000 to 9999 (a four-digit year).
fn second_prefix(second: i64) -> Option<[u8; 20]> {
    let text = format_utc_ms(second.checked_mul(1000)?);
    if text.len() != 24 || text.starts_with('-') {
        return None;
    }
    text.as_bytes().get(..20)?.try_into().ok()
}

fn digits(s: &[u8], at: usize, n: usize) -> Option<i64> {
    let part = s.get(at..at + n)?;
    let mut v = 0i64;
    for b in part {
        if !b.is_ascii_digit() {
            return None;
        }
        v = v * 10 + i64::from(b - b'0');
    }
    Some(v)
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Parses RFC 3339 (`2026-01-31T12:00:00Z`, fractions and offsets allowed,
/// or a bare date `2026-01-31` meaning its UTC midnight) to Unix milliseconds.
/// Fractions finer than a millisecond are truncated.
pub fn parse_rfc3339_ms(text: &str) -> Result<i64> {
    let bad = || Error::InvalidTime(text.to_owned());
    let s = text.as_bytes();
    let y = digits(s, 0, 4).ok_or_else(bad)?;
    let mo = digits(s, 5, 2).ok_or_else(bad)?;
    let d = digits(s, 8, 2).ok_or_else(bad)?;
    if s.get(4) != Some(&b'-') || s.get(7) != Some(&b'-') || !(1..=12).contains(&mo) {
        return Err(bad());
    }
    if d < 1 || d > days_in_month(y, mo) {
        return Err(bad());
    }
    let day_ms = days_from_civil(y, mo, d) * MS_PER_DAY;
    if s.len() == 10 {
        return Ok(day_ms);
    }
    if !matches!(s.get(10), Some(b'T' | b't' | b' '))
        || s.get(13) != Some(&b':')
        || s.get(16) != Some(&b':')
    {
        return Err(bad());
    }
    let h = digits(s, 11, 2).ok_or_else(bad)?;
    let mi = digits(s, 14, 2).ok_or_else(bad)?;
    let sec = digits(s, 17, 2).ok_or_else(bad)?;
    if h > 23 || mi > 59 || sec > 60 {
        return Err(bad());
    }
    let mut i = 19;
    let mut ms = 0i64;
    if s.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while s.get(i).is_some_and(u8::is_ascii_digit) {
            if i - start < 3 {
                ms = ms * 10 + i64::from(s[i] - b'0');
            }
            i += 1;
        }
        let n = i - start;
        if n == 0 {
            return Err(bad());
        }
        for _ in n..3 {
            ms *= 10;
        }
    }
    let offset_min = match s.get(i) {
        Some(b'Z' | b'z') if s.len() == i + 1 => 0,
        Some(sign @ (b'+' | b'-')) if s.len() == i + 6 && s[i + 3] == b':' => {
            let oh = digits(s, i + 1, 2).ok_or_else(bad)?;
            let om = digits(s, i + 4, 2).ok_or_else(bad)?;
            if oh > 23 || om > 59 {
                return Err(bad());
            }
            let v = oh * 60 + om;
            if *sign == b'-' { -v } else { v }
        }
        _ => return Err(bad()),
    };
    Ok(day_ms + ((h * 60 + mi - offset_min) * 60 + sec) * 1000 + ms)
}

#[cfg(test)]
mod tests;
