//! The guarded client against a real rustls HTTPS server and a real DNS
//! server, both on loopback and started by the test.

#![allow(clippy::unwrap_used)]

use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::Method;
use reqwest::header::{HeaderMap, HeaderValue};
use supreme_net_guard::classify::AddrClass;
use supreme_net_guard::hsts::HstsMode;
use supreme_net_guard::pin::PinSet;
use supreme_net_guard::resolve::{Nameserver, ResolverSettings};
use supreme_net_guard::{EgressPolicy, Error, GuardedClient, GuardedClientBuilder};
use supreme_testkit::binance::{SimRequest, SimResponse};
use supreme_testkit::dns::DnsServer;
use supreme_testkit::tls::{HttpsServer, TestCa};

const API: &str = "api.example.test";
const ALT: &str = "alt.example.test";

type Seen = Arc<Mutex<Vec<SimRequest>>>;

struct Rig {
    ca: TestCa,
    server: HttpsServer,
    dns: DnsServer,
    seen: Seen,
}

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

fn rig(handler: impl Fn(&SimRequest) -> SimResponse + Send + Sync + 'static) -> Rig {
    let ca = TestCa::new().unwrap();
    let seen: Seen = Arc::default();
    let s2 = seen.clone();
    let server = HttpsServer::start(
        &ca,
        &[API, ALT],
        Arc::new(move |r: &SimRequest| {
            s2.lock().unwrap().push(r.clone());
            handler(r)
        }),
    )
    .unwrap();
    let dns = DnsServer::start().unwrap();
    dns.set(API, &[ip("127.0.0.1")]);
    dns.set(ALT, &[ip("127.0.0.1")]);
    Rig {
        ca,
        server,
        dns,
        seen,
    }
}

fn hsts_ok(mut r: SimResponse) -> SimResponse {
    r.headers.push((
        "strict-transport-security".into(),
        "max-age=31536000; includeSubDomains".into(),
    ));
    r
}

impl Rig {
    fn url(&self, host: &str, path: &str) -> String {
        format!("https://{host}:{}{path}", self.server.addr().port())
    }

    fn policy(&self) -> EgressPolicy {
        EgressPolicy::builder()
            .allow_host("*.example.test")
            .unwrap()
            .allow_port(self.server.addr().port())
            .dangerous()
            .allow_socket(self.server.addr())
            .done()
            .build()
    }

