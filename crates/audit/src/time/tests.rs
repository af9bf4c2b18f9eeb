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
