//! A real TLS transport to the simulated exchange, and vault-held keys.
#![allow(dead_code, unused_macros, unused_imports, clippy::unwrap_used)]

pub(crate) mod guarded;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use secrecy::{SecretSlice, SecretString};
use supreme_binance::{BinanceClient, Request, Response, Transport, TransportError};
use supreme_core::Clock;
use supreme_gate::{
    Approval, DecisionLog, Gate, GateBuilder, GateOptions, NoRateLimit, NoRiskLimits, Rejection,
};
use supreme_kill_switch::KillSwitch;
use supreme_order_guard::{
    ClientOrderId, ExchangeInfo, OpenOrderCounts, Order, OrderContext, Quantity, ReferencePrice,
    SAMPLE_EXCHANGE_INFO, Side, Symbol, Validator,
};
use supreme_testkit::binance::{
    ApiKey, ApiRestrictions, KeyCredential, SimBinance, SimRequest, SimServer,
};
use supreme_testkit::tls::https_request_der;
use supreme_vault::{EntrySecret, KdfParams, Vault};

pub(crate) const API_KEY: &str = "sim-api-key-hmac";
pub(crate) const SECRET: &str = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";

/// Sends each request over a fresh TLS connection that trusts only the
/// simulator's test CA.
pub(crate) struct TlsTransport(pub(crate) Arc<SimServer>);

impl Transport for TlsTransport {
    async fn send(&self, req: &Request) -> Result<Response, TransportError> {
        let (addr, ca) = (self.0.addr(), self.0.ca().cert_der().to_vec());
        blocking_tls(addr, ca, req).await
    }
}

/// Sends each request over a fresh TLS connection to `addr`, trusting only
/// the CA certificate `ca_der`: a child process's way to the simulator its
/// parent runs.
pub(crate) struct DerTransport {
    pub(crate) addr: SocketAddr,
    pub(crate) ca_der: Vec<u8>,
}

impl Transport for DerTransport {
    async fn send(&self, req: &Request) -> Result<Response, TransportError> {
        blocking_tls(self.addr, self.ca_der.clone(), req).await
    }
}

/// The blocking TLS exchange on tokio's blocking pool, off the runtime's
/// worker threads.
async fn blocking_tls(
    addr: SocketAddr,
    ca_der: Vec<u8>,
    req: &Request,
) -> Result<Response, TransportError> {
    let req = req.clone();
    tokio::task::spawn_blocking(move || send_tls(addr, &ca_der, &req))
        .await
        .map_err(|e| TransportError::NotSent(format!("TLS task: {e}")))?
}

/// One async test body under both runtime flavors: a module named for the
/// test with `current_thread` and `multi_thread` in it.
macro_rules! flavors {
    ($(async fn $name:ident() $body:block)*) => {$(
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "current_thread")]
            async fn current_thread() $body

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn multi_thread() $body
        }
    )*};
}
pub(crate) use flavors;

fn send_tls(addr: SocketAddr, ca_der: &[u8], req: &Request) -> Result<Response, TransportError> {
    let target = if req.query.is_empty() {
        req.path.to_string()
    } else {
        format!("{}?{}", req.path, req.query)
    };
    let mut sim_req = SimRequest::new(req.method, &target);
    for (k, v) in &req.headers {
        sim_req = sim_req.header(k, v);
    }
    match https_request_der(addr, "localhost", ca_der, &sim_req) {
        Ok(Some(r)) => Ok(Response {
            status: r.status,
            headers: r.headers,
            body: r.body,
        }),
        Ok(None) => Err(TransportError::NoResponse(
            "connection closed without an answer".into(),
        )),
        Err(e) => Err(TransportError::NotSent(e.to_string())),
    }
}

pub(crate) fn vault() -> Vault {
    let pass = SecretString::from("test passphrase");
    let mut v = Vault::create(&pass, KdfParams::dangerous().insecure_for_tests()).unwrap();
    let hmac = EntrySecret::Hmac {
        key_id: API_KEY.into(),
        secret: SecretString::from(SECRET),
    };
    v.put("binance-hmac", &hmac, None).unwrap();
    v
}

/// A simulator with the sample rules, funded, served over TLS, and a client
/// signing through the vault.
pub(crate) fn setup() -> (SimBinance, Arc<SimServer>, BinanceClient) {
    let sim = SimBinance::with_sample();
    sim.set_balance("USDT", "100000");
    sim.set_balance("BTC", "0.5");
    setup_with(sim)
}

/// `sim` (rules and balances as the test set them) served over TLS, with the
/// test key, and a client signing through the vault.
pub(crate) fn setup_with(sim: SimBinance) -> (SimBinance, Arc<SimServer>, BinanceClient) {
    sim.add_key(ApiKey {
        key: API_KEY.into(),
        credential: KeyCredential::hmac(SECRET.as_bytes()),
        restrictions: ApiRestrictions::TRADING_ONLY,
    });
    let server = Arc::new(sim.serve(&[]).unwrap());
    let client = BinanceClient::new(
        TlsTransport(server.clone()),
        API_KEY,
        vault().signer("binance-hmac").unwrap(),
    );
    (sim, server, client)
}

