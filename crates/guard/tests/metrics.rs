//! `/metrics` scraped over HTTP from a guard trading against the simulator:
//! the counters match what the simulator saw, the gauges what the parts
//! hold, and the endpoint refuses what is not a scrape. (Its own test
//! binary: the metrics recorder is process-wide.)

#![allow(clippy::unwrap_used)]

mod support;

use std::net::SocketAddr;

use support::sim::{Rig, context};
use supreme_core::{ClientOrderId, Side, Symbol};
use supreme_kill_switch::{State, TripRequest};
use supreme_order_guard::Order;
use supreme_testkit::prometheus::{self, sample};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn order(qty: &str, price: &str, id: &str) -> Order {
    Order::limit(
        Symbol::new("BTCUSDT").unwrap(),
        Side::Buy,
        qty.parse().unwrap(),
        price.parse().unwrap(),
    )
    .with_client_order_id(ClientOrderId::new(id).unwrap())
}

/// One raw request; the status and the body.
async fn request(addr: SocketAddr, raw: &[u8]) -> (u16, String) {
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    s.write_all(raw).await.unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).await.unwrap();
    let status = out[9..12].parse().unwrap();
    let body = out.split_once("\r\n\r\n").unwrap().1.to_owned();
    (status, body)
}

async fn scrape(addr: SocketAddr) -> String {
    tokio::task::spawn_blocking(move || prometheus::scrape(addr))
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn counters_match_the_simulator_and_gauges_the_parts() {
    let rig = Rig::new(|t| t);
    let guard = rig.first_run().await;
    let addr = guard.metrics_addr().unwrap();
    assert!(addr.ip().is_loopback());
    // The recorder is process-wide: count from what is there now.
    let before = scrape(addr).await;
    let approved_before = sample(
        &before,
        "supreme_gate_decisions_total",
        &[r#"outcome="APPROVED""#],
    );
    let rejected_before = sample(
        &before,
        "supreme_gate_decisions_total",
        &[r#"outcome="ORDER_REJECTED""#, r#"guard="order-guard""#],
    );

    for (i, price) in ["25000", "24000", "24500"].into_iter().enumerate() {
        let approval = guard
            .gate()
            .check(&order("0.01", price, &format!("m-{i}")), &context("25000"))
            .unwrap();
        guard.client().place_order(approval).await.unwrap();
    }
    // Off the lot size: order-guard refuses it, nothing is sent.
    assert!(
        guard
            .gate()
            .check(&order("0.0000001", "25000", "m-bad"), &context("25000"))
            .is_err()
    );

    let text = scrape(addr).await;
    let posted = rig.sim.orders().len();
    assert_eq!(posted, 3);
    let decisions = "supreme_gate_decisions_total";
    assert_eq!(
        sample(&text, decisions, &[r#"outcome="APPROVED""#]) - approved_before,
        posted as f64,
        "{text}"
    );
    assert_eq!(
        sample(
            &text,
            decisions,
            &[r#"outcome="ORDER_REJECTED""#, r#"guard="order-guard""#]
        ) - rejected_before,
        1.0,
        "{text}"
    );
    // The local ORDERS window holds exactly the orders the simulator took.
    assert_eq!(
        sample(
            &text,
            "supreme_rate_limit_used",
            &[r#"kind="ORDERS""#, r#"interval_ms="10000""#]
        ),
        posted as f64,
        "{text}"
    );
    assert_eq!(
        sample(
            &text,
            "supreme_rate_limit_max",
            &[r#"kind="ORDERS""#, r#"interval_ms="10000""#]
        ),
        50.0
    );
    assert!(
        sample(
            &text,
            "supreme_rate_limit_used",
            &[r#"kind="REQUEST_WEIGHT""#]
        ) > 0.0
    );
    assert_eq!(
        sample(&text, "supreme_kill_switch_state", &[r#"state="armed""#]),
        1.0
    );
    // Two orders rest at the simulator: two live orders, two in the risk book.
    let resting = rig.sim.open_orders().len();
    assert_eq!(
        sample(&text, "supreme_gate_live_orders", &[r#"status="open""#]),
        resting as f64
    );
    assert_eq!(
        sample(&text, "supreme_risk_open_orders", &[r#"scope="global""#]),
        resting as f64,
        "{text}"
    );
    assert!(sample(&text, "supreme_risk_exposure", &[r#"side="gross""#]) > 0.0);
    assert_eq!(sample(&text, "supreme_audit_queue_depth", &[]), 0.0);
    assert!(text.contains("supreme_audit_fsync_seconds"), "{text}");

    // A trip shows in the next scrape.
    guard
        .switch()
        .trip(TripRequest::manual("metrics test", "operator"))
        .unwrap();
    guard.halted().await.unwrap().unwrap();
    let text = scrape(addr).await;
    assert_eq!(
        sample(&text, "supreme_kill_switch_state", &[r#"state="armed""#]),
        0.0
    );
    assert_eq!(guard.switch().state(), State::Halted);
    assert_eq!(
        sample(&text, "supreme_kill_switch_state", &[r#"state="halted""#]),
        1.0
    );
    // The halt's cancels and close orders do not pass the gate.
    assert_eq!(
        sample(&text, decisions, &[r#"outcome="APPROVED""#]) - approved_before,
        posted as f64
    );
    assert_eq!(sample(&text, decisions, &[r#"outcome="HALTED""#]), 0.0);
    guard.shutdown().unwrap();
}

#[tokio::test(flavor = "current_thread")]
async fn the_endpoint_answers_only_scrapes() {
    let rig = Rig::new(|t| t);
    let guard = rig.first_run().await;
    let addr = guard.metrics_addr().unwrap();
    let (status, _) = request(addr, b"POST /metrics HTTP/1.1\r\n\r\n").await;
    assert_eq!(status, 405);
    let (status, _) = request(addr, b"GET /admin HTTP/1.1\r\n\r\n").await;
    assert_eq!(status, 404);
    let mut huge = b"GET /metrics HTTP/1.1\r\nX: ".to_vec();
    // Exactly the most the endpoint reads, with no end of head in it (a
    // longer one would leave unread bytes, and the kernel would reset).
    huge.resize(supreme_guard::metrics::MAX_HEAD, b'a');
    let (status, _) = request(addr, &huge).await;
    assert_eq!(status, 431);
    let (status, body) = request(addr, b"HEAD /metrics HTTP/1.1\r\n\r\n").await;
    assert_eq!((status, body.as_str()), (200, ""));
    // After shutdown nothing listens.
    guard.shutdown().unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}
