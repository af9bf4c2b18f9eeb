//! net-guard beside the raw primitives, measured in the same run.
//!
//! - `classify/naive_scan_45_ranges` vs `classify/net_guard`: per address,
//!   over a mixed set of public, private, mapped and NAT64 addresses.
//! - `url/raw_url_parse` vs `url/policy_check_url`: the WHATWG parse alone,
//!   then parse + scheme + allowlist + port + literal judgement.
//! - `keyed/raw_governor_hashmap` vs `keyed/net_guard_bounded`: one keyed
//!   check among 1,000 keys.
//! - `exchange/try_acquire`: all four Binance windows.
//! - `get/plain_reqwest` vs `get/guarded`: GET over loopback HTTPS with
//!   connection reuse (same server, same TLS roots).

#![allow(missing_docs, clippy::unwrap_used)]

use std::hint::black_box;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::num::{NonZeroU32, NonZeroUsize};
use std::sync::Arc;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use governor::{Quota, RateLimiter};
use ipnet::IpNet;
use supreme_net_guard::resolve::{Nameserver, ResolverSettings};
use supreme_net_guard::{
    Cost, EgressPolicy, ExchangeLimiter, FakeClock, GuardedClient, KeyedLimiter, RateLimit,
    classify,
};
use supreme_testkit::binance::SimResponse;
use supreme_testkit::dns::DnsServer;
use supreme_testkit::tls::{HttpsServer, TestCa};

const NAIVE: &[&str] = &[
    "0.0.0.0/8",
    "10.0.0.0/8",
    "100.64.0.0/10",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "172.16.0.0/12",
    "192.0.0.0/24",
    "192.0.2.0/24",
    "192.88.99.0/24",
    "192.168.0.0/16",
    "198.18.0.0/15",
    "198.51.100.0/24",
    "203.0.113.0/24",
    "224.0.0.0/4",
    "240.0.0.0/4",
    "255.255.255.255/32",
    "::/128",
    "::1/128",
    "::ffff:0:0/96",
    "::/96",
    "64:ff9b::/96",
    "64:ff9b:1::/48",
    "100::/64",
    "2001::/23",
    "2001::/32",
    "2001:2::/48",
    "2001:10::/28",
    "2001:20::/28",
    "2001:db8::/32",
    "2002::/16",
    "3fff::/20",
    "5f00::/16",
    "fc00::/7",
    "fe80::/10",
    "fec0::/10",
    "ff00::/8",
    "::ffff:0:0:0/96",
    "100:0:0:1::/64",
    "2001:3::/32",
    "2001:4:112::/48",
    "2001:30::/28",
    "2620:4f:8000::/48",
    "fd00:ec2::254/128",
    "169.254.169.254/32",
    "100.100.100.200/32",
];

fn addresses() -> Vec<IpAddr> {
    let mut v: Vec<IpAddr> = [
        "8.8.8.8",
        "52.84.12.1",
        "10.1.2.3",
        "192.168.1.1",
        "127.0.0.1",
        "169.254.169.254",
        "203.0.114.1",
        "100.64.1.1",
        "172.20.0.1",
        "1.1.1.1",
        "13.32.1.1",
        "224.0.0.1",
    ]
    .iter()
    .map(|s| s.parse().unwrap())
    .collect();
    v.extend(
        [
            "2606:4700::1111",
            "2a00:1450::1",
            "fd00::1",
            "fe80::1",
            "::ffff:10.0.0.1",
            "64:ff9b::808:808",
            "2001:db8::1",
            "2002::1",
            "::1",
            "2600:1f18::1",
        ]
        .iter()
        .map(|s| IpAddr::V6(s.parse::<Ipv6Addr>().unwrap())),
    );
    v.extend((0..10u32).map(|i| IpAddr::V4(Ipv4Addr::from_bits(0x3400_0000 + i * 7919))));
    v
}

fn classify_bench(c: &mut Criterion) {
    let nets: Vec<IpNet> = NAIVE.iter().map(|s| s.parse().unwrap()).collect();
    let addrs = addresses();
    let mut g = c.benchmark_group("classify");
    g.throughput(Throughput::Elements(addrs.len() as u64));
    g.bench_function("naive_scan_45_ranges", |b| {
        b.iter(|| {
            let mut denied = 0u32;
            for a in black_box(&addrs) {
                denied += u32::from(nets.iter().any(|n| n.contains(a)));
            }
            denied
        })
    });
    g.bench_function("net_guard", |b| {
        b.iter(|| {
            let mut denied = 0u32;
            for a in black_box(&addrs) {
                denied += u32::from(classify(*a).is_err());
            }
            denied
        })
    });
    g.finish();
}

