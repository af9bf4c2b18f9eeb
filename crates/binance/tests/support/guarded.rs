//! A [`GuardedTransport`] to the simulated exchange: allowlist, DNS through
//! a test nameserver, the simulator's test CA, SPKI pins, and the exchange
//! rate limiter (the sample's windows), all on loopback.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use supreme_binance::{BinanceClient, GuardedTransport};
use supreme_net_guard::pin::{PinSet, spki_of_cert};
use supreme_net_guard::ratelimit::{ExchangeLimiter, RateLimit};
use supreme_net_guard::resolve::{Nameserver, ResolverSettings};
use supreme_net_guard::{Clock, EgressPolicy, GuardedClient, SystemClock};
use supreme_order_guard::SAMPLE_EXCHANGE_INFO;
use supreme_testkit::binance::{ApiKey, ApiRestrictions, KeyCredential, SimBinance, SimServer};
use supreme_testkit::dns::DnsServer;
use supreme_testkit::tls::spki_pin;

use super::{API_KEY, SECRET, vault};

/// The simulator's name (resolved by the rig's nameserver to 127.0.0.1).
pub(crate) const HOST: &str = "api.binance.test";

/// The simulator, its server, the nameserver, and the guarded transport.
pub(crate) struct Rig<C: Clock> {
    pub(crate) sim: SimBinance,
    pub(crate) server: SimServer,
    pub(crate) dns: DnsServer,
    pub(crate) transport: Arc<GuardedTransport<C>>,
}

/// The sample simulator behind a guarded transport on the system clock.
pub(crate) fn rig() -> Rig<SystemClock> {
    rig_with(SimBinance::with_sample(), SystemClock)
}

/// `sim` (given the test key and 100,000 USDT) behind a guarded transport
/// whose limiter runs on `clock`.
pub(crate) fn rig_with<C: Clock + Send + Sync + 'static>(sim: SimBinance, clock: C) -> Rig<C> {
    let limits = RateLimit::from_exchange_info(SAMPLE_EXCHANGE_INFO).unwrap();
    rig_limited(sim, clock, limits)
}

/// `sim` (given the test key and 100,000 USDT) behind a guarded transport
/// whose limiter counts `limits` on `clock`.
pub(crate) fn rig_limited<C: Clock + Send + Sync + 'static>(
    sim: SimBinance,
    clock: C,
    limits: Vec<RateLimit>,
) -> Rig<C> {
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
    let client = guarded_client(&server, &dns);
    let limiter = Arc::new(ExchangeLimiter::new(limits, clock).unwrap());
    let base = format!("https://{HOST}:{}", server.addr().port());
    let transport = Arc::new(GuardedTransport::new(client, &base, limiter).unwrap());
    Rig {
        sim,
        server,
        dns,
        transport,
    }
}

impl<C: Clock + Send + Sync + 'static> Rig<C> {
    /// A client sending through the rig's transport, signing through the vault.
    pub(crate) fn client(&self) -> BinanceClient {
        BinanceClient::new(
            self.transport.clone(),
            API_KEY,
            vault().signer("binance-hmac").unwrap(),
        )
    }

    /// A second guarded transport to the simulator: its own client and
    /// connection pool, the same limiter (the weights are the account's).
    pub(crate) fn own_transport(&self) -> Arc<GuardedTransport<C>> {
        let base = format!("https://{HOST}:{}", self.server.addr().port());
        let client = guarded_client(&self.server, &self.dns);
        Arc::new(GuardedTransport::new(client, &base, self.limiter().clone()).unwrap())
    }

    /// The transport's limiter.
    pub(crate) fn limiter(&self) -> &Arc<ExchangeLimiter<C>> {
        self.transport.limiter()
    }
}

/// A guarded client to the rig's simulator (allowlist, the test nameserver,
/// the CA and pins), with a connection pool of its own.
fn guarded_client(server: &SimServer, dns: &DnsServer) -> GuardedClient {
    let policy = EgressPolicy::builder()
        .allow_host("*.binance.test")
        .unwrap()
        .allow_port(server.addr().port())
        .dangerous()
        .allow_socket(server.addr()) // exactly the simulator, not "loopback"
        .done()
        .build();
    let ca_pin = spki_pin(spki_of_cert(server.ca().cert_der()).unwrap());
    GuardedClient::builder(policy)
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
        .unwrap()
}
