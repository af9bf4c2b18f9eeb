use super::*;

#[test]
fn formats_and_parses_known_instants() {
    assert_eq!(format_utc_ms(0), "1970-01-01T00:00:00.000Z");
    assert_eq!(format_utc_ms(1_764_384_184_123), "2025-11-29T02:43:04.123Z");
    assert_eq!(format_utc_ms(951_782_400_000), "2000-02-29T00:00:00.000Z");
    assert_eq!(format_utc_ms(-1), "1969-12-31T23:59:59.999Z");
    assert_eq!(
        parse_rfc3339_ms("2025-11-29T02:43:04.123Z").unwrap(),
        1_764_384_184_123
    );
    assert_eq!(
        parse_rfc3339_ms("2025-11-29T03:43:04.123456+01:00").unwrap(),
        1_764_384_184_123
    );
    assert_eq!(parse_rfc3339_ms("2025-11-29").unwrap(), 1_764_374_400_000);
    assert_eq!(
        parse_rfc3339_ms("2025-11-29T02:43:04.1Z").unwrap(),
        1_764_384_184_100
    );
}

#[test]
fn rejects_bad_times() {
    for bad in [
        "",
        "2025-13-01",
        "2025-02-29",
        "2025-11-29T24:00:00Z",
        "2025-11-29T02:43:04",
        "2025-11-29T02:43:04.Z",
        "yesterday",
        "2025-11-29T02:43:04Zjunk",
    ] {
        assert!(parse_rfc3339_ms(bad).is_err(), "{bad}");
    }
}

#[test]
fn round_trips_over_a_wide_range() {
    let mut t = -62_000_000_000_000i64; // year 0005
    while t < 250_000_000_000_000 {
        assert_eq!(parse_rfc3339_ms(&format_utc_ms(t)).unwrap(), t);
        let mut pushed = Vec::new();
        push_utc_ms(&mut pushed, t);
        assert_eq!(pushed, format_utc_ms(t).into_bytes());
        t += 7_777_777_777_777 / 13;
    }
}

#[test]
fn pushed_text_follows_consecutive_milliseconds_across_seconds() {
    // The per-second cache must follow every step, forwards and back.
    let start = 1_764_384_183_990i64;
    for t in (start..start + 2_050).chain([
        start + 5,
        -1,
        0,
        -1_000,
        253_402_300_799_999,
        253_402_300_800_000,
    ]) {
        let mut pushed = Vec::new();
        push_utc_ms(&mut pushed, t);
        assert_eq!(pushed, format_utc_ms(t).into_bytes(), "{t}");
    }
}

/// The hand-written formatter `format_utc_ms` replaced (H. Hinnant's
/// `civil_from_days`): the reference its output must match byte for byte.
fn reference_format_utc_ms(unix_ms: i64) -> String {
    let days = unix_ms.div_euclid(MS_PER_DAY);
    let ms_of_day = unix_ms.rem_euclid(MS_PER_DAY);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let mo = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(mo <= 2);
    let (h, rest) = (ms_of_day / 3_600_000, ms_of_day % 3_600_000);
    let (mi, rest) = (rest / 60_000, rest % 60_000);
    let (s, ms) = (rest / 1000, rest % 1000);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{ms:03}Z")
}

/// 0000-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z.
const YEAR_0: i64 = -62_167_219_200_000;
const YEAR_9999_END: i64 = 253_402_300_799_999;

#[test]
fn formats_the_edges_as_the_reference() {
    for t in [
        i64::MIN,
        i64::MIN + 1,
        i64::MAX,
        YEAR_0 - 1,
        YEAR_0,
        YEAR_9999_END,
        YEAR_9999_END + 1,
        -CYCLE_MS,
        CYCLE_MS - 1,
        CYCLE_MS,
    ] {
        assert_eq!(format_utc_ms(t), reference_format_utc_ms(t), "{t}");
    }
    assert_eq!(format_utc_ms(YEAR_0), "0000-01-01T00:00:00.000Z");
    assert_eq!(format_utc_ms(YEAR_9999_END), "9999-12-31T23:59:59.999Z");
    assert_eq!(
        format_utc_ms(YEAR_9999_END + 1),
        "10000-01-01T00:00:00.000Z"
    );
}

proptest::proptest! {
    /// `time` (moved by 400-year cycles) writes what the hand-written
    /// formatter wrote, for the years a log holds and for any `i64`.
    #[test]
    fn formats_as_the_reference_in_years_0000_to_9999(t in YEAR_0..=YEAR_9999_END) {
        proptest::prop_assert_eq!(format_utc_ms(t), reference_format_utc_ms(t));
        let mut pushed = Vec::new();
        push_utc_ms(&mut pushed, t);
        proptest::prop_assert_eq!(pushed, reference_format_utc_ms(t).into_bytes());
        proptest::prop_assert_eq!(parse_rfc3339_ms(&format_utc_ms(t)).unwrap(), t);
    }

    #[test]
    fn formats_as_the_reference_for_any_i64(t in proptest::prelude::any::<i64>()) {
        proptest::prop_assert_eq!(format_utc_ms(t), reference_format_utc_ms(t));
        let mut pushed = Vec::new();
        push_utc_ms(&mut pushed, t);
        proptest::prop_assert_eq!(pushed, reference_format_utc_ms(t).into_bytes());
    }
}
