//! `GuardedClient::connect_wss` against the simulator's websocket server on
//! loopback TLS and a real DNS server: the same policy, resolver, peer
//! check and TLS config (with pins) as an HTTPS request.

#![allow(clippy::unwrap_used)]

use std::net::IpAddr;
use std::time::Duration;

use supreme_net_guard::classify::AddrClass;
use supreme_net_guard::pin::PinSet;
use supreme_net_guard::resolve::{Nameserver, ResolverSettings};
use supreme_net_guard::{EgressPolicy, Error, GuardedClient, GuardedClientBuilder};
use supreme_testkit::binance::SimBinance;
use supreme_testkit::dns::DnsServer;
use supreme_testkit::tls::TestCa;
use supreme_testkit::ws_sim::{WsConfig, WsSim};

const HOST: &str = "stream.example.test";

struct Rig {
    ca: TestCa,
    ws: WsSim,
    dns: DnsServer,
}

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

fn rig() -> Rig {
    let ca = TestCa::new().unwrap();
    let ws = WsSim::start(
        &SimBinance::with_sample(),
        &ca,
        &[HOST],
        WsConfig::default(),
    )
    .unwrap();
    let dns = DnsServer::start().unwrap();
    dns.set(HOST, &[ip("127.0.0.1")]);
    dns.set("inside.example.test", &[ip("10.0.0.7")]);
    Rig { ca, ws, dns }
}

impl Rig {
    fn url(&self, scheme: &str, host: &str) -> String {
        format!(
            "{scheme}://{host}:{}/ws/btcusdt@trade",
            self.ws.addr().port()
        )
    }

    fn builder(&self) -> GuardedClientBuilder {
        let policy = EgressPolicy::builder()
            .allow_host("*.example.test")
            .unwrap()
            .allow_port(self.ws.addr().port())
            .dangerous()
            .allow_socket(self.ws.addr())
            .done()
            .build();
        GuardedClient::builder(policy)
            .resolver(ResolverSettings {
                nameservers: vec![Nameserver::Plain(self.dns.addr())],
                ttl_cap: Duration::from_secs(1),
                timeout: Duration::from_secs(2),
            })
            .timeout(Duration::from_secs(5))
            .dangerous()
            .add_root_ca(self.ca.cert_der().clone())
            .done()
    }
}

#[tokio::test]
async fn a_pinned_wss_stream_reaches_the_judged_address() {
    let rig = rig();
    let backup = format!("sha256/{}A=", "B".repeat(42));
    let pins = PinSet::new(HOST, &[rig.ws.spki_pin(), &backup]).unwrap();
    let client = rig.builder().pin(pins).build().unwrap();
    let tls = client.connect_wss(&rig.url("wss", HOST)).await.unwrap();
    assert_eq!(tls.peer, rig.ws.addr());
    assert_eq!(tls.target.url.scheme(), "wss");
    assert!(rig.dns.queries() >= 1);
}

#[tokio::test]
async fn anything_but_wss_on_the_allowlist_is_refused() {
    let rig = rig();
    let client = rig.builder().build().unwrap();
    for scheme in ["ws", "https", "http"] {
        match client.connect_wss(&rig.url(scheme, HOST)).await {
            Err(Error::SchemeNotHttps { scheme: s }) => assert_eq!(s, scheme),
            other => panic!("{scheme}: {other:?}"),
        }
    }
    let off = format!("wss://stream.elsewhere.test:{}/ws", rig.ws.addr().port());
    assert!(matches!(
        client.connect_wss(&off).await,
        Err(Error::HostNotAllowed { .. })
    ));
    match client
        .connect_wss(&rig.url("wss", "inside.example.test"))
        .await
    {
        Err(Error::AddressDenied { denied, .. }) => assert_eq!(denied.class, AddrClass::Private),
        other => panic!("{other:?}"),
    }
    assert_eq!(rig.ws.accepted(), 0, "nothing reached the server");
}

#[tokio::test]
async fn a_wrong_pin_is_refused_in_the_handshake() {
    let rig = rig();
    let wrong = format!("sha256/{}A=", "C".repeat(42));
    let backup = format!("sha256/{}A=", "B".repeat(42));
    let pins = PinSet::new(HOST, &[&wrong, &backup]).unwrap();
    let client = rig.builder().pin(pins).build().unwrap();
    match client.connect_wss(&rig.url("wss", HOST)).await {
        Err(Error::PinMismatch { host, actual, .. }) => {
            assert_eq!(host, HOST);
            assert_eq!(actual[0], rig.ws.spki_pin());
        }
        other => panic!("{other:?}"),
    }
}
