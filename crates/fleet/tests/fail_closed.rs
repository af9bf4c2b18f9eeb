//! Losing Redis fails closed: SIGKILL, SIGSTOP, and a restart that lost the
//! fleet's data, each against a real redis-server.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod common;

use std::time::{Duration, Instant};

use supreme_fleet::{Error, SharedLimiter};
use supreme_net_guard::{Cost, FakeClock, LimitKind, RateLimit};
use supreme_testkit::redis::RedisServer;

fn limits() -> Vec<RateLimit> {
    vec![RateLimit::new(LimitKind::Orders, 10_000, 50).unwrap()]
}

fn clock() -> FakeClock {
    FakeClock::new(1_700_000_005_000)
}

/// The bound is 300 ms; a check every 100 µs sees the close.
const BOUND: Duration = Duration::from_millis(300);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_closes_the_gate_within_the_bound_and_a_restart_reopens_it() {
    let mut redis = RedisServer::start_aof().unwrap();
    let a = common::instance(&redis.url(), "a").await;
    let limiter = SharedLimiter::new(&a, limits(), "ip1", "acct1", clock()).unwrap();
    for _ in 0..20 {
        let _permit = limiter.reserve(Cost::order(1)).await.unwrap();
    }
    let gate = a.gate();
    assert!(gate.is_open());
    let killed = Instant::now();
    redis.kill();
    let closed = common::within(Duration::from_secs(2), || !gate.is_open())
        .await
        .expect("the gate closes");
    eprintln!("redis SIGKILLed -> gate closed after {closed:?}");
    // The last successful call was up to one heartbeat (20 ms) before the kill.
    assert!(closed <= BOUND + Duration::from_millis(30), "{closed:?}");
    assert!(matches!(gate.check(), Err(Error::Unavailable { .. })));
    assert!(matches!(
        limiter.reserve(Cost::order(1)).await,
        Err(Error::Unavailable { .. })
    ));
    assert!(matches!(gate.enter_order(), Err(Error::Unavailable { .. })));
    // Still closed while Redis is down, however long.
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(!gate.is_open());

    redis.restart().unwrap();
    let reopened = common::within(Duration::from_secs(3), || gate.is_open())
        .await
        .expect("the gate reopens after reconnect and re-sync");
    eprintln!(
        "redis restarted (AOF) -> gate open after {reopened:?}; down {:?}",
        killed.elapsed()
    );
    // appendfsync always: nothing spent before the kill is forgotten.
    assert_eq!(
        limiter.used(LimitKind::Orders, 10_000).await.unwrap(),
        Some(20)
    );
    let _permit = limiter.reserve(Cost::order(1)).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigstop_times_out_closes_and_sigcont_recovers() {
    let redis = RedisServer::require();
    let a = common::instance(&redis.url(), "a").await;
    let gate = a.gate();
    redis.pause().unwrap();
    let closed = common::within(Duration::from_secs(2), || !gate.is_open())
        .await
        .expect("a silent Redis closes the gate");
    assert!(closed <= BOUND + Duration::from_millis(30), "{closed:?}");
    let limiter = SharedLimiter::new(&a, limits(), "ip1", "acct1", clock()).unwrap();
    assert!(limiter.reserve(Cost::order(1)).await.is_err());
    redis.resume().unwrap();
    common::within(Duration::from_secs(3), || gate.is_open())
        .await
        .expect("recovers after SIGCONT");
    let _permit = limiter.reserve(Cost::order(1)).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_that_lost_the_data_holds_traffic_before_reopening() {
    // No AOF: the restart forgets every window (and the epoch).
    let mut redis = RedisServer::require();
    let a = common::instance(&redis.url(), "a").await;
    let b = common::instance(&redis.url(), "b").await;
    let gates = [a.gate(), b.gate()];
    redis.kill();
    common::within(Duration::from_secs(2), || {
        gates.iter().all(|g| !g.is_open())
    })
    .await
    .expect("both close");
    redis.restart().unwrap();
    let back = Instant::now();
    common::within(Duration::from_secs(3), || gates.iter().all(|g| g.is_open()))
        .await
        .expect("both reopen after the hold");
    let held = back.elapsed();
    eprintln!("redis lost the data -> held {held:?} (lost_data_hold 500 ms)");
    assert!(
        held >= Duration::from_millis(450),
        "reopened after {held:?}, before the hold ended"
    );
}

#[tokio::test]
async fn a_fleet_that_cannot_reach_redis_at_start_is_an_error() {
    let mut redis = RedisServer::require();
    let url = redis.url();
    redis.kill();
    let started = Instant::now();
    let r = supreme_fleet::Fleet::connect(
        common::config(&url, "a"),
        supreme_kill_switch::KillSwitch::builder().build(),
    )
    .await;
    assert!(r.is_err());
    assert!(started.elapsed() < Duration::from_secs(1));
}
