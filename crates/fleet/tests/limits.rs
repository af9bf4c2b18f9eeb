//! The shared windows against a real Redis: two instances never jointly
//! exceed a window; headers raise, never lower; a 429 or 418 seen by one
//! holds back the other; every key carries the hash tag and a TTL.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use supreme_fleet::{Error, SharedLimiter};
use supreme_net_guard::{Cost, FakeClock, LimitKind, RateLimit};
use supreme_testkit::redis::RedisServer;

fn limits() -> Vec<RateLimit> {
    vec![
        RateLimit::new(LimitKind::RequestWeight, 60_000, 1_000).unwrap(),
        RateLimit::new(LimitKind::Orders, 10_000, 25).unwrap(),
        RateLimit::new(LimitKind::RawRequests, 300_000, 10_000).unwrap(),
    ]
}

/// One fixed instant (mid-window), so no window rolls during a test.
fn clock() -> FakeClock {
    FakeClock::new(1_700_000_005_000)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_never_jointly_exceed_the_orders_window() {
    let redis = RedisServer::require();
    let mut limiters = Vec::new();
    for name in ["a", "b"] {
        let fleet = common::instance(&redis.url(), name).await;
        limiters.push(Arc::new(
            SharedLimiter::new(&fleet, limits(), "ip1", "acct1", clock()).unwrap(),
        ));
    }
    let admitted = Arc::new(AtomicU32::new(0));
    let mut tasks = Vec::new();
    for t in 0..16 {
        let limiter = limiters[t % 2].clone();
        let admitted = admitted.clone();
        tasks.push(tokio::spawn(async move {
            for _ in 0..20 {
                match limiter.reserve(Cost::order(2)).await {
                    Ok(_permit) => {
                        admitted.fetch_add(1, Ordering::SeqCst);
                    }
                    Err(Error::RateLimited { limit, wait }) => {
                        assert_eq!(limit, LimitKind::Orders);
                        assert!(wait <= Duration::from_secs(10));
                    }
                    Err(e) => panic!("unexpected {e}"),
                }
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    // 320 attempts from 16 tasks on two instances: exactly the limit passes.
    assert_eq!(admitted.load(Ordering::SeqCst), 25);
    for l in &limiters {
        assert_eq!(l.used(LimitKind::Orders, 10_000).await.unwrap(), Some(25));
        assert_eq!(
            l.used(LimitKind::RequestWeight, 60_000).await.unwrap(),
            Some(50)
        );
        assert_eq!(
            l.used(LimitKind::RawRequests, 300_000).await.unwrap(),
            Some(25)
        );
    }
}

#[tokio::test]
async fn headers_raise_the_shared_windows_and_never_lower_them() {
    let redis = RedisServer::require();
    let a = common::instance(&redis.url(), "a").await;
    let b = common::instance(&redis.url(), "b").await;
    let la = SharedLimiter::new(&a, limits(), "ip1", "acct1", clock()).unwrap();
    let lb = SharedLimiter::new(&b, limits(), "ip1", "acct1", clock()).unwrap();
    let _permit = la.reserve(Cost::weight(10)).await.unwrap();
    la.observe(
        200,
        [
            ("X-MBX-USED-WEIGHT-1M", "900"),
            ("x-mbx-order-count-10s", "7"),
        ],
    )
    .await
    .unwrap();
    assert_eq!(
        lb.used(LimitKind::RequestWeight, 60_000).await.unwrap(),
        Some(900)
    );
    assert_eq!(lb.used(LimitKind::Orders, 10_000).await.unwrap(), Some(7));
    la.observe(200, [("x-mbx-used-weight-1m", "5")])
        .await
        .unwrap();
    assert_eq!(
        lb.used(LimitKind::RequestWeight, 60_000).await.unwrap(),
        Some(900)
    );
    // The other instance now sees the exchange's count: 101 weight does not fit.
    match lb.reserve(Cost::weight(101)).await {
        Err(Error::RateLimited {
            limit: LimitKind::RequestWeight,
            ..
        }) => {}
        other => panic!("expected a full window, got {other:?}"),
    }
    let _permit = lb.reserve(Cost::weight(100)).await.unwrap();
}

#[tokio::test]
async fn a_429_or_418_seen_by_one_instance_holds_back_the_other() {
    let redis = RedisServer::require();
    let a = common::instance(&redis.url(), "a").await;
    let b = common::instance(&redis.url(), "b").await;
    let la = SharedLimiter::new(&a, limits(), "ip1", "acct1", clock()).unwrap();
    let lb = SharedLimiter::new(&b, limits(), "ip1", "acct1", clock()).unwrap();
    la.observe(429, [("Retry-After", "7")]).await.unwrap();
    match lb.reserve(Cost::weight(1)).await {
        Err(Error::BackedOff { wait }) => assert_eq!(wait, Duration::from_secs(7)),
        other => panic!("expected a back-off, got {other:?}"),
    }
    la.observe(418, []).await.unwrap();
    match lb.reserve(Cost::weight(1)).await {
        Err(Error::Banned { wait }) => assert_eq!(wait, Duration::from_secs(120)),
        other => panic!("expected a ban, got {other:?}"),
    }
    // A shorter ban seen later never shortens the standing one.
    lb.observe(418, [("retry-after", "1")]).await.unwrap();
    match la.reserve(Cost::weight(1)).await {
        Err(Error::Banned { wait }) => assert_eq!(wait, Duration::from_secs(120)),
        other => panic!("expected a ban, got {other:?}"),
    }
    // Once it ends (the clock moves on), both go again.
    let later = FakeClock::new(1_700_000_005_000 + 121_000);
    let lb = SharedLimiter::new(&b, limits(), "ip1", "acct1", later).unwrap();
    let _permit = lb.reserve(Cost::weight(1)).await.unwrap();
}

#[tokio::test]
async fn a_cost_that_can_never_fit_is_refused_without_counting() {
    let redis = RedisServer::require();
    let a = common::instance(&redis.url(), "a").await;
    let la = SharedLimiter::new(&a, limits(), "ip1", "acct1", clock()).unwrap();
    assert!(matches!(
        la.reserve(Cost::weight(1_001)).await,
        Err(Error::RateLimits(_))
    ));
    assert_eq!(
        la.used(LimitKind::RawRequests, 300_000).await.unwrap(),
        Some(0)
    );
    assert!(SharedLimiter::new(&a, vec![], "ip1", "acct1", clock()).is_err());
    assert!(SharedLimiter::new(&a, limits(), "ip 1", "acct1", clock()).is_err());
}

#[tokio::test]
async fn every_key_carries_the_hash_tag_and_a_ttl() {
    let redis = RedisServer::require();
    let a = common::instance(&redis.url(), "a").await;
    let la = SharedLimiter::new(&a, limits(), "ip1", "acct1", clock()).unwrap();
    let _permit = la.reserve(Cost::order(1)).await.unwrap();
    la.observe(429, [("x-mbx-used-weight-1m", "50")])
        .await
        .unwrap();
    la.observe(418, [("retry-after", "3")]).await.unwrap();
    let id = a.next_order_id().await.unwrap();
    a.claim_order_id(&supreme_core::ClientOrderId::new("manual-1").unwrap())
        .await
        .unwrap();
    a.trip(supreme_kill_switch::TripRequest::manual("ttl test", "test"))
        .await
        .unwrap();
    let client = redis::Client::open(redis.url()).unwrap();
    let mut c = client.get_multiplexed_async_connection().await.unwrap();
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg("*")
        .query_async(&mut c)
        .await
        .unwrap();
    assert!(keys.len() >= 9, "{keys:?}");
    assert!(keys.iter().any(|k| k.ends_with(id.as_str())));
    for key in keys {
        assert!(
            key.starts_with("{supreme:test}:"),
            "{key} lacks the hash tag"
        );
        let ttl: i64 = redis::cmd("PTTL")
            .arg(&key)
            .query_async(&mut c)
            .await
            .unwrap();
        assert!(ttl > 0, "{key} has no TTL ({ttl})");
    }
}
