//! One guarded order over loopback HTTPS to the simulated exchange, beside
//! a bare reqwest POST of the same kind of signed request, in the same run.
//!
//! - `order/guarded`: `Gate::check` (kill switch, every exchange filter, the
//!   rate stage reserving in the transport's own `ExchangeLimiter`), then
//!   `BinanceClient::place_order(approval)`: dispatch (age, trip, live-order
//!   registry), sign through the vault, `GuardedTransport` (kill switch again,
//!   the permit spent, HTTPS only, allowlist, judged peer, SPKI pins, header
//!   sync), the answer read and the reservation settled.
//! - `order/bare_reqwest`: a plain `reqwest::Client` (rustls, trusting only
//!   the test CA, the host resolved to the simulator) POSTing an order query
//!   signed before the timing (HMAC-SHA256 by `ring`), body read.
//! - `order/transport_presigned`: the same pre-signed query through
//!   `GuardedTransport::send` alone, on the guarded arm's connection pool:
//!   what net-guard costs, without the gate, the signing and the parsing.
//!
//! All place a MARKET order of 0.001 BTCUSDT that fills at once (buys and
//! sells alternate, so balances and position stay put) over keep-alive
//! connections to the same simulator (in this process), each driven by a
//! one-worker tokio runtime; the simulator's rate limits are raised out of
//! the way and its ended orders forgotten outside the timing, so the book
//! stays empty.
//!
//! First the three arms run interleaved (one order of each per round, the
//! first arm rotating), which is the figure to trust on a loaded machine:
//! the load hits all three alike. The criterion groups after it run the
//! arms one after the other and move with the load (±30% between runs on
//! the shared 2-core machine). Target (issue 16): guarded <= 1.1x bare.
//!
//! Reproduce: `cargo bench --bench guarded_order` (about 35 s).

#![allow(missing_docs, clippy::unwrap_used)]

use std::cell::Cell;
use std::fmt::Write as _;
use std::hint::black_box;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use secrecy::SecretString;
use supreme_security::binance::{
    BinanceClient, DEFAULT_MAX_BODY_BYTES, GuardedTransport, Request, Transport,
};
use supreme_security::gate::{DecisionLog, Gate, GateBuilder, NoRiskLimits};
use supreme_security::kill_switch::KillSwitch;
use supreme_security::net_guard::pin::{PinSet, spki_of_cert};
use supreme_security::net_guard::resolve::{Nameserver, ResolverSettings};
use supreme_security::net_guard::{
    Clock, EgressPolicy, ExchangeLimiter, GuardedClient, LimitKind, RateLimit, SystemClock,
};
use supreme_security::order_guard::*;
use supreme_security::vault::{EntrySecret, KdfParams, Vault};
use supreme_testkit::binance::{
    ApiKey, ApiRestrictions, KeyCredential, LimitConfig, SimBinance, SimServer,
};
use supreme_testkit::dns::DnsServer;
use supreme_testkit::tls::spki_pin;

const HOST: &str = "api.binance.test";
const API_KEY: &str = "sim-api-key-hmac";
const SECRET: &str = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";

type RateGate = Gate<NoRiskLimits, Arc<ExchangeLimiter<SystemClock>>>;

struct Rig {
    /// Drives the async client (one worker, as the bare arm's runtime); each
    /// order's future runs on the bench thread (`block_on`).
    rt: tokio::runtime::Runtime,
    sim: SimBinance,
    server: SimServer,
    _dns: DnsServer,
    client: BinanceClient,
    transport: Arc<GuardedTransport<SystemClock>>,
    gate: RateGate,
    _switch: KillSwitch,
}

fn sim() -> SimBinance {
    let sim = SimBinance::with_sample();
    sim.add_key(ApiKey {
        key: API_KEY.into(),
        credential: KeyCredential::hmac(SECRET.as_bytes()),
        restrictions: ApiRestrictions::TRADING_ONLY,
    });
    sim.set_balance("USDT", "1000000");
    sim.set_balance("BTC", "1");
    sim.set_limits(LimitConfig {
        weight_per_minute: u32::MAX,
        orders_per_10s: u32::MAX,
        orders_per_day: u32::MAX,
        ..LimitConfig::default()
    });
    sim
}

