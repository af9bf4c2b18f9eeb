//! Fleet-wide client order ids on a real Redis: a duplicate anywhere in the
//! fleet is refused; generated ids never collide across instances.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod common;

use std::collections::HashSet;

use supreme_core::ClientOrderId;
use supreme_fleet::Error;
use supreme_testkit::redis::RedisServer;

#[tokio::test]
async fn a_claimed_id_is_refused_on_every_other_instance() {
    let redis = RedisServer::require();
    let a = common::instance(&redis.url(), "a").await;
    let b = common::instance(&redis.url(), "b").await;
    let id = ClientOrderId::new("strategy-7:1").unwrap();
    a.claim_order_id(&id).await.unwrap();
    match b.claim_order_id(&id).await {
        Err(Error::DuplicateOrderId(s)) => assert_eq!(s, "strategy-7:1"),
        other => panic!("expected a duplicate, got {other:?}"),
    }
    assert!(matches!(
        a.claim_order_id(&id).await,
        Err(Error::DuplicateOrderId(_))
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn generated_ids_are_unique_across_instances() {
    let redis = RedisServer::require();
    let mut tasks = Vec::new();
    for name in ["a", "b", "c", "d"] {
        let fleet = common::instance(&redis.url(), name).await;
        tasks.push(tokio::spawn(async move {
            let mut ids = Vec::new();
            for _ in 0..100 {
                ids.push(fleet.next_order_id().await.unwrap().as_str().to_owned());
            }
            ids
        }));
    }
    let mut all = HashSet::new();
    for t in tasks {
        for id in t.await.unwrap() {
            assert!(all.insert(id.clone()), "{id} issued twice");
        }
    }
    assert_eq!(all.len(), 400);
    // The counter is fleet-wide: the numbers alone are unique too.
    let numbers: HashSet<_> = all
        .iter()
        .map(|s| s.rsplit('-').next().unwrap().to_owned())
        .collect();
    assert_eq!(numbers.len(), 400);
}

#[tokio::test]
async fn ids_are_refused_while_the_fleet_gate_is_closed() {
    let mut redis = RedisServer::require();
    let a = common::instance(&redis.url(), "a").await;
    redis.kill();
    let gate = a.gate();
    common::within(std::time::Duration::from_secs(2), || !gate.is_open())
        .await
        .unwrap();
    assert!(matches!(
        a.next_order_id().await,
        Err(Error::Unavailable { .. })
    ));
}
