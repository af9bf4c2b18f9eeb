//! The websocket side of the simulated Binance ([`SimBinance`]), over TLS
//! on loopback with a test CA: market streams and the WebSocket API's
//! user-data subscription.
//!
//! | Path                         | Serves                                                  |
//! |------------------------------|---------------------------------------------------------|
//! | `/stream?streams=a/b`        | combined market streams: `{"stream":..,"data":..}`      |
//! | `/ws/<stream>`               | one raw market stream                                   |
//! | `/ws-api/v3`                 | the WebSocket API: `userDataStream.subscribe.signature`, `ping`, `time` |
//!
//! Market streams (`<symbol>@bookTicker`, `@trade`, `@aggTrade`,
//! `@avgPrice`) carry what the test pushes ([`WsSim::book_ticker`],
//! [`WsSim::trade`], [`WsSim::avg_price`]) or what a price step makes
//! ([`WsSim::price`]: the REST simulator's price, which fills resting
//! orders, then a trade, an aggTrade and a bookTicker). User data is the
//! REST simulator's own orders and balances: a watcher turns each change
//! into an `executionReport` (one trade id per fill) and an
//! `outboundAccountPosition`; [`WsSim::balance_update`] pushes a
//! `balanceUpdate`. Events of a disconnected subscriber are lost, as on
//! Binance: a client reconciles over REST.
//!
//! Faults: a connection lifetime ([`WsConfig::lifetime`]; Binance cuts at
//! 24 h, tests use milliseconds), [`WsSim::drop_connections`], raw
//! (malformed) frames ([`WsSim::send_raw`]), silence (no frames, no pongs:
//! [`WsSim::set_silent`]) and skewed event times ([`WsSim::set_skew_ms`]).
//!
//! ```
//! use supreme_testkit::binance::SimBinance;
//! use supreme_testkit::tls::TestCa;
//! use supreme_testkit::ws_sim::{WsConfig, WsSim};
//!
//! let sim = SimBinance::with_sample();
//! let ca = TestCa::new()?;
//! let ws = WsSim::start(&sim, &ca, &["stream.binance.test"], WsConfig::default())?;
//! assert!(ws.market_url("btcusdt@bookTicker").starts_with("wss://127.0.0.1:"));
//! assert_eq!(ws.connections(), 0);
//! # Ok::<(), supreme_testkit::tls::TlsError>(())
//! ```

mod conn;
mod events;
mod watch;

use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, mpsc};
use std::thread::JoinHandle;
use std::time::Duration;

use crate::binance::SimBinance;
use crate::tls::{TestCa, TlsError};

/// How the websocket server behaves.
#[derive(Debug, Clone, Copy)]
pub struct WsConfig {
    /// A connection is closed this long after it opened (Binance: 24 h).
    pub lifetime: Duration,
    /// The server pings each connection this often (Binance: 20 s).
    pub ping_interval: Duration,
    /// How often the watcher looks for order and balance changes.
    pub watch_interval: Duration,
}

impl Default for WsConfig {
    fn default() -> Self {
        Self {
            lifetime: Duration::from_secs(24 * 3600),
            ping_interval: Duration::from_secs(20),
            watch_interval: Duration::from_millis(2),
        }
    }
}

/// Who a connection is and what it gets.
pub(crate) struct Subscriber {
    id: u64,
    /// Market streams it listens to (as named; matched ignoring case).
    streams: Vec<String>,
    /// Combined-stream wrapping (`/stream?streams=`).
    combined: bool,
    /// The user-data subscription id, once subscribed.
    user: Option<u64>,
    tx: mpsc::Sender<String>,
}

pub(crate) struct Shared {
    sim: SimBinance,
    config: WsConfig,
    subs: Mutex<Vec<Subscriber>>,
    next_id: AtomicU64,
    /// Bumped by [`WsSim::drop_connections`]: older connections end.
    generation: AtomicU64,
    silent: AtomicBool,
    skew_ms: AtomicI64,
    stop: AtomicBool,
    accepted: AtomicU64,
}

impl Shared {
    fn subs(&self) -> MutexGuard<'_, Vec<Subscriber>> {
        self.subs.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Event time: the simulator's clock plus the injected skew.
    pub(crate) fn event_ms(&self) -> u64 {
        self.sim
            .server_time()
            .saturating_add_signed(self.skew_ms.load(Ordering::Relaxed))
    }

