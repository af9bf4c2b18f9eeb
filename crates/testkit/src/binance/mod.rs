//! A simulated Binance spot exchange: the REST subset a bot uses, with
//! Binance's behaviour where a bot can get it wrong.
//!
//! - Signed requests: HMAC-SHA256 (hex) and Ed25519 (base64) signatures over
//!   query + body, `timestamp` and `recvWindow` (error -1021 outside it).
//! - Orders: symbol filters enforced with Binance's error codes (through
//!   `supreme-order-guard`), balances locked and moved, marketable orders
//!   filled at the scripted price, a duplicate open client order id refused.
//! - Limits: request weight per minute, orders per 10 s and per day, the
//!   `X-MBX-USED-WEIGHT-1M` and `X-MBX-ORDER-COUNT-*` headers, 429 with
//!   `Retry-After`, then a 418 ban.
//! - Faults: latency, 5xx, a dropped connection after an order was accepted
//!   (the "unknown outcome" case), an order answered -1007/-1006 and
//!   processed later, an unreadable 200 answer, clock skew.
//!
//! The core ([`SimBinance::handle`]) is transport-free; `server` serves it
//! over TLS on loopback.
//!
//! Simplifications, on purpose: an order fills completely at the current
//! price or not at all; stop orders fill when the price crosses their stop
//! (a *_LIMIT stop only if its limit is then marketable).

mod auth;
mod book;
mod errors;
mod http;
mod limits;
mod params;
mod place;
mod route_faults;
mod routes;
mod server;
mod unknown;
mod ws_auth;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub use auth::{ApiKey, ApiRestrictions, KeyCredential};
pub use book::{Balance, OrderStatus, SimOrder};
pub use http::{Delivery, SimRequest, SimResponse};
pub use limits::LimitConfig;
pub use route_faults::RouteFault;
pub use server::SimServer;
use supreme_order_guard::{ExchangeInfo, Price, SAMPLE_EXCHANGE_INFO, Symbol};

/// Injected faults.
#[derive(Debug, Clone, Copy, Default)]
pub struct Faults {
    /// Added before every answer.
    pub latency: Duration,
    /// The next this many requests get a 503 before any processing.
    pub fail_next: u32,
    /// The next this many accepted orders have their answer dropped.
    pub drop_after_accept: u32,
    /// Server clock offset from the real clock, ms (positive: ahead).
    pub clock_skew_ms: i64,
    /// The next this many orders are answered at once with an "execution
    /// status unknown" error and processed `hold_back_ms` later.
    pub hold_back_next: u32,
    /// How long a held-back order waits before the exchange processes it.
    pub hold_back_ms: u64,
    /// The code of that answer: -1007 (the default) or -1006.
    pub hold_back_code: Option<i32>,
    /// The next this many accepted orders are answered 200 with a body cut
    /// short (unreadable JSON).
    pub garble_after_accept: u32,
}

/// A clock returning Unix milliseconds.
pub type ClockFn = Arc<dyn Fn() -> u64 + Send + Sync>;

struct State {
    info: ExchangeInfo,
    info_json: String,
    book: book::Book,
    keys: HashMap<String, ApiKey>,
    counters: limits::Counters,
    limits: LimitConfig,
    faults: Faults,
    route_faults: route_faults::RouteFaults,
    requests: u64,
    held: Vec<unknown::Held>,
}

/// The simulated exchange. Cheap to clone; clones share state.
#[derive(Clone)]
pub struct SimBinance {
    state: Arc<Mutex<State>>,
    clock: ClockFn,
}

impl std::fmt::Debug for SimBinance {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimBinance").finish_non_exhaustive()
    }
}

fn system_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

impl SimBinance {
    /// A simulator serving `exchange_info` (a Binance exchangeInfo document).
    pub fn from_exchange_info(exchange_info: &str) -> Result<Self, supreme_order_guard::Error> {
        let info = ExchangeInfo::from_json(exchange_info)?;
        let state = State {
            info,
            info_json: exchange_info.to_string(),
            book: book::Book::default(),
            keys: HashMap::new(),
            counters: limits::Counters::default(),
            limits: LimitConfig::default(),
            faults: Faults::default(),
            route_faults: route_faults::RouteFaults::default(),
            requests: 0,
            held: Vec::new(),
        };
        Ok(Self {
            state: Arc::new(Mutex::new(state)),
            clock: Arc::new(system_ms),
        })
    }

