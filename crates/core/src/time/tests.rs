use std::sync::Arc;
use std::time::Duration;

use proptest::prelude::*;

use super::*;

#[test]
fn fake_sleep_advances_instead_of_blocking() {
    let clock = FakeClock::new(10);
    let started = std::time::Instant::now();
    clock.sleep(Duration::from_secs(3600));
    assert!(started.elapsed() < Duration::from_secs(1));
    assert_eq!(clock.now_ms(), 3_600_010);
    assert_eq!(clock.monotonic(), Duration::from_secs(3600));
    assert_eq!(clock.now_unix_secs(), 3600);
}

#[test]
fn advance_saturates_instead_of_wrapping() {
    let clock = FakeClock::new(u64::MAX - 1);
    clock.advance(Duration::MAX);
    assert_eq!(clock.now_ms(), u64::MAX);
    assert_eq!(clock.monotonic(), Duration::from_nanos(u64::MAX));
}

#[test]
fn one_fake_is_seen_through_every_handle() {
    let clock = Arc::new(FakeClock::new(0));
    let as_dyn: Arc<dyn Clock> = clock.clone();
    let by_ref: &dyn Clock = &*clock;
    clock.advance(Duration::from_millis(7));
    assert_eq!(as_dyn.now_ms(), 7);
    assert_eq!(by_ref.now_ms(), 7);
    as_dyn.sleep(Duration::from_millis(3));
    assert_eq!(clock.now_ms(), 10);
}

#[test]
fn system_monotonic_never_goes_back() {
    let mut last = SystemClock.monotonic();
    for _ in 0..1000 {
        let now = SystemClock.monotonic();
        assert!(now >= last);
        last = now;
    }
}

proptest! {
    #[test]
    fn wall_steps_never_move_monotonic(steps in proptest::collection::vec((any::<u32>(), any::<bool>()), 1..50)) {
        let clock = FakeClock::new(1_000_000);
        let mut mono = clock.monotonic();
        for (v, is_set) in steps {
            if is_set {
                clock.set_ms(u64::from(v));
                prop_assert_eq!(clock.monotonic(), mono);
            } else {
                clock.advance(Duration::from_micros(u64::from(v)));
                prop_assert!(clock.monotonic() >= mono);
                mono = clock.monotonic();
            }
        }
    }
}

#[cfg(target_os = "linux")]
#[test]
fn system_monotonic_counts_from_boot_so_processes_compare() {
    use nix::time::{ClockId, clock_gettime};
    let read = || {
        let ts = clock_gettime(ClockId::CLOCK_MONOTONIC).expect("CLOCK_MONOTONIC");
        Duration::new(
            u64::try_from(ts.tv_sec()).expect("secs"),
            u32::try_from(ts.tv_nsec()).expect("nanos"),
        )
    };
    // Another process reading CLOCK_MONOTONIC sees the same origin (boot),
    // so our reading lies between two of its readings.
    let before = read();
    let ours = SystemClock.monotonic();
    let coarse = CoarseClock.monotonic();
    let after = read();
    assert!(before <= ours && ours <= coarse && coarse <= after);
}

#[test]
fn saturating_i64_keeps_signed_formats_in_range() {
    assert_eq!(saturating_i64(FakeClock::new(42).now_ms()), 42);
    assert_eq!(saturating_i64(u64::MAX), i64::MAX);
}
