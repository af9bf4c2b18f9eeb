//! Every exchange request is recorded as one API_ACCESS event, against the
//! simulated exchange over real TLS, and no record carries the key, the
//! signature or the signed query.

#![allow(clippy::unwrap_used)] // test helpers: a failed unwrap is a failed test

mod support;

use std::sync::Arc;

use support::*;
use supreme_binance::*;
use supreme_core::event::{Event, FnSink, SinkError, VecSink};
use supreme_order_guard::Symbol;

#[tokio::test(flavor = "current_thread")]
async fn access_records_never_hold_the_api_key_the_signature_or_the_signed_query() {
    let (sim, _server, client) = setup();
    let seen = Arc::new(VecSink::new());
    let client = client.with_events(seen.clone());
    client.sync_time().await.unwrap();
    let placed = client
        .place_order(support::approve(order("bot-1")))
        .await
        .unwrap();
    assert_eq!(placed.status, "NEW");
    let btc = Symbol::new("BTCUSDT").unwrap();
    client.cancel_order(&btc, "bot-1").await.unwrap();
    assert!(sim.open_orders().is_empty());

    let events = seen.take();
    assert_eq!(events.len(), 3, "one per request: {events:?}");
    let order = events
        .iter()
        .find(|e| e.get("path") == Some("/api/v3/order") && e.get("method") == Some("POST"))
        .unwrap();
    assert_eq!(order.kind(), API_ACCESS);
    assert_eq!(order.get("status"), Some("200"));
    assert_eq!(order.get("signed"), Some("true"));
    assert_eq!(
        order.get("weight"),
        Some(weight("POST", "/api/v3/order", true).to_string().as_str())
    );
    assert!(order.get("used_weight_1m").is_some());
    assert!(order.get("latency_ms").unwrap().parse::<u64>().is_ok());
    for e in &events {
        let text = e.to_string();
        for (name, value) in e.fields() {
            assert!(!value.contains(API_KEY), "{name} holds the API key: {text}");
            assert!(!value.contains(SECRET), "{name} holds the secret: {text}");
            assert!(
                !value.contains("signature"),
                "{name} holds the signature: {text}"
            );
            assert!(
                !value.contains("timestamp="),
                "{name} holds the signed query: {text}"
            );
            assert!(
                !value.contains("newClientOrderId"),
                "{name} holds the query: {text}"
            );
        }
        assert!(
            !text.contains(API_KEY) && !text.contains("signature="),
            "{text}"
        );
    }
}

#[tokio::test(flavor = "current_thread")]
async fn a_refused_access_record_is_counted_and_the_answer_still_returned() {
    let (_sim, _server, client) = setup();
    let full = FnSink::new(|_: &Event| Err(SinkError::new("audit log", "disk full")));
    let client = client.with_events(Arc::new(full));
    client.sync_time().await.unwrap();
    assert_eq!(client.unrecorded_events(), 1);
}
