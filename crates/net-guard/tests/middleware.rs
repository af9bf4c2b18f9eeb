//! A plain reqwest-middleware stack over net-guard's `reqwest::Client` and
//! `GuardMiddleware`, against a real rustls HTTPS server and a real DNS
//! server on loopback: SSRF, pin and limiter behaviour as through
//! `GuardedClient`.

#![allow(clippy::unwrap_used)]

use std::net::{IpAddr, SocketAddr, TcpListener};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest_middleware::{ClientBuilder, ClientWithMiddleware};
use supreme_core::event::VecSink;
use supreme_net_guard::classify::AddrClass;
use supreme_net_guard::middleware::{GuardMiddleware, PrepaidPermit};
use supreme_net_guard::pin::PinSet;
use supreme_net_guard::resolve::{Nameserver, ResolverSettings};
use supreme_net_guard::retry::RetryPolicy;
use supreme_net_guard::{
    Cost, EgressPolicy, Error, ExchangeLimiter, FakeClock, GuardedClient, LimitKind, RateLimit,
    SystemClock,
};
use supreme_testkit::binance::{Delivery, SimRequest, SimResponse};
use supreme_testkit::dns::DnsServer;
use supreme_testkit::tls::{HttpsServer, TestCa};

const API: &str = "api.example.test";

type Seen = Arc<Mutex<Vec<SimRequest>>>;

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

/// One CA, one DNS server, HTTPS servers for [`API`] that record what
/// reaches them.
struct Rig {
    ca: TestCa,
    dns: DnsServer,
    server: HttpsServer,
    seen: Seen,
    events: Arc<VecSink>,
}

fn serve(
    ca: &TestCa,
    seen: &Seen,
    handler: impl Fn(&SimRequest) -> SimResponse + Send + Sync + 'static,
) -> HttpsServer {
    let seen = seen.clone();
    HttpsServer::start(
        ca,
        &[API],
        Arc::new(move |r: &SimRequest| {
            seen.lock().unwrap().push(r.clone());
            handler(r)
        }),
    )
    .unwrap()
}

fn rig(handler: impl Fn(&SimRequest) -> SimResponse + Send + Sync + 'static) -> Rig {
    let ca = TestCa::new().unwrap();
    let seen = Seen::default();
    let server = serve(&ca, &seen, handler);
    let dns = DnsServer::start().unwrap();
    dns.set(API, &[ip("127.0.0.1")]);
    Rig {
        ca,
        dns,
        server,
        seen,
        events: Arc::new(VecSink::new()),
    }
}

impl Rig {
    fn url(&self, path: &str) -> String {
        format!("https://{API}:{}{path}", self.server.addr().port())
    }

    /// `*.example.test` on the server's port, and exactly its socket.
    fn policy(&self, extra_ports: &[u16], sockets: &[SocketAddr]) -> EgressPolicy {
        let mut b = EgressPolicy::builder()
            .allow_host("*.example.test")
            .unwrap()
            .allow_port(self.server.addr().port());
        for p in extra_ports {
            b = b.allow_port(*p);
        }
        let mut d = b.dangerous().allow_socket(self.server.addr());
        for s in sockets {
            d = d.allow_socket(*s);
        }
        d.done().build()
    }

    fn guarded(&self, policy: EgressPolicy, pins: Option<PinSet>) -> GuardedClient {
        let mut b = GuardedClient::builder(policy)
            .resolver(ResolverSettings {
                nameservers: vec![Nameserver::Plain(self.dns.addr())],
                ttl_cap: Duration::from_secs(1),
                timeout: Duration::from_secs(2),
            })
            .timeout(Duration::from_secs(5))
            .events(self.events.clone());
        if let Some(p) = pins {
            b = b.pin(p);
        }
        b.dangerous()
            .add_root_ca(self.ca.cert_der().clone())
            .done()
            .build()
            .unwrap()
    }

    fn denials(&self) -> usize {
        self.events
            .events()
            .iter()
            .filter(|e| e.kind() == "EGRESS_DENIED")
            .count()
    }
}

/// The stack a bot on reqwest-middleware builds: net-guard's client, the
/// guard middleware.
fn stack(
    guarded: &GuardedClient,
    guard: GuardMiddleware<impl supreme_net_guard::Clock + 'static>,
) -> ClientWithMiddleware {
    ClientBuilder::new(guarded.reqwest_client())
        .with(guard)
        .build()
}