fn url_bench(c: &mut Criterion) {
    let policy = EgressPolicy::builder()
        .allow_host("api.binance.com")
        .unwrap()
        .allow_host("*.binance.vision")
        .unwrap()
        .build();
    let u = "https://api.binance.com/api/v3/order?symbol=BTCUSDT&side=BUY&type=LIMIT";
    let mut g = c.benchmark_group("url");
    g.bench_function("raw_url_parse", |b| {
        b.iter(|| url::Url::parse(black_box(u)).unwrap())
    });
    g.bench_function("policy_check_url", |b| {
        b.iter(|| policy.check_url(black_box(u)).unwrap())
    });
    g.bench_function("policy_check_url_decimal_literal_denied", |b| {
        b.iter(|| {
            policy
                .check_url(black_box("https://2130706433/"))
                .unwrap_err()
        })
    });
    g.finish();
}

fn keyed_bench(c: &mut Criterion) {
    let quota = Quota::per_second(NonZeroU32::MAX);
    let raw = RateLimiter::hashmap(quota);
    let ours = KeyedLimiter::new(quota, NonZeroUsize::new(100_000).unwrap());
    for k in 0..1000u32 {
        let _ = raw.check_key(&k);
        let _ = ours.check(&k);
    }
    let mut g = c.benchmark_group("keyed");
    let mut i = 0u32;
    g.bench_function("raw_governor_hashmap", |b| {
        b.iter(|| {
            i = (i + 1) % 1000;
            raw.check_key(black_box(&i)).is_ok()
        })
    });
    g.bench_function("net_guard_bounded", |b| {
        b.iter(|| {
            i = (i + 1) % 1000;
            ours.check(black_box(&i)).is_ok()
        })
    });
    g.finish();

    let clock = std::sync::Arc::new(FakeClock::new(1_694_131_200_000));
    let limiter = ExchangeLimiter::new(RateLimit::binance_spot_defaults(), clock.clone()).unwrap();
    let mut g = c.benchmark_group("exchange");
    g.bench_function("try_acquire", |b| {
        b.iter(|| {
            // A new minute every 5,000 requests keeps the windows open.
            clock.advance(Duration::from_millis(13));
            limiter.try_acquire(black_box(Cost::weight(1))).is_ok()
        })
    });
    g.finish();
}

fn get_bench(c: &mut Criterion) {
    const HOST: &str = "api.example.test";
    let ca = TestCa::new().unwrap();
    let server = HttpsServer::start(
        &ca,
        &[HOST],
        Arc::new(|_r: &_| {
            let mut r = SimResponse::json(200, r#"{"serverTime":1694131200000}"#);
            r.headers.push((
                "strict-transport-security".into(),
                "max-age=31536000".into(),
            ));
            r
        }),
    )
    .unwrap();
    let dns = DnsServer::start().unwrap();
    dns.set(HOST, &["127.0.0.1".parse().unwrap()]);
    let url = format!("https://{HOST}:{}/api/v3/time", server.addr().port());
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();

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
    let guarded = rt.block_on(async {
        GuardedClient::builder(policy)
            .resolver(ResolverSettings {
                nameservers: vec![Nameserver::Plain(dns.addr())],
                ttl_cap: Duration::from_secs(3600),
                timeout: Duration::from_secs(2),
            })
            .dangerous()
            .add_root_ca(ca.cert_der().clone())
            .done()
            .build()
            .unwrap()
    });

    let mut g = c.benchmark_group("get");
    g.bench_function("plain_reqwest", |b| {
        b.iter(|| {
            rt.block_on(async {
                let r = plain.get(&url).send().await.unwrap();
                r.bytes().await.unwrap().len()
            })
        })
    });
    g.bench_function("guarded", |b| {
        b.iter(|| {
            rt.block_on(async {
                let r = guarded.get(&url).await.unwrap();
                r.bytes().await.unwrap().len()
            })
        })
    });
    g.finish();
}

criterion_group!(benches, classify_bench, url_bench, keyed_bench, get_bench);
criterion_main!(benches);