/// An Ed25519 key: the vault holds the private half, the simulator the public.
pub(crate) fn ed25519_client(sim: &SimBinance, server: &Arc<SimServer>) -> BinanceClient {
    let rng = ring::rand::SystemRandom::new();
    let pkcs8 = ring::signature::Ed25519KeyPair::generate_pkcs8(&rng).unwrap();
    let mut v = vault();
    v.put(
        "binance-ed25519",
        &EntrySecret::Ed25519 {
            pkcs8: SecretSlice::from(pkcs8.as_ref().to_vec()),
        },
        None,
    )
    .unwrap();
    let signer = v.signer("binance-ed25519").unwrap();
    sim.add_key(ApiKey {
        key: "sim-api-key-ed25519".into(),
        credential: KeyCredential::Ed25519(signer.public_key().unwrap().to_vec()),
        restrictions: ApiRestrictions::TRADING_ONLY,
    });
    BinanceClient::new(TlsTransport(server.clone()), "sim-api-key-ed25519", signer)
}

/// A resting limit buy of 0.01 BTCUSDT at 20,000 with client order id `id`.
pub(crate) fn order(id: &str) -> Order {
    Order::limit(
        Symbol::new("BTCUSDT").unwrap(),
        Side::Buy,
        "0.01".parse().unwrap(),
        "20000".parse().unwrap(),
    )
    .with_client_order_id(ClientOrderId::new(id).unwrap())
}

/// The venue's quote asset and the one asset it flattens: USDT and BTC.
pub(crate) fn usdt_btc() -> (supreme_core::Asset, supreme_core::Asset) {
    let asset = |s| supreme_core::Asset::new(s).unwrap();
    (asset("USDT"), asset("BTC"))
}

/// A gate with no risk or rate stage, checking against the sample rules
/// (the simulator's), closed when `switch` trips.
pub(crate) type TestGate = Gate<NoRiskLimits, NoRateLimit>;

/// A gate bound to `switch`, with the sample rules.
pub(crate) fn gate_on(switch: &KillSwitch) -> TestGate {
    gate_with(
        switch,
        ExchangeInfo::from_json(SAMPLE_EXCHANGE_INFO).unwrap(),
    )
}

/// A gate bound to `switch` checking against `rules`.
pub(crate) fn gate_with(switch: &KillSwitch, rules: ExchangeInfo) -> TestGate {
    builder(switch, rules).build()
}

/// A gate bound to `switch`, with the sample rules, keeping its live-order
/// journal at `journal` (closed until reconciled), or the journal's refusal.
pub(crate) fn gate_journaled(
    switch: &KillSwitch,
    journal: &Path,
) -> Result<TestGate, supreme_gate::Error> {
    let rules = ExchangeInfo::from_json(SAMPLE_EXCHANGE_INFO).unwrap();
    builder(switch, rules).build_with(GateOptions {
        journal: Some(journal.to_path_buf()),
        ..GateOptions::default()
    })
}

fn builder(switch: &KillSwitch, rules: ExchangeInfo) -> GateBuilder<NoRiskLimits, NoRateLimit> {
    GateBuilder {
        kill_switch: switch.gate(),
        rules: Arc::new(rules),
        validator: Validator::default(),
        risk: NoRiskLimits,
        rate: NoRateLimit,
        decisions: Arc::new(DecisionLog::with_capacity(1 << 12)),
    }
}

/// `order` through `gate`, with its own price (or 20,000) as the reference.
pub(crate) fn approve_with(gate: &TestGate, order: Order) -> Approval<NoRiskLimits, NoRateLimit> {
    try_approve(gate, order).unwrap()
}

/// `order` through `gate`, or the gate's rejection (a tripped switch).
pub(crate) fn try_approve(
    gate: &TestGate,
    order: Order,
) -> Result<Approval<NoRiskLimits, NoRateLimit>, Rejection<std::convert::Infallible>> {
    let price = order.price.unwrap_or_else(|| "20000".parse().unwrap());
    let now = supreme_core::SystemClock.now_ms();
    let ctx = OrderContext::new(now)
        .with_reference(ReferencePrice {
            price,
            observed_at_ms: now,
        })
        .with_open_orders(OpenOrderCounts::default(), OpenOrderCounts::default())
        .with_base_position(Quantity::ZERO);
    gate.decisions().drain(|_| {});
    gate.check(&order, &ctx)
}

/// `order` approved by a gate of its own (an armed switch, the sample rules).
pub(crate) fn approve(order: Order) -> Approval<NoRiskLimits, NoRateLimit> {
    approve_with(&gate_on(&KillSwitch::builder().build()), order)
}