fn guard_err(e: &reqwest_middleware::Error) -> Error {
    Error::from_middleware(e).unwrap_or_else(|| panic!("not a guard error: {e:?}"))
}

/// A loopback TCP listener at `addr` that must never be connected to.
fn tripwire(addr: &str) -> TcpListener {
    let l = TcpListener::bind(addr).unwrap();
    l.set_nonblocking(true).unwrap();
    l
}

fn untouched(l: &TcpListener) -> bool {
    matches!(l.accept(), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock)
}

async fn ssrf_is_refused_before_connecting() {
    let rig = rig(|_| SimResponse::json(200, "{}"));
    // Internal addresses behind allowed names; a listener on 127.0.0.2
    // shows that nothing connects.
    let wire = tripwire("127.0.0.2:0");
    let wport = wire.local_addr().unwrap().port();
    rig.dns.set("meta.example.test", &[ip("169.254.169.254")]);
    rig.dns.set("private.example.test", &[ip("10.1.2.3")]);
    rig.dns.set("loop.example.test", &[ip("127.0.0.2")]);
    rig.dns.set("evil.test", &[ip("127.0.0.1")]);
    let guarded = rig.guarded(rig.policy(&[wport], &[]), None);
    let http = stack(&guarded, GuardMiddleware::new(&guarded));
    let bare = guarded.reqwest_client();

    for (name, class) in [
        ("meta.example.test", AddrClass::CloudMetadata),
        ("private.example.test", AddrClass::Private),
        ("loop.example.test", AddrClass::Loopback),
    ] {
        let url = format!("https://{name}:{wport}/latest/meta-data/");
        let err = guard_err(&http.get(&url).send().await.unwrap_err());
        match &err {
            Error::AddressDenied { host, denied } => {
                assert_eq!(host, name);
                assert_eq!(denied.class, class);
            }
            other => panic!("{name}: {other:?}"),
        }
        // The reqwest client alone refuses the same answer in its resolver hook.
        let err = bare.get(&url).send().await.unwrap_err();
        assert!(
            matches!(Error::from_reqwest(&err), Error::AddressDenied { .. }),
            "{err:?}"
        );
    }
    // An IP literal (internal, or public but unlisted) and a non-https URL.
    let literal = format!("https://127.0.0.2:{wport}/");
    assert!(matches!(
        guard_err(&http.get(&literal).send().await.unwrap_err()),
        Error::AddressDenied { .. }
    ));
    assert!(matches!(
        guard_err(&http.get("https://8.8.8.8/").send().await.unwrap_err()),
        Error::IpLiteralNotAllowed { .. }
    ));
    let plain = format!("http://{API}:{}/", rig.server.addr().port());
    assert!(matches!(
        guard_err(&http.get(&plain).send().await.unwrap_err()),
        Error::SchemeNotHttps { .. }
    ));
    assert!(bare.get(&plain).send().await.is_err());
    // A name off the allowlist, even one that resolves to the allowed
    // server socket: refused without a lookup, by the stack and by the
    // client alone.
    let queries = rig.dns.queries();
    let evil = format!("https://evil.test:{}/", rig.server.addr().port());
    assert!(matches!(
        guard_err(&http.get(&evil).send().await.unwrap_err()),
        Error::HostNotAllowed { .. }
    ));
    let err = bare.get(&evil).send().await.unwrap_err();
    assert!(
        matches!(Error::from_reqwest(&err), Error::HostNotAllowed { .. }),
        "{err:?}"
    );
    assert_eq!(rig.dns.queries(), queries, "no lookup for a refused name");

    assert!(untouched(&wire), "nothing connected to 127.0.0.2");
    assert!(
        rig.seen.lock().unwrap().is_empty(),
        "nothing reached the server"
    );
    // Each refusal by the middleware was recorded (3 names, 2 literals,
    // http, evil.test).
    assert_eq!(rig.denials(), 7);
    // The allowed name still works through both.
    assert_eq!(
        http.get(rig.url("/api/v3/time"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(
        bare.get(rig.url("/api/v3/time"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
}

#[tokio::test(flavor = "current_thread")]
async fn ssrf_is_refused_before_connecting_current_thread() {
    ssrf_is_refused_before_connecting().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ssrf_is_refused_before_connecting_multi_thread() {
    ssrf_is_refused_before_connecting().await;
}

#[tokio::test]
async fn the_wrong_port_on_an_allowed_address_is_refused_by_the_client_alone() {
    let rig = rig(|_| SimResponse::json(200, "{}"));
    // A second server on 127.0.0.1 whose port the policy does not allow:
    // the bare client resolves the name (allowed), connects, and the
    // connector refuses the peer before any request byte.
    let other_seen = Seen::default();
    let other = serve(&rig.ca, &other_seen, |_| SimResponse::json(200, "{}"));
    let guarded = rig.guarded(rig.policy(&[], &[]), None);
    let url = format!("https://{API}:{}/", other.addr().port());
    let err = guarded.reqwest_client().get(&url).send().await.unwrap_err();
    assert!(
        matches!(
            Error::from_reqwest(&err),
            Error::AddressDenied { .. } | Error::PortNotAllowed { .. }
        ),
        "{err:?}"
    );
    assert!(other_seen.lock().unwrap().is_empty());
}

#[tokio::test]
async fn a_leaf_that_is_not_pinned_is_refused() {
    let rig = rig(|_| SimResponse::json(200, "{}"));
    // Another leaf from the same, trusted CA, for the same name.
    let other_seen = Seen::default();
    let other = serve(&rig.ca, &other_seen, |_| SimResponse::json(200, "{}"));
    assert_ne!(other.spki_pin(), rig.server.spki_pin());
    let backup = format!("sha256/{}A=", "B".repeat(42));
    let pins = PinSet::new(API, &[rig.server.spki_pin(), &backup]).unwrap();
    let policy = rig.policy(&[other.addr().port()], &[other.addr()]);
    let guarded = rig.guarded(policy, Some(pins));
    let http = stack(&guarded, GuardMiddleware::new(&guarded));

    assert_eq!(http.get(rig.url("/")).send().await.unwrap().status(), 200);
    let url = format!("https://{API}:{}/", other.addr().port());
    match guard_err(&http.get(&url).send().await.unwrap_err()) {
        Error::PinMismatch { host, actual, .. } => {
            assert_eq!(host, API);
            assert_eq!(actual[0], other.spki_pin());
        }
        other => panic!("{other:?}"),
    }
    let err = guarded.reqwest_client().get(&url).send().await.unwrap_err();
    assert!(matches!(
        Error::from_reqwest(&err),
        Error::PinMismatch { .. }
    ));
    assert!(
        other_seen.lock().unwrap().is_empty(),
        "no request reached it"
    );
    assert_eq!(rig.seen.lock().unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_are_counted_once_and_synced_from_headers() {
    let rig = rig(|r| {
        let mut resp = SimResponse::json(200, "{}");
        if r.path == "/api/v3/account" {
            resp.headers
                .push(("x-mbx-used-weight-1m".into(), "4321".into()));
        }
        resp
    });
    let guarded = rig.guarded(rig.policy(&[], &[]), None);
    // A fake clock: the counts are read back without a window rolling over.
    let limiter = Arc::new(
        ExchangeLimiter::new(
            RateLimit::binance_spot_defaults(),
            Arc::new(FakeClock::new(1_694_131_200_000)),
        )
        .unwrap(),
    );
    let http = stack(
        &guarded,
        GuardMiddleware::new(&guarded).limiter(limiter.clone()),
    );
    let weight = || limiter.used(LimitKind::RequestWeight, 60_000).unwrap();
    let orders = || limiter.used(LimitKind::Orders, 10_000).unwrap();

    // By the Binance spot table.
    http.get(rig.url("/api/v3/exchangeInfo"))
        .send()
        .await
        .unwrap();
    assert_eq!(weight(), 20);
    // By the request's own cost.
    http.get(rig.url("/api/v3/klines"))
        .with_extension(Cost::weight(7))
        .send()
        .await
        .unwrap();
    assert_eq!(weight(), 27);
    // Prepaid at the gate: not counted again.
    let permit = limiter.try_reserve(Cost::order(1)).unwrap();
    assert_eq!((weight(), orders()), (28, 1));
    let resp = http
        .post(rig.url("/api/v3/order?symbol=BTCUSDT&newClientOrderId=gate-1"))
        .with_extension(PrepaidPermit::new(permit))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!((weight(), orders()), (28, 1));
    // An endpoint of unknown weight is refused, not guessed.
    assert!(matches!(
        guard_err(
            &http
                .get(rig.url("/api/v3/unknown"))
                .send()
                .await
                .unwrap_err()
        ),
        Error::UnknownEndpoint { .. }
    ));
    // The exchange's count, when higher, wins.
    http.get(rig.url("/api/v3/account")).send().await.unwrap();
    assert_eq!(weight(), 4321);
    assert_eq!(rig.seen.lock().unwrap().len(), 4);
}

#[tokio::test]
async fn a_429_backs_off_the_next_request_and_a_418_stops_all() {
    let calls = Arc::new(AtomicU32::new(0));
    let c2 = calls.clone();
    let rig = rig(move |r| {
        let n = c2.fetch_add(1, Ordering::SeqCst);
        let mut resp = match (n, r.path.as_str()) {
            (0, _) => SimResponse::error(429, -1003, "Too many requests"),
            (_, "/api/v3/ping") => SimResponse::error(418, -1003, "banned"),
            _ => SimResponse::json(200, "{}"),
        };
        resp.headers.push(("retry-after".into(), "1".into()));
        resp
    });
    let guarded = rig.guarded(rig.policy(&[], &[]), None);
    let limiter =
        Arc::new(ExchangeLimiter::new(RateLimit::binance_spot_defaults(), SystemClock).unwrap());
    let http = stack(
        &guarded,
        GuardMiddleware::new(&guarded).limiter(limiter.clone()),
    );

    // A POST is not retried: its 429 is the answer, and the limiter backs off.
    let err = guard_err(
        &http
            .post(rig.url("/api/v3/order/test"))
            .send()
            .await
            .unwrap_err(),
    );
    assert_eq!(
        err,
        Error::Status {
            status: 429,
            retry_after: Some(Duration::from_secs(1))
        }
    );
    // The next request waits the back-off out before it goes.
    let t = Instant::now();
    let resp = http.get(rig.url("/api/v3/time")).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert!(
        t.elapsed() >= Duration::from_millis(900),
        "{:?}",
        t.elapsed()
    );
    assert_eq!(calls.load(Ordering::SeqCst), 2);

    // A 418 is a ban: not retried, and nothing else goes out until it ends.
    let err = guard_err(&http.get(rig.url("/api/v3/ping")).send().await.unwrap_err());
    assert_eq!(
        err,
        Error::Banned {
            wait: Duration::from_secs(1)
        }
    );
    let short = RetryPolicy {
        deadline: Duration::from_millis(100),
        ..RetryPolicy::default()
    };
    let err = guard_err(
        &http
            .get(rig.url("/api/v3/time"))
            .with_extension(short)
            .send()
            .await
            .unwrap_err(),
    );
    assert!(matches!(err, Error::Banned { .. }), "{err:?}");
    assert_eq!(calls.load(Ordering::SeqCst), 3);
}

#[tokio::test(flavor = "current_thread")]
async fn an_order_answered_by_a_dropped_connection_is_not_retried() {
    let rig = rig(|r| {
        let mut resp = SimResponse::json(200, "{}");
        if r.path == "/api/v3/order" || r.query.contains("drop") {
            resp.delivery = Delivery::Drop;
        }
        resp
    });
    let guarded = rig.guarded(rig.policy(&[], &[]), None);
    let limiter = Arc::new(
        ExchangeLimiter::new(
            RateLimit::binance_spot_defaults(),
            Arc::new(FakeClock::new(1_694_131_200_000)),
        )
        .unwrap(),
    );
    let http = stack(
        &guarded,
        GuardMiddleware::new(&guarded).limiter(limiter.clone()),
    );

    // The order's kind comes from its newClientOrderId (a form body here).
    let err = guard_err(
        &http
            .post(rig.url("/api/v3/order"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("symbol=BTCUSDT&side=BUY&type=MARKET&quantity=1&newClientOrderId=cid-7")
            .send()
            .await
            .unwrap_err(),
    );
    match err {
        Error::OutcomeUnknown {
            client_order_id, ..
        } => assert_eq!(client_order_id, "cid-7"),
        other => panic!("{other:?}"),
    }
    assert_eq!(rig.seen.lock().unwrap().len(), 1, "sent exactly once");
    assert_eq!(limiter.used(LimitKind::Orders, 10_000), Some(1));

    // An idempotent GET that is dropped is retried (and counted each time).
    let err = guard_err(
        &http
            .get(rig.url("/api/v3/time?drop"))
            .with_extension(RetryPolicy {
                base: Duration::from_millis(10),
                max_attempts: 3,
                ..RetryPolicy::default()
            })
            .send()
            .await
            .unwrap_err(),
    );
    assert!(
        matches!(err, Error::RetriesExhausted { attempts: 3, .. }),
        "{err:?}"
    );
    assert_eq!(rig.seen.lock().unwrap().len(), 4);
}
