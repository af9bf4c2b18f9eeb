//! Orders whose outcome is unknown, and what the client lets slip: each
//! attack against the simulated exchange over real TLS on loopback, on a
//! clock the test drives (shared by the client and the exchange): tokio's
//! paused time, which `reconcile`'s `tokio::time::sleep` advances.

#![allow(clippy::unwrap_used)] // test helpers: a failed unwrap is a failed test

mod support;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use support::*;
use supreme_binance::*;
use supreme_order_guard::{ClientOrderId, Order, Side, Symbol};
use supreme_testkit::binance::{ApiKey, ApiRestrictions, Faults, KeyCredential, SimBinance};

const T0: u64 = 1_764_547_200_000;

struct Rig {
    sim: SimBinance,
    client: BinanceClient,
    /// Tokio's paused time: the client sleeping advances it.
    clock: Arc<PausedClock>,
}

/// A core [`Clock`] on tokio's time (paused in these tests, so a
/// `tokio::time::sleep` advances it at once), starting at `T0`. Each reading
/// is published for the simulator, whose server thread is outside the
/// runtime: it sees the time of the client's latest reading (taken right
/// before each request is signed).
#[derive(Debug)]
struct PausedClock {
    start: tokio::time::Instant,
    seen: AtomicU64,
}

impl PausedClock {
    fn new() -> Self {
        Self {
            start: tokio::time::Instant::now(),
            seen: AtomicU64::new(T0),
        }
    }
}

impl Clock for PausedClock {
    fn now_ms(&self) -> u64 {
        let now = T0 + supreme_core::time::duration_ms(self.monotonic());
        self.seen.fetch_max(now, Ordering::SeqCst);
        now
    }

    fn monotonic(&self) -> Duration {
        self.start.elapsed()
    }
}

fn rig_with<T: Transport + 'static>(wrap: impl FnOnce(TlsTransport) -> T) -> Rig {
    let clock = Arc::new(PausedClock::new());
    let sim_clock = clock.clone();
    let sim = SimBinance::with_sample()
        .with_clock(Arc::new(move || sim_clock.seen.load(Ordering::SeqCst)));
    sim.add_key(ApiKey {
        key: API_KEY.into(),
        credential: KeyCredential::hmac(SECRET.as_bytes()),
        restrictions: ApiRestrictions::TRADING_ONLY,
    });
    sim.set_balance("USDT", "100000");
    let server = Arc::new(sim.serve(&[]).unwrap());
    let client = BinanceClient::new(
        wrap(TlsTransport(server)),
        API_KEY,
        vault().signer("binance-hmac").unwrap(),
    )
    .with_clock(clock.clone());
    Rig { sim, client, clock }
}

fn rig() -> Rig {
    rig_with(|t| t)
}

fn btc() -> Symbol {
    Symbol::new("BTCUSDT").unwrap()
}

fn limit_buy(id: &str) -> Order {
    Order::limit(
        btc(),
        Side::Buy,
        "0.01".parse().unwrap(),
        "24000".parse().unwrap(),
    )
    .with_client_order_id(ClientOrderId::new(id).unwrap())
}

fn assert_unknown(err: &Error, id: &str) {
    match err {
        Error::OutcomeUnknown {
            client_order_id, ..
        } => assert_eq!(client_order_id, id),
        other => panic!("not OutcomeUnknown: {other:?}"),
    }
}

#[tokio::test(flavor = "current_thread", start_paused = true)]
async fn execution_status_unknown_is_reconciled_after_the_exchange_catches_up() {
    for code in [-1007, -1006] {
        let r = rig();
        r.sim.set_faults(Faults {
            hold_back_next: 1,
            hold_back_ms: 3_000,
            hold_back_code: Some(code),
            ..Faults::default()
        });
        let id = format!("held{}", -code);
        // The exchange answers "status unknown" at once, and fills the order later.
        let err = r
            .client
            .place_order(support::approve(limit_buy(&id)))
            .await
            .unwrap_err();
        assert_unknown(&err, &id);
        assert!(r.sim.orders().is_empty(), "held back, not on the book yet");
        // A reconcile that looked once would say "not found" and invite a re-send.
        match r.client.reconcile(&btc(), &id).await.unwrap() {
            Reconciled::Found(state) => assert_eq!(state.client_order_id, id),
            Reconciled::NotFound => panic!("{code}: the order was accepted late"),
        }
        assert_eq!(r.sim.orders().len(), 1, "never re-sent");
        assert!(r.clock.now_ms() >= T0 + 3_000);
    }
}