    /// Sends `data` on `stream` to its subscribers.
    pub(crate) fn publish(&self, stream: &str, data: &str) {
        for s in self.subs().iter() {
            if let Some(name) = s.streams.iter().find(|n| n.eq_ignore_ascii_case(stream)) {
                let frame = if s.combined {
                    format!(r#"{{"stream":"{name}","data":{data}}}"#)
                } else {
                    data.to_string()
                };
                let _ = s.tx.send(frame);
            }
        }
    }

    /// Sends a user-data event to every user-data subscription.
    pub(crate) fn publish_user(&self, event: &str) {
        for s in self.subs().iter() {
            if let Some(id) = s.user {
                let _ =
                    s.tx.send(format!(r#"{{"subscriptionId":{id},"event":{event}}}"#));
            }
        }
    }
}

/// The websocket server. Stops when dropped.
pub struct WsSim {
    addr: SocketAddr,
    spki_pin: String,
    shared: Arc<Shared>,
    threads: Vec<JoinHandle<()>>,
}

impl std::fmt::Debug for WsSim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WsSim")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl WsSim {
    /// Serves `sim`'s streams on 127.0.0.1 with a leaf from `ca` for
    /// `localhost`, 127.0.0.1 and `names`.
    pub fn start(
        sim: &SimBinance,
        ca: &TestCa,
        names: &[&str],
        config: WsConfig,
    ) -> Result<Self, TlsError> {
        let mut all = vec!["localhost"];
        all.extend_from_slice(names);
        let leaf = ca.issue(&all)?;
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let tls = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()?
            .with_no_client_auth()
            .with_single_cert(leaf.chain, leaf.key)?;
        let tls = Arc::new(tls);
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            sim: sim.clone(),
            config,
            subs: Mutex::new(Vec::new()),
            next_id: AtomicU64::new(0),
            generation: AtomicU64::new(0),
            silent: AtomicBool::new(false),
            skew_ms: AtomicI64::new(0),
            stop: AtomicBool::new(false),
            accepted: AtomicU64::new(0),
        });
        let s = shared.clone();
        let accept = std::thread::Builder::new()
            .name("ws-sim".into())
            .spawn(move || {
                for stream in listener.incoming() {
                    if s.stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    let (s, tls) = (s.clone(), tls.clone());
                    let _ = std::thread::Builder::new()
                        .name("ws-sim-conn".into())
                        .spawn(move || conn::serve(stream, tls, &s));
                }
            })?;
        let s = shared.clone();
        let watcher = std::thread::Builder::new()
            .name("ws-sim-watch".into())
            .spawn(move || watch::run(&s))?;
        Ok(Self {
            addr,
            spki_pin: leaf.spki_pin,
            shared,
            threads: vec![accept, watcher],
        })
    }

    /// The listening address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The served leaf's SPKI pin (`sha256/...`).
    pub fn spki_pin(&self) -> &str {
        &self.spki_pin
    }

    /// `wss://127.0.0.1:PORT/stream?streams=<streams>` (names joined by `/`).
    pub fn market_url(&self, streams: &str) -> String {
        format!("wss://{}/stream?streams={streams}", self.addr)
    }

    /// `wss://127.0.0.1:PORT/ws-api/v3`.
    pub fn api_url(&self) -> String {
        format!("wss://{}/ws-api/v3", self.addr)
    }

    /// Open websocket connections right now.
    pub fn connections(&self) -> usize {
        self.shared.subs().len()
    }

    /// Connections accepted since the start (a reconnect counts again).
    pub fn accepted(&self) -> u64 {
        self.shared.accepted.load(Ordering::SeqCst)
    }

    /// Open user-data subscriptions right now.
    pub fn user_subscriptions(&self) -> usize {
        self.shared
            .subs()
            .iter()
            .filter(|s| s.user.is_some())
            .count()
    }

    /// Ends every open connection at once, without a close frame (a reset).
    pub fn drop_connections(&self) {
        self.shared.generation.fetch_add(1, Ordering::SeqCst);
    }

    /// Silent: no frames, no pongs, no reads, until set back.
    pub fn set_silent(&self, silent: bool) {
        self.shared.silent.store(silent, Ordering::SeqCst);
    }

    /// Event times are the simulator's clock plus `ms`.
    pub fn set_skew_ms(&self, ms: i64) {
        self.shared.skew_ms.store(ms, Ordering::SeqCst);
    }

    /// Sends `text` as is to every connection (a malformed frame, an
    /// unknown event).
    pub fn send_raw(&self, text: &str) {
        for s in self.shared.subs().iter() {
            let _ = s.tx.send(text.to_string());
        }
    }

    fn shared(&self) -> &Shared {
        &self.shared
    }
}

impl Drop for WsSim {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        self.shared.generation.fetch_add(1, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

#[cfg(test)]
mod tests;
