use super::utc;

#[test]
fn utc_formats_known_instants() {
    assert_eq!(utc(0), "1970-01-01T00:00:00Z");
    assert_eq!(utc(1_694_131_200_000), "2023-09-08T00:00:00Z");
    assert_eq!(utc(951_782_400_000), "2000-02-29T00:00:00Z");
    assert_eq!(utc(1_694_131_200_999), "2023-09-08T00:00:00Z");
    assert_eq!(utc(LAST_MS_OF_9999), "9999-12-31T23:59:59Z");
    // RFC 3339 has no five-digit year: the seconds, marked.
    assert_eq!(utc(LAST_MS_OF_9999 + 1), "@253402300800");
    assert_eq!(utc(u64::MAX), format!("@{}", u64::MAX / 1000));
}

/// 9999-12-31T23:59:59.999Z.
const LAST_MS_OF_9999: u64 = 253_402_300_799_999;

/// The hand-written formatter `utc` replaced (H. Hinnant's
/// `civil_from_days`): the reference it must match up to year 9999.
fn reference_utc(ms: u64) -> String {
    let secs = ms / 1000;
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

proptest::proptest! {
    #[test]
    fn utc_matches_the_reference(ms in 0..=LAST_MS_OF_9999) {
        proptest::prop_assert_eq!(utc(ms), reference_utc(ms));
    }
}