/// The simulator behind a `GuardedTransport` (DNS, test CA, pins), a client
/// signing through the vault, and a gate whose rate stage is the
/// transport's limiter (windows far above what the run uses).
fn rig() -> Rig {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let sim = sim();
    let server = sim.serve(&[HOST]).unwrap();
    let dns = DnsServer::start().unwrap();
    dns.set(HOST, &["127.0.0.1".parse::<IpAddr>().unwrap()]);
    let policy = EgressPolicy::builder()
        .allow_host(HOST)
        .unwrap()
        .allow_port(server.addr().port())
        .dangerous()
        .allow_socket(server.addr())
        .done()
        .build();
    let ca_pin = spki_pin(spki_of_cert(server.ca().cert_der()).unwrap());
    let guarded = GuardedClient::builder(policy)
        .resolver(ResolverSettings {
            nameservers: vec![Nameserver::Plain(dns.addr())],
            ttl_cap: Duration::from_secs(3600),
            timeout: Duration::from_secs(2),
        })
        .pin(PinSet::new(HOST, &[server.spki_pin(), &ca_pin]).unwrap())
        .dangerous()
        .add_root_ca(server.ca().cert_der().clone())
        .done()
        .build()
        .unwrap();
    let big = u32::MAX / 2;
    let limits = vec![
        RateLimit {
            kind: LimitKind::RequestWeight,
            interval_ms: 60_000,
            limit: big,
        },
        RateLimit {
            kind: LimitKind::Orders,
            interval_ms: 10_000,
            limit: big,
        },
        RateLimit {
            kind: LimitKind::Orders,
            interval_ms: 86_400_000,
            limit: big,
        },
    ];
    let limiter = Arc::new(ExchangeLimiter::new(limits, SystemClock).unwrap());
    let base = format!("https://{HOST}:{}", server.addr().port());
    let transport = Arc::new(GuardedTransport::new(guarded, &base, limiter.clone()).unwrap());

    let pass = SecretString::from("bench passphrase");
    let mut vault = Vault::create(&pass, KdfParams::dangerous().insecure_for_tests()).unwrap();
    let hmac = EntrySecret::Hmac {
        key_id: API_KEY.into(),
        secret: SecretString::from(SECRET),
    };
    vault.put("binance-hmac", &hmac, None).unwrap();
    let client = BinanceClient::new(
        transport.clone(),
        API_KEY,
        vault.signer("binance-hmac").unwrap(),
    );
    rt.block_on(client.sync_time()).unwrap();

    let switch = KillSwitch::builder().build();
    let gate = GateBuilder {
        kill_switch: switch.gate(),
        rules: Arc::new(ExchangeInfo::from_json(SAMPLE_EXCHANGE_INFO).unwrap()),
        validator: Validator::default(),
        risk: NoRiskLimits,
        rate: limiter,
        decisions: Arc::new(DecisionLog::with_capacity(1 << 12)),
    }
    .build();
    Rig {
        rt,
        sim,
        server,
        _dns: dns,
        client,
        transport,
        gate,
        _switch: switch,
    }
}

fn market(side: Side) -> Order {
    Order::market(
        Symbol::new("BTCUSDT").unwrap(),
        side,
        "0.001".parse().unwrap(),
    )
}

fn side(i: u64) -> Side {
    if i.is_multiple_of(2) {
        Side::Buy
    } else {
        Side::Sell
    }
}

