//! An order that reached the exchange is never reported "not sent, safe to
//! retry": the peer is judged when a connection is made, before any byte is
//! written, never after the order went out. Replayed with the simulated
//! exchange behind several loopback addresses (relays, as a CDN's rotating
//! addresses all reach one origin) and a DNS server whose answer rotates.

#![allow(clippy::unwrap_used)] // test helpers: a failed unwrap is a failed test

mod support;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use support::{API_KEY, SECRET, order, vault};
use supreme_binance::*;
use supreme_net_guard::hsts::HstsMode;
use supreme_net_guard::pin::{PinSet, spki_of_cert};
use supreme_net_guard::ratelimit::{ExchangeLimiter, RateLimit};
use supreme_net_guard::resolve::{Nameserver, ResolverSettings};
use supreme_net_guard::{EgressPolicy, GuardedClient, SystemClock};
use supreme_order_guard::SAMPLE_EXCHANGE_INFO;
use supreme_testkit::binance::{ApiKey, ApiRestrictions, KeyCredential, SimBinance, SimServer};
use supreme_testkit::dns::DnsServer;
use supreme_testkit::relay::Relay;
use supreme_testkit::tls::spki_pin;
use tokio::sync::Barrier;

const HOST: &str = "api.binance.test";
/// 127.0.0.1 (the simulator itself) and 127.0.0.2..=16 (relays to it).
const ADDRS: u8 = 16;

struct Rig {
    sim: SimBinance,
    dns: DnsServer,
    relays: Vec<Relay>,
    client: Arc<BinanceClient>,
    _server: SimServer,
}

fn addr(i: u8) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(127, 0, 0, i))
}

fn rig() -> Rig {
    rig_with(HstsMode::Warn)
}

fn rig_with(hsts: HstsMode) -> Rig {
    let sim = SimBinance::with_sample();
    sim.add_key(ApiKey {
        key: API_KEY.into(),
        credential: KeyCredential::hmac(SECRET.as_bytes()),
        restrictions: ApiRestrictions::TRADING_ONLY,
    });
    sim.set_balance("USDT", "1000000");
    let server = sim.serve(&[HOST]).unwrap();
    let port = server.addr().port();
    let relays: Vec<Relay> = (2..=ADDRS)
        .map(|i| Relay::start(SocketAddr::new(addr(i), port), server.addr()).unwrap())
        .collect();
    let dns = DnsServer::start().unwrap();
    dns.set(HOST, &[addr(1)]);
    let mut policy = EgressPolicy::builder()
        .allow_host("*.binance.test")
        .unwrap()
        .allow_port(port)
        .dangerous();
    for i in 1..=ADDRS {
        policy = policy.allow_socket(SocketAddr::new(addr(i), port));
    }
    let ca_pin = spki_pin(spki_of_cert(server.ca().cert_der()).unwrap());
    let client = GuardedClient::builder(policy.done().build())
        .resolver(ResolverSettings {
            nameservers: vec![Nameserver::Plain(dns.addr())],
            // Every request looks the name up again: the answer it was
            // judged by is whatever the nameserver says at that moment.
            ttl_cap: Duration::ZERO,
            timeout: Duration::from_secs(2),
        })
        .pin(PinSet::new(HOST, &[server.spki_pin(), &ca_pin]).unwrap())
        .hsts(hsts)
        .dangerous()
        .add_root_ca(server.ca().cert_der().clone())
        .done()
        .build()
        .unwrap();
    let limits = RateLimit::from_exchange_info(SAMPLE_EXCHANGE_INFO).unwrap();
    let limiter = Arc::new(ExchangeLimiter::new(limits, SystemClock).unwrap());
    let base = format!("https://{HOST}:{port}");
    let transport = GuardedTransport::new(client, &base, limiter).unwrap();
    let client = Arc::new(BinanceClient::new(
        transport,
        API_KEY,
        vault().signer("binance-hmac").unwrap(),
    ));
    Rig {
        sim,
        dns,
        relays,
        client,
        _server: server,
    }
}

