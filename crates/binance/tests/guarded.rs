//! The adapter through net-guard's guarded client: allowlist, DNS through a
//! test nameserver, the simulator's test CA, SPKI pins, and the exchange
//! rate limiter, all on loopback.

#![allow(clippy::unwrap_used)] // test helpers: a failed unwrap is a failed test

mod support;

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use support::{API_KEY, SECRET, vault};
use supreme_binance::*;
use supreme_net_guard::pin::{PinSet, spki_of_cert};
use supreme_net_guard::ratelimit::{ExchangeLimiter, LimitKind, RateLimit};
use supreme_net_guard::resolve::{Nameserver, ResolverSettings};
use supreme_net_guard::{AddrClass, EgressPolicy, Error as NetError, GuardedClient, SystemClock};
use supreme_order_guard::{ClientOrderId, Order, SAMPLE_EXCHANGE_INFO, Side, Symbol};
use supreme_testkit::binance::{
    ApiKey, ApiRestrictions, Faults, KeyCredential, SimBinance, SimServer,
};
use supreme_testkit::dns::DnsServer;
use supreme_testkit::tls::spki_pin;

const HOST: &str = "api.binance.test";

struct Rig {
    sim: SimBinance,
    server: SimServer,
    _dns: DnsServer,
    transport: Arc<GuardedTransport<SystemClock>>,
}

fn rig() -> Rig {
    let sim = SimBinance::with_sample();
    sim.add_key(ApiKey {
        key: API_KEY.into(),
        credential: KeyCredential::hmac(SECRET.as_bytes()),
        restrictions: ApiRestrictions::TRADING_ONLY,
    });
    sim.set_balance("USDT", "100000");
    let server = sim.serve(&[HOST]).unwrap();
    let dns = DnsServer::start().unwrap();
    dns.set(HOST, &["127.0.0.1".parse::<IpAddr>().unwrap()]);
    dns.set(
        "status.binance.test",
        &["169.254.169.254".parse::<IpAddr>().unwrap()],
    );
    let policy = EgressPolicy::builder()
        .allow_host("*.binance.test")
        .unwrap()
        .allow_port(server.addr().port())
        .dangerous()
        .allow_socket(server.addr()) // exactly the simulator, not "loopback"
        .done()
        .build();
    let ca_pin = spki_pin(spki_of_cert(server.ca().cert_der()).unwrap());
    let client = GuardedClient::builder(policy)
        .resolver(ResolverSettings {
            nameservers: vec![Nameserver::Plain(dns.addr())],
            ttl_cap: Duration::from_secs(1),
            timeout: Duration::from_secs(2),
        })
        .pin(PinSet::new(HOST, &[server.spki_pin(), &ca_pin]).unwrap())
        .dangerous()
        .add_root_ca(server.ca().cert_der().clone())
        .done()
        .build()
        .unwrap();
    let limits = RateLimit::from_exchange_info(SAMPLE_EXCHANGE_INFO).unwrap();
    let limiter = Arc::new(ExchangeLimiter::new(limits, SystemClock).unwrap());
    let base = format!("https://{HOST}:{}", server.addr().port());
    let transport = Arc::new(GuardedTransport::new(client, &base, limiter).unwrap());
    Rig {
        sim,
        server,
        _dns: dns,
        transport,
    }
}

fn client(rig: &Rig) -> BinanceClient {
    BinanceClient::new(
        rig.transport.clone(),
        API_KEY,
        vault().signer("binance-hmac").unwrap(),
    )
}

fn btc() -> Symbol {
    Symbol::new("BTCUSDT").unwrap()
}

#[test]
fn orders_go_through_the_guarded_client_and_the_limiter() {
    let rig = rig();
    let client = client(&rig);
    client.sync_time().unwrap();
    let order = Order::limit(
        btc(),
        Side::Buy,
        "0.01".parse().unwrap(),
        "24000".parse().unwrap(),
    )
    .with_client_order_id(ClientOrderId::new("g-1").unwrap());
    assert_eq!(
        client.place_order(support::approve(order)).unwrap().status,
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

#[test]
fn ssrf_and_allowlist_are_enforced_before_any_connection() {
    let rig = rig();
    let port = rig.server.addr().port();
    let metadata = rig
        .transport
        .check_url(&format!("https://status.binance.test:{port}/"))
        .unwrap_err();
    match metadata {
        NetError::AddressDenied { denied, .. } => {
            assert_eq!(denied.class, AddrClass::CloudMetadata)
        }
        other => panic!("{other:?}"),
    }
    let evil = format!("https://evil.example.com:{port}/");
    assert!(matches!(
        rig.transport.check_url(&evil),
        Err(NetError::HostNotAllowed { .. })
    ));
    assert!(matches!(
        rig.transport.check_url("http://api.binance.test/"),
        Err(NetError::SchemeNotHttps { .. })
    ));
}

#[test]
fn a_lost_order_answer_is_outcome_unknown_and_sent_once() {
    let rig = rig();
    let client = client(&rig);
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
    let err = client.place_order(support::approve(order)).unwrap_err();
    assert!(matches!(err, Error::OutcomeUnknown { .. }), "{err:?}");
    assert_eq!(rig.sim.orders().len(), 1, "never re-sent");
    assert!(matches!(
        client.reconcile(&btc(), "g-lost").unwrap(),
        Reconciled::Found(_)
    ));
}