/// Gate, dispatch, sign, send, answer: one guarded order.
fn guarded_order(rig: &Rig, order: &Order) {
    let now = SystemClock.now_ms();
    let ctx = OrderContext::new(now)
        .with_reference(ReferencePrice {
            price: "25000".parse().unwrap(),
            observed_at_ms: now,
        })
        .with_open_orders(OpenOrderCounts::default(), OpenOrderCounts::default())
        .with_base_position(Quantity::ZERO);
    let approval = rig.gate.check(order, &ctx).unwrap();
    let state = rig.rt.block_on(rig.client.place_order(approval)).unwrap();
    assert_eq!(state.status, "FILLED");
}

/// A plain reqwest client to the simulator, on its own one-worker runtime
/// (as the guarded transport's), trusting only the test CA.
struct Bare {
    rt: tokio::runtime::Runtime,
    client: reqwest::Client,
    url: String,
    key: ring::hmac::Key,
    posted: Cell<u64>,
}

fn bare(server: &SimServer) -> Bare {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let mut roots = rustls::RootCertStore::empty();
    roots.add(server.ca().cert_der().clone()).unwrap();
    let tls = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots)
    .with_no_client_auth();
    let client = reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .resolve(HOST, server.addr())
        .http1_only()
        .build()
        .unwrap();
    Bare {
        rt,
        client,
        url: format!("https://{HOST}:{}/api/v3/order", server.addr().port()),
        key: ring::hmac::Key::new(ring::hmac::HMAC_SHA256, SECRET.as_bytes()),
        posted: Cell::new(0),
    }
}

impl Bare {
    /// The order's signed query, as the client would send it.
    fn signed_query(&self, prefix: &str, i: u64) -> String {
        let side = if side(i) == Side::Buy { "BUY" } else { "SELL" };
        let mut q = format!(
            "symbol=BTCUSDT&side={side}&type=MARKET&quantity=0.001&newClientOrderId={prefix}-{i}\
             &newOrderRespType=RESULT&recvWindow=50000&timestamp={}",
            SystemClock.now_ms()
        );
        let tag = ring::hmac::sign(&self.key, q.as_bytes());
        q.push_str("&signature=");
        for b in tag.as_ref() {
            write!(q, "{b:02x}").unwrap();
        }
        q
    }

    fn post(&self, query: &str) -> usize {
        self.posted.set(self.posted.get() + 1);
        self.rt.block_on(async {
            let r = self
                .client
                .post(format!("{}?{query}", self.url))
                .header("x-mbx-apikey", API_KEY)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status().as_u16(), 200);
            r.bytes().await.unwrap().len()
        })
    }
}

/// Orders of each kind in the interleaved check before the criterion runs.
const INTERLEAVED: usize = 5000;

/// `a / b` to two decimals, in integers (`1.07x`).
fn ratio(a: Duration, b: Duration) -> String {
    let hundredths = a.as_nanos() * 100 / b.as_nanos().max(1);
    format!("{}.{:02}x", hundredths / 100, hundredths % 100)
}

fn median(v: &mut [Duration]) -> Duration {
    v.sort_unstable();
    v[v.len() / 2]
}

/// The pre-signed order as a transport request.
fn request(query: String) -> Request {
    Request {
        method: "POST",
        path: "/api/v3/order",
        query,
        headers: vec![("x-mbx-apikey", API_KEY.into())],
        weight: 1,
        max_body_bytes: DEFAULT_MAX_BODY_BYTES,
    }
}

