//! The adapter through net-guard's guarded client: allowlist, DNS through a
//! test nameserver, the simulator's test CA, SPKI pins, and the exchange
//! rate limiter, all on loopback.

#![allow(clippy::unwrap_used)] // test helpers: a failed unwrap is a failed test

mod support;

use support::flavors;

use support::guarded::rig;
use supreme_binance::*;
use supreme_net_guard::ratelimit::LimitKind;
use supreme_net_guard::{AddrClass, Error as NetError};
use supreme_order_guard::{ClientOrderId, Order, Side, Symbol};
use supreme_testkit::binance::Faults;

fn btc() -> Symbol {
    Symbol::new("BTCUSDT").unwrap()
}

flavors! {
    async fn orders_go_through_the_guarded_client_and_the_limiter() {
    let rig = rig();
    let client = rig.client();
    client.sync_time().await.unwrap();
    let order = Order::limit(
        btc(),
        Side::Buy,
        "0.01".parse().unwrap(),
        "24000".parse().unwrap(),
    )
    .with_client_order_id(ClientOrderId::new("g-1").unwrap());
    assert_eq!(
        client
            .place_order(support::approve(order))
            .await
            .unwrap()
            .status,
        "NEW"
    );
    // The limiter counted what the exchange counted (synced from headers).
    let used = rig
        .transport
        .limiter()
        .used(LimitKind::RequestWeight, 60_000)
        .unwrap();
    assert_eq!(Some(used), client.usage().used_weight_1m);
    assert_eq!(
        rig.transport.limiter().used(LimitKind::Orders, 10_000),
        Some(1)
    );
}
}

flavors! {
    async fn ssrf_and_allowlist_are_enforced_before_any_connection() {
    let rig = rig();
    let port = rig.server.addr().port();
    let metadata = rig
        .transport
        .check_url(&format!("https://status.binance.test:{port}/"))
        .await
        .unwrap_err();
    match metadata {
        NetError::AddressDenied { denied, .. } => {
            assert_eq!(denied.class, AddrClass::CloudMetadata)
        }
        other => panic!("{other:?}"),
    }
    let evil = format!("https://evil.example.com:{port}/");
    assert!(matches!(
        rig.transport.check_url(&evil).await,
        Err(NetError::HostNotAllowed { .. })
    ));
    assert!(matches!(
        rig.transport.check_url("http://api.binance.test/").await,
        Err(NetError::SchemeNotHttps { .. })
    ));
}
}

flavors! {
    async fn a_lost_order_answer_is_outcome_unknown_and_sent_once() {
    let rig = rig();
    let client = rig.client();
    rig.sim.set_faults(Faults {
        drop_after_accept: 1,
        ..Faults::default()
    });
    let order = Order::limit(
        btc(),
        Side::Buy,
        "0.01".parse().unwrap(),
        "24000".parse().unwrap(),
    )
    .with_client_order_id(ClientOrderId::new("g-lost").unwrap());
    let err = client
        .place_order(support::approve(order))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::OutcomeUnknown { .. }), "{err:?}");
    assert_eq!(rig.sim.orders().len(), 1, "never re-sent");
    assert!(matches!(
        client.reconcile(&btc(), "g-lost").await.unwrap(),
        Reconciled::Found(_)
    ));
}
}
