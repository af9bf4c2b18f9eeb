//! core's `FakeClock` and tokio's paused time, kept in step as
//! `supreme_core::time` documents. The limiter's async `acquire` sleeps on
//! tokio's clock and judges the windows on the injected `Clock`, so a test
//! must move both, the fake first.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::sync::Arc;
use std::time::Duration;

use supreme_net_guard::{Clock, Cost, Error, ExchangeLimiter, FakeClock, LimitKind, RateLimit};

/// 2023-09-08T00:00:00Z: a window boundary.
const T0: u64 = 1_694_131_200_000;
const WINDOW: Duration = Duration::from_secs(10);

fn full_limiter(clock: &Arc<FakeClock>) -> Arc<ExchangeLimiter<Arc<FakeClock>>> {
    let l = ExchangeLimiter::new(
        vec![RateLimit::new(LimitKind::Orders, 10_000, 1).unwrap()],
        clock.clone(),
    )
    .unwrap();
    l.try_acquire(Cost::order(1)).unwrap();
    Arc::new(l)
}

/// One step of test time: the fake first, so no task tokio wakes (during
/// `advance`'s yield, or on another worker) can read the old time.
async fn step(clock: &FakeClock, d: Duration) {
    clock.advance(d);
    tokio::time::advance(d).await;
}

#[tokio::test(start_paused = true)]
async fn a_waiting_acquire_wakes_into_the_next_window_when_both_clocks_step_together() {
    let clock = Arc::new(FakeClock::new(T0));
    let l = full_limiter(&clock);
    let started = tokio::time::Instant::now();
    let waiting = tokio::spawn({
        let l = Arc::clone(&l);
        async move { l.acquire(Cost::order(1), Duration::from_secs(60)).await }
    });
    tokio::task::yield_now().await;
    assert!(!waiting.is_finished(), "the window is full: it sleeps");
    step(&clock, WINDOW).await;
    waiting.await.unwrap().unwrap();
    assert_eq!(started.elapsed(), WINDOW, "woken once, on time");
    assert_eq!(l.used(LimitKind::Orders, 10_000), Some(1));
}

#[tokio::test(start_paused = true)]
async fn paused_time_alone_never_admits_an_order_over_the_limit() {
    // Auto-advance moves only tokio's clock: the fake still says the window
    // is full, so the limiter gives up at max_wait instead of admitting.
    let clock = Arc::new(FakeClock::new(T0));
    let l = full_limiter(&clock);
    let started = tokio::time::Instant::now();
    let err = l
        .acquire(Cost::order(1), Duration::from_secs(60))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::RateLimited { .. }), "{err}");
    assert!(started.elapsed() <= Duration::from_secs(60));
    assert_eq!(clock.now_ms(), T0);
    assert_eq!(l.used(LimitKind::Orders, 10_000), Some(1));
}
