//! Account-wide exposure on a real Redis: two instances never jointly
//! exceed a limit; a dead instance's leases expire; no settled figure
//! refuses everything.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod common;

use std::sync::Arc;
use std::time::Duration;

use supreme_core::Side;
use supreme_fleet::{AccountLimits, Error, SharedExposure};
use supreme_net_guard::FakeClock;
use supreme_testkit::redis::RedisServer;

const LIMITS: AccountLimits = AccountLimits {
    max_gross: 1_000,
    max_net: 600,
    max_open_orders: 8,
};

#[tokio::test]
async fn two_instances_never_jointly_exceed_the_account_limits() {
    let redis = RedisServer::require();
    let clock = Arc::new(FakeClock::new(1_000_000));
    let a = common::instance(&redis.url(), "a").await;
    let b = common::instance(&redis.url(), "b").await;
    let ea =
        SharedExposure::new(&a, "acct", LIMITS, Duration::from_secs(5), clock.clone()).unwrap();
    let eb =
        SharedExposure::new(&b, "acct", LIMITS, Duration::from_secs(5), clock.clone()).unwrap();
    // No settled figure from the exchange yet: refused (fail closed).
    assert!(matches!(
        ea.reserve(Side::Buy, 10).await,
        Err(Error::Unavailable { .. })
    ));
    ea.settle(100, 0, Duration::from_secs(60)).await.unwrap();
    let l1 = ea.reserve(Side::Buy, 400).await.unwrap();
    let _l2 = eb.reserve(Side::Buy, 200).await.unwrap();
    // Net: 0 + 600 long; one more buy breaks it, a sell does not.
    match eb.reserve(Side::Buy, 1).await {
        Err(Error::ExposureLimit { what }) => assert_eq!(what, "net"),
        other => panic!("expected the net limit, got {other:?}"),
    }
    let _l3 = eb.reserve(Side::Sell, 300).await.unwrap();
    // Gross: 100 settled + 900 pending; 1 more fits, 2 do not.
    match ea.reserve(Side::Sell, 2).await {
        Err(Error::ExposureLimit { what }) => assert_eq!(what, "gross"),
        other => panic!("expected the gross limit, got {other:?}"),
    }
    let t = eb.totals().await.unwrap();
    assert_eq!(
        (
            t.pending_gross,
            t.pending_long,
            t.pending_short,
            t.open_orders
        ),
        (900, 600, 300, 3)
    );
    ea.release(l1).await.unwrap();
    assert_eq!(eb.totals().await.unwrap().pending_gross, 500);
    let _l4 = eb.reserve(Side::Buy, 400).await.unwrap();
}

#[tokio::test]
async fn a_dead_instances_leases_expire_and_free_the_account() {
    let redis = RedisServer::require();
    let clock = Arc::new(FakeClock::new(1_000_000));
    let a = common::instance(&redis.url(), "a").await;
    let b = common::instance(&redis.url(), "b").await;
    let ea =
        SharedExposure::new(&a, "acct", LIMITS, Duration::from_secs(5), clock.clone()).unwrap();
    let eb =
        SharedExposure::new(&b, "acct", LIMITS, Duration::from_secs(5), clock.clone()).unwrap();
    ea.settle(0, 0, Duration::from_secs(60)).await.unwrap();
    let held: Vec<_> = {
        let mut v = Vec::new();
        for _ in 0..8 {
            v.push(ea.reserve(Side::Sell, 10).await.unwrap());
        }
        v
    };
    match eb.reserve(Side::Buy, 10).await {
        Err(Error::ExposureLimit { what }) => assert_eq!(what, "open_orders"),
        other => panic!("expected the open-order limit, got {other:?}"),
    }
    // Instance a dies holding its leases (never released, never renewed).
    drop(held);
    a.shutdown();
    clock.advance(Duration::from_secs(6));
    let _l = eb.reserve(Side::Buy, 10).await.unwrap();
    assert_eq!(eb.totals().await.unwrap().open_orders, 1);
}