fn bench_order(c: &mut Criterion) {
    println!(
        "order/guarded: Gate::check (rate stage = the transport's limiter) + place_order through \
         GuardedTransport; order/bare_reqwest: reqwest POST of a pre-signed order query; \
         order/transport_presigned: the same pre-signed query through GuardedTransport::send \
         (the guarded arm's connection pool, no gate, no signing, body not parsed). All: MARKET \
         0.001 BTCUSDT, filled, loopback HTTPS keep-alive to the simulator."
    );
    let rig = rig();
    let bare = bare(&rig.server);
    let (buy, sell) = (market(Side::Buy), market(Side::Sell));
    let order = |i: u64| if side(i) == Side::Buy { &buy } else { &sell };
    let sent = Cell::new(0u64);
    let guarded = |i: u64| {
        guarded_order(&rig, order(i));
        sent.set(sent.get() + 1);
    };
    let transport = |query: String| {
        let resp = rig
            .rt
            .block_on(rig.transport.send(&request(query)))
            .unwrap();
        assert_eq!(resp.status, 200);
        black_box(resp.body.len())
    };
    let tidy = || {
        rig.sim.forget_ended_orders();
        rig.gate.decisions().drain(|_| {});
    };

    // Warm the connections, then the three paths interleaved: one order of
    // each per round, the arm that goes first rotating, so the load on the
    // machine hits all alike. Reported: each arm's median, and the median
    // of the rounds' own ratios (paired, robust to the load drifting).
    let mut seq = 0u64;
    let mut times: [Vec<Duration>; 3] = Default::default();
    for round in 0..INTERLEAVED + 100 {
        let (q1, q2) = (bare.signed_query("b", seq), bare.signed_query("t", seq));
        let mut queries = [None, Some(q1), Some(q2)];
        for k in 0..3 {
            let arm = (round + k) % 3;
            let query = queries[arm].take();
            let t = Instant::now();
            match query {
                None => guarded(seq),
                Some(q) if arm == 1 => {
                    black_box(bare.post(&q));
                }
                Some(q) => {
                    transport(q);
                }
            }
            times[arm].push(t.elapsed());
        }
        seq += 1;
        tidy();
    }
    let paired = |arm: usize| {
        let mut r: Vec<u128> = (100..times[0].len())
            .map(|i| times[arm][i].as_nanos() * 10_000 / times[1][i].as_nanos().max(1))
            .collect();
        r.sort_unstable();
        let m = r[r.len() / 2];
        format!("{}.{:02}x", m / 10_000, m % 10_000 / 100)
    };
    let (pg, pt) = (paired(0), paired(2));
    let [g, b, t] = times.map(|mut v| median(&mut v[100..]));
    println!(
        "interleaved, {INTERLEAVED} rounds after 100 to warm up, medians: guarded {g:?}, \
         bare reqwest {b:?}, transport alone {t:?}; guarded/bare {} (paired {pg}), \
         transport/bare {} (paired {pt})",
        ratio(g, b),
        ratio(t, b)
    );

    let mut group = c.benchmark_group("order");
    group.sample_size(20);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(8));
    // Pre-signed queries are signed before each batch's timing: the
    // request as it goes on the wire.
    let presigned = |prefix: &str, iters: u64, seq: &mut u64| {
        let queries: Vec<String> = (0..iters)
            .map(|i| bare.signed_query(prefix, *seq + i))
            .collect();
        *seq += iters;
        queries
    };
    group.bench_function("bare_reqwest", |bch| {
        bch.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for q in presigned("b", iters, &mut seq) {
                let t = Instant::now();
                black_box(bare.post(&q));
                total += t.elapsed();
                tidy();
            }
            total
        })
    });
    group.bench_function("transport_presigned", |bch| {
        bch.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for q in presigned("t", iters, &mut seq) {
                let t = Instant::now();
                transport(q);
                total += t.elapsed();
                tidy();
            }
            total
        })
    });
    group.bench_function("guarded", |bch| {
        bch.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let t = Instant::now();
                guarded(seq);
                total += t.elapsed();
                seq += 1;
                tidy();
            }
            total
        })
    });
    group.finish();
    let used = rig.gate.rate().used(LimitKind::Orders, 86_400_000).unwrap();
    // The exchange's ORDERS count (synced from its headers) takes in the
    // other orders too: one account, one count.
    println!(
        "orders: {} guarded, {} bare reqwest, the rest through the transport alone; the local \
         limiter counted {used} today (its own, raised to the exchange's count in the answers' \
         headers)",
        sent.get(),
        bare.posted.get()
    );
}

criterion_group!(benches, bench_order);
criterion_main!(benches);
