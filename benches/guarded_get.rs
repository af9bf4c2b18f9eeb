//! A guarded async GET beside a plain `reqwest::Client`, both to the same
//! loopback HTTPS server (testkit's, a thread per connection, keep-alive)
//! with connection reuse, measured in the same run.
//!
//! - `plain`: a `reqwest::Client` (rustls with ring, trusting only the test
//!   CA, the host resolved to the server, HTTP/1.1).
//! - `guarded`: net-guard's `GuardedClient::get`: the URL judged
//!   (https, allowlist, port), the host resolved through the trusted
//!   nameserver and every answer judged, the peer judged in the connector,
//!   the SPKI pins, HSTS.
//! - `middleware`: the reqwest citizen: `GuardedClient::reqwest_client()`
//!   under `GuardMiddleware` (the URL policy, the exchange limiter counting
//!   the endpoint's weight and syncing from the answer's headers, the retry
//!   policy) in a `reqwest_middleware` stack.
//!
//! First the arms run interleaved: one GET of each per round, the first arm
//! rotating (the figure to trust on a loaded machine: the load hits all
//! alike); reported are each arm's median and the median of the rounds' own
//! ratios. Then throughput: 16 tokio tasks each sending `PER_TASK` GETs
//! through one shared client of each kind, the arms' bursts interleaved the
//! same way. Then the criterion groups, one arm after the other.
//! Targets (issue 17): single GET guarded <= 1.05x plain (median);
//! 16-task throughput guarded >= 0.9x plain.
//!
//! Reproduce: `cargo bench --bench guarded_get` (about 50 s).

#![allow(missing_docs, clippy::unwrap_used)]

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use supreme_security::net_guard::middleware::GuardMiddleware;
use supreme_security::net_guard::pin::{PinSet, spki_of_cert};
use supreme_security::net_guard::resolve::{Nameserver, ResolverSettings};
use supreme_security::net_guard::{
    EgressPolicy, ExchangeLimiter, GuardedClient, LimitKind, RateLimit, SystemClock,
};
use supreme_testkit::binance::SimResponse;
use supreme_testkit::dns::DnsServer;
use supreme_testkit::tls::{HttpsServer, TestCa, spki_pin};

const HOST: &str = "api.example.test";
/// Concurrent tasks in the throughput runs.
const TASKS: usize = 16;
/// GETs per task per burst.
const PER_TASK: usize = 25;
/// Rounds of the interleaved single-GET run (after `WARM` to warm up).
const SINGLE_ROUNDS: usize = 3000;
/// Rounds of the interleaved throughput run (after one to warm up).
const BURST_ROUNDS: usize = 30;
const WARM: usize = 100;

/// The three clients, to the same server.
#[derive(Clone)]
struct Arms {
    plain: reqwest::Client,
    guarded: GuardedClient,
    middleware: reqwest_middleware::ClientWithMiddleware,
    url: Arc<str>,
}

impl Arms {
    /// One GET through arm `arm` (0 plain, 1 guarded, 2 middleware), body read.
    async fn get(&self, arm: usize) -> usize {
        let body = match arm {
            0 => {
                let r = self.plain.get(&*self.url).send().await.unwrap();
                assert_eq!(r.status().as_u16(), 200);
                r.bytes().await.unwrap()
            }
            1 => {
                let r = self.guarded.get(&self.url).await.unwrap();
                assert_eq!(r.status().as_u16(), 200);
                r.bytes().await.unwrap()
            }
            _ => {
                let r = self.middleware.get(&*self.url).send().await.unwrap();
                assert_eq!(r.status().as_u16(), 200);
                r.bytes().await.unwrap()
            }
        };
        body.len()
    }

    /// `TASKS` tasks on `rt`, each sending `PER_TASK` GETs through arm `arm`.
    fn burst(&self, rt: &tokio::runtime::Runtime, arm: usize) -> Duration {
        rt.block_on(async {
            let t = Instant::now();
            let tasks: Vec<_> = (0..TASKS)
                .map(|_| {
                    let arms = self.clone();
                    tokio::spawn(async move {
                        for _ in 0..PER_TASK {
                            black_box(arms.get(arm).await);
                        }
                    })
                })
                .collect();
            for task in tasks {
                task.await.unwrap();
            }
            t.elapsed()
        })
    }
}

const NAMES: [&str; 3] = ["plain", "guarded", "middleware"];

