//! The exchange connection: net-guard's guarded client (allowlist, DNS
//! through a trusted nameserver, the simulator's test CA, SPKI pins) and the
//! exchange rate limiter loaded from exchangeInfo; each order passes the
//! kill switch's gate once more right before it is sent. Denials and
//! warnings go to the audit log.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use supreme_security::binance::GuardedTransport;
use supreme_security::core::event::Sink;
use supreme_security::kill_switch::Gate;
use supreme_security::net_guard::pin::{PinSet, spki_of_cert};
use supreme_security::net_guard::ratelimit::{ExchangeLimiter, RateLimit};
use supreme_security::net_guard::resolve::{Nameserver, ResolverSettings};
use supreme_security::net_guard::{EgressPolicy, GuardedClient, SystemClock};
use supreme_testkit::binance::SimServer;
use supreme_testkit::dns::DnsServer;
use supreme_testkit::tls::spki_pin;

/// The exchange's name in this demo (our DNS server answers it).
pub(crate) const HOST: &str = "api.binance.test";

pub(crate) type Guarded = Arc<GuardedTransport<SystemClock>>;
type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The name server: the exchange, and two names a careless bot might follow.
pub(crate) fn dns() -> Result<DnsServer, BoxError> {
    let dns = DnsServer::start()?;
    dns.set(HOST, &["127.0.0.1".parse::<IpAddr>()?]);
    dns.set(
        "status.binance.test",
        &["169.254.169.254".parse::<IpAddr>()?],
    );
    Ok(dns)
}

/// The guarded connection to the simulator, rate-limited by `limits`,
/// orders re-checked against the kill switch's `gate` right before sending.
pub(crate) fn connect(
    server: &SimServer,
    dns: &DnsServer,
    limits: Vec<RateLimit>,
    gate: Gate,
    audit: Arc<dyn Sink>,
) -> Result<Guarded, BoxError> {
    let policy = EgressPolicy::builder()
        .allow_host("*.binance.test")?
        .allow_port(server.addr().port())
        .dangerous()
        .allow_socket(server.addr()) // exactly the simulator: never "any loopback"
        .done()
        .build();
    let ca_pin = spki_pin(spki_of_cert(server.ca().cert_der()).ok_or("CA without a key")?);
    let client = GuardedClient::builder(policy)
        .resolver(ResolverSettings {
            nameservers: vec![Nameserver::Plain(dns.addr())],
            ttl_cap: Duration::from_secs(30),
            timeout: Duration::from_secs(2),
        })
        .pin(PinSet::new(HOST, &[server.spki_pin(), &ca_pin])?)
        .events(audit)
        .dangerous()
        .add_root_ca(server.ca().cert_der().clone())
        .done()
        .build()?;
    let limiter = Arc::new(ExchangeLimiter::new(limits, SystemClock)?);
    let base = format!("https://{HOST}:{}", server.addr().port());
    Ok(Arc::new(
        GuardedTransport::new(client, &base, limiter)?.with_kill_switch(gate),
    ))
}