    fn builder(&self, policy: EgressPolicy) -> GuardedClientBuilder {
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

    fn client(&self) -> GuardedClient {
        self.builder(self.policy()).build().unwrap()
    }
}

#[tokio::test]
async fn get_reaches_exactly_the_checked_address() {
    let rig = rig(|_| hsts_ok(SimResponse::json(200, r#"{"ok":true}"#)));
    let client = rig.client();
    let resp = client.get(&rig.url(API, "/api/v3/time")).await.unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.remote_addr(), Some(rig.server.addr()));
    assert_eq!(resp.text().await.unwrap(), r#"{"ok":true}"#);
    assert_eq!(rig.seen.lock().unwrap().len(), 1);
    assert!(rig.dns.queries() >= 1);
    // An absolute name with a trailing dot is the same host.
    let url = format!("https://{API}.:{}/", rig.server.addr().port());
    assert_eq!(client.get(&url).await.unwrap().status(), 200);
}

#[tokio::test]
async fn names_with_internal_addresses_are_denied_before_connecting() {
    let rig = rig(|_| SimResponse::json(200, "{}"));
    let cases = [
        (
            "private.example.test",
            vec![ip("10.1.2.3")],
            AddrClass::Private,
        ),
        (
            "meta.example.test",
            vec![ip("169.254.169.254")],
            AddrClass::CloudMetadata,
        ),
        ("ll.example.test", vec![ip("fe80::1")], AddrClass::LinkLocal),
        (
            "mapped.example.test",
            vec![ip("::ffff:127.0.0.2")],
            AddrClass::Loopback,
        ),
        (
            "mixed.example.test",
            vec![ip("127.0.0.1"), ip("192.168.1.10")],
            AddrClass::Private,
        ),
        (
            "lo.example.test",
            vec![ip("127.0.0.2")],
            AddrClass::Loopback,
        ),
    ];
    let client = rig.client();
    for (name, addrs, class) in cases {
        rig.dns.set(name, &addrs);
        match client.get(&rig.url(name, "/")).await {
            Err(Error::AddressDenied { denied, host }) => {
                assert_eq!(host, name);
                assert_eq!(denied.class, class, "{name}");
            }
            other => panic!("{name}: {other:?}"),
        }
    }
    assert!(rig.seen.lock().unwrap().is_empty());
}

#[tokio::test]
async fn loopback_needs_the_exact_allowance() {
    let rig = rig(|_| SimResponse::json(200, "{}"));
    let policy = EgressPolicy::builder()
        .allow_host(API)
        .unwrap()
        .allow_port(rig.server.addr().port())
        .build();
    let client = rig.builder(policy).build().unwrap();
    assert!(matches!(
        client.get(&rig.url(API, "/")).await,
        Err(Error::AddressDenied { .. })
    ));
    // The allowance is for one socket: another port on 127.0.0.1 is still denied.
    let other = SocketAddr::new(ip("127.0.0.1"), rig.server.addr().port().wrapping_add(1));
    let policy = EgressPolicy::builder()
        .allow_host(API)
        .unwrap()
        .allow_port(rig.server.addr().port())
        .dangerous()
        .allow_socket(other)
        .done()
        .build();
    let client = rig.builder(policy).build().unwrap();
    assert!(matches!(
        client.get(&rig.url(API, "/")).await,
        Err(Error::AddressDenied { .. })
    ));
}

#[tokio::test]
async fn unknown_ca_is_refused() {
    let rig = rig(|_| SimResponse::json(200, "{}"));
    let client = GuardedClient::builder(rig.policy())
        .resolver(ResolverSettings {
            nameservers: vec![Nameserver::Plain(rig.dns.addr())],
            ttl_cap: Duration::from_secs(1),
            timeout: Duration::from_secs(2),
        })
        .build()
        .unwrap();
    match client.get(&rig.url(API, "/")).await {
        Err(Error::Connect(msg)) => assert!(msg.contains("UnknownIssuer"), "{msg}"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn pin_match_and_mismatch() {
    let rig = rig(|_| SimResponse::json(200, "{}"));
    let backup = format!("sha256/{}A=", "B".repeat(42));
    let good = PinSet::new(API, &[rig.server.spki_pin(), &backup]).unwrap();
    let client = rig.builder(rig.policy()).pin(good).build().unwrap();
    assert_eq!(client.get(&rig.url(API, "/")).await.unwrap().status(), 200);

    let wrong = format!("sha256/{}A=", "C".repeat(42));
    let bad = PinSet::new(API, &[&wrong, &backup]).unwrap();
    let client = rig.builder(rig.policy()).pin(bad).build().unwrap();
    match client.get(&rig.url(API, "/")).await {
        Err(Error::PinMismatch {
            host,
            expected,
            actual,
        }) => {
            assert_eq!(host, API);
            assert_eq!(expected, vec![wrong, backup]);
            assert_eq!(actual[0], rig.server.spki_pin());
            assert_eq!(actual.len(), 2);
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn redirects_off_by_default_and_rechecked_when_on() {
    let port = Arc::new(Mutex::new(0u16));
    let p2 = port.clone();
    let rig = rig(move |r| {
        let port = *p2.lock().unwrap();
        let mut resp = SimResponse::json(302, "");
        let to = match r.path.as_str() {
            "/internal" => "https://internal.example.test/".to_string(),
            "/http" => format!("http://{API}:{port}/"),
            "/cross" => format!("https://{ALT}:{port}/landing"),
            "/same" => "/landing".to_string(),
            _ => return SimResponse::json(200, "landed"),
        };
        resp.headers.push(("location".into(), to));
        resp
    });
    *port.lock().unwrap() = rig.server.addr().port();
    rig.dns.set("internal.example.test", &[ip("10.0.0.5")]);

    let off = rig.client();
    let resp = off.get(&rig.url(API, "/internal")).await.unwrap();
    assert_eq!(resp.status(), 302);
    assert_eq!(rig.seen.lock().unwrap().len(), 1);

    let events = Arc::new(Mutex::new(Vec::new()));
    let e2 = events.clone();
    let on = rig
        .builder(rig.policy())
        .max_redirects(3)
        .on_event(move |e| e2.lock().unwrap().push(e.clone()))
        .build()
        .unwrap();
    for path in ["/internal", "/http"] {
        match on.get(&rig.url(API, path)).await {
            Err(Error::RedirectRefused { reason, .. }) => assert!(!reason.is_empty()),
            other => panic!("{path}: {other:?}"),
        }
    }

    let mut headers = HeaderMap::new();
    headers.insert("x-mbx-apikey", HeaderValue::from_static("key-123"));
    headers.insert("authorization", HeaderValue::from_static("Bearer t"));
    rig.seen.lock().unwrap().clear();
    let resp = on
        .send(Method::GET, &rig.url(API, "/same"), headers.clone(), None)
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let resp = on
        .send(Method::GET, &rig.url(API, "/cross"), headers, None)
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let seen = rig.seen.lock().unwrap().clone();
    let keys: Vec<(String, Option<String>)> = seen
        .iter()
        .map(|r| {
            (
                r.path.clone(),
                r.header_value("x-mbx-apikey").map(str::to_string),
            )
        })
        .collect();
    assert_eq!(
        keys,
        vec![
            ("/same".into(), Some("key-123".into())),
            ("/landing".into(), Some("key-123".into())),
            ("/cross".into(), Some("key-123".into())),
            ("/landing".into(), None),
        ]
    );
    assert!(seen[3].header_value("authorization").is_none());
    let events = events.lock().unwrap();
    assert!(events.iter().any(|e| e.kind() == "CREDENTIALS_DROPPED"
        && e.get("from") == Some(&format!("https://{API}:{}", rig.server.addr().port())[..])));
    // The record names origins only, never the credentials it dropped.
    assert!(
        events
            .iter()
            .all(|e| !e.to_string().contains("key-123") && !e.to_string().contains("Bearer")),
        "{events:?}"
    );
}

#[tokio::test]
async fn hsts_warns_or_refuses() {
    let rig = rig(|_| SimResponse::json(200, "{}"));
    let events = Arc::new(Mutex::new(Vec::new()));
    let e2 = events.clone();
    let warn = rig
        .builder(rig.policy())
        .on_event(move |e| e2.lock().unwrap().push(e.clone()))
        .build()
        .unwrap();
    assert_eq!(warn.get(&rig.url(API, "/")).await.unwrap().status(), 200);
    let first = events.lock().unwrap()[0].clone();
    assert_eq!(
        (first.kind(), first.get("host")),
        ("HSTS_WARNING", Some(API))
    );
    let require = rig
        .builder(rig.policy())
        .hsts(HstsMode::Require)
        .build()
        .unwrap();
    assert!(matches!(
        require.get(&rig.url(API, "/")).await,
        Err(Error::Hsts { .. })
    ));
}

#[tokio::test]
async fn ip_literal_urls_pass_the_same_policy() {
    let rig = rig(|_| SimResponse::json(200, "{}"));
    let client = rig.client();
    // 127.0.0.1 written as a decimal integer is judged as 127.0.0.1: the exact
    // socket allowance covers it; 127.0.0.2 (`0x7f.2`) is not covered.
    let url = format!("https://2130706433:{}/", rig.server.addr().port());
    let resp = client.get(&url).await.unwrap();
    assert_eq!(resp.remote_addr(), Some(rig.server.addr()));
    let url = format!("https://0x7f.2:{}/", rig.server.addr().port());
    assert!(matches!(
        client.get(&url).await,
        Err(Error::AddressDenied { .. })
    ));
}

mod limited {
    use std::sync::atomic::{AtomicU32, Ordering};

    use supreme_net_guard::SystemClock;
    use supreme_net_guard::ratelimit::{Cost, ExchangeLimiter, LimitKind, RateLimit};
    use supreme_net_guard::retry::{RequestKind, RetryPolicy};

    use super::*;

    fn limiter() -> ExchangeLimiter<SystemClock> {
        ExchangeLimiter::new(RateLimit::binance_spot_defaults(), SystemClock).unwrap()
    }

    #[tokio::test]
    async fn status_429_is_waited_out_then_headers_sync_the_window() {
        let calls = Arc::new(AtomicU32::new(0));
        let c2 = calls.clone();
        let rig = rig(move |_| {
            let mut r = if c2.fetch_add(1, Ordering::SeqCst) == 0 {
                SimResponse::error(429, -1003, "Too many requests")
            } else {
                SimResponse::json(200, "{}")
            };
            r.headers.push(("retry-after".into(), "1".into()));
            r.headers
                .push(("x-mbx-used-weight-1m".into(), "4321".into()));
            hsts_ok(r)
        });
        let client = rig.client();
        let l = limiter();
        let t = std::time::Instant::now();
        let resp = client
            .send_limited(
                &l,
                Cost::weight(20),
                &RequestKind::Idempotent,
                &RetryPolicy::default(),
                Method::GET,
                &rig.url(API, "/api/v3/exchangeInfo"),
                HeaderMap::new(),
                None,
            )
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
        assert_eq!(calls.load(Ordering::SeqCst), 2);
        assert!(t.elapsed() >= Duration::from_secs(1));
        assert!(l.used(LimitKind::RequestWeight, 60_000).unwrap() >= 4321);
    }

    #[tokio::test]
    async fn status_418_stops_all_traffic() {
        let rig = rig(|_| {
            let mut r = SimResponse::error(418, -1003, "banned");
            r.headers.push(("retry-after".into(), "120".into()));
            r
        });
        let client = rig.client();
        let l = limiter();
        let err = client
            .send_limited(
                &l,
                Cost::weight(1),
                &RequestKind::Idempotent,
                &RetryPolicy::default(),
                Method::GET,
                &rig.url(API, "/api/v3/time"),
                HeaderMap::new(),
                None,
            )
            .await
            .unwrap_err();
        assert_eq!(
            err,
            Error::Banned {
                wait: Duration::from_secs(120)
            }
        );
        // Nothing else goes out until the ban ends.
        let policy = RetryPolicy {
            deadline: Duration::from_millis(100),
            ..RetryPolicy::default()
        };
        let err = client
            .send_limited(
                &l,
                Cost::weight(1),
                &RequestKind::Idempotent,
                &policy,
                Method::GET,
                &rig.url(API, "/api/v3/time"),
                HeaderMap::new(),
                None,
            )
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Banned { .. }), "{err:?}");
        assert_eq!(rig.seen.lock().unwrap().len(), 1);
    }

    #[tokio::test]
    async fn an_order_that_gets_5xx_or_times_out_is_outcome_unknown_and_sent_once() {
        let rig = rig(|r| {
            if r.query.contains("slow") {
                let mut resp = SimResponse::json(200, "{}");
                resp.delay = Duration::from_millis(1500);
                resp
            } else {
                SimResponse::error(503, -1001, "internal")
            }
        });
        let client = rig
            .builder(rig.policy())
            .timeout(Duration::from_millis(500))
            .build()
            .unwrap();
        // A fake clock: the count is read back without a window rolling over.
        let l = ExchangeLimiter::new(
            RateLimit::binance_spot_defaults(),
            std::sync::Arc::new(supreme_net_guard::FakeClock::new(1_694_131_200_000)),
        )
        .unwrap();
        for query in ["a", "slow"] {
            let kind = RequestKind::Order {
                client_order_id: format!("cid-{query}"),
            };
            let err = client
                .send_limited(
                    &l,
                    Cost::order(1),
                    &kind,
                    &RetryPolicy::default(),
                    Method::POST,
                    &rig.url(API, &format!("/api/v3/order?{query}")),
                    HeaderMap::new(),
                    Some(b"x".to_vec()),
                )
                .await
                .unwrap_err();
            match err {
                Error::OutcomeUnknown {
                    client_order_id, ..
                } => assert_eq!(client_order_id, format!("cid-{query}")),
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(rig.seen.lock().unwrap().len(), 2);
        assert_eq!(l.used(LimitKind::Orders, 10_000), Some(2));
    }
}

#[tokio::test]
async fn rebinding_to_an_internal_address_is_caught_when_the_capped_ttl_ends() {
    let rig = rig(|_| SimResponse::json(200, "{}"));
    let client = rig.client();
    assert_eq!(client.get(&rig.url(API, "/")).await.unwrap().status(), 200);
    rig.dns.set(API, &[ip("10.0.0.1")]);
    // Within the TTL cap (1 s) the judged answer is reused, not looked up again.
    assert_eq!(client.get(&rig.url(API, "/")).await.unwrap().status(), 200);
    tokio::time::sleep(Duration::from_millis(1200)).await;
    match client.get(&rig.url(API, "/")).await {
        Err(Error::AddressDenied { denied, .. }) => assert_eq!(denied.addr, ip("10.0.0.1")),
        other => panic!("{other:?}"),
    }
    assert_eq!(rig.seen.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn hsts_weakened_against_what_the_host_sent_before() {
    let n = Arc::new(Mutex::new(0u32));
    let n2 = n.clone();
    let rig = rig(move |_| {
        let mut k = n2.lock().unwrap();
        *k += 1;
        let v = if *k == 1 {
            "max-age=31536000; includeSubDomains"
        } else {
            "max-age=31536000"
        };
        let mut r = SimResponse::json(200, "{}");
        r.headers
            .push(("strict-transport-security".into(), v.into()));
        r
    });
    let events = Arc::new(Mutex::new(Vec::new()));
    let e2 = events.clone();
    let client = rig
        .builder(rig.policy())
        .on_event(move |e| e2.lock().unwrap().push(e.clone()))
        .build()
        .unwrap();
    client.get(&rig.url(API, "/")).await.unwrap();
    assert!(events.lock().unwrap().is_empty());
    client.get(&rig.url(API, "/")).await.unwrap();
    let seen = events.lock().unwrap().clone();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(seen[0].kind(), "HSTS_WARNING");
    assert!(
        seen[0]
            .get("problem")
            .unwrap()
            .contains("includeSubDomains")
    );
}