fn setup() -> (HttpsServer, DnsServer, Arms) {
    let ca = TestCa::new().unwrap();
    let server = HttpsServer::start(
        &ca,
        &[HOST],
        Arc::new(|_r: &_| SimResponse::json(200, r#"{"serverTime":1694131200000}"#)),
    )
    .unwrap();
    let dns = DnsServer::start().unwrap();
    dns.set(HOST, &["127.0.0.1".parse().unwrap()]);
    let url: Arc<str> = format!("https://{HOST}:{}/api/v3/time", server.addr().port()).into();

    let mut roots = rustls::RootCertStore::empty();
    roots.add(ca.cert_der().clone()).unwrap();
    let tls = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots)
    .with_no_client_auth();
    let plain = reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .resolve(HOST, server.addr())
        .http1_only()
        .build()
        .unwrap();

    let policy = EgressPolicy::builder()
        .allow_host(HOST)
        .unwrap()
        .allow_port(server.addr().port())
        .dangerous()
        .allow_socket(server.addr())
        .done()
        .build();
    let ca_pin = spki_pin(spki_of_cert(ca.cert_der()).unwrap());
    let build = || {
        GuardedClient::builder(policy.clone())
            .resolver(ResolverSettings {
                nameservers: vec![Nameserver::Plain(dns.addr())],
                ttl_cap: Duration::from_secs(3600),
                timeout: Duration::from_secs(2),
            })
            .pin(PinSet::new(HOST, &[server.spki_pin(), &ca_pin]).unwrap())
            .dangerous()
            .add_root_ca(ca.cert_der().clone())
            .done()
            .build()
            .unwrap()
    };
    let guarded = build();
    // Its own client (its own pool), as a bot on reqwest would hold it.
    let citizen = build();
    let big = u32::MAX / 2;
    let limits = vec![
        RateLimit::new(LimitKind::RequestWeight, 60_000, big).unwrap(),
        RateLimit::new(LimitKind::RawRequests, 300_000, big).unwrap(),
    ];
    let limiter = Arc::new(ExchangeLimiter::new(limits, SystemClock).unwrap());
    let middleware = reqwest_middleware::ClientBuilder::new(citizen.reqwest_client())
        .with(GuardMiddleware::new(&citizen).limiter(limiter))
        .build();
    let arms = Arms {
        plain,
        guarded,
        middleware,
        url,
    };
    (server, dns, arms)
}

/// `a / b` to two decimals, in integers (`1.07x`).
fn ratio(a: Duration, b: Duration) -> String {
    let hundredths = a.as_nanos() * 100 / b.as_nanos().max(1);
    format!("{}.{:02}x", hundredths / 100, hundredths % 100)
}

fn median(v: &mut [Duration]) -> Duration {
    v.sort_unstable();
    v[v.len() / 2]
}

/// The median over rounds of `times[arm][i] / times[0][i]`, from `skip` on.
fn paired(times: &[Vec<Duration>; 3], arm: usize, skip: usize) -> String {
    let mut r: Vec<u128> = (skip..times[0].len())
        .map(|i| times[arm][i].as_nanos() * 10_000 / times[0][i].as_nanos().max(1))
        .collect();
    r.sort_unstable();
    let m = r[r.len() / 2];
    format!("{}.{:02}x", m / 10_000, m % 10_000 / 100)
}

/// Requests per second in a burst of `TASKS * PER_TASK` taking `d`.
fn per_second(d: Duration) -> u128 {
    (TASKS * PER_TASK) as u128 * 1_000_000_000 / d.as_nanos().max(1)
}

fn bench_get(c: &mut Criterion) {
    println!(
        "plain: reqwest::Client (test CA, resolve override); guarded: GuardedClient::get \
         (policy, trusted DNS judged, peer judged, SPKI pin); middleware: \
         GuardedClient::reqwest_client() + GuardMiddleware (policy, limiter, retry). GET \
         /api/v3/time, loopback HTTPS keep-alive, one tokio runtime with 2 workers."
    );
    let (_server, _dns, arms) = setup();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();

    // Single GETs, interleaved, the first arm rotating.
    let mut times: [Vec<Duration>; 3] = Default::default();
    rt.block_on(async {
        for round in 0..WARM + SINGLE_ROUNDS {
            for k in 0..3 {
                let arm = (round + k) % 3;
                let t = Instant::now();
                black_box(arms.get(arm).await);
                times[arm].push(t.elapsed());
            }
        }
    });
    let (pg, pm) = (paired(&times, 1, WARM), paired(&times, 2, WARM));
    let [p, g, m] = times.map(|mut v| median(&mut v[WARM..]));
    println!(
        "single GET, interleaved, {SINGLE_ROUNDS} rounds after {WARM}: medians plain {p:?}, \
         guarded {g:?}, middleware {m:?}; guarded/plain {} (paired {pg}), middleware/plain {} \
         (paired {pm})",
        ratio(g, p),
        ratio(m, p)
    );

    // Throughput: 16 tasks' bursts, interleaved, the first arm rotating.
    let mut bursts: [Vec<Duration>; 3] = Default::default();
    for round in 0..1 + BURST_ROUNDS {
        for k in 0..3 {
            let arm = (round + k) % 3;
            bursts[arm].push(arms.burst(&rt, arm));
        }
    }
    let (pg, pm) = (paired(&bursts, 1, 1), paired(&bursts, 2, 1));
    let [p, g, m] = bursts.map(|mut v| median(&mut v[1..]));
    println!(
        "{TASKS} tasks x {PER_TASK} GETs, interleaved, {BURST_ROUNDS} rounds after 1: median \
         burst plain {p:?} ({} req/s), guarded {g:?} ({} req/s), middleware {m:?} ({} req/s); \
         throughput guarded/plain {} (paired time {pg}), middleware/plain {} (paired time {pm})",
        per_second(p),
        per_second(g),
        per_second(m),
        ratio(p, g),
        ratio(p, m)
    );

    let mut group = c.benchmark_group("get_single");
    group.sample_size(20);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(3));
    for (arm, name) in NAMES.iter().enumerate() {
        group.bench_function(*name, |b| b.iter(|| rt.block_on(arms.get(arm))));
    }
    group.finish();

    let mut group = c.benchmark_group("get_16_tasks");
    group.sample_size(10);
    group.throughput(Throughput::Elements((TASKS * PER_TASK) as u64));
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(4));
    for (arm, name) in NAMES.iter().enumerate() {
        group.bench_function(*name, |b| {
            b.iter_custom(|iters| (0..iters).map(|_| arms.burst(&rt, arm)).sum())
        });
    }
    group.finish();
}

criterion_group!(benches, bench_get);
criterion_main!(benches);
