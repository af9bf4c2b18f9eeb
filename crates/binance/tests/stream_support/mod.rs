//! The simulated exchange's REST and websocket sides on loopback TLS (one
//! test CA), a nameserver for their names, and a guarded client pinned to
//! both: what a bot's live inputs run on.
#![allow(dead_code, clippy::unwrap_used)]

use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use supreme_binance::stream::StreamConfig;
use supreme_binance::{BinanceClient, GuardedTransport};
use supreme_net_guard::pin::{PinSet, spki_of_cert};
use supreme_net_guard::ratelimit::{ExchangeLimiter, RateLimit};
use supreme_net_guard::resolve::{Nameserver, ResolverSettings};
use supreme_net_guard::{EgressPolicy, GuardedClient, SystemClock};
use supreme_order_guard::SAMPLE_EXCHANGE_INFO;
use supreme_testkit::binance::{ApiKey, ApiRestrictions, KeyCredential, SimBinance, SimServer};
use supreme_testkit::dns::DnsServer;
use supreme_testkit::tls::spki_pin;
use supreme_testkit::ws_sim::{WsConfig, WsSim};

use crate::support::{API_KEY, SECRET, vault};

pub(crate) const API: &str = "api.binance.test";
pub(crate) const STREAM: &str = "stream.binance.test";

pub(crate) struct StreamRig {
    pub(crate) sim: SimBinance,
    pub(crate) server: SimServer,
    pub(crate) ws: WsSim,
    pub(crate) dns: DnsServer,
    pub(crate) client: GuardedClient,
}

pub(crate) fn rig(config: WsConfig) -> StreamRig {
    let sim = SimBinance::with_sample();
    sim.add_key(ApiKey {
        key: API_KEY.into(),
        credential: KeyCredential::hmac(SECRET.as_bytes()),
        restrictions: ApiRestrictions::TRADING_ONLY,
    });
    sim.set_balance("USDT", "100000");
    sim.set_balance("BTC", "1");
    let server = sim.serve(&[API]).unwrap();
    let ws = WsSim::start(&sim, server.ca(), &[STREAM], config).unwrap();
    let dns = DnsServer::start().unwrap();
    let lo: IpAddr = "127.0.0.1".parse().unwrap();
    dns.set(API, &[lo]);
    dns.set(STREAM, &[lo]);
    let policy = EgressPolicy::builder()
        .allow_host("*.binance.test")
        .unwrap()
        .allow_port(server.addr().port())
        .allow_port(ws.addr().port())
        .dangerous()
        .allow_socket(server.addr())
        .allow_socket(ws.addr())
        .done()
        .build();
    let ca_pin = spki_pin(spki_of_cert(server.ca().cert_der()).unwrap());
    let client = GuardedClient::builder(policy)
        .resolver(ResolverSettings {
            nameservers: vec![Nameserver::Plain(dns.addr())],
            ttl_cap: Duration::from_secs(1),
            timeout: Duration::from_secs(2),
        })
        .pin(PinSet::new(API, &[server.spki_pin(), &ca_pin]).unwrap())
        .pin(PinSet::new(STREAM, &[ws.spki_pin(), &ca_pin]).unwrap())
        .timeout(Duration::from_secs(5))
        .dangerous()
        .add_root_ca(server.ca().cert_der().clone())
        .done()
        .build()
        .unwrap();
    StreamRig {
        sim,
        server,
        ws,
        dns,
        client,
    }
}

impl StreamRig {
    pub(crate) fn stream_base(&self) -> String {
        format!("wss://{STREAM}:{}", self.ws.addr().port())
    }

    pub(crate) fn api_url(&self) -> String {
        format!("wss://{STREAM}:{}/ws-api/v3", self.ws.addr().port())
    }

    /// A REST client through the same guarded client, signing through the vault.
    pub(crate) fn rest(&self) -> BinanceClient {
        let limits = RateLimit::from_exchange_info(SAMPLE_EXCHANGE_INFO).unwrap();
        let limiter = Arc::new(ExchangeLimiter::new(limits, SystemClock).unwrap());
        let base = format!("https://{API}:{}", self.server.addr().port());
        let transport = GuardedTransport::new(self.client.clone(), &base, limiter).unwrap();
        BinanceClient::new(
            Arc::new(transport),
            API_KEY,
            vault().signer("binance-hmac").unwrap(),
        )
    }
}

/// Fast timeouts and back-off for tests.
pub(crate) fn fast() -> StreamConfig {
    StreamConfig {
        idle_timeout: Duration::from_millis(500),
        ping_interval: Duration::from_millis(100),
        backoff_min: Duration::from_millis(10),
        backoff_max: Duration::from_millis(50),
        ..StreamConfig::default()
    }
}

/// Waits (async) until `what` holds, at most 5 s.
pub(crate) async fn until(what: impl Fn() -> bool) {
    let start = Instant::now();
    while !what() {
        assert!(start.elapsed() < Duration::from_secs(5), "timed out");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}
