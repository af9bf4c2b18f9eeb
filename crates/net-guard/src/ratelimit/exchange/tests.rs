use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use proptest::prelude::*;

use supreme_core::FakeClock;

use super::*;

// 2023-09-08T00:00:00Z, a UTC midnight.
const T0: u64 = 1_694_131_200_000;

fn small_limits() -> Vec<RateLimit> {
    vec![
        RateLimit::new(LimitKind::RequestWeight, 60_000, 100).unwrap(),
        RateLimit::new(LimitKind::Orders, 10_000, 5).unwrap(),
        RateLimit::new(LimitKind::Orders, 86_400_000, 40).unwrap(),
        RateLimit::new(LimitKind::RawRequests, 300_000, 60).unwrap(),
    ]
}

#[test]
fn weight_window_is_aligned_to_the_minute() {
    let clock = Arc::new(FakeClock::new(T0 + 59_000));
    let l = ExchangeLimiter::new(small_limits(), clock.clone()).unwrap();
    l.try_acquire(Cost::weight(100)).unwrap();
    let err = l.try_acquire(Cost::weight(1)).unwrap_err();
    assert_eq!(
        err,
        Error::RateLimited {
            limit: LimitKind::RequestWeight,
            wait: Duration::from_secs(1)
        }
    );
    clock.advance(Duration::from_secs(1));
    l.try_acquire(Cost::weight(1)).unwrap();
}

#[test]
fn orders_per_ten_seconds_and_per_day() {
    let clock = Arc::new(FakeClock::new(T0));
    let l = ExchangeLimiter::new(small_limits(), clock.clone()).unwrap();
    for _ in 0..5 {
        l.try_acquire(Cost::order(1)).unwrap();
    }
    assert!(matches!(
        l.try_acquire(Cost::order(1)),
        Err(Error::RateLimited { limit: LimitKind::Orders, wait }) if wait == Duration::from_secs(10)
    ));
    // A non-order request still fits.
    l.try_acquire(Cost::weight(1)).unwrap();
}

#[test]
fn a_cost_that_never_fits_is_an_error() {
    let l = ExchangeLimiter::new(small_limits(), Arc::new(FakeClock::new(T0))).unwrap();
    assert!(matches!(
        l.try_acquire(Cost::weight(101)),
        Err(Error::RateLimits(_))
    ));
}

#[test]
fn headers_raise_counts_never_lower_them() {
    let clock = Arc::new(FakeClock::new(T0));
    let l = ExchangeLimiter::new(small_limits(), clock).unwrap();
    l.try_acquire(Cost::weight(10)).unwrap();
    l.sync_headers([
        ("X-MBX-USED-WEIGHT-1M", "95"),
        ("x-mbx-order-count-10s", "4"),
    ]);
    assert_eq!(l.used(LimitKind::RequestWeight, 60_000), Some(95));
    assert_eq!(l.used(LimitKind::Orders, 10_000), Some(4));
    l.sync_headers([("X-MBX-USED-WEIGHT-1M", "3")]);
    assert_eq!(l.used(LimitKind::RequestWeight, 60_000), Some(95));
    assert!(l.try_acquire(Cost::weight(6)).is_err());
    l.try_acquire(Cost::order(5)).unwrap();
    assert!(l.try_acquire(Cost::order(1)).is_err());
}

#[test]
fn header_names() {
    assert_eq!(
        parse_usage_header("X-MBX-USED-WEIGHT-1M"),
        Some((LimitKind::RequestWeight, 60_000))
    );
    assert_eq!(
        parse_usage_header("x-mbx-order-count-1d"),
        Some((LimitKind::Orders, 86_400_000))
    );
    assert_eq!(parse_usage_header("x-mbx-used-weight"), None);
    assert_eq!(parse_usage_header("x-mbx-used-weight-0m"), None);
    assert_eq!(parse_usage_header("x-mbx-used-weight-1y"), None);
}

#[test]
fn status_429_backs_off_and_418_bans() {
    let clock = Arc::new(FakeClock::new(T0));
    let l = ExchangeLimiter::new(small_limits(), clock.clone()).unwrap();
    l.on_status(429, Some(Duration::from_secs(7)));
    assert_eq!(
        l.try_acquire(Cost::weight(1)),
        Err(Error::BackedOff {
            wait: Duration::from_secs(7)
        })
    );
    clock.advance(Duration::from_secs(7));
    l.try_acquire(Cost::weight(1)).unwrap();
    l.on_status(418, Some(Duration::from_secs(120)));
    clock.advance(Duration::from_secs(119));
    assert_eq!(
        l.try_acquire(Cost::weight(1)),
        Err(Error::Banned {
            wait: Duration::from_secs(1)
        })
    );
    clock.advance(Duration::from_secs(1));
    l.try_acquire(Cost::weight(1)).unwrap();
    // 429 without Retry-After: 60 s.
    l.on_status(429, None);
    assert!(
        matches!(l.try_acquire(Cost::weight(1)), Err(Error::BackedOff { wait }) if wait == Duration::from_secs(60))
    );
}