fn seen(sim: &SimBinance, id: &str) -> bool {
    sim.orders().iter().any(|o| o.client_order_id == id)
}

/// The promise under attack: "not sent" only for an order the exchange never saw.
fn assert_truthful(sim: &SimBinance, id: &str, result: &Result<OrderState, Error>) {
    if let Err(Error::Transport(TransportError::NotSent(why))) = result {
        assert!(
            !seen(sim, id),
            "order {id} reached the exchange but was reported not sent: {why}"
        );
    }
}

#[tokio::test(flavor = "current_thread")]
async fn dns_rotation_between_two_orders_on_a_pooled_connection_never_reports_a_sent_order_unsent()
{
    let rig = rig();
    let first = rig
        .client
        .place_order(support::approve(order("rot-1")))
        .await;
    assert_truthful(&rig.sim, "rot-1", &first);
    assert_eq!(first.unwrap().status, "NEW");
    // The CDN rotates: the next answer no longer lists the address the
    // pooled connection reached.
    rig.dns.set(HOST, &[addr(2)]);
    let second = rig
        .client
        .place_order(support::approve(order("rot-2")))
        .await;
    assert_truthful(&rig.sim, "rot-2", &second);
    assert_eq!(second.unwrap().status, "NEW");
    // It went out on the pooled connection (judged when it was opened), not
    // through a new one.
    assert_eq!(rig.relays[0].accepted(), 0);
    assert!(seen(&rig.sim, "rot-1") && seen(&rig.sim, "rot-2"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixteen_concurrent_orders_to_different_judged_addresses_are_never_reported_unsent() {
    let rig = Arc::new(rig());
    let stop = Arc::new(AtomicBool::new(false));
    let barrier = Arc::new(Barrier::new(16));
    // The nameserver's answer changes every millisecond, through all 16 addresses.
    let rotator = tokio::spawn({
        let (rig, stop) = (rig.clone(), stop.clone());
        async move {
            let mut i = 0u8;
            while !stop.load(Ordering::SeqCst) {
                rig.dns.set(HOST, &[addr(i % ADDRS + 1)]);
                i = i.wrapping_add(1);
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
        }
    });
    let tasks: Vec<_> = (0..16)
        .map(|t| {
            let (client, barrier) = (rig.client.clone(), barrier.clone());
            tokio::spawn(async move {
                barrier.wait().await;
                let mut out = Vec::new();
                for k in 0..3 {
                    let id = format!("conc-{t}-{k}");
                    let r = client.place_order(support::approve(order(&id))).await;
                    out.push((id, r));
                }
                out
            })
        })
        .collect();
    let mut results = Vec::new();
    for task in tasks {
        results.extend(task.await.unwrap());
    }
    stop.store(true, Ordering::SeqCst);
    rotator.await.unwrap();
    for (id, r) in &results {
        assert_truthful(&rig.sim, id, r);
        assert!(r.is_ok(), "{id}: {r:?}");
        assert!(seen(&rig.sim, id), "{id}");
    }
    assert_eq!(rig.sim.orders().len(), 48);
    // The requests really were judged against different answers.
    assert!(rig.relays.iter().map(Relay::accepted).sum::<u64>() > 0);
}

#[tokio::test(flavor = "current_thread")]
async fn an_order_answered_without_hsts_is_outcome_unknown_not_unsent() {
    // HSTS is judged on the answer, after the order was sent: refusing the
    // answer must not make the order look unsent.
    let rig = rig_with(HstsMode::Require);
    let result = rig
        .client
        .place_order(support::approve(order("hsts-1")))
        .await;
    assert_truthful(&rig.sim, "hsts-1", &result);
    match result {
        Err(Error::OutcomeUnknown {
            client_order_id,
            reason,
            ..
        }) => {
            assert_eq!(client_order_id, "hsts-1");
            assert!(reason.contains("HSTS"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    assert!(seen(&rig.sim, "hsts-1"));
    assert_eq!(rig.sim.orders().len(), 1, "never re-sent");
}