    /// A simulator serving order-guard's shipped sample (BTCUSDT, ETHBTC, ...),
    /// with BTCUSDT at 25,000 and ETHBTC at 0.06.
    pub fn with_sample() -> Self {
        #[allow(clippy::expect_used)]
        let sim =
            Self::from_exchange_info(SAMPLE_EXCHANGE_INFO).expect("the shipped sample parses");
        sim.set_price("BTCUSDT", "25000");
        sim.set_price("ETHBTC", "0.06");
        sim
    }

    /// Uses `clock` (Unix ms) instead of the system clock.
    pub fn with_clock(mut self, clock: ClockFn) -> Self {
        self.clock = clock;
        self
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The server's time, Unix ms (the clock plus any injected skew).
    pub fn server_time(&self) -> u64 {
        let skew = self.lock().faults.clock_skew_ms;
        (self.clock)().saturating_add_signed(skew)
    }

    /// Accepts an API key.
    pub fn add_key(&self, key: ApiKey) {
        self.lock().keys.insert(key.key.clone(), key);
    }

    /// Sets a symbol's market price (`"25000.5"`) and fills resting orders
    /// it makes marketable. Panics on an invalid symbol or price (test setup).
    pub fn set_price(&self, symbol: &str, price: &str) {
        #[allow(clippy::unwrap_used)]
        let (symbol, price): (Symbol, Price) =
            (Symbol::new(symbol).unwrap(), price.parse().unwrap());
        let mut st = self.lock();
        st.book.prices.insert(symbol, price);
        routes::match_resting(&mut st, symbol);
    }

    /// Plays a scripted price path on `symbol`: each step sets the price and
    /// fills the resting orders it makes marketable or triggers.
    pub fn play_path(&self, symbol: &str, path: &[&str]) {
        for price in path {
            self.set_price(symbol, price);
        }
    }

    /// Sets an asset's free balance (`"1000"`). Panics on an invalid amount.
    pub fn set_balance(&self, asset: &str, free: &str) {
        #[allow(clippy::unwrap_used)]
        let units = free
            .parse::<supreme_order_guard::Quantity>()
            .unwrap()
            .units();
        self.lock().book.balance(asset).free = units;
    }

    /// An asset's balance.
    pub fn balance(&self, asset: &str) -> Balance {
        self.lock()
            .book
            .balances
            .get(asset)
            .copied()
            .unwrap_or_default()
    }

    /// Sets the rate limits.
    pub fn set_limits(&self, limits: LimitConfig) {
        self.lock().limits = limits;
    }

    /// Sets the injected faults.
    pub fn set_faults(&self, faults: Faults) {
        self.lock().faults = faults;
    }

    /// Adds a fault on one route (see [`RouteFault`]).
    pub fn fail_route(&self, fault: RouteFault) {
        self.lock().route_faults.add(fault);
    }

    /// Removes every route fault.
    pub fn clear_route_faults(&self) {
        self.lock().route_faults.clear();
    }

    /// Every order placed, in order.
    pub fn orders(&self) -> Vec<SimOrder> {
        self.lock().book.orders.clone()
    }

    /// Orders still open.
    pub fn open_orders(&self) -> Vec<SimOrder> {
        self.lock()
            .book
            .orders
            .iter()
            .filter(|o| o.is_open())
            .cloned()
            .collect()
    }

    /// Forgets every order that has ended (filled, cancelled, expired),
    /// keeping the open ones: a long run (a benchmark) keeps the book, which
    /// each new order scans, from growing. Returns how many were dropped.
    pub fn forget_ended_orders(&self) -> usize {
        let mut st = self.lock();
        let before = st.book.orders.len();
        st.book.orders.retain(SimOrder::is_open);
        before - st.book.orders.len()
    }

    /// Requests handled so far.
    pub fn request_count(&self) -> u64 {
        self.lock().requests
    }

    /// Answers one request.
    pub fn handle(&self, req: &SimRequest) -> SimResponse {
        let now = self.server_time();
        let mut st = self.lock();
        st.requests += 1;
        unknown::release_due(&mut st, now);
        let latency = st.faults.latency;
        let mut resp = if st.faults.fail_next > 0 {
            st.faults.fail_next -= 1;
            SimResponse::error(503, -1008, "Service Unavailable.")
        } else if let Some(fault) = st.route_faults.answer(req) {
            fault
        } else if let Some(unknown) = unknown::hold_back(&mut st, req, now) {
            unknown
        } else {
            routes::route(&mut st, req, now)
        };
        resp.delay = latency;
        resp
    }
}

#[cfg(test)]
mod tests;