#[test]
fn limits_from_exchange_info() {
    let json = r#"{"timezone":"UTC","rateLimits":[
        {"rateLimitType":"REQUEST_WEIGHT","interval":"MINUTE","intervalNum":1,"limit":6000},
        {"rateLimitType":"ORDERS","interval":"SECOND","intervalNum":10,"limit":100},
        {"rateLimitType":"ORDERS","interval":"DAY","intervalNum":1,"limit":200000},
        {"rateLimitType":"RAW_REQUESTS","interval":"MINUTE","intervalNum":5,"limit":61000}]}"#;
    assert_eq!(
        RateLimit::from_exchange_info(json).unwrap(),
        RateLimit::binance_spot_defaults()
    );
    assert!(RateLimit::from_exchange_info(r#"{"rateLimits":[]}"#).is_err());
    assert!(
        RateLimit::from_exchange_info(
            r#"[{"rateLimitType":"X","interval":"MINUTE","intervalNum":1,"limit":1}]"#
        )
        .is_err()
    );
}

#[test]
fn limits_from_the_real_snapshot() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/fixtures/binance/"
    );
    let Ok(dir) = std::fs::read_dir(path) else {
        return;
    };
    for entry in dir.flatten() {
        let Ok(text) = std::fs::read_to_string(entry.path()) else {
            continue;
        };
        if text.contains("\"rateLimits\"") {
            let limits = RateLimit::from_exchange_info(&text).unwrap();
            assert!(limits.iter().any(|l| l.kind == LimitKind::RequestWeight));
        }
    }
}

/// Replays what was admitted and checks every aligned window of every limit.
fn assert_no_window_broken(limits: &[RateLimit], sent: &[(u64, Cost)]) {
    for lim in limits {
        let mut per_window: HashMap<u64, u64> = HashMap::new();
        for (t, cost) in sent {
            *per_window.entry(t / lim.interval_ms).or_default() += u64::from(cost.units(lim.kind));
        }
        for (w, used) in per_window {
            assert!(
                used <= u64::from(lim.limit),
                "{} per {} ms broken in window {w}: {used} > {}",
                lim.kind,
                lim.interval_ms,
                lim.limit
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    /// Under any load, with any header corrections, nothing admitted breaks a window.
    #[test]
    fn never_sends_a_request_that_breaks_a_window(
        steps in prop::collection::vec((0u64..3_000, 1u32..30, any::<bool>(), prop::option::of(0u32..120)), 1..600)
    ) {
        let clock = Arc::new(FakeClock::new(T0 - 30_000));
        let limits = small_limits();
        let l = ExchangeLimiter::new(limits.clone(), clock.clone()).unwrap();
        let mut sent = Vec::new();
        for (dt, weight, order, header) in steps {
            clock.advance(Duration::from_millis(dt));
            let cost = if order { Cost::order(weight) } else { Cost::weight(weight) };
            if l.try_acquire(cost).is_ok() {
                sent.push((clock.now_ms(), cost));
            }
            if let Some(h) = header {
                let v = h.to_string();
                l.sync_headers([("X-MBX-USED-WEIGHT-1M", v.as_str())]);
            }
        }
        assert_no_window_broken(&limits, &sent);
    }
}

#[test]
fn saturating_load_fills_windows_exactly() {
    // A greedy caller that retries as soon as told: every window ends up full, never over.
    let clock = Arc::new(FakeClock::new(T0));
    let limits = small_limits();
    let l = ExchangeLimiter::new(limits.clone(), clock.clone()).unwrap();
    let mut sent = Vec::new();
    let end = T0 + 3_600_000;
    let mut i = 0u32;
    while clock.now_ms() < end {
        let cost = if i.is_multiple_of(2) {
            Cost::weight(1)
        } else {
            Cost::weight(2)
        };
        i += 1;
        match l.try_acquire(cost) {
            Ok(()) => sent.push((clock.now_ms(), cost)),
            Err(Error::RateLimited { wait, .. }) => clock.advance(wait),
            Err(e) => panic!("{e}"),
        }
    }
    assert_no_window_broken(&limits, &sent);
    // 60 raw requests per 5 minutes is the binding limit: 12 windows in the hour.
    assert_eq!(sent.len(), 60 * 12);
}

#[tokio::test]
async fn acquire_waits_then_admits() {
    let clock = supreme_core::SystemClock;
    let l = ExchangeLimiter::new(
        vec![RateLimit::new(LimitKind::RawRequests, 200, 1).unwrap()],
        clock,
    )
    .unwrap();
    l.acquire(Cost::weight(1), Duration::from_secs(1))
        .await
        .unwrap();
    let t = std::time::Instant::now();
    l.acquire(Cost::weight(1), Duration::from_secs(1))
        .await
        .unwrap();
    assert!(t.elapsed() <= Duration::from_millis(400));
    // Told instead of waiting when the wait is too long.
    let err = l
        .acquire(Cost::weight(1), Duration::ZERO)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::RateLimited { .. }));
}
