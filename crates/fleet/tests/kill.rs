//! The fleet kill switch against a real Redis: a trip on one instance closes
//! the others' gates within 10 ms; an instance started later starts tripped;
//! a local trip (not through the fleet) reaches the fleet too.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod common;

use std::time::{Duration, Instant};

use supreme_fleet::Fleet;
use supreme_kill_switch::{KillSwitch, State, Trigger, TripRequest};
use supreme_testkit::redis::RedisServer;

/// Trips `a` and measures until every gate in `others` is closed.
async fn trip_and_time(a: &Fleet, others: &[Fleet]) -> Duration {
    let gates: Vec<_> = others.iter().map(Fleet::gate).collect();
    assert!(gates.iter().all(|g| g.is_open()));
    let start = Instant::now();
    let trip = a
        .trip(TripRequest::manual("fleet drill", "operator"))
        .await
        .unwrap();
    assert_eq!(trip.origin, "a");
    common::within(Duration::from_secs(2), || {
        gates.iter().all(|g| !g.is_open())
    })
    .await
    .expect("every gate closes");
    start.elapsed()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trip_closes_every_other_gate_within_10_ms() {
    let redis = RedisServer::require();
    // A slow poll (the fallback), so what is measured is the pub/sub path.
    let slow = |name: &str| {
        let mut c = common::config(&redis.url(), name);
        c.heartbeat = Duration::from_millis(500);
        c.unreachable_bound = Duration::from_secs(2);
        c
    };
    let mut latencies = Vec::new();
    for round in 0..5 {
        let ns = format!("round{round}");
        let mut fleet = Vec::new();
        for name in ["a", "b", "c"] {
            let mut config = slow(name);
            config.namespace = ns.clone();
            fleet.push(
                Fleet::connect(config, KillSwitch::builder().build())
                    .await
                    .unwrap(),
            );
        }
        latencies.push(trip_and_time(&fleet[0], &fleet[1..]).await);
        for f in &fleet[1..] {
            let record = f.switch().trip_record().unwrap();
            assert!(
                record.reason.starts_with("fleet: fleet drill"),
                "{record:?}"
            );
            assert_eq!(record.values["fleet_origin"], "a");
        }
    }
    latencies.sort();
    eprintln!("fleet trip -> last gate closed: {latencies:?}");
    assert!(
        latencies[2] <= Duration::from_millis(10),
        "median {latencies:?}"
    );
}

#[tokio::test]
async fn the_poll_closes_gates_when_pub_sub_missed_the_message() {
    let redis = RedisServer::require();
    let b = common::instance(&redis.url(), "b").await;
    // The record written behind the fleet's back (no publish): as if the
    // message was lost. The next health check (20 ms) adopts it.
    let a = KillSwitch::builder().build();
    a.trip(TripRequest::manual("written, never published", "risk"))
        .unwrap();
    let trip = serde_json::json!({ "record": a.trip_record().unwrap(), "origin": "elsewhere" });
    let client = redis::Client::open(redis.url()).unwrap();
    let mut c = client.get_multiplexed_async_connection().await.unwrap();
    let _: () = redis::cmd("SET")
        .arg("{supreme:test}:kill")
        .arg(trip.to_string())
        .arg("PX")
        .arg(60_000)
        .query_async(&mut c)
        .await
        .unwrap();
    let took = common::within(Duration::from_secs(1), || !b.gate().is_open()).await;
    assert!(took.is_some(), "the poll adopts a record without a message");
    assert_eq!(
        b.switch().trip_record().unwrap().values["fleet_origin"],
        "elsewhere"
    );
}

#[tokio::test]
async fn a_local_trip_not_through_the_fleet_halts_the_fleet() {
    let redis = RedisServer::require();
    let b = common::instance(&redis.url(), "b").await;
    let a = common::instance(&redis.url(), "a").await;
    a.switch()
        .trip(TripRequest::manual("local only", "risk"))
        .unwrap();
    let took = common::within(Duration::from_secs(1), || !b.gate().is_open()).await;
    assert!(
        took.is_some(),
        "a's health check writes its local trip to the fleet"
    );
    let fleet_trip = b.fleet_trip().await.unwrap().unwrap();
    assert_eq!(fleet_trip.origin, "a");
    assert_eq!(fleet_trip.record.reason, "local only");
}

#[tokio::test]
async fn an_unreadable_fleet_record_trips_all_the_same() {
    let redis = RedisServer::require();
    let client = redis::Client::open(redis.url()).unwrap();
    let mut c = client.get_multiplexed_async_connection().await.unwrap();
    let _: () = redis::cmd("SET")
        .arg("{supreme:test}:kill")
        .arg("{not json")
        .query_async(&mut c)
        .await
        .unwrap();
    let b = common::instance(&redis.url(), "b").await;
    assert_eq!(b.switch().state(), State::Tripped);
    assert_eq!(
        b.switch().trip_record().unwrap().trigger,
        Trigger::CorruptLatch
    );
}

#[tokio::test]
async fn an_instance_started_after_a_trip_starts_tripped() {
    let redis = RedisServer::require();
    let a = common::instance(&redis.url(), "a").await;
    a.trip(TripRequest::new(
        Trigger::RiskBreach,
        "account loss",
        "risk",
    ))
    .await
    .unwrap();
    // A fresh process whose local latch says armed: the fleet record wins.
    let late = common::instance(&redis.url(), "late").await;
    assert_eq!(late.switch().state(), State::Tripped);
    assert!(!late.gate().is_open());
    assert_eq!(
        late.switch().trip_record().unwrap().trigger,
        Trigger::RiskBreach
    );
    // A second trip keeps the first record.
    let again = late
        .trip(TripRequest::manual("second", "op"))
        .await
        .unwrap();
    assert_eq!(again.record.reason, "account loss");
}

#[tokio::test]
async fn a_trip_while_redis_is_down_reaches_the_fleet_when_it_is_back() {
    let redis = RedisServer::require();
    let a = common::instance(&redis.url(), "a").await;
    redis.pause().unwrap();
    assert!(
        a.trip(TripRequest::manual("during outage", "op"))
            .await
            .is_err()
    );
    assert!(!a.gate().is_open(), "the local gate closed regardless");
    redis.resume().unwrap();
    let b = common::instance(&redis.url(), "b").await;
    let took = common::within(Duration::from_secs(2), || !b.gate().is_open()).await;
    assert!(
        took.is_some(),
        "the pending trip is written once Redis answers"
    );
}