#[tokio::test(flavor = "current_thread", start_paused = true)]
async fn not_found_is_said_only_after_the_recv_window_has_passed() {
    let r = rig();
    r.sim.set_faults(Faults {
        fail_next: 1,
        ..Faults::default()
    });
    let err = r
        .client
        .place_order(support::approve(limit_buy("never-1")))
        .await
        .unwrap_err();
    assert_unknown(&err, "never-1");
    let before = r.sim.request_count();
    assert_eq!(
        r.client.reconcile(&btc(), "never-1").await.unwrap(),
        Reconciled::NotFound
    );
    // Signed at T0 with recvWindow 5,000 ms, accepted up to 1,000 ms ahead.
    assert!(r.clock.now_ms() >= T0 + 6_000, "{}", r.clock.now_ms() - T0);
    assert!(
        r.sim.request_count() - before >= 2,
        "asked again after the window"
    );
    assert!(r.sim.orders().is_empty());
}

#[tokio::test(flavor = "current_thread", start_paused = true)]
async fn unreadable_2xx_order_answer_is_outcome_unknown() {
    let r = rig();
    r.sim.set_faults(Faults {
        garble_after_accept: 1,
        ..Faults::default()
    });
    let err = r
        .client
        .place_order(support::approve(limit_buy("garbled-1")))
        .await
        .unwrap_err();
    assert_unknown(&err, "garbled-1");
    assert!(matches!(
        r.client.reconcile(&btc(), "garbled-1").await.unwrap(),
        Reconciled::Found(_)
    ));
}

#[tokio::test(flavor = "current_thread", start_paused = true)]
async fn an_endless_body_is_refused_past_the_cap() {
    let r = rig();
    let client = r.client.with_max_body_bytes(256);
    let err = client.exchange_info().await.unwrap_err();
    assert!(err.to_string().contains("over the limit"), "{err}");
    let err = client
        .place_order(support::approve(limit_buy("big-1")))
        .await
        .unwrap_err();
    assert_unknown(&err, "big-1");
    assert_eq!(
        r.sim.orders().len(),
        1,
        "accepted, answer too long, not re-sent"
    );
}

/// Forwards to the simulator, then fails the way an HTTP client does when
/// a body cannot be read: naming the URL (signed query included) and, as
/// a careless proxy might, the header it was sent.
struct EchoingTransport {
    inner: TlsTransport,
    seen: Arc<Mutex<Vec<String>>>,
}

impl Transport for EchoingTransport {
    async fn send(&self, req: &Request) -> Result<Response, TransportError> {
        self.seen.lock().unwrap().push(format!("{req:?}"));
        let resp = self.inner.send(req).await?;
        if req.path != "/api/v3/order" {
            return Ok(resp);
        }
        let key = req
            .headers
            .first()
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        let url = format!("https://api.binance.com{}?{}", req.path, req.query);
        Err(TransportError::NoResponse(format!(
            "error decoding response body for url ({url}); x-mbx-apikey: {key}"
        )))
    }
}

#[tokio::test(flavor = "current_thread", start_paused = true)]
async fn debug_output_and_error_text_leave_out_the_api_key_and_signed_query() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let seen2 = seen.clone();
    let r = rig_with(move |inner| EchoingTransport { inner, seen: seen2 });
    let shown = format!("{:?}", r.client);
    assert!(!shown.contains(API_KEY), "{shown}");
    let err = r
        .client
        .place_order(support::approve(limit_buy("echo-1")))
        .await
        .unwrap_err();
    assert_unknown(&err, "echo-1");
    let texts = [err.to_string(), format!("{err:?}")];
    let requests = seen.lock().unwrap().clone();
    assert!(!requests.is_empty());
    for text in texts.iter().chain(requests.iter()) {
        assert!(!text.contains(API_KEY), "API key in {text}");
        assert!(!text.contains("signature="), "signed query in {text}");
        assert!(!text.contains("timestamp="), "signed query in {text}");
    }
}
